"""QueueStore rules that keep delivery exactly-once: atomic claim, due time, recovery."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import update

from service.queue import QueueStore, events


def accepted(store: QueueStore, res_id: int = 1) -> str:
    result = store.accept(
        model="helpdesk.ticket",
        res_id=res_id,
        action="create",
        job="triage_ticket",
        payload={"_id": res_id},
        request_id="r1",
        keys=[(f"c:{res_id}", 60.0)],
    )
    assert not result.duplicate
    return result.event_id


def test_an_event_is_claimed_once(tmp_path: Path) -> None:
    store = QueueStore(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    event_id = accepted(store)
    first = store.claim(event_id)
    assert first is not None and first.attempts == 1 and first.request_id == "r1"
    assert store.claim(event_id) is None


def test_an_early_duplicate_message_does_not_run_a_retry_before_its_backoff(tmp_path: Path) -> None:
    store = QueueStore(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    event_id = accepted(store)
    assert store.claim(event_id) is not None
    store.schedule_retry(event_id, delay=30, error="Timeout")
    assert store.claim(event_id) is None
    status = store.event_status(event_id)
    assert status is not None and status["status"] == "retrying" and status["attempts"] == 1


def test_recover_requeues_expired_leases_only(tmp_path: Path) -> None:
    store = QueueStore(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    crashed, fresh = accepted(store, 1), accepted(store, 2)
    assert store.claim(crashed) is not None and store.claim(fresh) is not None
    with store.engine.begin() as conn:
        conn.execute(
            update(events).where(events.c.id == crashed).values(lease_until=time.time() - 1)
        )
    assert store.recover() == 1
    again = store.claim(crashed)
    assert again is not None and again.attempts == 2
    assert store.claim(fresh) is None


def test_worker_reconciles_periodically_and_survives_a_failing_reconcile(tmp_path: Path) -> None:
    from service.queue import QueueStore
    from service.worker import EventProcessor, Worker

    store = QueueStore(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    calls: list[int] = []

    def reconcile() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Odoo unreachable")

    worker = Worker(
        store,
        EventProcessor(store, lambda *a, **k: None, max_attempts=1, retry_base_s=0.01),
        reconcile=reconcile,
        reconcile_every_s=60.0,
    )
    worker._next_reconcile = 0.0
    worker._maybe_reconcile()  # fails, logged
    worker._next_reconcile = 0.0
    worker._maybe_reconcile()
    worker._maybe_reconcile()  # not due yet: skipped
    assert len(calls) == 2
    store.close()
