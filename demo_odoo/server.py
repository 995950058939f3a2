"""The HTTP face of the demo Odoo (a werkzeug WSGI app, like Odoo itself).

Routes: `/web/webclient/version_info`, `/jsonrpc` (common/object/db services),
`/web/session/authenticate`, `/web/dataset/call_kw[/<model>/<method>]` (session cookie),
and, when serving 19.0, JSON-2: `POST /json/2/<model>/<method>` with
`Authorization: bearer <api key>`, named arguments in the body, the bare result as answer
and errors as `serialize_exception` with the exception's HTTP status (Odoo 19
`Json2Dispatcher.handle_error`: 403 AccessError/AccessDenied, 404 MissingError, 422 other
UserErrors, 401 for a bad key, 500 for anything else).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from demo_odoo import methods
from demo_odoo.access import Access, User
from demo_odoo.errors import AccessDenied, HttpError, OdooError, SessionExpired, UserError
from demo_odoo.fields import server_version_info
from demo_odoo.orm import Database

DB_NAME = "demo"
_URLS = Map(
    [
        Rule("/web/webclient/version_info", endpoint="version_info"),
        Rule("/jsonrpc", endpoint="jsonrpc"),
        Rule("/web/session/authenticate", endpoint="authenticate"),
        Rule("/web/session/get_session_info", endpoint="session_info"),
        Rule("/web/dataset/call_kw", endpoint="call_kw"),
        Rule("/web/dataset/call_kw/<path:rest>", endpoint="call_kw"),
        Rule("/web/database/list", endpoint="db_list"),
        Rule("/json/version", endpoint="json_version"),
        Rule("/json/2/<model>/<method>", endpoint="json2"),
    ]
)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


class DemoOdooApp:
    """WSGI application serving one in-memory database."""

    def __init__(self, db: Database, access: Access, version: str = "18.0") -> None:
        self.db, self.access, self.version = db, access, version
        self.major = int(version.split(".")[0])

    # ---------------------------------------------------------------- plumbing
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Route a request; unknown paths are plain 404s."""
        adapter = _URLS.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as exc:
            return Response(exc.description or "Not Found", status=exc.code or 404)
        if endpoint == "json2":
            return self.json2(request, values["model"], values["method"])
        if endpoint == "json_version":
            return _json(server_version_info(self.version))
        return self.jsonrpc_route(request, str(endpoint))

    def jsonrpc_route(self, request: Request, endpoint: str) -> Response:
        """JSON-RPC 2.0 envelope: result, or error with HTTP 200."""
        try:
            payload = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            payload = {}
        rid = payload.get("id") if isinstance(payload, dict) else None
        params = payload.get("params") or {} if isinstance(payload, dict) else {}
        cookie: str | None = None
        try:
            handler = getattr(self, f"rpc_{endpoint}")
            result = handler(request, params)
            if isinstance(result, tuple):
                result, cookie = result
            body: dict[str, Any] = {"jsonrpc": "2.0", "id": rid}
            if result is not methods.NO_RESULT:
                body["result"] = result
        except SessionExpired as exc:
            body = {"jsonrpc": "2.0", "id": None, "error": exc.rpc_error()}
        except OdooError as exc:
            body = {"jsonrpc": "2.0", "id": rid, "error": exc.rpc_error()}
        response = _json(body)
        if cookie:
            response.set_cookie("session_id", cookie, max_age=604800, httponly=True, path="/")
        return response

    # ---------------------------------------------------------------- routes
    def rpc_version_info(self, _request: Request, _params: dict[str, Any]) -> Any:
        """/web/webclient/version_info."""
        return server_version_info(self.version)

    def rpc_db_list(self, _request: Request, _params: dict[str, Any]) -> Any:
        """/web/database/list."""
        return [DB_NAME]

    def rpc_jsonrpc(self, _request: Request, params: dict[str, Any]) -> Any:
        """/jsonrpc services `common`, `object`, `db`."""
        service, method = params.get("service"), params.get("method")
        args = list(params.get("args") or [])
        if service == "common":
            return self._common(str(method), args)
        if service == "db" and method in ("list", "server_version"):
            return [DB_NAME] if method == "list" else self.version
        if service == "object" and method in ("execute", "execute_kw"):
            if len(args) < 5:
                raise UserError("execute_kw expects db, uid, password, model, method")
            _db, uid, password, model, meth = args[:5]
            user = self.access.check_uid(uid, password)
            if method == "execute_kw":
                call_args = list(args[5]) if len(args) > 5 and args[5] else []
                kwargs = dict(args[6]) if len(args) > 6 and args[6] else {}
            else:
                call_args, kwargs = list(args[5:]), {}
            return methods.call(self.db, self.access, user, model, meth, call_args, kwargs)
        raise UserError(f"Unknown service or method: {service}.{method}")

    def _common(self, method: str, args: list[Any]) -> Any:
        if method == "version":
            return server_version_info(self.version)
        if method in ("login", "authenticate"):
            db, login, password = [*args, None, None, None][:3]
            user = self.access.login(str(login), str(password)) if db == DB_NAME else None
            return user.uid if user else False
        raise UserError(f"Unknown method common.{method}")

    def rpc_authenticate(self, _request: Request, params: dict[str, Any]) -> Any:
        """/web/session/authenticate: session info plus the `session_id` cookie."""
        user = None
        if params.get("db") == DB_NAME:
            user = self.access.login(str(params.get("login")), str(params.get("password")))
        if user is None:
            raise AccessDenied()
        return self._session_info(user), self.access.new_session(user)

    def rpc_session_info(self, request: Request, _params: dict[str, Any]) -> Any:
        """/web/session/get_session_info for a valid cookie."""
        user = self.access.session_user(request.cookies.get("session_id"))
        if user is None:
            raise SessionExpired()
        return self._session_info(user)

    def _session_info(self, user: User) -> dict[str, Any]:
        partner = self.db.get("res.partner", user.partner_id) or {}
        info = server_version_info(self.version)
        return {
            "uid": user.uid,
            "is_system": user.role == "admin",
            "is_admin": user.role == "admin",
            "is_public": False,
            "is_internal_user": user.role != "portal",
            "user_context": {"lang": "en_US", "tz": "Europe/Brussels", "uid": user.uid},
            "db": DB_NAME,
            "server_version": info["server_version"],
            "server_version_info": info["server_version_info"],
            "name": user.name,
            "username": user.login,
            "partner_display_name": self.db.display_name("res.partner", user.partner_id),
            "partner_id": user.partner_id,
            "partner_write_date": partner.get("write_date") or False,
            "web.base.url": "http://127.0.0.1:8069",
            "user_companies": {"current_company": 1, "allowed_companies": {}},
        }

    def rpc_call_kw(self, request: Request, params: dict[str, Any]) -> Any:
        """/web/dataset/call_kw: needs the session cookie (code 100 otherwise)."""
        user = self.access.session_user(request.cookies.get("session_id"))
        if user is None:
            raise SessionExpired()
        return methods.call(
            self.db,
            self.access,
            user,
            str(params.get("model")),
            str(params.get("method")),
            list(params.get("args") or []),
            dict(params.get("kwargs") or {}),
        )

    # ---------------------------------------------------------------- JSON-2
    def json2(self, request: Request, model: str, method: str) -> Response:
        """Odoo 19 JSON-2: bare JSON in, bare JSON out, HTTP status on errors."""
        try:
            if self.major < 19:
                raise NotFound()
            user = self._bearer_user(request)
            try:
                body = json.loads(request.get_data(as_text=True) or "{}")
            except ValueError as exc:
                raise HttpError(
                    400, "BadRequest", f"could not parse the body as json: {exc}"
                ) from exc
            if not isinstance(body, dict):
                raise HttpError(400, "BadRequest", "the body must be a JSON object")
            kwargs = dict(body)
            args: list[Any] = []
            if "ids" in kwargs:
                args.append(kwargs.pop("ids"))
            if not self.db.has_model(model):
                raise HttpError(404, "NotFound", f"the model {model!r} does not exist")
            result = methods.call(self.db, self.access, user, model, method, args, kwargs)
            return _json(None if result is methods.NO_RESULT else result)
        except NotFound:
            return Response("Not Found", status=404)
        except OdooError as exc:
            return _json(exc.data(), status=exc.http_status)

    def _bearer_user(self, request: Request) -> User:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        user = self.access.by_api_key(key.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise HttpError(401, "Unauthorized", "Invalid apikey")
        return user
