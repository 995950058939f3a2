"""API keys: hashed storage, scopes (401/403 messages), revocation, rate limit (429)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from service_test_support import Live, RecordingHandler, make_settings, serve_in_thread
from sqlalchemy import select

from service.keys import KeyError_, KeyStore, api_keys, parse_scopes
from service.queue import make_engine


def test_key_is_stored_hashed_and_verifies(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    store = KeyStore(engine)
    _record, plain = store.create("n8n", frozenset({"read", "publish"}))
    with engine.connect() as conn:
        stored = conn.execute(select(api_keys.c.hash)).scalar_one()
    assert plain not in stored and stored == hashlib.sha256(plain.encode()).hexdigest()
    verified = store.verify(plain)
    assert verified is not None and verified.name == "n8n" and verified.allows("publish")
    assert not verified.allows("admin")
    assert store.verify(plain[:-1] + ("A" if plain[-1] != "A" else "B")) is None
    assert store.verify("not-a-key") is None
    store.revoke("n8n")
    assert store.verify(plain) is None
    assert [k.revoked_at is not None for k in store.list()] == [True]


def test_unknown_scope_and_duplicate_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyError_, match="choose from read, publish, admin, webhook"):
        parse_scopes("read,root")
    store = KeyStore(make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}"))
    store.create("ci", frozenset({"read"}))
    with pytest.raises(KeyError_, match="exists"):
        store.create("ci", frozenset({"read"}))


def test_missing_and_invalid_keys_get_401_with_a_hint(live: Live) -> None:
    missing = live.client.get("/v1/deadletters")
    invalid = live.client.get("/v1/deadletters", headers={"Authorization": "Bearer trg_x_y"})
    assert missing.status_code == invalid.status_code == 401
    assert "send Authorization: Bearer <key> or X-API-Key" in missing.json()["detail"]
    assert invalid.json()["detail"].startswith("invalid or revoked API key")
    assert missing.headers["www-authenticate"] == "Bearer"


def test_admin_scope_implies_read(live: Live) -> None:
    store = KeyStore(make_engine(live.settings.queue_url))
    _, admin = store.create("ops", frozenset({"admin"}))
    assert live.client.get("/v1/deadletters", headers={"X-API-Key": admin}).status_code == 200


def test_rate_limit_answers_429_with_retry_after_per_key(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, rate_limit="3/minute")
    with serve_in_thread(settings, RecordingHandler(tmp_path / "c.sqlite3")) as url:
        store = KeyStore(make_engine(settings.queue_url))
        _, first = store.create("busy", frozenset({"read"}))
        _, second = store.create("calm", frozenset({"read"}))
        with httpx.Client(base_url=url) as client:
            codes = [
                client.get("/v1/deadletters", headers={"X-API-Key": first}).status_code
                for _ in range(4)
            ]
            limited = client.get("/v1/deadletters", headers={"X-API-Key": first})
            other = client.get("/v1/deadletters", headers={"X-API-Key": second})
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "busy" in limited.json()["detail"]
    assert other.status_code == 200
