"""Dead letters: events whose job failed for good, listed (read) and replayed (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from service.deps import AdminKey, ReadKey, Services
from service.logging import current_request_id

router = APIRouter(tags=["dead letters"])


class DeadLetter(BaseModel):
    id: int
    event_id: str
    job: str
    model: str
    res_id: int
    payload: dict[str, Any]
    request_id: str | None
    error_type: str
    error: str
    attempts: int
    received_at: float
    dead_at: float
    replayed_at: float | None
    replay_event_id: str | None


class Replayed(BaseModel):
    dead_letter_id: int
    event_id: str
    request_id: str | None


@router.get("/v1/deadletters", response_model=list[DeadLetter], summary="List dead letters")
async def list_dead_letters(
    _key: ReadKey, services: Services, include_replayed: bool = False, limit: int = 100
) -> Any:
    return await run_in_threadpool(
        services.store.list_dead_letters, include_replayed=include_replayed, limit=limit
    )


@router.post(
    "/v1/deadletters/{dead_letter_id}/replay",
    status_code=202,
    response_model=Replayed,
    summary="Queue a dead letter's event again (admin)",
)
async def replay_dead_letter(dead_letter_id: int, _key: AdminKey, services: Services) -> Any:
    request_id = current_request_id()
    try:
        event_id = await run_in_threadpool(services.store.replay, dead_letter_id, request_id)
    except KeyError as exc:
        raise HTTPException(
            404, f"no dead letter {dead_letter_id}: see GET /v1/deadletters"
        ) from exc
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from exc
    return Replayed(dead_letter_id=dead_letter_id, event_id=event_id, request_id=request_id)
