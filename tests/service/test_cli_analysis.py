"""`triage summarize/risks/escalate/ticket/scan/reconcile` against the demo Odoo over HTTP.

Configured the way a user configures it: ODOO_* and TRIAGE_* environment variables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import odoorpc
import pytest
from typer.testing import CliRunner

from agent import pipeline
from agent.config import get_settings
from agent.ledger import Ledger
from demo_odoo.runner import DemoOdoo
from service.cli import app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def odoo() -> Iterator[DemoOdoo]:
    with DemoOdoo(version="18.0") as server:
        yield server


@pytest.fixture(scope="module")
def admin(odoo: DemoOdoo) -> Any:
    client = odoorpc.ODOO("127.0.0.1", port=odoo.port, timeout=30)
    client.login(odoo.db, "admin", "admin")
    return client


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def triage(
    odoo: DemoOdoo, ledger_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    env = {
        "ODOO_URL": odoo.url,
        "ODOO_DB": odoo.db,
        "ODOO_LOGIN": "triage",
        "ODOO_PASSWORD": "triage",
        "TRIAGE_LEDGER_URL": f"sqlite:///{ledger_path}",
        "TRIAGE_CHROMA_PATH": str(tmp_path / "no-index"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    pipeline.set_default_context(None)
    yield CliRunner()
    pipeline.set_default_context(None)
    get_settings.cache_clear()


def run_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _messages(admin: Any, model: str, res_id: int) -> int:
    domain = [("model", "=", model), ("res_id", "=", res_id)]
    return int(admin.env["mail.message"].search_count(domain))


def _first(admin: Any, model: str, domain: list[Any]) -> int:
    ids: list[int] = admin.env[model].search(domain, limit=1, order="id")
    assert ids, f"the demo firm has no {model} matching {domain}"
    return ids[0]


def test_summarize_project_and_task_print_json_results(triage: CliRunner, admin: Any) -> None:
    pid = _first(admin, "project.project", [])
    tid = _first(admin, "project.task", [("project_id", "=", pid)])

    project = run_json(triage, "summarize", "--project", str(pid))
    task = run_json(triage, "summarize", "--task", str(tid))

    assert project["job"] == "summarize_project" and project["status"] == "not_published"
    out = project["recommendation"]["output"]
    assert out["kind"] == "status_summary" and out["subject"]["id"] == pid
    assert out["rag"] in {"green", "amber", "red"} and out["headline"]
    assert task["job"] == "summarize_task"
    subject = task["recommendation"]["output"]["subject"]
    assert (subject["model"], subject["id"]) == ("project.task", tid)


def test_summarize_needs_exactly_one_target(triage: CliRunner) -> None:
    result = triage.invoke(app, ["summarize"])
    assert result.exit_code == 2
    assert "exactly one of --project ID or --task ID" in result.output


def test_risks_and_escalate_json(triage: CliRunner, admin: Any) -> None:
    pid = _first(admin, "project.project", [])
    risks = run_json(triage, "risks", "--project", str(pid))
    draft = run_json(triage, "escalate", "--project", str(pid))
    assert risks["recommendation"]["kind"] == "risk_assessment"
    assert all(
        f["severity"] and f["category"] for f in risks["recommendation"]["output"]["findings"]
    )
    assert draft["recommendation"]["kind"] == "escalation"
    assert draft["recommendation"]["output"]["subject_line"]


def test_ticket_publish_posts_once_and_dry_run_posts_nothing(
    triage: CliRunner, admin: Any, ledger_path: Path
) -> None:
    ticket = _first(admin, "helpdesk.ticket", [])
    before = _messages(admin, "helpdesk.ticket", ticket)

    dry = triage.invoke(app, ["ticket", str(ticket), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry_run" in dry.stdout and "AI recommendation - pending review" in dry.stdout
    assert _messages(admin, "helpdesk.ticket", ticket) == before

    posted = run_json(triage, "ticket", str(ticket), "--publish")
    again = run_json(triage, "ticket", str(ticket), "--publish")

    assert posted["status"] == "posted" and again["status"] == "unchanged"
    assert posted["recommendation"]["output"]["kind"] == "ticket_triage"
    assert _messages(admin, "helpdesk.ticket", ticket) == before + 1
    assert [r.id for r in Ledger(f"sqlite:///{ledger_path}").list()] == [
        posted["recommendation"]["id"]
    ]


def test_scan_json_lists_every_active_project_and_open_ticket(
    triage: CliRunner, admin: Any
) -> None:
    scan = run_json(triage, "scan")
    projects = admin.env["project.project"].search([("active", "=", True)])
    assert sorted(r["res_id"] for r in scan["projects"]) == sorted(projects)
    assert scan["tickets"] and scan["errors"] == []
    assert {r["status"] for r in scan["projects"] + scan["tickets"]} == {"not_published"}
    assert all(r["rag"] in {"green", "amber", "red"} for r in scan["projects"])


def test_scan_table_without_json(triage: CliRunner) -> None:
    result = triage.invoke(app, ["scan", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Portfolio scan" in result.stdout and "Open tickets" in result.stdout
    assert "dry_run" in result.stdout


def test_reconcile_json_reports_a_cancelled_review(
    triage: CliRunner, admin: Any, ledger_path: Path
) -> None:
    pid = _first(admin, "project.project", [])
    posted = run_json(triage, "summarize", "--project", str(pid), "--publish")
    activity = posted["recommendation"]["activity_id"]
    assert activity, "a published recommendation gets a review activity"
    admin.env["mail.activity"].browse(activity).unlink()

    report = run_json(triage, "reconcile")

    assert report["rejected"] == [posted["recommendation"]["id"]]
    ledger = Ledger(f"sqlite:///{ledger_path}")
    assert ledger.get(posted["recommendation"]["id"]).status.value == "rejected"


def test_llm_analyst_without_endpoint_names_the_missing_settings_and_still_answers(
    triage: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in (
        "TRIAGE_LLM_BASE_URL",
        "TRIAGE_LLM_API_KEY",
        "OPENAI_API_KEY",
        "AZURE_OPENAI_ENDPOINT",
    ):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    data = run_json(triage, "risks", "--project", "1", "--analyst", "llm")
    assert data["analyst"] == "offline"
    reason = data["fallback_reason"]
    assert "TRIAGE_LLM_BASE_URL" in reason and "TRIAGE_LLM_API_KEY" in reason
    assert data["recommendation"]["provenance"]["fallback_reason"] == reason
    assert data["recommendation"]["output"]["kind"] == "risk_assessment"
