"""JSON log lines: request id end to end, and secrets redacted from every line."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import httpx
import pytest
from service_test_support import TOKEN, RecordingHandler, make_settings, serve_in_thread, wait_for

from service.logging import (
    JsonFormatter,
    RedactingFilter,
    current_request_id,
    log_context,
    redact_text,
)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('POST /v1/webhooks/odoo?token=abc123secret HTTP/1.1" 202', "abc123secret"),
        ("Authorization: Bearer sk-live-0123456789", "sk-live-0123456789"),
        ("login failed password=hunter2 for admin", "hunter2"),
        ("config {'odoo_api_key': 'k3y-value'}", "k3y-value"),
        ("using trg_ab12cd34_Zx9-secretpart for n8n", "Zx9-secretpart"),
        ('{"X-Triage-Signature": "t=1,v1=deadbeef"}', "deadbeef"),
    ],
)
def test_redaction_removes_secret_values(line: str, secret: str) -> None:
    redacted = redact_text(line)
    assert secret not in redacted
    assert "[REDACTED]" in redacted


def test_filter_redacts_arguments_and_extra_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("triage.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning(
        "calling %s", "http://odoo/x?token=tok-in-arg", extra={"password": "p4ss", "user": "ann"}
    )
    entry = json.loads(stream.getvalue())
    assert "tok-in-arg" not in stream.getvalue() and "p4ss" not in stream.getvalue()
    assert entry["password"] == "[REDACTED]" and entry["user"] == "ann"


def test_log_context_nests_and_restores() -> None:
    with log_context(request_id="outer"):
        with log_context(event_id="e1"):
            assert current_request_id() == "outer"
        assert current_request_id() == "outer"
    assert current_request_id() is None


def test_request_id_flows_from_header_to_worker_lines_and_token_never_logged(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    body = {"_model": "helpdesk.ticket", "_id": 4242, "_action": "create"}
    with serve_in_thread(make_settings(tmp_path), handler) as url:
        response = httpx.post(
            f"{url}/v1/webhooks/odoo",
            params={"token": TOKEN},
            json=body,
            headers={"X-Request-ID": "req-from-odoo-1"},
        )
        assert wait_for(lambda: len(handler.calls()) == 1)
    assert response.headers["x-request-id"] == "req-from-odoo-1"
    assert response.json()["request_id"] == "req-from-odoo-1"
    assert handler.calls()[0][2] == "req-from-odoo-1"
    err = capfd.readouterr().err
    assert TOKEN not in err
    entries = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    mine = [e for e in entries if e.get("request_id") == "req-from-odoo-1"]
    messages = {e["message"] for e in mine}
    assert "webhook enqueued" in messages and "job done" in messages
    done = next(e for e in mine if e["message"] == "job done")
    assert done["event_id"] == response.json()["event_id"]
    assert done["job"] == "triage_ticket" and done["res_id"] == 4242
    assert isinstance(done["duration_ms"], float)
    access = [e for e in entries if e["logger"] in ("triage.access", "uvicorn.access")]
    assert access and all(
        "[REDACTED]" in e["message"] or "token" not in e["message"] for e in access
    )
