"""The dashboard in a real headless chromium, on the demo firm's planted situations."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import odoorpc
import pytest
from dashboard_support import Dashboard
from playwright.sync_api import Browser, Page, expect, sync_playwright
from service_test_support import TOKEN, wait_for

from agent.schemas import Kind, Severity

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts"
DOCS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run .ci/browser.sh (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, dashboard: Dashboard) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=dashboard.url)
    page = context.new_page()
    yield page
    context.close()


def login(page: Page, dashboard: Dashboard) -> None:
    page.goto("/ui/portfolio")
    expect(page).to_have_url(f"{dashboard.url}/ui/login?next=/ui/portfolio")
    page.fill("#api_key", dashboard.api_key)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{dashboard.url}/ui/portfolio")


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    if os.environ.get("TRIAGE_UPDATE_SCREENSHOTS") == "1":  # refresh the README's pictures
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / f"{name}.png")


def planted_projects(dashboard: Dashboard) -> dict[int, tuple[str, Severity]]:
    """Project id -> (planted category, minimum severity) from the generator's labels."""
    out: dict[int, tuple[str, Severity]] = {}
    for s in dashboard.odoo.labels["situations"]:
        if s["model"] == "project.project":
            out.setdefault(int(s["id"]), (s["category"], Severity(s["min_severity"])))
    return out


def test_login_shows_the_heatmap_with_the_planted_risks(page: Page, dashboard: Dashboard) -> None:
    login(page, dashboard)
    names = {r.res_id: r.name for r in dashboard.scan.projects}
    planted = {pid: v for pid, v in planted_projects(dashboard).items() if pid in names}
    assert len(planted) >= 3, "the demo firm plants project risks"
    heatmap = page.locator("#heatmap")
    for pid, (category, min_severity) in planted.items():
        row = heatmap.locator(f"tr[data-project-id='{pid}']")
        expect(row).to_contain_text(names[pid])
        cell = row.locator(f"td[data-category='{category}']")
        severity = Severity(cell.get_attribute("data-severity") or "low")
        assert severity.rank >= min_severity.rank, (names[pid], category, severity)
    worst = heatmap.locator("td.cell.heat-critical, td.cell.heat-high")
    assert worst.count() >= len(planted)
    # sorted by worst severity first: the first row carries the portfolio's worst cell
    first = heatmap.locator("tbody tr").first
    assert first.locator("td.cell.heat-critical").count() >= 1
    shoot(page, "portfolio")
    # each cell links to the findings, and the project to its Odoo record
    pid = next(iter(planted))
    category = planted[pid][0]
    row = heatmap.locator(f"tr[data-project-id='{pid}']")
    assert f"/odoo/project.project/{pid}" in (row.locator("a.odoo").get_attribute("href") or "")
    row.locator(f"td[data-category='{category}'] a").click()
    expect(page.locator(f"#cat-{category}")).to_be_visible()
    shoot(page, "recommendation")


def test_sorting_by_name_orders_rows_alphabetically(page: Page, dashboard: Dashboard) -> None:
    login(page, dashboard)
    page.click("#heatmap th >> text=Project")
    expect(page).to_have_url(f"{dashboard.url}/ui/portfolio?sort=name&order=asc")
    shown = [t.strip() for t in page.locator("#heatmap td.name > a:first-child").all_inner_texts()]
    assert shown == sorted(shown, key=str.lower) and len(shown) == len(dashboard.scan.projects)


def test_approving_removes_it_from_the_queue_and_posts_the_followup_note(
    page: Page, dashboard: Dashboard
) -> None:
    login(page, dashboard)
    target = next(
        r
        for r in dashboard.ctx.ledger.list(kind=Kind.RISK_ASSESSMENT)
        if r.status.value == "proposed" and r.severity is not None
    )
    page.goto("/ui/approvals")
    row = page.locator(f"#rec-{target.id}")
    expect(row).to_be_visible()
    shoot(page, "approvals")
    comment = f"Agreed, call the client this week (browser test {target.id})"
    row.locator("input[name=comment]").fill(comment)
    row.locator("button[value=approve]").click()
    expect(page.locator(".flash.ok")).to_contain_text(f"#{target.id} approved")
    expect(page.locator(f"#rec-{target.id}")).to_have_count(0)
    assert dashboard.ctx.ledger.get(target.id or 0).status.value == "approved"
    odoo = odoorpc.ODOO("127.0.0.1", port=dashboard.odoo.port, timeout=30)
    odoo.login(dashboard.odoo.db, "admin", "admin")
    bodies = [
        m["body"]
        for m in odoo.env["mail.message"].search_read(
            [("model", "=", target.subject.model), ("res_id", "=", target.subject.id)], ["body"]
        )
    ]
    assert any("browser test" in str(b) and "approved" in str(b).lower() for b in bodies), bodies


def test_health_page_counts_webhooks_and_replays_a_dead_letter(
    page: Page, dashboard: Dashboard
) -> None:
    ticket = dashboard.scan.tickets[0].res_id
    hook = f"{dashboard.url}/v1/webhooks/odoo?token={TOKEN}"
    for res_id in (ticket, 987654):  # a real ticket, and one that does not exist
        body = {"_model": "helpdesk.ticket", "_id": res_id, "_action": "create", "id": res_id}
        assert httpx.post(hook, json=body, timeout=10).status_code == 202
    store = dashboard.app.state.services.store
    assert wait_for(lambda: len(store.list_dead_letters()) >= 1, timeout=30)
    login(page, dashboard)
    page.goto("/ui/health")
    received = page.locator("[data-metric=triage_webhook_events_received] .kpi-value")
    assert int(received.inner_text()) >= 2
    dead = page.locator("#dead-letters tbody tr").filter(has_text="987654")
    expect(dead).to_have_count(1)
    shoot(page, "health")
    dead.locator("button", has_text="Replay").click()
    expect(page.locator(".flash.ok")).to_contain_text("queued again")


def test_helpdesk_page_shows_tickets_by_sla_state(page: Page, dashboard: Dashboard) -> None:
    login(page, dashboard)
    page.goto("/ui/helpdesk")
    totals = [int(t) for t in page.locator(".kpi .kpi-value").all_inner_texts()[:3]]
    assert sum(totals) > 0
    expect(page.locator("#sla-matrix tbody tr").first).to_be_visible()
    shoot(page, "helpdesk")
