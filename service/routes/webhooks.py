"""`POST /v1/webhooks/odoo`: authenticate, validate, de-duplicate, store, answer 202.

Odoo posts once with a 1-second timeout and never retries, so this route does only what
makes the event durable (one transaction + the huey enqueue) and leaves the work to the
worker. Auth, in order: a valid `X-Triage-Signature` (HMAC, for n8n and other signers),
the shared token (`?token=` for Odoo, or `X-Triage-Token`), or an API key with the
`webhook` scope.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, SecretStr
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from service import intake, metrics
from service.deps import AppServices, Services, authenticate, enforce_rate_limit
from service.logging import current_request_id, log_context

router = APIRouter(tags=["webhooks"])
log = logging.getLogger("triage.webhooks")


class WebhookAccepted(BaseModel):
    event_id: str
    job: str
    duplicate: bool
    request_id: str | None


def _plain(secret: SecretStr | str) -> str:
    """Secret value; tolerant of a plain str (e.g. settings built with `model_copy`)."""
    return secret.get_secret_value() if isinstance(secret, SecretStr) else str(secret)


def _authorize(request: Request, services: AppServices, raw: bytes) -> None:
    settings = services.settings
    signature = request.headers.get("x-triage-signature")
    secret = settings.webhook_hmac_secret
    if signature and secret is not None:
        intake.verify_signature(signature, _plain(secret), raw)
        return
    expected = _plain(settings.webhook_token) if settings.webhook_token else None
    given = request.query_params.get("token") or request.headers.get("x-triage-token")
    if intake.token_matches(given, expected):
        return
    key = authenticate(request, services)
    if key is not None and key.allows("webhook"):
        enforce_rate_limit(services, key)
        return
    if given:
        raise intake.Unauthorized("webhook token does not match TRIAGE_WEBHOOK_TOKEN")
    if key is not None:
        raise intake.Unauthorized(f"key {key.name!r} lacks scope 'webhook'")
    raise intake.Unauthorized(
        "missing credentials: add ?token=<TRIAGE_WEBHOOK_TOKEN> to the webhook URL, "
        "send X-Triage-Token, an X-Triage-Signature, or an API key with the webhook scope"
        + ("" if expected else " (TRIAGE_WEBHOOK_TOKEN is not set on the server)")
    )


def _refuse(exc: intake.IntakeError) -> JSONResponse:
    metrics.WEBHOOK_REJECTED.labels(reason=exc.reason).inc()
    log.warning("webhook refused", extra={"reason": exc.reason, "error": exc.message})
    body: dict[str, Any] = {"detail": exc.message, "reason": exc.reason}
    if exc.details:
        body["errors"] = exc.details
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


@router.post(
    "/v1/webhooks/odoo",
    status_code=202,
    response_model=WebhookAccepted,
    summary="Receive an Odoo automation-rule webhook",
    responses={401: {"description": "bad credentials"}, 422: {"description": "invalid payload"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": intake.WebhookEvent.model_json_schema()}},
        }
    },
)
async def receive_odoo_webhook(request: Request, services: Services) -> Any:
    raw = await request.body()
    try:
        _authorize(request, services, raw)
        event, body = intake.parse_event(raw)
        route = intake.route_event(event, services.routes)
    except intake.IntakeError as exc:
        return _refuse(exc)

    metrics.WEBHOOK_RECEIVED.labels(model=event.odoo_model).inc()
    keys = [(intake.content_key(body), services.settings.dedupe_window_s)]
    idem = intake.idempotency_key(request.headers.get("idempotency-key"))
    if idem:
        keys.append((idem, intake.IDEMPOTENCY_WINDOW_S))
    request_id = current_request_id()
    accepted = await run_in_threadpool(
        services.store.accept,
        model=event.odoo_model,
        res_id=event.res_id,
        action=event.action,
        job=route.job,
        payload=body,
        request_id=request_id,
        keys=keys,
        debounce_s=route.debounce_seconds,
        enqueue=False,
    )
    with log_context(
        event_id=accepted.event_id, job=route.job, model=event.odoo_model, res_id=event.res_id
    ):
        if accepted.duplicate:
            metrics.WEBHOOK_DEDUPLICATED.labels(model=event.odoo_model).inc()
            log.info("webhook duplicate", extra={"duplicate": True})
        else:
            metrics.WEBHOOK_ENQUEUED.labels(job=route.job).inc()
            log.info("webhook enqueued", extra={"debounce_s": route.debounce_seconds})
    # The row is committed: answer now (Odoo waits at most 1 s), hand it to the queue after.
    handoff = (
        None
        if accepted.duplicate
        else BackgroundTask(services.store.enqueue, accepted.event_id, route.debounce_seconds)
    )
    return JSONResponse(
        WebhookAccepted(
            event_id=accepted.event_id,
            job=route.job,
            duplicate=accepted.duplicate,
            request_id=request_id,
        ).model_dump(),
        status_code=202,
        background=handoff,
    )
