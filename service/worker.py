"""The queue consumer: runs each event's job once, retries transient failures with
exponential backoff, and parks the rest in the dead-letter list.

It runs either as threads inside the API process (`TRIAGE_WORKER=inline`) or as its own
process (`triage worker`); both use huey's consumer over the same queue.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from huey.consumer import Consumer

from service import metrics
from service.logging import log_context
from service.queue import ClaimedEvent, QueueStore

log = logging.getLogger("triage.worker")

MAX_BACKOFF_S = 300.0
SWEEP_INTERVAL_S = 10.0
PERMANENT_ERROR_NAMES = frozenset(
    {
        "RecordNotFound",
        "ReadOnlyViolation",
        "ValidationError",
        "PermanentJobError",
        "UnknownJob",
        "PolicyError",
        "ConfigurationError",
    }
)


class JobHandler(Protocol):
    """What the worker calls for one event (the real one is `agent.pipeline.run_job`)."""

    def __call__(self, job: str, res_id: int, *, request_id: str | None) -> Any: ...


class PermanentJobError(Exception):
    """A failure that retrying cannot fix: the event goes straight to the dead letters."""


def reconcile_decisions() -> Any:
    """The pipeline's reconcile job (decisions taken in Odoo), for the periodic sweep."""
    return pipeline_handler("reconcile", 0, request_id=None)


def pipeline_handler(job: str, res_id: int, *, request_id: str | None) -> Any:
    """Run the real pipeline job (imported lazily so the API starts without it)."""
    from agent.pipeline import run_job  # type: ignore[import-not-found,unused-ignore]

    return run_job(job, res_id, publish=True, request_id=request_id)


def is_permanent(exc: BaseException) -> bool:
    """Typed errors that mean "the record or the request is wrong", judged by class name
    so the worker does not import the pipeline's error modules; `retryable = False` too."""
    if getattr(exc, "retryable", None) is False:
        return True
    return any(cls.__name__ in PERMANENT_ERROR_NAMES for cls in type(exc).__mro__)


def backoff_delay(attempt: int, base_s: float) -> float:
    """base * 2^(attempt-1), capped, with up to 10% jitter so replicas do not align."""
    delay = min(MAX_BACKOFF_S, base_s * (2 ** max(0, attempt - 1)))
    return float(delay * (1 + random.random() * 0.1))


class EventProcessor:
    """Claims one event, runs its job, records the outcome."""

    def __init__(
        self,
        store: QueueStore,
        handler: JobHandler,
        *,
        max_attempts: int = 5,
        retry_base_s: float = 2.0,
    ) -> None:
        self.store = store
        self.handler = handler
        self.max_attempts = max_attempts
        self.retry_base_s = retry_base_s

    def __call__(self, event_id: str) -> None:
        ev = self.store.claim(event_id)
        if ev is None:
            return  # done, superseded or taken by another worker
        with log_context(
            request_id=ev.request_id, event_id=ev.id, job=ev.job, model=ev.model, res_id=ev.res_id
        ):
            if self.store.superseded(ev):
                self.store.finish(ev.id, "superseded")
                metrics.JOBS_SUPERSEDED.labels(job=ev.job).inc()
                log.info("event superseded by a newer one for the same record")
                return
            self._run(ev)

    def _run(self, ev: ClaimedEvent) -> None:
        started = time.perf_counter()
        try:
            self.handler(ev.job, ev.res_id, request_id=ev.request_id)
        except Exception as exc:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            metrics.JOB_LATENCY.labels(job=ev.job).observe(duration_ms / 1000)
            self._failed(ev, exc, duration_ms)
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        metrics.JOB_LATENCY.labels(job=ev.job).observe(duration_ms / 1000)
        self.store.finish(ev.id, "done")
        metrics.JOBS_PROCESSED.labels(job=ev.job).inc()
        log.info("job done", extra={"duration_ms": duration_ms, "attempt": ev.attempts})

    def _failed(self, ev: ClaimedEvent, exc: Exception, duration_ms: float) -> None:
        error = f"{type(exc).__name__}: {exc}"
        permanent = is_permanent(exc)
        metrics.JOBS_FAILED.labels(job=ev.job, kind="permanent" if permanent else "transient").inc()
        if not permanent and ev.attempts < self.max_attempts:
            delay = backoff_delay(ev.attempts, self.retry_base_s)
            self.store.schedule_retry(ev.id, delay, error)
            log.warning(
                "job failed, will retry",
                extra={
                    "duration_ms": duration_ms,
                    "attempt": ev.attempts,
                    "retry_in_s": round(delay, 2),
                    "error": error,
                },
            )
            return
        dead_id = self.store.dead_letter(ev, type(exc).__name__, error)
        metrics.JOBS_DEAD_LETTERED.labels(job=ev.job).inc()
        log.error(
            "job dead-lettered",
            extra={
                "duration_ms": duration_ms,
                "attempt": ev.attempts,
                "dead_letter_id": dead_id,
                "error": error,
                "permanent": permanent,
            },
        )


class _ThreadConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without signal handlers, so it can run in a non-main thread."""

    def _set_signal_handlers(self) -> None:
        return None


class Worker:
    """huey consumer threads + a recovery sweep, started and stopped with the app or CLI."""

    def __init__(
        self,
        store: QueueStore,
        processor: EventProcessor,
        *,
        threads: int = 2,
        reconcile: Callable[[], object] | None = None,
        reconcile_every_s: float = 300.0,
    ) -> None:
        self.store = store
        self.processor = processor
        self.reconcile = reconcile
        self.reconcile_every_s = reconcile_every_s
        self._next_reconcile = time.monotonic() + reconcile_every_s
        store.set_processor(processor)
        self.consumer = _ThreadConsumer(
            store.huey,
            workers=max(1, threads),
            worker_type="thread",
            periodic=False,
            initial_delay=0.02,
            backoff=1.3,
            max_delay=0.25,
            scheduler_interval=1,
            check_worker_health=False,
        )
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self) -> None:
        # At start-up every due pending event is handed to the queue again: its message may
        # have died with a previous process. A duplicate message is harmless (claims are atomic).
        backlog = self.store.recover(stale_s=0.0)
        self.consumer.start()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="triage-sweep", daemon=True)
        self._sweeper.start()
        log.info("worker started", extra={"backlog": backlog, "queue": _scheme(self.store)})

    def _sweep_loop(self) -> None:
        while not self._stop.wait(SWEEP_INTERVAL_S):
            try:
                recovered = self.store.recover()
                if recovered:
                    log.warning("re-enqueued stale events", extra={"count": recovered})
            except Exception:
                log.exception("recovery sweep failed")
            self._maybe_reconcile()

    def _maybe_reconcile(self) -> None:
        """Periodically record the decisions reviewers took on our activities in Odoo."""
        if self.reconcile is None or self.reconcile_every_s <= 0:
            return
        if time.monotonic() < self._next_reconcile:
            return
        self._next_reconcile = time.monotonic() + self.reconcile_every_s
        try:
            self.reconcile()
        except Exception:
            log.exception("periodic reconcile failed; it runs again next period")

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
        log.info("worker stopped")

    def run_forever(self, should_stop: Callable[[], bool] | None = None) -> None:
        """Block (the `triage worker` process) until interrupted."""
        self.start()
        try:
            while not (should_stop and should_stop()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def _scheme(store: QueueStore) -> str:
    return store.queue_url.split("://", 1)[0]
