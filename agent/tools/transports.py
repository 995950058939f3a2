"""How requests reach Odoo: odoorpc over `/jsonrpc` (default) or JSON-2 over httpx.

A transport only moves `(model, method, args, kwargs)` and turns failures into the typed
errors of `agent.tools.errors`. It knows nothing of allowlists: the gateway checks those
before it calls a transport. Connection problems, timeouts and 5xx answers become
`OdooUnavailable` (the gateway retries those); Odoo's error envelope becomes the matching
typed error. Secrets are passed to the server and never put into messages or logs.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import urllib.error
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import odoorpc

from agent.tools.errors import (
    OdooAuthError,
    OdooError,
    OdooServerError,
    OdooUnavailable,
    error_from_odoo,
)


class Transport(Protocol):
    """What the gateway needs from a wire protocol."""

    name: str

    def version_info(self) -> dict[str, Any]:
        """The server's `version_info` (no login needed)."""
        ...

    def authenticate(self) -> int | None:
        """Check the credentials; return the user id when the protocol tells it."""
        ...

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Call `method` on `model` with Odoo's `execute_kw` argument convention."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def _unavailable(url: str, exc: BaseException) -> OdooUnavailable:
    return OdooUnavailable(
        f"Cannot reach Odoo at {url} ({type(exc).__name__}: {exc}). Check ODOO_URL (scheme, "
        "host, port), that the server is up, and any proxy or firewall between them."
    )


class _RedactSecrets(logging.Filter):
    """odoorpc logs whole JSON-RPC payloads at DEBUG, password included: mask them."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "**********")
                record.msg, record.args = message, ()
        return True


_REDACT = _RedactSecrets()
for _name in ("odoorpc", "odoorpc.rpc.jsonrpclib", "odoorpc.odoo"):
    logging.getLogger(_name).addFilter(_REDACT)


_TRANSIENT_NETWORK = (
    urllib.error.URLError,
    ConnectionError,
    socket.timeout,
    TimeoutError,
    http.client.HTTPException,
)


class OdooRPCTransport:
    """The real `odoorpc` client, unchanged, on `/jsonrpc` (Odoo 16-21)."""

    name = "jsonrpc"

    def __init__(self, url: str, db: str, login: str, secret: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._db = db
        self._login = login
        self._secret = secret
        self._timeout = timeout
        self._odoo: Any = None
        if secret:
            _REDACT.secrets.add(secret)

    def _client(self) -> Any:
        if self._odoo is None:
            parts = urlsplit(self.url)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise OdooUnavailable(
                    f"ODOO_URL {self.url!r} is not an http(s) URL; set e.g. https://erp.example.com"
                )
            port = parts.port or (443 if parts.scheme == "https" else 80)
            protocol = "jsonrpc+ssl" if parts.scheme == "https" else "jsonrpc"
            try:
                # odoorpc reads /web/webclient/version_info here.
                self._odoo = odoorpc.ODOO(
                    parts.hostname, protocol=protocol, port=port, timeout=self._timeout
                )
            except _TRANSIENT_NETWORK as exc:
                raise _unavailable(self.url, exc) from exc
            except (ValueError, KeyError) as exc:
                raise OdooUnavailable(
                    f"{self.url} answered, but not like Odoo ({exc}). Check ODOO_URL points "
                    "at the Odoo server itself."
                ) from exc
        return self._odoo

    def version_info(self) -> dict[str, Any]:
        client = self._client()
        info: dict[str, Any] = self._guard(
            "common",
            "version_info",
            lambda: client.json("/web/webclient/version_info", {})["result"],
        )
        return info

    def authenticate(self) -> int | None:
        client = self._client()
        try:
            client.login(self._db, self._login, self._secret)
        except odoorpc.error.RPCError as exc:
            info = exc.info if isinstance(exc.info, dict) else {}
            if info:
                name = str(info.get("data", {}).get("name", ""))
                raise OdooAuthError(
                    f"Login of {self._login!r} on database {self._db!r} failed ({name}: "
                    f"{info.get('data', {}).get('message', '')}). Check ODOO_DB exists on "
                    f"{self.url} and the login is right.",
                    odoo_name=name,
                ) from None
            raise OdooAuthError(
                f"Odoo at {self.url} refused login {self._login!r} on database {self._db!r}. "
                "Check ODOO_DB, ODOO_LOGIN and ODOO_PASSWORD/ODOO_API_KEY, and that the "
                "user is active."
            ) from None
        except _TRANSIENT_NETWORK as exc:
            raise _unavailable(self.url, exc) from exc
        return int(client.env.uid)

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        client = self._client()
        return self._guard(model, method, lambda: client.execute_kw(model, method, args, kwargs))

    def _guard(self, model: str, method: str, call: Any) -> Any:
        try:
            return call()
        except odoorpc.error.RPCError as exc:
            info = exc.info if isinstance(exc.info, dict) else {"message": str(exc)}
            raise error_from_odoo(info, model=model, method=method, login=self._login) from None
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise _unavailable(self.url, exc) from exc
            raise OdooServerError(f"{model}.{method}: HTTP {exc.code} from {self.url}") from exc
        except _TRANSIENT_NETWORK as exc:
            raise _unavailable(self.url, exc) from exc
        except json.JSONDecodeError as exc:
            raise OdooUnavailable(
                f"{self.url} answered {model}.{method} with something that is not JSON; "
                "a proxy error page? Check ODOO_URL."
            ) from exc

    def close(self) -> None:
        self._odoo = None


# Positional parameter names of each method, for JSON-2's named arguments.
_JSON2_POSITIONAL: dict[str, tuple[str, ...]] = {
    "search": ("domain",),
    "search_read": ("domain", "fields"),
    "read": ("ids", "fields"),
    "search_count": ("domain",),
    "read_group": ("domain", "fields", "groupby"),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain"),
    "check_access_rights": ("operation",),
    "has_access": ("ids", "operation"),
    "message_post": ("ids",),
    "create": ("vals_list",),
}


def json2_params(method: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Turn `execute_kw` positional args into JSON-2 named arguments."""
    names = _JSON2_POSITIONAL.get(method)
    if names is None or len(args) > len(names):
        raise OdooServerError(f"JSON-2: no argument names known for {method} with {len(args)} args")
    params = dict(zip(names, args, strict=False))
    params.update(kwargs)
    return params


class Json2Transport:
    """Odoo 19+ JSON-2 API: `POST /json/2/<model>/<method>`, bearer API key, named args."""

    name = "json2"

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        api_key: str,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._db = db
        self._login = login
        self._http = client or httpx.Client(
            base_url=self.url,
            timeout=timeout,
            headers={
                "Authorization": f"bearer {api_key}",
                "X-Odoo-Database": db,
                "User-Agent": "odoo-triage-agent",
            },
        )

    def _post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        try:
            response = self._http.post(path, json=payload)
        except (httpx.TransportError, OSError) as exc:
            raise _unavailable(self.url, exc) from exc
        return response

    def version_info(self) -> dict[str, Any]:
        response = self._post(
            "/web/webclient/version_info", {"jsonrpc": "2.0", "method": "call", "params": {}}
        )
        body = self._json(response, "common", "version_info")
        if "error" in body:
            raise error_from_odoo(
                body["error"], model="common", method="version_info", login=self._login
            )
        result: dict[str, Any] = body.get("result") or {}
        return result

    def authenticate(self) -> int | None:
        try:
            context = self.execute_kw("res.users", "context_get", [], {})
        except OdooError as exc:
            if isinstance(exc, OdooUnavailable):
                raise
            raise OdooAuthError(
                f"Odoo at {self.url} refused the API key for database {self._db!r} ({exc}). "
                "Check ODOO_API_KEY (Preferences > Account Security > New API Key) and ODOO_DB."
            ) from None
        uid = context.get("uid") if isinstance(context, dict) else None
        return int(uid) if isinstance(uid, int) else None

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        params = (
            json2_params(method, args, kwargs)
            if args or method in _JSON2_POSITIONAL
            else dict(kwargs)
        )
        response = self._post(f"/json/2/{model}/{method}", params)
        if response.status_code == 200:
            return self._json(response, model, method)
        body: Any
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 401:
            raise OdooAuthError(
                f"Odoo at {self.url} answered 401 to {model}.{method}: the API key is missing, "
                f"wrong or expired for database {self._db!r}. Check ODOO_API_KEY and ODOO_DB."
            )
        if isinstance(body, dict) and body.get("name"):
            raise error_from_odoo(body, model=model, method=method, login=self._login)
        if response.status_code >= 500:
            raise _unavailable(self.url, RuntimeError(f"HTTP {response.status_code}"))
        raise OdooServerError(
            f"{model}.{method}: HTTP {response.status_code} from {self.url}. Is this Odoo 19+ "
            "(JSON-2)? Otherwise set ODOO_TRANSPORT=jsonrpc."
        )

    def _json(self, response: httpx.Response, model: str, method: str) -> Any:
        if response.status_code >= 500:
            raise _unavailable(self.url, RuntimeError(f"HTTP {response.status_code}"))
        try:
            return response.json()
        except ValueError as exc:
            raise OdooUnavailable(
                f"{self.url} answered {model}.{method} with something that is not JSON; "
                "a proxy error page? Check ODOO_URL."
            ) from exc

    def close(self) -> None:
        self._http.close()
