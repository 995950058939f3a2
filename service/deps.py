"""FastAPI dependencies: the per-app services and API-key auth with scopes.

Routes declare what they need with `Annotated` aliases, e.g.
`key: Annotated[ApiKey, Depends(require_scope("publish"))]`, or `ReadKey` for the
common read scope; `Services` gives the queue, key store and settings of this app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from agent.config import Settings
from service.intake import Route
from service.keys import ApiKey, KeyStore
from service.queue import QueueStore
from service.ratelimit import RateLimiter
from service.worker import Worker

AUTH_HINT = (
    "send Authorization: Bearer <key> or X-API-Key: <key> (create one with `triage keys create`)"
)


@dataclass
class AppServices:
    """Everything a request may need, built once per app in the lifespan."""

    settings: Settings
    store: QueueStore
    keys: KeyStore
    limiter: RateLimiter
    routes: tuple[Route, ...]
    worker: Worker | None = None
    readiness: dict[str, Callable[[], None]] = field(default_factory=dict)


def get_services(request: Request) -> AppServices:
    services: AppServices = request.app.state.services
    return services


Services = Annotated[AppServices, Depends(get_services)]


def presented_key(request: Request) -> str | None:
    """The API key from `Authorization: Bearer` or `X-API-Key`, if any."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def authenticate(request: Request, services: AppServices) -> ApiKey | None:
    plain = presented_key(request)
    return services.keys.verify(plain) if plain else None


def enforce_rate_limit(services: AppServices, key: ApiKey) -> None:
    retry_after = services.limiter.hit(f"key:{key.id}")
    if retry_after is not None:
        raise HTTPException(
            status_code=429,
            detail=(
                f"key {key.name!r} exceeded {services.limiter.description}; "
                f"retry after {retry_after} s"
            ),
            headers={"Retry-After": str(retry_after)},
        )


def require_scope(scope: str) -> Callable[[Request, AppServices], ApiKey]:
    """A dependency that answers 401 without a valid key, 403 without the scope, 429 when
    the key is over its rate limit, and otherwise returns the key."""

    def dependency(request: Request, services: Services) -> ApiKey:
        key = authenticate(request, services)
        if key is None:
            message = "invalid or revoked API key" if presented_key(request) else "missing API key"
            raise HTTPException(
                status_code=401,
                detail=f"{message}: {AUTH_HINT}",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not key.allows(scope):
            raise HTTPException(status_code=403, detail=f"key {key.name!r} lacks scope {scope!r}")
        enforce_rate_limit(services, key)
        request.state.api_key = key
        return key

    dependency.__name__ = f"require_scope_{scope}"
    return dependency


ReadKey = Annotated[ApiKey, Depends(require_scope("read"))]
PublishKey = Annotated[ApiKey, Depends(require_scope("publish"))]
AdminKey = Annotated[ApiKey, Depends(require_scope("admin"))]
