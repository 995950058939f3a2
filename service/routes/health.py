"""`/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service import metrics
from service.deps import Services

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: queue database and Odoo reachable")
async def readyz(services: Services) -> Any:
    checks: dict[str, str] = {}
    down: list[str] = []
    for name, check in services.readiness.items():
        try:
            await run_in_threadpool(check)
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"down: {type(exc).__name__}: {exc}"
            down.append(name)
    if down:
        return JSONResponse(
            {"status": "unavailable", "down": down, "checks": checks}, status_code=503
        )
    return {"status": "ready", "checks": checks}


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics_endpoint() -> Response:
    body, content_type = await run_in_threadpool(metrics.render)
    return Response(body, media_type=content_type)
