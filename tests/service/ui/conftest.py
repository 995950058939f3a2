"""A live dashboard on the demo firm: demo Odoo, one published scan, the API on loopback.

Module-scoped: the scan takes seconds, and every browser test reads the same firm.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from dashboard_support import Dashboard
from fastapi import FastAPI
from pydantic import SecretStr
from service_test_support import TOKEN, bound_socket

from agent import pipeline
from agent.config import Settings
from agent.pipeline import PipelineContext, scan_portfolio
from demo_odoo.runner import DemoOdoo
from service.api import create_app
from service.commands.demo import demo_settings
from service.routes import ui


def dashboard_app(settings: Settings, ctx: PipelineContext) -> FastAPI:
    """The service app with the dashboard router (added here until `create_app` has it)."""
    app = create_app(settings, configure_logs=False)
    if not any(getattr(r, "path", "").startswith("/ui") for r in app.routes):
        app.include_router(ui.router)
    app.state.pipeline = ctx
    return app


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    workdir = tmp_path_factory.mktemp("dashboard")
    with DemoOdoo(version="18.0") as odoo:
        settings = demo_settings(odoo, workdir).model_copy(
            update={
                "worker": "inline",
                "rate_limit": "100000/minute",
                "webhook_token": SecretStr(TOKEN),  # model_copy does not validate
                "job_max_attempts": 1,
                "job_retry_base_s": 0.05,
            }
        )
        ctx = PipelineContext.from_settings(settings)
        pipeline.set_default_context(ctx)  # the inline worker's jobs use this context
        scan = scan_portfolio(ctx=ctx, publish=True)
        app = dashboard_app(settings, ctx)
        sock = bound_socket()
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.time() + 15
        while not server.started:
            assert thread.is_alive() and time.time() < deadline, "dashboard did not start"
            time.sleep(0.02)
        _, api_key = app.state.services.keys.create("ops-lead", frozenset({"admin"}))
        try:
            yield Dashboard(
                f"http://127.0.0.1:{sock.getsockname()[1]}", odoo, ctx, scan, settings, app, api_key
            )
        finally:
            server.should_exit = True
            thread.join(15)
            sock.close()
            pipeline.set_default_context(None)
