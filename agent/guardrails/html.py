"""Sanitising the HTML we post to Odoo chatter (OWASP LLM05: improper output handling).

Model-written text is rendered into chatter notes, so anything it emits must be
unable to exfiltrate data or run script in a reviewer's browser:
- no `img` (a remote image URL with data in its query string is the classic
  exfiltration channel) and no `style` attribute (CSS `url()` is another one);
- links only to URLs under the Odoo base URL; any other link becomes plain text;
- presentation only through a short list of Bootstrap classes Odoo's chatter knows.
"""

from __future__ import annotations

import html as _html
import re
from typing import Final
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "table", "thead", "tbody",
        "tr", "th", "td", "span", "div", "a", "h3", "h4", "small", "code",
    }
)  # fmt: skip
_BADGES: Final = frozenset(
    {"badge", "rounded-pill"}
    | {f"text-bg-{c}" for c in ("danger", "warning", "success", "info", "secondary", "primary")}
)
_TEXT: Final = frozenset(
    {"text-muted", "text-danger", "text-warning", "text-success", "fw-bold", "small"}
)
ALLOWED_CLASSES: Final[dict[str, set[str]]] = {
    "span": set(_BADGES | _TEXT),
    "div": set(_TEXT | {"alert", "alert-warning", "alert-danger", "alert-info"}),
    "p": set(_TEXT),
    "small": set(_TEXT),
    "table": {"table", "table-sm", "table-bordered", "o_table"},
    "td": set(_TEXT),
    "th": set(_TEXT),
}
_UNLINKED_A: Final = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)


def escape(text: str) -> str:
    """Escape a plain string for inclusion in HTML (text or attribute value)."""
    return _html.escape(text, quote=True)


def _under(url: str, base: str) -> str | None:
    """The absolute form of `url` if it lies under `base`, else None."""
    absolute = urljoin(base, url.strip())
    target, root = urlsplit(absolute), urlsplit(base)
    if (target.scheme, target.netloc.lower()) != (root.scheme, root.netloc.lower()):
        return None
    if target.username or target.password:
        return None
    root_path = root.path.rstrip("/") + "/"
    if not (target.path + "/").startswith(root_path):
        return None
    return absolute


def sanitize_html(html: str, allowed_base_url: str) -> str:
    """Keep the chatter tag set, drop images and styles, keep only in-Odoo links."""
    if not urlsplit(allowed_base_url).scheme.startswith("http"):
        raise ValueError(
            f"allowed_base_url must be an http(s) URL, got {allowed_base_url!r}: "
            "pass the Odoo base URL (settings.odoo_url or the demo URL)"
        )

    def keep_attribute(tag: str, attr: str, value: str) -> str | None:
        if tag == "a" and attr == "href":
            return _under(value, allowed_base_url)
        return value

    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "img", "svg", "math", "template", "iframe"},
        attributes={"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan", "scope"}},
        attribute_filter=keep_attribute,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # Links whose href was refused are left as bare <a>: turn them into their text.
    # ... and drop the empty class attributes left when no class was allowed.
    return _UNLINKED_A.sub(r"\1", cleaned).replace(' class=""', "")
