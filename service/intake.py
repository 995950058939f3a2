"""Webhook intake rules: payload validation, token/HMAC auth, routing and dedupe keys.

Pure functions (no I/O) so the route stays thin and each rule is tested alone. The
native Odoo webhook cannot sign or send headers: it authenticates with `?token=` in the
URL it posts to. Callers that can sign (n8n) send
`X-Triage-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, f"{t}.{raw body}")>`,
accepted within `SIGNATURE_TOLERANCE_S` of our clock (replay window).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

SIGNATURE_TOLERANCE_S = 300
IDEMPOTENCY_WINDOW_S = 24 * 3600
KNOWN_ACTIONS = ("create", "write", "unlink", "on_change", "time")


class IntakeError(Exception):
    """A refused webhook: `status` is the HTTP answer, the message says how to fix it."""

    status = 400
    reason = "invalid"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class Unauthorized(IntakeError):
    status = 401
    reason = "unauthorized"


class InvalidPayload(IntakeError):
    status = 422
    reason = "invalid_payload"


class UnknownModel(IntakeError):
    status = 422
    reason = "unknown_model"


class WebhookEvent(BaseModel):
    """What Odoo's "Send Webhook Notification" posts: `_model`, `_id`, `_action` + chosen fields."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    odoo_model: str = Field(
        alias="_model", min_length=1, description="Odoo model, e.g. helpdesk.ticket"
    )
    res_id: StrictInt = Field(alias="_id", gt=0, description="Record id")
    action: str = Field(
        default="",
        alias="_action",
        description="Server action name (Odoo) or create/write/unlink (other callers)",
    )


@dataclass(frozen=True)
class Route:
    """Which job a model's events start, and how long to wait for newer events first."""

    model: str
    on: tuple[str, ...]
    job: str
    debounce_seconds: float = 0.0


DEFAULT_ROUTES: tuple[Route, ...] = (
    Route("helpdesk.ticket", ("create", "write"), "triage_ticket", 0.0),
    Route("project.task", ("create", "write"), "assess_risks_for_task", 30.0),
    Route("project.project", ("create", "write"), "assess_risks", 30.0),
)


def load_routes(policy_file: Path | None = None) -> tuple[Route, ...]:
    """Routes from the policy file (`agent.policy`), or the defaults if it cannot load.

    A route with `target: project` on tasks runs `assess_risks_for_task`: the pipeline
    resolves the task's project.
    """
    try:
        from agent.policy import load_policy
    except ImportError:
        return DEFAULT_ROUTES
    routes = []
    for item in load_policy(policy_file).webhooks.routes:
        job = str(item.job)
        if getattr(item, "target", "self") == "project" and job == "assess_risks":
            job = "assess_risks_for_task"
        routes.append(
            Route(
                model=item.model,
                on=tuple(item.on),
                job=job,
                debounce_seconds=float(item.debounce_seconds),
            )
        )
    return tuple(routes) or DEFAULT_ROUTES


def action_kind(action: str) -> str | None:
    """create/write/unlink when the caller says so; None for Odoo's server-action names."""
    lowered = action.strip().lower()
    return lowered if lowered in KNOWN_ACTIONS else None


def route_event(event: WebhookEvent, routes: tuple[Route, ...]) -> Route:
    """The route for an event; refuses models we do not handle, naming those we do."""
    kind = action_kind(event.action)
    for route in routes:
        if route.model == event.odoo_model and (kind is None or kind in route.on):
            return route
    accepted = sorted({r.model for r in routes})
    if event.odoo_model in accepted:
        routed = sorted({a for r in routes if r.model == event.odoo_model for a in r.on})
        raise UnknownModel(
            f"model {event.odoo_model!r} has no route for action {kind!r}; routed actions: {routed}"
        )
    raise UnknownModel(
        f"model {event.odoo_model!r} is not handled; accepted models: {', '.join(accepted)}",
        [{"field": "_model", "accepted": accepted}],
    )


def parse_event(raw: bytes) -> tuple[WebhookEvent, dict[str, Any]]:
    """Validate the body; a 422 names each wrong field (`_id: Input should be ...`)."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPayload(f"body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise InvalidPayload(
            "body must be a JSON object with _model, _id and _action (Odoo's webhook format)"
        )
    try:
        event = WebhookEvent.model_validate(body)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise InvalidPayload(f"invalid webhook payload: {summary}", details) from exc
    return event, body


def content_key(body: dict[str, Any]) -> str:
    """Same model, id, action and field values -> same key (Odoo's 9-POST storms)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "c:" + hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(header: str | None) -> str | None:
    if not header:
        return None
    return "i:" + hashlib.sha256(header.strip().encode()).hexdigest()


def token_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; False when either side is missing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value a caller sends (used by tests, the benchmark and n8n docs)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify_signature(header: str, secret: str, body: bytes, now: float | None = None) -> None:
    """Raise `Unauthorized` unless the header is a fresh, valid signature of the body."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
        candidates = parts["v1"]
    except (KeyError, ValueError, IndexError) as exc:
        raise Unauthorized(
            "X-Triage-Signature must look like 't=<unix seconds>,v1=<hex hmac-sha256>'"
        ) from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > SIGNATURE_TOLERANCE_S:
        raise Unauthorized(
            f"signature timestamp is {int(current - timestamp)} s away from server time "
            f"(limit {SIGNATURE_TOLERANCE_S} s): sign with the current time and check clocks"
        )
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise Unauthorized(
            "signature does not match: sign f'{t}.{raw body}' with TRIAGE_WEBHOOK_HMAC_SECRET"
        )
