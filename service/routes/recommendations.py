"""The approval queue: list recommendations and record human decisions.

A decision is recorded in the ledger and echoed as a short follow-up note on the Odoo
record; it changes no business field.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from agent.ledger import DecisionConflict, DecisionRecord, RecommendationNotFound
from agent.pipeline import PipelineContext
from agent.schemas import Kind, Recommendation, RecommendationStatus
from service.deps import PublishKey, ReadKey
from service.routes.analysis import Pipeline

router = APIRouter(tags=["recommendations"])


class DecisionRequest(BaseModel):
    decision: Literal["approve", "reject", "approved", "rejected"]
    reviewer: str = Field(min_length=1, max_length=128)
    comment: str = Field(default="", max_length=4000)

    model_config = {
        "json_schema_extra": {
            "examples": [{"decision": "approve", "reviewer": "Marc Demo", "comment": "Agreed."}]
        }
    }


class DecisionResponse(BaseModel):
    recommendation: Recommendation
    decision: DecisionRecord
    followup_message_id: int | None = None


@router.get("/v1/recommendations", response_model=list[Recommendation], summary="Approval queue")
async def list_recommendations(
    _k: ReadKey,
    ctx: Pipeline,
    status: RecommendationStatus | None = None,
    model: str | None = None,
    kind: Kind | None = None,
    res_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Any:
    return await run_in_threadpool(
        ctx.ledger.list,
        status=status,
        model=model,
        kind=kind,
        res_id=res_id,
        limit=min(limit, 1000),
        offset=offset,
    )


@router.get("/v1/recommendations/{rec_id}", response_model=Recommendation)
async def get_recommendation(rec_id: int, _k: ReadKey, ctx: Pipeline) -> Any:
    try:
        return await run_in_threadpool(ctx.ledger.get, rec_id)
    except RecommendationNotFound as exc:
        raise HTTPException(404, str(exc)) from exc


def decide(ctx: PipelineContext, rec_id: int, body: DecisionRequest) -> DecisionResponse:
    """Shared by the API and the dashboard: record, then post the follow-up note."""
    verdict: Literal["approved", "rejected"] = (
        "approved" if body.decision in ("approve", "approved") else "rejected"
    )
    decision = ctx.ledger.decide(rec_id, verdict, reviewer=body.reviewer, comment=body.comment)
    rec = ctx.ledger.get(rec_id)
    followup = decision.followup_message_id
    if followup is None:
        followup = ctx.publisher().post_decision(rec, decision)
    return DecisionResponse(recommendation=rec, decision=decision, followup_message_id=followup)


@router.post(
    "/v1/recommendations/{rec_id}/decision",
    response_model=DecisionResponse,
    summary="Approve or reject a recommendation",
)
async def post_decision(rec_id: int, body: DecisionRequest, _k: PublishKey, ctx: Pipeline) -> Any:
    try:
        return await run_in_threadpool(decide, ctx, rec_id, body)
    except RecommendationNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except DecisionConflict as exc:
        raise HTTPException(409, str(exc)) from exc
