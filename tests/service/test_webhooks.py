"""The webhook endpoint over a real socket: auth, validation, dedupe, exactly-once."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from service_test_support import (
    FIXTURES,
    TOKEN,
    Live,
    RecordingHandler,
    fixture_body,
    make_settings,
    serve_in_thread,
    wait_for,
)

from service.intake import Route, sign

HOOK = "/v1/webhooks/odoo"
TICKET = {"_action": "create", "_id": 7, "_model": "helpdesk.ticket", "name": "Printer down"}


def post(live: Live, body: bytes | dict[str, object], **kwargs: object) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    params = kwargs.pop("params", {"token": TOKEN})
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return live.client.post(HOOK, content=content, params=params, headers=headers)  # type: ignore[arg-type]


def test_missing_token_is_refused_with_a_hint(live: Live) -> None:
    response = post(live, TICKET, params={})
    assert response.status_code == 401
    assert "?token=" in response.json()["detail"]
    assert live.handler.calls() == []


def test_wrong_token_is_refused(live: Live) -> None:
    response = post(live, TICKET, params={"token": "not-the-token"})
    assert response.status_code == 401
    assert "does not match" in response.json()["detail"]


def test_token_in_header_is_accepted(live: Live) -> None:
    response = post(live, TICKET, params={}, headers={"X-Triage-Token": TOKEN})
    assert response.status_code == 202


def test_bad_and_stale_signatures_are_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, webhook_hmac_secret="hmac-secret-for-tests-123")
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    body = json.dumps(TICKET).encode()
    with serve_in_thread(settings, handler) as url, httpx.Client(base_url=url) as client:

        def send(signature: str) -> httpx.Response:
            return client.post(
                HOOK,
                content=body,
                headers={"X-Triage-Signature": signature, "Content-Type": "application/json"},
            )

        good = send(sign("hmac-secret-for-tests-123", body))
        wrong_secret = send(sign("another-secret", body))
        stale = send(sign("hmac-secret-for-tests-123", body, int(time.time()) - 301))
        garbage = send("v1=abc")
    assert good.status_code == 202
    assert wrong_secret.status_code == 401 and "does not match" in wrong_secret.json()["detail"]
    assert stale.status_code == 401 and "300 s" in stale.json()["detail"]
    assert garbage.status_code == 401 and "t=<unix seconds>" in garbage.json()["detail"]


def test_invalid_payload_names_the_field(live: Live) -> None:
    response = post(live, {"_model": "helpdesk.ticket", "_id": "twelve", "_action": "create"})
    assert response.status_code == 422
    body = response.json()
    assert "_id" in body["detail"]
    assert body["errors"][0]["field"] == "_id"


def test_missing_model_and_non_json_are_422(live: Live) -> None:
    missing = post(live, {"_id": 3})
    assert missing.status_code == 422 and "_model" in missing.json()["detail"]
    not_json = post(live, b"{not json")
    assert not_json.status_code == 422 and "not valid JSON" in not_json.json()["detail"]


def test_unknown_model_lists_accepted_models(live: Live) -> None:
    response = post(live, {"_model": "res.partner", "_id": 1, "_action": "write"})
    assert response.status_code == 422
    assert "helpdesk.ticket" in response.json()["detail"]
    assert "res.partner" in response.json()["detail"]


def test_recorded_odoo_webhooks_are_accepted_and_processed(live: Live) -> None:
    names = sorted(p.name for p in FIXTURES.glob("webhook_*.json"))
    answers = [post(live, fixture_body(name)) for name in names]
    assert {a.status_code for a in answers} == {202}
    assert all(a.json()["job"] == "triage_ticket" for a in answers)
    # 01-09: one creation storm; 10-11: one write; 12-13: rule B creation; 14: rule B write.
    distinct = {fixture_body(n) for n in names}
    assert wait_for(lambda: len(live.handler.calls()) == len(distinct))
    time.sleep(0.3)
    assert len(live.handler.calls()) == len(distinct) == 4


def test_odoo_nine_post_storm_runs_the_job_exactly_once(live: Live) -> None:
    body = fixture_body("webhook_01_received.json")
    with ThreadPoolExecutor(9) as pool:
        answers = list(pool.map(lambda _: post(live, body), range(9)))
    assert [a.status_code for a in answers] == [202] * 9
    assert sorted(a.json()["duplicate"] for a in answers) == [False] + [True] * 8
    assert len({a.json()["event_id"] for a in answers}) == 1
    assert wait_for(lambda: len(live.handler.calls()) >= 1)
    time.sleep(0.5)
    calls = live.handler.calls()
    assert len(calls) == 1
    assert calls[0][:2] == ("triage_ticket", 12)
    first = next(a for a in answers if not a.json()["duplicate"])
    assert calls[0][2] == first.json()["request_id"] == first.headers["x-request-id"]


def test_same_event_after_the_window_runs_again(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, dedupe_window_s=0.3)
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    with serve_in_thread(settings, handler) as url, httpx.Client(base_url=url) as client:
        first = client.post(HOOK, params={"token": TOKEN}, json=TICKET)
        time.sleep(0.5)
        second = client.post(HOOK, params={"token": TOKEN}, json=TICKET)
        assert wait_for(lambda: len(handler.calls()) == 2)
    assert not first.json()["duplicate"] and not second.json()["duplicate"]


def test_idempotency_key_dedupes_different_bodies(live: Live) -> None:
    first = post(live, TICKET, headers={"Idempotency-Key": "n8n-run-42"})
    changed = post(live, {**TICKET, "name": "changed"}, headers={"Idempotency-Key": "n8n-run-42"})
    assert first.json()["duplicate"] is False
    assert changed.json()["duplicate"] is True
    assert changed.json()["event_id"] == first.json()["event_id"]


def test_two_hundred_concurrent_distinct_events_each_run_once(live: Live) -> None:
    bodies = [{**TICKET, "_id": i, "id": i} for i in range(1000, 1200)]
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda b: post(live, b), bodies))
    assert {a.status_code for a in answers} == {202}
    assert not any(a.json()["duplicate"] for a in answers)
    assert wait_for(lambda: len(live.handler.calls()) >= 200, timeout=30)
    time.sleep(0.3)
    res_ids = [c[1] for c in live.handler.calls()]
    assert sorted(res_ids) == list(range(1000, 1200))


def test_debounce_runs_only_the_newest_event_for_a_record(tmp_path: Path) -> None:
    routes = (Route("project.task", ("write",), "assess_risks_for_task", 0.4),)
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    with (
        serve_in_thread(make_settings(tmp_path), handler, routes) as url,
        httpx.Client(base_url=url) as client,
    ):
        answers = [
            client.post(
                HOOK,
                params={"token": TOKEN},
                json={"_model": "project.task", "_id": 5, "_action": "write", "stage_id": stage},
            )
            for stage in (1, 2, 3)
        ]
        other = client.post(
            HOOK,
            params={"token": TOKEN},
            json={"_model": "project.task", "_id": 6, "_action": "write", "stage_id": 1},
        )
        assert other.status_code == 202
        assert wait_for(lambda: len(handler.calls()) >= 2)
        time.sleep(0.6)
    assert [a.json()["duplicate"] for a in answers] == [False, False, False]
    assert sorted(c[1] for c in handler.calls()) == [5, 6]
    assert {c[0] for c in handler.calls()} == {"assess_risks_for_task"}


def test_webhook_accepts_an_api_key_with_webhook_scope(live: Live, tmp_path: Path) -> None:
    from service.keys import KeyStore
    from service.queue import make_engine

    store = KeyStore(make_engine(live.settings.queue_url))
    _, hook_key = store.create("n8n-hook", frozenset({"webhook"}))
    _, read_key = store.create("reader", frozenset({"read"}))
    ok = post(live, TICKET, params={}, headers={"Authorization": f"Bearer {hook_key}"})
    refused = post(live, TICKET, params={}, headers={"X-API-Key": read_key})
    assert ok.status_code == 202
    assert refused.status_code == 401 and "lacks scope 'webhook'" in refused.json()["detail"]
