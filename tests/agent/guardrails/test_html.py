import pytest

from agent.guardrails.html import escape, sanitize_html

BASE = "https://erp.example.com"


def test_images_are_removed_entirely() -> None:
    out = sanitize_html('<p>Hi<img src="https://evil.example/x.png?d=secret">!</p>', BASE)
    assert out == "<p>Hi!</p>"


def test_links_inside_odoo_are_kept_with_rel_and_made_absolute() -> None:
    out = sanitize_html('<a href="/odoo/project/3">proj</a>', BASE)
    assert out == (
        '<a href="https://erp.example.com/odoo/project/3" rel="noopener noreferrer">proj</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "https://evil.example/?q=1",
        "//evil.example/a",
        "javascript:alert(1)",
        "https://erp.example.com.evil.example/",
        "https://user:pw@erp.example.com/",
        "http://erp.example.com/",  # scheme downgrade
        "data:text/html,hi",
    ],
)
def test_links_outside_odoo_become_plain_text(href: str) -> None:
    assert sanitize_html(f'<p><a href="{href}" title="t">click</a></p>', BASE) == "<p>click</p>"


def test_base_path_is_respected() -> None:
    base = "https://erp.example.com/odoo"
    kept = sanitize_html('<a href="https://erp.example.com/odoo/action-1">a</a>', base)
    assert 'href="https://erp.example.com/odoo/action-1"' in kept
    assert sanitize_html('<a href="https://erp.example.com/web/x">b</a>', base) == "b"


def test_scripts_styles_comments_and_event_handlers_are_removed() -> None:
    html = (
        '<div onclick="x()" style="background:url(https://evil.example)">ok</div>'
        "<script>alert(1)</script><style>p{}</style><!-- secret --><iframe src=x></iframe>"
    )
    assert sanitize_html(html, BASE) == "<div>ok</div>"


def test_only_allowlisted_bootstrap_classes_survive() -> None:
    html = '<span class="badge text-bg-danger evil-class">High</span><p class="x">t</p>'
    assert sanitize_html(html, BASE) == '<span class="badge text-bg-danger">High</span><p>t</p>'


def test_chatter_tags_are_kept() -> None:
    html = (
        "<h3>Risk</h3><table><thead><tr><th>k</th></tr></thead><tbody><tr><td>v</td></tr>"
        "</tbody></table><ul><li><strong>a</strong> <em>b</em> <code>c</code></li></ul>"
        "<small>s</small><br>"
    )
    assert sanitize_html(html, BASE) == html


def test_non_http_base_url_is_rejected() -> None:
    with pytest.raises(ValueError, match="Odoo base URL"):
        sanitize_html("<p>x</p>", "erp.example.com")


def test_escape_neutralises_markup_and_quotes() -> None:
    assert escape('<img src=x onerror="a">&') == "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;"
