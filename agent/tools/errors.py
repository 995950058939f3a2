"""Typed errors of the Odoo gateway.

Every message says what to check next (URL, database, login, the Odoo group that is
missing), because the person reading it is usually an operator setting the service up,
not the developer. Messages never contain the password or API key.
"""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Base class: anything that went wrong talking to Odoo."""

    def __init__(self, message: str, *, odoo_name: str | None = None) -> None:
        super().__init__(message)
        self.odoo_name = odoo_name  # Odoo's exception class name, when the server sent one


class OdooUnavailable(OdooError):
    """The server could not be reached or answered with a transient failure (retried)."""


class OdooAuthError(OdooError):
    """Wrong database, login, password or API key."""


class OdooAccessError(OdooError):
    """The user is authenticated but lacks a right (ACL, record rule or field group)."""


class AllowlistViolation(OdooError):
    """A model, field or method outside the gateway's allowlist was requested."""


class ReadOnlyViolation(AllowlistViolation):
    """A write was attempted outside the publish channel; refused before any request."""


class RecordNotFound(OdooError):
    """The record does not exist, was deleted, or is hidden from this user."""


class OdooServerError(OdooError):
    """Any other error Odoo reported (invalid field, bad domain, validation...)."""


_ACCESS_NAMES = {"odoo.exceptions.AccessError", "odoo.exceptions.except_orm"}
_AUTH_NAMES = {"odoo.exceptions.AccessDenied", "odoo.http.SessionExpiredException"}
_MISSING_NAMES = {"odoo.exceptions.MissingError"}


def error_from_odoo(error: dict[str, Any], *, model: str, method: str, login: str) -> OdooError:
    """Map Odoo's JSON-RPC error envelope (or a JSON-2 error body) to a typed error."""
    data: dict[str, Any] = error.get("data") if isinstance(error.get("data"), dict) else error  # type: ignore[assignment]
    name = str(data.get("name") or "")
    message = str(data.get("message") or error.get("message") or "Odoo error").strip()
    where = f"{model}.{method}"
    if name in _AUTH_NAMES:
        return OdooAuthError(
            f"Odoo refused the credentials of {login!r} during {where}: {message}. "
            "Check ODOO_LOGIN and ODOO_PASSWORD/ODOO_API_KEY (an API key replaces the "
            "password), and that the user is active in ODOO_DB.",
            odoo_name=name,
        )
    if name in _ACCESS_NAMES:
        return OdooAccessError(
            f"Odoo denied {where} to {login!r}: {message}\n"
            "Give this user the read group of the app concerned (see `triage doctor`), "
            "or leave the feature off.",
            odoo_name=name,
        )
    if name in _MISSING_NAMES:
        return RecordNotFound(
            f"{where}: {message} Check the id, and that the record is not archived.",
            odoo_name=name,
        )
    return OdooServerError(f"Odoo rejected {where}: {message}", odoo_name=name or None)
