"""Dashboard sessions: log in once with an API key, then a signed, expiring cookie.

The cookie carries only the key's id (never the key) signed with
`TRIAGE_UI_SESSION_SECRET` (a random per-process secret when unset: sessions then end
when the process restarts, and several replicas need the setting). Every request looks
the key up again, so revoking a key ends its sessions at once. Forms carry a CSRF token
derived from the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from agent.config import Settings
from service.keys import ApiKey, KeyStore

COOKIE = "triage_ui"
MAX_AGE_S = 8 * 3600

_process_secret = secrets.token_urlsafe(32)


class UiAuthRequired(Exception):
    """No valid session: the page redirects to the login form."""


class UiScopeMissing(Exception):
    """The session's key lacks a scope the action needs; the message says which."""


def _secret(settings: Settings) -> str:
    configured = settings.ui_session_secret
    return configured.get_secret_value() if configured else _process_secret


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(settings), salt="triage-ui-session")


def session_cookie(settings: Settings, key: ApiKey) -> str:
    return _serializer(settings).dumps({"kid": key.id, "n": secrets.token_hex(8)})


def key_for_cookie(settings: Settings, keys: KeyStore, cookie: str | None) -> ApiKey | None:
    """The live key a session cookie stands for, or None (bad, expired or revoked)."""
    if not cookie:
        return None
    try:
        data = _serializer(settings).loads(cookie, max_age=MAX_AGE_S)
    except BadSignature:
        return None
    kid = data.get("kid") if isinstance(data, dict) else None
    for key in keys.list():
        if key.id == kid and key.revoked_at is None:
            return key
    return None


def csrf_token(settings: Settings, cookie: str) -> str:
    digest = hmac.new(_secret(settings).encode(), f"csrf:{cookie}".encode(), hashlib.sha256)
    return digest.hexdigest()


def csrf_ok(settings: Settings, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(settings, cookie), token)
