"""The FastAPI app: routes, request-id/metrics middleware, queue and inline worker lifecycle."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent import pipeline
from agent.config import Settings, get_settings
from agent.ledger import Ledger
from agent.policy import load_policy
from service import metrics
from service.deps import AppServices
from service.errors import install_error_handlers
from service.intake import Route, load_routes
from service.keys import KeyStore
from service.logging import bind, configure_logging, new_request_id
from service.queue import QueueStore
from service.ratelimit import RateLimiter
from service.routes import analysis, deadletters, health, recommendations, ui, webhooks
from service.ui import exporter
from service.worker import (
    EventProcessor,
    JobHandler,
    Worker,
    pipeline_handler,
    reconcile_decisions,
)

log = logging.getLogger("triage.api")
access_log = logging.getLogger("triage.access")
REQUEST_ID_HEADER = "x-request-id"


class RequestContextMiddleware:
    """Request id (from X-Request-ID or new) in the log context and the response header;
    one access line and the HTTP metrics per request. Plain ASGI: cheap on the hot path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming[:64] if incoming and incoming.isprintable() else new_request_id()
        bind(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            metrics.HTTP_REQUESTS.labels(scope["method"], path, str(status)).inc()
            metrics.HTTP_LATENCY.labels(path).observe(elapsed)
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={"status": status, "route": path, "duration_ms": round(elapsed * 1000, 2)},
            )


def _odoo_check(settings: Settings) -> Callable[[], None] | None:
    """A readiness probe through the read-only gateway: version_info, no retries, short
    timeout (a probe must answer fast; the jobs themselves retry)."""
    try:
        module = importlib.import_module("agent.tools.odoo")
    except ImportError:
        return None
    gateway_cls: Any = getattr(module, "OdooGateway", None)
    if gateway_cls is None:
        return None
    probe_settings = settings.model_copy(
        update={"odoo_retries": 0, "odoo_timeout_s": min(settings.odoo_timeout_s, 3.0)}
    )

    def check() -> None:
        gateway = gateway_cls.from_settings(probe_settings)
        try:
            gateway.detect_version()
        finally:
            gateway.close()

    return check


def create_app(
    settings: Settings | None = None,
    *,
    handler: JobHandler | None = None,
    routes: tuple[Route, ...] | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    """Build the app. `handler` replaces the pipeline and `routes` the policy's webhook
    routes (tests); the worker starts with the app when `TRIAGE_WORKER=inline`."""
    settings = settings or get_settings()
    job_handler: JobHandler = handler or pipeline_handler
    if metrics.observe_job_result not in pipeline.RESULT_HOOKS:
        pipeline.RESULT_HOOKS.append(metrics.observe_job_result)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if configure_logs:
            configure_logging(settings.log_level)
        store = QueueStore(settings.queue_url, dedupe_window_s=settings.dedupe_window_s)
        services = AppServices(
            settings=settings,
            store=store,
            keys=KeyStore(store.engine),
            limiter=RateLimiter(settings.rate_limit),
            routes=routes or load_routes(settings.policy_file),
        )
        services.readiness["queue_db"] = store.ping
        ledger = Ledger(settings.ledger_url)
        services.readiness["ledger"] = ledger.ping
        ledger_gauges = exporter.attach(metrics.REGISTRY, ledger, load_policy(settings.policy_file))
        odoo = _odoo_check(settings)
        if odoo is not None:
            services.readiness["odoo"] = odoo
        metrics.set_queue_depth_source(lambda: float(store.depth()))
        if settings.worker == "inline":
            processor = EventProcessor(
                store,
                job_handler,
                max_attempts=settings.job_max_attempts,
                retry_base_s=settings.job_retry_base_s,
            )
            services.worker = Worker(
                store,
                processor,
                threads=settings.worker_threads,
                reconcile=reconcile_decisions if handler is None else None,
                reconcile_every_s=settings.reconcile_interval_s,
            )
            services.worker.start()
        app.state.services = services
        log.info(
            "api started",
            extra={"worker": settings.worker, "queue": settings.queue_url.split("://", 1)[0]},
        )
        try:
            yield
        finally:
            exporter.detach(ledger_gauges)
            if services.worker is not None:
                services.worker.stop()
            store.close()

    app = FastAPI(
        title="Odoo Triage Agent",
        version="0.1.0",
        summary="Read-only analysis of Odoo projects and Helpdesk tickets, reviewed by people.",
        lifespan=lifespan,
    )
    app.add_middleware(RequestContextMiddleware)
    for router in (
        health.router,
        webhooks.router,
        deadletters.router,
        analysis.router,
        recommendations.router,
        ui.router,
    ):
        app.include_router(router)
    install_error_handlers(app)
    return app
