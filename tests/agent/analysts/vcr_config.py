"""Shared vcrpy configuration for LLM cassettes (replayed in CI, recorded locally).

- record mode `none` when `CI=true` (a missing cassette fails instead of calling out),
  `once` locally; override with `TRIAGE_VCR_RECORD_MODE` (e.g. `all` to re-record);
- requests match on method, URI and body; the endpoint's scheme/host/port are rewritten
  to `http://llm.test` before recording *and* matching, so a cassette recorded against any
  server (a llama.cpp on a random port, OpenAI, Azure) replays with any base URL;
- `authorization`, `api-key`, `x-api-key` headers become a placeholder, and a
  `before_record_request` hook scrubs secret-looking keys anywhere inside JSON bodies
  (vcrpy's `filter_post_data_parameters` only sees top-level keys: vcrpy issue 936).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr
from vcr.request import Request

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
PLACEHOLDER = "<REDACTED>"
CANONICAL_HOST = "llm.test"
SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization", "cookie")
_SECRET_KEY = re.compile(r"(api[_-]?key|secret|password|token|authorization)", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"(sk-[A-Za-z0-9_-]{6,}|Bearer\s+\S+)")


def scrub(value: Any) -> Any:
    """Replace secrets at any depth of a decoded JSON value."""
    if isinstance(value, dict):
        return {
            k: PLACEHOLDER if _SECRET_KEY.search(str(k)) and isinstance(v, str) else scrub(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return _SECRET_VALUE.sub(PLACEHOLDER, value)
    return value


def canonical_uri(uri: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit(("http", CANONICAL_HOST, parts.path, parts.query, ""))


def before_record_request(request: Request) -> Request:
    request.uri = canonical_uri(request.uri)
    for header in list(request.headers):
        if header.lower() in SECRET_HEADERS:
            request.headers[header] = PLACEHOLDER
    if request.body:
        raw = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        try:
            request.body = json.dumps(scrub(json.loads(raw)), sort_keys=True).encode()
        except ValueError:
            request.body = _SECRET_VALUE.sub(PLACEHOLDER, raw).encode()
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for header in list(headers):
        if header.lower() in ("set-cookie", *SECRET_HEADERS):
            headers[header] = [PLACEHOLDER]
    return response


def record_mode() -> str:
    explicit = os.environ.get("TRIAGE_VCR_RECORD_MODE")
    if explicit:
        return explicit
    return "none" if os.environ.get("CI", "").lower() in ("true", "1") else "once"


def make_vcr() -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode(),
        match_on=("method", "uri", "body"),
        filter_headers=[(h, PLACEHOLDER) for h in SECRET_HEADERS],
        before_record_request=before_record_request,
        before_record_response=before_record_response,
        decode_compressed_response=True,
        serializer="yaml",
    )
