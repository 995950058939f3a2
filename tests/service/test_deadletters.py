"""Retries with backoff, dead letters, replay, and the scopes guarding them."""

from __future__ import annotations

from service_test_support import TOKEN, Live, wait_for

from service.keys import KeyStore
from service.queue import make_engine


def keys_for(live: Live) -> dict[str, str]:
    store = KeyStore(make_engine(live.settings.queue_url))
    return {
        scope: store.create(f"key-{scope}", frozenset({scope}))[1]
        for scope in ("read", "admin", "publish")
    }


def send(live: Live, res_id: int) -> str:
    body = {"_model": "helpdesk.ticket", "_id": res_id, "_action": "create"}
    response = live.client.post("/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
    assert response.status_code == 202
    return str(response.json()["event_id"])


def dead_letters(live: Live, key: str) -> list[dict[str, object]]:
    response = live.client.get("/v1/deadletters", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    return list(response.json())


def test_transient_failures_are_retried_until_success(live: Live) -> None:
    send(live, 503)  # the handler fails twice, then succeeds
    assert wait_for(lambda: len(live.handler.calls()) == 1)
    assert live.handler.attempts(503) == 3
    assert dead_letters(live, keys_for(live)["read"]) == []


def test_permanent_failure_is_dead_lettered_at_once_and_replayable(live: Live) -> None:
    keys = keys_for(live)
    event_id = send(live, 404)
    assert wait_for(lambda: len(dead_letters(live, keys["read"])) == 1)
    [letter] = dead_letters(live, keys["read"])
    assert letter["event_id"] == event_id
    assert letter["error_type"] == "RecordNotFound"
    assert letter["attempts"] == 1
    assert letter["payload"] == {"_model": "helpdesk.ticket", "_id": 404, "_action": "create"}
    assert live.handler.attempts(404) == 1

    forbidden = live.client.post(
        f"/v1/deadletters/{letter['id']}/replay", headers={"X-API-Key": keys["read"]}
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "key 'key-read' lacks scope 'admin'"

    live.handler.plan.pop(404)  # the record exists now
    replay = live.client.post(
        f"/v1/deadletters/{letter['id']}/replay", headers={"X-API-Key": keys["admin"]}
    )
    assert replay.status_code == 202
    assert replay.json()["event_id"] != event_id
    assert wait_for(lambda: len(live.handler.calls()) == 1)
    assert dead_letters(live, keys["read"]) == []
    again = live.client.post(
        f"/v1/deadletters/{letter['id']}/replay", headers={"X-API-Key": keys["admin"]}
    )
    assert again.status_code == 409


def test_transient_failures_past_max_attempts_are_dead_lettered(live: Live) -> None:
    live.handler.plan[777] = "transient:99"
    send(live, 777)
    keys = keys_for(live)
    assert wait_for(lambda: len(dead_letters(live, keys["read"])) == 1)
    [letter] = dead_letters(live, keys["read"])
    assert letter["attempts"] == live.settings.job_max_attempts == 3
    assert letter["error_type"] == "TransientFailure"
    assert live.handler.attempts(777) == 3


def test_replay_of_unknown_dead_letter_is_404(live: Live) -> None:
    response = live.client.post(
        "/v1/deadletters/999/replay", headers={"X-API-Key": keys_for(live)["admin"]}
    )
    assert response.status_code == 404
