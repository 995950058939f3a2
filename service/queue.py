"""The durable queue: intake tables (SQLAlchemy) + huey for delivery and delayed retries.

An event is written to `triage_events` (with its dedupe keys) in one transaction and
then handed to huey, all before the API answers 202. The events table is the source of
truth: a worker claims an event with an atomic status update, so duplicate huey
messages (recovery sweeps, several replicas) run a job once; events whose message was
lost (crash between commit and enqueue, worker killed mid-job) are re-enqueued by the
sweep. Backends follow `TRIAGE_QUEUE_URL`:

- `sqlite:///var/triage-queue.sqlite3` (default): huey's SqliteHuey and our tables in one
  file, for one machine;
- `postgresql://user@host/db`: huey's PostgresHuey (LISTEN/NOTIFY) and our tables in the
  same database, for several API replicas and workers.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, PostgresHuey, SqliteHuey
from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

metadata = MetaData()

events = Table(
    "triage_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("model", String(128), nullable=False),
    Column("res_id", Integer, nullable=False),
    Column("action", String(256), nullable=False, default=""),
    Column("job", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("request_id", String(64)),
    Column("debounce_key", String(256), index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("received_at", Float, nullable=False),
    Column("not_before", Float, nullable=False),
    Column("lease_until", Float),
    Column("updated_at", Float, nullable=False),
    Column("finished_at", Float),
)

dedupe_keys = Table(
    "triage_dedupe_keys",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("event_id", String(32), nullable=False),
    Column("expires_at", Float, nullable=False),
)

dead_letters = Table(
    "triage_dead_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, index=True),
    Column("job", String(64), nullable=False),
    Column("model", String(128), nullable=False),
    Column("res_id", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("request_id", String(64)),
    Column("error_type", String(128), nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("dead_at", Float, nullable=False),
    Column("replayed_at", Float),
    Column("replay_event_id", String(32)),
)

PENDING = ("queued", "retrying")
ACTIVE = (*PENDING, "running")
LEASE_S = 600.0
STALE_S = 30.0
EARLY_TOLERANCE_S = 0.25
TASK_NAME = "triage.process_event"


class QueueConfigError(RuntimeError):
    """TRIAGE_QUEUE_URL names a backend we cannot use; the message says which ones work."""


@dataclass(frozen=True)
class Accepted:
    event_id: str
    duplicate: bool


@dataclass(frozen=True)
class ClaimedEvent:
    id: str
    model: str
    res_id: int
    job: str
    payload: dict[str, Any]
    request_id: str | None
    debounce_key: str | None
    attempts: int
    received_at: float


def sqlalchemy_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver huey's PostgresHuey uses too)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def libpq_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def make_engine(url: str) -> Engine:
    """An engine whose SQLite transactions take the write lock up front (no upgrade deadlocks)."""
    url = sqlalchemy_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True)
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_huey(url: str) -> Huey:
    """huey storage for the queue URL (sqlite file or PostgreSQL database)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or path == ":memory:":
            raise QueueConfigError(
                "TRIAGE_QUEUE_URL must name a file (sqlite:///var/triage-queue.sqlite3): "
                "an in-memory queue would lose acknowledged events"
            )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name="triage", filename=path, results=False, timeout=30)
    if url.startswith(("postgresql", "postgres")):
        dsn = libpq_dsn(url.replace("+psycopg", ""))
        return PostgresHuey(name="triage", dsn=dsn, results=False)
    raise QueueConfigError(
        f"unsupported TRIAGE_QUEUE_URL {url.split('://', 1)[0]}://...: use "
        "sqlite:///path/queue.sqlite3 (one machine) or postgresql://user@host/db (replicas)"
    )


class QueueStore:
    """Intake tables + huey. One per process; safe to share between threads."""

    def __init__(self, queue_url: str, *, dedupe_window_s: float = 60.0) -> None:
        self.queue_url = queue_url
        self.dedupe_window_s = dedupe_window_s
        self.engine = make_engine(queue_url)
        # SQLite allows one writer; its busy handler sleeps in steps up to 100 ms, which
        # shows up as tail latency under load. One in-process lock queues our writers
        # (and huey enqueues) instead. PostgreSQL needs no such lock.
        self._write_lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if queue_url.startswith("sqlite") else contextlib.nullcontext()
        )
        metadata.create_all(self.engine)
        self.huey = make_huey(queue_url)
        self._processor: Callable[[str], None] | None = None
        self.task = self.huey.task(name=TASK_NAME, retries=0)(self._run_task)

    # --- huey glue -------------------------------------------------------------------
    def set_processor(self, processor: Callable[[str], None]) -> None:
        """The function a consumer in this process runs for each event id."""
        self._processor = processor

    def _run_task(self, event_id: str) -> None:
        if self._processor is None:
            raise RuntimeError("no worker attached to this queue: run `triage worker`")
        self._processor(event_id)

    def enqueue(self, event_id: str, delay: float = 0.0) -> None:
        with self._write_lock:
            self._enqueue(event_id, delay)

    def _enqueue(self, event_id: str, delay: float) -> None:
        if delay > 0:
            self.task.schedule(args=(event_id,), delay=delay)
        else:
            self.task(event_id)

    # --- intake ----------------------------------------------------------------------
    def accept(
        self,
        *,
        model: str,
        res_id: int,
        action: str,
        job: str,
        payload: dict[str, Any],
        request_id: str | None,
        keys: Sequence[tuple[str, float]],
        debounce_s: float = 0.0,
        enqueue: bool = True,
    ) -> Accepted:
        """Store the event unless one of its dedupe keys is live; enqueue it. Durable on return.

        With `enqueue=False` the caller hands the event to the queue itself (the webhook
        route does it after answering): the committed row is what makes it durable, and the
        recovery sweep delivers any row whose hand-off was lost.
        """
        for _ in range(5):
            now = time.time()
            existing = self._live_event_for(keys, now)
            if existing is not None:
                return Accepted(existing, duplicate=True)
            event_id = uuid.uuid4().hex
            debounce_key = f"{model}:{res_id}:{job}" if debounce_s > 0 else None
            try:
                with self._write_lock, self.engine.begin() as conn:
                    conn.execute(
                        delete(dedupe_keys).where(
                            dedupe_keys.c.key.in_([k for k, _ in keys]),
                            dedupe_keys.c.expires_at <= now,
                        )
                    )
                    if keys:
                        conn.execute(
                            insert(dedupe_keys),
                            [
                                {"key": k, "event_id": event_id, "expires_at": now + ttl}
                                for k, ttl in keys
                            ],
                        )
                    conn.execute(
                        insert(events).values(
                            id=event_id,
                            model=model,
                            res_id=res_id,
                            action=action,
                            job=job,
                            payload=json.dumps(payload, sort_keys=True, default=str),
                            request_id=request_id,
                            debounce_key=debounce_key,
                            status="queued",
                            attempts=0,
                            received_at=now,
                            not_before=now + debounce_s,
                            updated_at=now,
                        )
                    )
            except IntegrityError:
                continue  # a concurrent identical event won the key: answer as duplicate
            if not enqueue:
                return Accepted(event_id, duplicate=False)
            try:
                self.enqueue(event_id, delay=debounce_s)
            except Exception:
                import logging

                logging.getLogger(__name__).exception(
                    "enqueue failed after commit; the recovery sweep will deliver it",
                    extra={"event_id": event_id},
                )
            return Accepted(event_id, duplicate=False)
        raise RuntimeError("could not store the event after 5 attempts (database contention)")

    def _live_event_for(self, keys: Sequence[tuple[str, float]], now: float) -> str | None:
        if not keys:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(dedupe_keys.c.event_id)
                .where(dedupe_keys.c.key.in_([k for k, _ in keys]), dedupe_keys.c.expires_at > now)
                .limit(1)
            ).first()
        return str(row[0]) if row else None

    # --- worker side -----------------------------------------------------------------
    def claim(self, event_id: str) -> ClaimedEvent | None:
        """Atomically move a due, pending event to running. None if another worker has it, it
        is finished, or it is not due yet (an early duplicate message: the due one follows)."""
        now = time.time()
        with self._write_lock, self.engine.begin() as conn:
            result = conn.execute(
                update(events)
                .where(
                    events.c.id == event_id,
                    events.c.status.in_(PENDING),
                    events.c.not_before <= now + EARLY_TOLERANCE_S,
                )
                .values(
                    status="running",
                    attempts=events.c.attempts + 1,
                    lease_until=now + LEASE_S,
                    updated_at=now,
                )
            )
            if result.rowcount != 1:
                return None
            row = conn.execute(select(events).where(events.c.id == event_id)).mappings().one()
        return ClaimedEvent(
            id=row["id"],
            model=row["model"],
            res_id=row["res_id"],
            job=row["job"],
            payload=json.loads(row["payload"]),
            request_id=row["request_id"],
            debounce_key=row["debounce_key"],
            attempts=row["attempts"],
            received_at=row["received_at"],
        )

    def superseded(self, ev: ClaimedEvent) -> bool:
        """A newer event for the same record and job makes this one redundant (debounce)."""
        if not ev.debounce_key:
            return False
        with self.engine.connect() as conn:
            newer = conn.execute(
                select(events.c.id)
                .where(
                    events.c.debounce_key == ev.debounce_key,
                    events.c.id != ev.id,
                    events.c.received_at > ev.received_at,
                    events.c.status.in_((*ACTIVE, "done")),
                )
                .limit(1)
            ).first()
        return newer is not None

    def finish(self, event_id: str, status: str, error: str | None = None) -> None:
        now = time.time()
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(
                update(events)
                .where(events.c.id == event_id)
                .values(status=status, last_error=error, finished_at=now, updated_at=now)
            )

    def schedule_retry(self, event_id: str, delay: float, error: str) -> None:
        now = time.time()
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(
                update(events)
                .where(events.c.id == event_id)
                .values(status="retrying", last_error=error, not_before=now + delay, updated_at=now)
            )
        self.enqueue(event_id, delay=delay)

    def dead_letter(self, ev: ClaimedEvent, error_type: str, error: str) -> int:
        now = time.time()
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(
                update(events)
                .where(events.c.id == ev.id)
                .values(status="dead", last_error=error, finished_at=now, updated_at=now)
            )
            result = conn.execute(
                insert(dead_letters).values(
                    event_id=ev.id,
                    job=ev.job,
                    model=ev.model,
                    res_id=ev.res_id,
                    payload=json.dumps(ev.payload, sort_keys=True, default=str),
                    request_id=ev.request_id,
                    error_type=error_type,
                    error=error,
                    attempts=ev.attempts,
                    received_at=ev.received_at,
                    dead_at=now,
                )
            )
            pk = result.inserted_primary_key
        return int(pk[0]) if pk else 0

    def recover(self, stale_s: float = STALE_S) -> int:
        """Re-enqueue events whose message may be lost (crash, expired lease). Safe to repeat."""
        now = time.time()
        with self._write_lock, self.engine.begin() as conn:
            rows = conn.execute(
                select(events.c.id).where(
                    or_(
                        and_(
                            events.c.status.in_(PENDING),
                            events.c.not_before <= now - stale_s,
                            events.c.updated_at <= now - stale_s,
                        ),
                        and_(events.c.status == "running", events.c.lease_until < now),
                    )
                )
            ).all()
            ids = [str(r[0]) for r in rows]
            if ids:
                conn.execute(
                    update(events)
                    .where(events.c.id.in_(ids))
                    .values(status="queued", updated_at=now, lease_until=None)
                )
        for event_id in ids:
            self.enqueue(event_id)
        return len(ids)

    # --- dead letters ----------------------------------------------------------------
    def list_dead_letters(
        self, *, include_replayed: bool = False, limit: int = 100
    ) -> list[dict[str, Any]]:
        query = select(dead_letters).order_by(dead_letters.c.id.desc()).limit(limit)
        if not include_replayed:
            query = query.where(dead_letters.c.replayed_at.is_(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def replay(self, dead_letter_id: int, request_id: str | None) -> str:
        """Queue a fresh event from a dead letter; returns the new event id."""
        now = time.time()
        event_id = uuid.uuid4().hex
        with self._write_lock, self.engine.begin() as conn:
            row = (
                conn.execute(select(dead_letters).where(dead_letters.c.id == dead_letter_id))
                .mappings()
                .first()
            )
            if row is None:
                raise KeyError(dead_letter_id)
            if row["replayed_at"] is not None:
                raise ValueError(
                    f"dead letter {dead_letter_id} was already replayed as event "
                    f"{row['replay_event_id']}"
                )
            conn.execute(
                insert(events).values(
                    id=event_id,
                    model=row["model"],
                    res_id=row["res_id"],
                    action="replay",
                    job=row["job"],
                    payload=row["payload"],
                    request_id=request_id or row["request_id"],
                    debounce_key=None,
                    status="queued",
                    attempts=0,
                    received_at=now,
                    not_before=now,
                    updated_at=now,
                )
            )
            conn.execute(
                update(dead_letters)
                .where(dead_letters.c.id == dead_letter_id)
                .values(replayed_at=now, replay_event_id=event_id)
            )
        self.enqueue(event_id)
        return event_id

    # --- status ----------------------------------------------------------------------
    def depth(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.count()).select_from(events).where(events.c.status.in_(ACTIVE))
            ).scalar_one()
        return int(value)

    def event_status(self, event_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
        return dict(row) if row else None

    def ping(self) -> None:
        """Raise if the queue database cannot be reached."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
        except OperationalError as exc:
            raise QueueConfigError(f"queue database unreachable: {exc.orig}") from exc

    def close(self) -> None:
        self.engine.dispose()
        with contextlib.suppress(Exception):  # best effort at shutdown
            self.huey.storage.close()
