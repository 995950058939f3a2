"""The multi-replica backend: huey's PostgresHuey + intake tables in one PostgreSQL.

Needs the server `.ci/services.sh` starts (TRIAGE_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:54329/triage_test). Skipped only outside CI when no
server answers; under CI=true a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg
import pytest
from service_test_support import (
    TOKEN,
    RecordingHandler,
    fixture_body,
    make_settings,
    serve_in_thread,
    wait_for,
)

pytestmark = pytest.mark.integration

ADMIN_URL = os.environ.get(
    "TRIAGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:54329/triage_test"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database per test on the CI PostgreSQL server, dropped afterwards."""
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise RuntimeError(
                f"PostgreSQL not reachable at {ADMIN_URL} under CI: run .ci/services.sh first"
            ) from exc
        pytest.skip(f"PostgreSQL not running at {ADMIN_URL}: start it with .ci/services.sh")
    name = f"triage_t_{uuid.uuid4().hex[:10]}"
    admin.execute(f'create database "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'drop database "{name}" with (force)')
        admin.close()


def test_two_replicas_share_queue_dedupe_and_run_each_event_once(
    pg_url: str, tmp_path: Path
) -> None:
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    settings = make_settings(tmp_path, queue_url=pg_url)
    with ExitStack() as stack:
        urls = [stack.enter_context(serve_in_thread(settings, handler)) for _ in range(2)]
        clients = [stack.enter_context(httpx.Client(base_url=u, timeout=10)) for u in urls]

        storm = fixture_body("webhook_01_received.json")
        with ThreadPoolExecutor(9) as pool:
            storm_answers = list(
                pool.map(
                    lambda i: clients[i % 2].post(
                        "/v1/webhooks/odoo",
                        params={"token": TOKEN},
                        content=storm,
                        headers={"Content-Type": "application/json"},
                    ),
                    range(9),
                )
            )
        bodies = [
            {"_model": "helpdesk.ticket", "_id": i, "_action": "create"} for i in range(1, 61)
        ]
        with ThreadPoolExecutor(16) as pool:
            answers = list(
                pool.map(
                    lambda ib: clients[ib[0] % 2].post(
                        "/v1/webhooks/odoo", params={"token": TOKEN}, json=ib[1]
                    ),
                    enumerate(bodies),
                )
            )
        assert wait_for(lambda: len(handler.calls()) >= 61, timeout=30)
        wait_for(lambda: False, timeout=0.5)
    assert sorted(a.json()["duplicate"] for a in storm_answers) == [False] + [True] * 8
    assert {a.status_code for a in answers} == {202}
    res_ids = sorted(c[1] for c in handler.calls())
    assert res_ids == sorted([12, *range(1, 61)])


def test_event_enqueued_without_worker_is_run_by_a_later_worker(
    pg_url: str, tmp_path: Path
) -> None:
    handler = RecordingHandler(tmp_path / "calls.sqlite3")
    body = {"_model": "helpdesk.ticket", "_id": 5, "_action": "create"}
    with serve_in_thread(make_settings(tmp_path, queue_url=pg_url, worker="off"), handler) as url:
        assert (
            httpx.post(f"{url}/v1/webhooks/odoo", params={"token": TOKEN}, json=body).status_code
            == 202
        )
    assert handler.calls() == []
    with serve_in_thread(make_settings(tmp_path, queue_url=pg_url), handler):
        assert wait_for(lambda: len(handler.calls()) == 1, timeout=15)
