"""Portfolio scans run as background jobs of the API process.

A scan can take minutes on a large firm, longer than an HTTP client should wait. Jobs
live in memory: a scan is idempotent (unchanged data posts nothing), so a job lost in a
restart is simply started again; webhook events, which must never be lost, use the
durable queue instead.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

from agent import pipeline
from agent.pipeline import AnalystName, PipelineContext, ScanResult
from service.logging import current_request_id, log_context


class ScanJob(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    created_at: datetime
    finished_at: datetime | None = None
    progress: int = 0
    total: int | None = None
    publish: bool
    analyst: str
    request_id: str | None = None
    error: str | None = None
    result: ScanResult | None = None


class ScanJobs:
    """At most one scan runs at a time; the last `keep` jobs stay queryable."""

    def __init__(self, ctx: PipelineContext, keep: int = 50) -> None:
        self.ctx = ctx
        self.keep = keep
        self._jobs: OrderedDict[str, ScanJob] = OrderedDict()
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    def start(self, *, publish: bool, dry_run: bool, analyst: AnalystName) -> ScanJob:
        job = ScanJob(
            id=uuid.uuid4().hex,
            status="queued",
            created_at=datetime.now(UTC),
            publish=publish,
            analyst=analyst,
            request_id=current_request_id(),
        )
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                self._jobs.popitem(last=False)
        thread = threading.Thread(
            target=self._run, args=(job.id, publish, dry_run, analyst), daemon=True
        )
        thread.start()
        return job

    def get(self, job_id: str) -> ScanJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy() if job else None

    def _update(self, job_id: str, **fields: object) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = job.model_copy(update=fields)

    def _run(self, job_id: str, publish: bool, dry_run: bool, analyst: AnalystName) -> None:
        job = self.get(job_id)
        with self._run_lock, log_context(request_id=job.request_id if job else None, job="scan"):
            self._update(job_id, status="running")

            def tick(_name: str, done: int, total: int) -> None:
                self._update(job_id, progress=done, total=total)

            try:
                result = pipeline.scan_portfolio(
                    ctx=self.ctx, publish=publish, dry_run=dry_run, analyst=analyst, progress=tick
                )
            except Exception as exc:
                self._update(
                    job_id,
                    status="failed",
                    error=f"{type(exc).__name__}: {exc}",
                    finished_at=datetime.now(UTC),
                )
                return
            self._update(job_id, status="done", result=result, finished_at=datetime.now(UTC))
