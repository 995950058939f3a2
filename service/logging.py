"""JSON logs, one line per event, sharing a request id across API, worker and pipeline.

The request id lives in a contextvar so any code (the lead's pipeline included) can log
with `logging.getLogger(...)` and still get `request_id`, `event_id` and `job` on each
line: `with log_context(request_id=..., event_id=...)`. A redaction filter scrubs
tokens, API keys, passwords and `Authorization` values from every line, including
uvicorn's access log (which prints `?token=...` query strings).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

CONTEXT_FIELDS = ("request_id", "event_id", "job", "model", "res_id")
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "triage_log_context", default=_EMPTY
)

REDACTED = "[REDACTED]"
SENSITIVE_KEYS = re.compile(
    r"(token|password|passwd|secret|authorization|api[_-]?key|signature)", re.IGNORECASE
)
_PATTERNS = [
    # key=value in query strings, form bodies and reprs: token=abc, password: 'x'
    re.compile(
        r"(?P<k>\b[\w-]*(?:token|password|passwd|secret|api[_-]?key|signature)[\w-]*"
        r"[\"']?\s*[=:]\s*[\"']?)(?P<v>[^\s&\"',;}]+)",
        re.IGNORECASE,
    ),
    # Authorization: Bearer xyz / Basic xyz
    re.compile(r"(?P<k>\b(?:bearer|basic)\s+)(?P<v>[A-Za-z0-9._~+/=-]+)", re.IGNORECASE),
    # HMAC signatures: t=...,v1=<hex>
    re.compile(r"(?P<k>\bv1=)(?P<v>[0-9a-fA-F]+)"),
    # our own API keys, wherever they appear
    re.compile(r"(?P<k>)(?P<v>\btrg_[A-Za-z0-9]+_[A-Za-z0-9_-]+)"),
]


def redact_text(text: str) -> str:
    """Replace secret values in free text, keeping the names so the line stays useful."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group('k')}{REDACTED}", text)
    return text


def redact_value(key: str, value: Any) -> Any:
    """Redact a structured field: a sensitive key hides its whole value."""
    if SENSITIVE_KEYS.search(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Scrubs the message, its arguments and extra fields of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key in _RESERVED or key.startswith("_"):
                continue
            record.__dict__[key] = redact_value(key, value)
        return True


class ContextFilter(logging.Filter):
    """Copies the current log context (request id, event id, ...) onto the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RESERVED or key.startswith("_"):
                continue
            entry[key] = value
        if record.exc_info:
            entry["exc"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_context() -> dict[str, Any]:
    """The fields logged with every line right now (copy; safe to pass to a job)."""
    return dict(_context.get())


def current_request_id() -> str | None:
    value = _context.get().get("request_id")
    return str(value) if value is not None else None


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (request_id, event_id, job, model, res_id) to every line logged inside."""
    merged = {**_context.get(), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the current context without a `with` block (per-request middleware)."""
    _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    """Route the root, uvicorn and huey loggers through one redacting JSON handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    handler.set_name("triage-json")
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != "triage-json"]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "huey"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # huey logs every task start/end; our worker already logs one line per job.
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("huey.consumer").setLevel(logging.INFO)
