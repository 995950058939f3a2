"""Odoo exceptions and the JSON-RPC / JSON-2 error bodies they turn into.

The shapes copy the recordings: HTTP 200, `{"code": 200, "message": "Odoo Server Error",
"data": {"name", "debug", "message", "arguments", "context"}}`; session expiry is code 100.
JSON-2 (Odoo 19) answers `serialize_exception` directly with the exception's HTTP status.
"""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Base of every error the demo server reports to a client."""

    odoo_name = "odoo.exceptions.UserError"
    http_status = 422
    code = 200
    rpc_message = "Odoo Server Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def data(self) -> dict[str, Any]:
        """The `serialize_exception` dictionary of this error."""
        short = self.odoo_name.rsplit(".", 1)[-1]
        return {
            "name": self.odoo_name,
            "debug": f"Traceback (most recent call last): ... (trimmed) ... "
            f"{self.odoo_name if not self.odoo_name.startswith('builtins') else short}: "
            f"{self.message}",
            "message": self.message,
            "arguments": [self.message],
            "context": {},
        }

    def rpc_error(self) -> dict[str, Any]:
        """The JSON-RPC `error` member."""
        return {"code": self.code, "message": self.rpc_message, "data": self.data()}


class UserError(OdooError):
    """`odoo.exceptions.UserError`."""


class AccessError(OdooError):
    """`odoo.exceptions.AccessError`: the user may not do this."""

    odoo_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(OdooError):
    """`odoo.exceptions.AccessDenied`: wrong login, password or key."""

    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class MissingError(OdooError):
    """`odoo.exceptions.MissingError`: the record does not exist."""

    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class ValidationError(OdooError):
    """`odoo.exceptions.ValidationError`: a constraint is violated."""

    odoo_name = "odoo.exceptions.ValidationError"


class OdooValueError(OdooError):
    """`builtins.ValueError` (bad domain leaf, unknown field...)."""

    odoo_name = "builtins.ValueError"
    http_status = 500


class OdooKeyError(OdooError):
    """`builtins.KeyError`."""

    odoo_name = "builtins.KeyError"
    http_status = 500


class OdooTypeError(OdooError):
    """`builtins.TypeError` (wrong arguments to a method)."""

    odoo_name = "builtins.TypeError"
    http_status = 500


class SessionExpired(OdooError):
    """`odoo.http.SessionExpiredException`: no valid session cookie."""

    odoo_name = "odoo.http.SessionExpiredException"
    http_status = 403
    code = 100
    rpc_message = "Odoo Session Expired"

    def __init__(self, message: str = "Session expired") -> None:
        super().__init__(message)


class HttpError(OdooError):
    """A werkzeug HTTP exception as JSON-2 serializes it (e.g. 401 Unauthorized)."""

    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(message)
        self.http_status = status
        self.odoo_name = f"werkzeug.exceptions.{name}"

    def data(self) -> dict[str, Any]:
        """Werkzeug errors carry `(description, code)` as arguments."""
        out = super().data()
        out["arguments"] = [self.message, self.http_status]
        return out


def missing(model: str, ids: list[int], uid: int) -> MissingError:
    """The recorded MissingError for ids that do not exist."""
    shown = ", ".join(str(i) for i in ids) + ("," if len(ids) == 1 else "")
    return MissingError(
        f"Record does not exist or has been deleted.\n(Record: {model}({shown}), User: {uid})"
    )


def required_field(model_label: str, model: str, field_label: str, field: str) -> ValidationError:
    """The recorded ValidationError for a mandatory field left empty."""
    return ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it "
        f"instead.\n\nModel: {model_label} ({model})\nField: {field_label} ({field})\n"
    )
