"""Prometheus metrics in one registry, served at `/metrics`.

The pipeline increments `LLM_FALLBACKS` and `GROUNDING_REJECTIONS` from here
(`from service.metrics import LLM_FALLBACKS; LLM_FALLBACKS.labels(reason="timeout").inc()`),
so every counter of the process shows up in one scrape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

WEBHOOK_RECEIVED = Counter(
    "triage_webhook_events_received",
    "Webhook events accepted after auth and validation.",
    ["model"],
    registry=REGISTRY,
)
WEBHOOK_DEDUPLICATED = Counter(
    "triage_webhook_events_deduplicated",
    "Webhook events answered as duplicates (same content or Idempotency-Key in the window).",
    ["model"],
    registry=REGISTRY,
)
WEBHOOK_ENQUEUED = Counter(
    "triage_webhook_events_enqueued",
    "Events stored durably and queued.",
    ["job"],
    registry=REGISTRY,
)
WEBHOOK_REJECTED = Counter(
    "triage_webhook_events_rejected",
    "Webhook requests refused (auth, validation, unknown model).",
    ["reason"],
    registry=REGISTRY,
)
JOBS_PROCESSED = Counter(
    "triage_jobs_processed", "Jobs that ran to completion.", ["job"], registry=REGISTRY
)
JOBS_FAILED = Counter(
    "triage_jobs_failed",
    "Job attempts that raised (retried or not).",
    ["job", "kind"],
    registry=REGISTRY,
)
JOBS_SUPERSEDED = Counter(
    "triage_jobs_superseded",
    "Debounced jobs skipped because a newer event for the record arrived.",
    ["job"],
    registry=REGISTRY,
)
JOBS_DEAD_LETTERED = Counter(
    "triage_jobs_dead_lettered", "Jobs parked in the dead-letter list.", ["job"], registry=REGISTRY
)
JOB_LATENCY = Histogram(
    "triage_job_duration_seconds",
    "Time spent running one job attempt.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge("triage_queue_depth", "Events stored and not yet finished.", registry=REGISTRY)
HTTP_REQUESTS = Counter(
    "triage_http_requests",
    "HTTP requests by route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "triage_http_request_duration_seconds",
    "HTTP request latency by route.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=REGISTRY,
)
LLM_FALLBACKS = Counter(
    "triage_llm_fallbacks",
    "Times the LLM analyst fell back to the offline analyst.",
    ["reason"],
    registry=REGISTRY,
)
GROUNDING_REJECTIONS = Counter(
    "triage_grounding_rejections",
    "LLM outputs refused by the grounding guardrail.",
    ["check"],
    registry=REGISTRY,
)


def set_queue_depth_source(source: Callable[[], float]) -> None:
    """Compute queue depth at scrape time (the queue decides how to count)."""
    QUEUE_DEPTH.set_function(source)


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def observe_job_result(result: Any) -> None:
    """Count LLM fallbacks and grounding rejections (a hook on `agent.pipeline` results)."""
    reason = getattr(result, "fallback_reason", None)
    if not reason:
        return
    kind = str(reason).split(":", 1)[0].strip() or "unknown"
    LLM_FALLBACKS.labels(reason=kind).inc()
    if kind.startswith("grounding"):
        GROUNDING_REJECTIONS.labels(check="output").inc()
