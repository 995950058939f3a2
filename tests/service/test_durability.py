"""An acknowledged event survives `kill -9` of the server before any worker ran it."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from service_test_support import TOKEN, RecordingHandler, serve_in_subprocess, wait_for

pytestmark = pytest.mark.integration


def wait_ready(base_url: str) -> None:
    def up() -> bool:
        try:
            return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    assert wait_for(up, timeout=20), "server subprocess did not start"


def test_acknowledged_event_survives_kill_9_and_runs_after_restart(tmp_path: Path) -> None:
    calls_db = tmp_path / "calls.sqlite3"
    recorder = RecordingHandler(calls_db)
    env = {
        "TRIAGE_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "TRIAGE_WEBHOOK_TOKEN": TOKEN,
        "TRIAGE_WORKER": "off",
    }
    body = {"_model": "helpdesk.ticket", "_id": 99, "_action": "create", "name": "Crash test"}
    with serve_in_subprocess(env, calls_db) as (proc, url):
        wait_ready(url)
        answer = httpx.post(f"{url}/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
        assert answer.status_code == 202
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    assert recorder.calls() == []

    with serve_in_subprocess({**env, "TRIAGE_WORKER": "inline"}, calls_db) as (_proc, url):
        wait_ready(url)
        assert wait_for(lambda: len(recorder.calls()) == 1, timeout=20)
        again = httpx.post(f"{url}/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
    assert recorder.calls()[0][:2] == ("triage_ticket", 99)
    assert recorder.calls()[0][2] == answer.json()["request_id"]
    # The dedupe key survived the crash too: the same event is still a duplicate.
    assert again.json() == {
        **answer.json(),
        "duplicate": True,
        "request_id": again.json()["request_id"],
    }
