"""Map typed domain errors to HTTP answers that say what to do next."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from agent.tools.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooUnavailable,
    ReadOnlyViolation,
    RecordNotFound,
)

_STATUS: list[tuple[type[Exception], int]] = [
    (RecordNotFound, 404),
    (ReadOnlyViolation, 403),
    (OdooAccessError, 502),
    (OdooAuthError, 502),
    (OdooUnavailable, 503),
    (OdooError, 502),
]


def install_error_handlers(app: FastAPI) -> None:
    async def odoo_error(_request: Request, exc: Exception) -> JSONResponse:
        status = next(code for cls, code in _STATUS if isinstance(exc, cls))
        return JSONResponse(
            status_code=status,
            content={"detail": str(exc), "error": type(exc).__name__},
        )

    app.add_exception_handler(OdooError, odoo_error)

    try:
        from agent.analysts.llm import LLMNotConfigured
    except ImportError:  # pragma: no cover - the LLM analyst is optional at import time
        return

    async def llm_not_configured(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=400, content={"detail": str(exc), "error": "LLMNotConfigured"}
        )

    app.add_exception_handler(LLMNotConfigured, llm_not_configured)
