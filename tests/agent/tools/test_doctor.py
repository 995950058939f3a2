"""`triage doctor` against the demo Odoo: the right verdicts, exit codes and JSON."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from agent.config import Settings
from agent.tools.doctor import DoctorReport, render_text, run_doctor
from demo_odoo.runner import DemoOdoo
from service.cli import app

pytestmark = pytest.mark.integration


def _settings(odoo: DemoOdoo, login: str, secret: str, transport: str = "jsonrpc") -> Settings:
    return Settings(
        ODOO_URL=odoo.url,
        ODOO_DB=odoo.db,
        ODOO_LOGIN=login,
        ODOO_PASSWORD=secret,
        ODOO_API_KEY=None,
        ODOO_TRANSPORT=transport,
        TRIAGE_ODOO_RETRIES=0,
    )


def _status(report: DoctorReport, name: str) -> str:
    return next(c.status for c in report.checks if c.name == name)


def test_least_privilege_user_passes_with_no_write_warnings(demo_odoo: DemoOdoo) -> None:
    report = run_doctor(_settings(demo_odoo, "triage", "triage"))
    assert report.ok, render_text(report)
    assert report.server_version and report.server_version.startswith("18.0")
    assert _status(report, "app: Helpdesk") == "ok"
    assert _status(report, "create review activities") == "ok"
    assert _status(report, "no write on project.task") == "ok"


def test_admin_is_warned_to_use_a_least_privilege_user(demo_odoo: DemoOdoo) -> None:
    report = run_doctor(_settings(demo_odoo, "admin", "admin"))
    assert report.ok
    warning = next(c for c in report.checks if c.name == "no write on project.task")
    assert warning.status == "warn" and "least-privilege" in warning.hint


def test_user_without_app_rights_gets_actionable_warnings(demo_odoo: DemoOdoo) -> None:
    report = run_doctor(_settings(demo_odoo, "noaccess", "noaccess"))
    timesheets = next(c for c in report.checks if c.name == "read account.analytic.line")
    assert timesheets.status == "warn" and "read group" in timesheets.hint
    assert _status(report, "no write on project.task") == "warn"  # the ACL says yes, as recorded


def test_wrong_password_fails_the_login_check_only_after_connecting(demo_odoo: DemoOdoo) -> None:
    report = run_doctor(_settings(demo_odoo, "triage", "nope"))
    assert not report.ok
    assert _status(report, "connection") == "ok"
    assert _status(report, "login") == "fail"


def test_jsonrpc_on_19_suggests_json2_and_json2_passes() -> None:
    with DemoOdoo(version="19.0") as odoo:
        legacy = run_doctor(_settings(odoo, "triage", "triage"))
        assert _status(legacy, "transport") == "warn"
        modern = run_doctor(_settings(odoo, "triage", odoo.api_key, transport="json2"))
        assert modern.ok and _status(modern, "transport") == "ok"


def test_cli_exit_codes_and_json(demo_odoo: DemoOdoo, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent import config

    runner = CliRunner()
    for key, value in {
        "ODOO_URL": demo_odoo.url,
        "ODOO_DB": demo_odoo.db,
        "ODOO_LOGIN": "triage",
        "ODOO_PASSWORD": "triage",
        "ODOO_TRANSPORT": "jsonrpc",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ODOO_API_KEY", raising=False)
    config.get_settings.cache_clear()
    ok = runner.invoke(app, ["doctor", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["ok"] is True

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ODOO_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TRIAGE_ODOO_RETRIES", "0")
    config.get_settings.cache_clear()
    down = runner.invoke(app, ["doctor"])
    config.get_settings.cache_clear()
    assert down.exit_code == 1
    assert "Check ODOO_URL" in down.output
