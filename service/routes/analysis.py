"""Analysis endpoints for n8n and other callers: one route per pipeline job, plus async scans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from agent import pipeline
from agent.pipeline import JobResult, PipelineContext
from service.deps import ReadKey
from service.scan_jobs import ScanJob, ScanJobs

router = APIRouter(tags=["analysis"])


class AnalysisRequest(BaseModel):
    publish: bool = Field(
        default=False,
        description="Post the note and the review activity to Odoo (needs the publish scope).",
    )
    dry_run: bool = Field(default=False, description="Render the note without posting it.")
    analyst: Literal["offline", "llm"] = Field(
        default="offline", description="offline (deterministic) or llm (configured endpoint)."
    )

    model_config = {"json_schema_extra": {"examples": [{"publish": False, "analyst": "offline"}]}}


def get_pipeline(request: Request) -> PipelineContext:
    """One pipeline context per app, built on first use from the app's settings."""
    ctx: PipelineContext | None = getattr(request.app.state, "pipeline", None)
    if ctx is None:
        ctx = PipelineContext.from_settings(request.app.state.services.settings)
        request.app.state.pipeline = ctx
    return ctx


Pipeline = Annotated[PipelineContext, Depends(get_pipeline)]
Req = Annotated[AnalysisRequest, Body(default_factory=AnalysisRequest)]


def _check_publish(body: AnalysisRequest, request: Request) -> None:
    key = getattr(request.state, "api_key", None)
    if body.publish and key is not None and not key.allows("publish"):
        raise HTTPException(
            403,
            f"key {key.name!r} lacks scope 'publish': call with publish=false "
            "or use a key with that scope",
        )


async def _run(
    fn: Callable[..., JobResult], res_id: int, body: AnalysisRequest, ctx: PipelineContext
) -> JobResult:
    return await run_in_threadpool(
        fn, res_id, ctx=ctx, publish=body.publish, dry_run=body.dry_run, analyst=body.analyst
    )


@router.post(
    "/v1/projects/{project_id}/summary", response_model=JobResult, summary="Project status summary"
)
async def project_summary(
    project_id: int, body: Req, request: Request, _k: ReadKey, ctx: Pipeline
) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.summarize_project, project_id, body, ctx)


@router.post(
    "/v1/projects/{project_id}/risks", response_model=JobResult, summary="Project risk assessment"
)
async def project_risks(
    project_id: int, body: Req, request: Request, _k: ReadKey, ctx: Pipeline
) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.assess_risks, project_id, body, ctx)


@router.post(
    "/v1/projects/{project_id}/escalation", response_model=JobResult, summary="Escalation draft"
)
async def project_escalation(
    project_id: int, body: Req, request: Request, _k: ReadKey, ctx: Pipeline
) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.draft_escalation, project_id, body, ctx)


class EscalationRequest(AnalysisRequest):
    project_id: int


@router.post("/v1/escalations", response_model=JobResult, summary="Escalation draft (body form)")
async def escalations(body: EscalationRequest, request: Request, _k: ReadKey, ctx: Pipeline) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.draft_escalation, body.project_id, body, ctx)


@router.post("/v1/tasks/{task_id}/summary", response_model=JobResult, summary="Task status summary")
async def task_summary(
    task_id: int, body: Req, request: Request, _k: ReadKey, ctx: Pipeline
) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.summarize_task, task_id, body, ctx)


@router.post("/v1/tickets/{ticket_id}/triage", response_model=JobResult, summary="Ticket triage")
async def ticket_triage(
    ticket_id: int, body: Req, request: Request, _k: ReadKey, ctx: Pipeline
) -> Any:
    _check_publish(body, request)
    return await _run(pipeline.triage_ticket, ticket_id, body, ctx)


def get_scan_jobs(request: Request) -> ScanJobs:
    jobs: ScanJobs | None = getattr(request.app.state, "scan_jobs", None)
    if jobs is None:
        jobs = ScanJobs(get_pipeline(request))
        request.app.state.scan_jobs = jobs
    return jobs


Jobs = Annotated[ScanJobs, Depends(get_scan_jobs)]


@router.post("/v1/scan", response_model=ScanJob, status_code=202, summary="Start a portfolio scan")
async def start_scan(body: Req, request: Request, _k: ReadKey, jobs: Jobs) -> Any:
    _check_publish(body, request)
    return jobs.start(publish=body.publish, dry_run=body.dry_run, analyst=body.analyst)


@router.get("/v1/jobs/{job_id}", response_model=ScanJob, summary="A scan job's state and result")
async def get_job(job_id: str, _k: ReadKey, jobs: Jobs) -> Any:
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}; start one with POST /v1/scan")
    return job
