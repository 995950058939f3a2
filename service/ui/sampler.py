"""A small in-process sampler of the Prometheus counters, for "LLM errors over time".

Webhook and job series come from the queue's event table (durable, shared by replicas).
LLM fallbacks and grounding rejections exist only as counters of this process, so a
daemon thread records their totals every `interval_s` into a ring buffer (the last hour
by default); the health page draws the differences. Counters are process-wide, so one
sampler per process; it starts with the first dashboard request. For history longer
than the buffer, scrape `/metrics` with Prometheus (see examples/grafana/).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from service.metrics import REGISTRY
from service.ui.data import Sample, counter_totals


class Sampler:
    def __init__(
        self, registry: CollectorRegistry, *, interval_s: float = 30.0, keep: int = 120
    ) -> None:
        self.registry = registry
        self.interval_s = interval_s
        self._samples: deque[Sample] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> Sample:
        totals = counter_totals(self.registry)
        point = Sample(
            at=datetime.now(UTC),
            llm_fallbacks=totals.get("triage_llm_fallbacks", 0.0),
            grounding_rejections=totals.get("triage_grounding_rejections", 0.0),
            jobs_failed=totals.get("triage_jobs_failed", 0.0),
            jobs_processed=totals.get("triage_jobs_processed", 0.0),
        )
        with self._lock:
            self._samples.append(point)
        return point

    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def start(self) -> None:
        """Idempotent: one thread, sampling at once and then every `interval_s`."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._loop, name="ui-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)


_sampler = Sampler(REGISTRY)


def process_sampler() -> Sampler:
    """The process's sampler, started on first use."""
    _sampler.start()
    return _sampler
