"""Liveness, readiness (naming what is down) and the Prometheus exposition."""

from __future__ import annotations

from pathlib import Path

import httpx
from service_test_support import (
    TOKEN,
    Live,
    RecordingHandler,
    make_settings,
    serve_in_thread,
    wait_for,
)


def test_healthz_answers_ok(live: Live) -> None:
    assert live.client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_odoo_when_it_is_down(tmp_path: Path) -> None:
    # Nothing listens on port 9 of loopback: Odoo is unreachable, the queue DB is fine.
    settings = make_settings(tmp_path, odoo_url="http://127.0.0.1:9", odoo_password="pw-for-test")
    with serve_in_thread(settings, RecordingHandler(tmp_path / "c.sqlite3")) as url:
        response = httpx.get(f"{url}/readyz", timeout=20)
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["odoo"]
    assert body["checks"]["queue_db"] == "ok"


def test_readyz_says_how_to_fix_a_missing_odoo_url(live: Live) -> None:
    response = live.client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["queue_db"] == "ok"
    assert "ODOO_URL" in body["checks"]["odoo"]


def test_metrics_count_webhooks_jobs_and_http(live: Live) -> None:
    def value(text: str, prefix: str) -> float:
        lines = [ln for ln in text.splitlines() if ln.startswith(prefix)]
        return sum(float(ln.rsplit(" ", 1)[1]) for ln in lines)

    before = live.client.get("/metrics").text
    body = {"_model": "helpdesk.ticket", "_id": 31337, "_action": "create"}
    live.client.post("/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
    live.client.post("/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
    assert wait_for(lambda: len(live.handler.calls()) == 1)
    after = live.client.get("/metrics").text
    for name, delta in (
        ("triage_webhook_events_received_total", 2),
        ("triage_webhook_events_deduplicated_total", 1),
        ("triage_webhook_events_enqueued_total", 1),
        ("triage_jobs_processed_total", 1),
    ):
        assert value(after, name) - value(before, name) == delta, name
    assert 'route="/v1/webhooks/odoo",status="202"' in after
    assert "triage_queue_depth" in after
    assert "triage_job_duration_seconds_bucket" in after
    assert "triage_llm_fallbacks" in after and "triage_grounding_rejections" in after
