"""The read-only Odoo gateway.

How "read-only by construction" holds:

1. Every request goes through `OdooGateway._call`, which checks the allowlist
   (`agent.tools.allowlist`) *before* the transport is touched: the model must be
   listed, the method must be one of `READ_METHODS`, and every requested field (and every
   field a domain filters on) must be listed for that model. Anything else - `write`,
   `create`, `unlink`, `message_post`, `action_*`, a private method - raises
   `ReadOnlyViolation` and nothing leaves the process.
2. The only way past that check is a `_WriteGrant` token that this module creates once
   and hands only to `PublishChannel`. `PublishChannel` exposes exactly two operations:
   `post_note` (`message_post` as an internal note) and `create_activity`
   (`mail.activity.create`), and only on `PUBLISH_MODELS`. `agent/publish.py` is the
   only caller of `gateway.publish_channel()`; LangChain tools, analysts and signals get
   the gateway's read methods only.
3. The Odoo user itself should also be least-privilege (`triage doctor` checks it), so a
   bug here would still be stopped by Odoo's access rights.

Other duties: detect the version once, read `fields_get` once per model and never ask for
a field the server lacks, retry transient failures with backoff (reads only: a write is
never blindly repeated, `agent/publish.py` reconciles instead), count RPC calls for the
benchmark, and never log secrets.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from agent.config import Settings, get_settings
from agent.links import DEFAULT_ODOO_VERSION, record_url
from agent.tools import allowlist
from agent.tools.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooServerError,
    OdooUnavailable,
    ReadOnlyViolation,
    RecordNotFound,
)
from agent.tools.transports import Json2Transport, OdooRPCTransport, Transport
from agent.tools.versions import OdooVersion, field_candidates

log = logging.getLogger(__name__)

READ_CHUNK: Final = 1000  # ids per `read` call; keeps request bodies bounded


@dataclass
class GatewayStats:
    """RPC calls actually sent (retries included), for benchmarks and metrics."""

    calls: int = 0
    retries: int = 0
    seconds: float = 0.0
    by_method: Counter[str] = field(default_factory=Counter)
    seconds_by_method: dict[str, float] = field(default_factory=dict)

    def reset(self) -> None:
        self.calls = 0
        self.retries = 0
        self.seconds = 0.0
        self.by_method.clear()
        self.seconds_by_method.clear()


class _WriteGrant:
    """Capability token: holding it is what lets a call skip the read-only check."""

    __slots__ = ()


_GRANT: Final = _WriteGrant()


class OdooGateway:
    """Allowlisted, read-only access to one Odoo database."""

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        secret: str,
        *,
        transport: str | Transport = "jsonrpc",
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.url = url.rstrip("/")
        self.db = db
        self.login = login
        if isinstance(transport, str):
            if transport == "json2":
                self._transport: Transport = Json2Transport(self.url, db, login, secret, timeout)
            elif transport == "jsonrpc":
                self._transport = OdooRPCTransport(self.url, db, login, secret, timeout)
            else:
                raise ValueError(f"ODOO_TRANSPORT must be jsonrpc or json2, not {transport!r}")
        else:
            self._transport = transport
        self._retries = max(0, retries)
        self._backoff = backoff
        self.stats = GatewayStats()
        self._version: OdooVersion | None = None
        self._uid: int | None = None
        self._connected = False
        self._fields: dict[str, dict[str, dict[str, Any]]] = {}
        self._missing_models: set[str] = set()
        self._lookup_cache: dict[tuple[str, str], int] = {}
        self._memo: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> OdooGateway:
        """Build from `ODOO_*` settings; refuses to start without a URL or a secret."""
        s = settings or get_settings()
        if not s.odoo_url:
            raise OdooUnavailable(
                "ODOO_URL is not set. Point it at your Odoo (https://erp.example.com) or "
                "start the demo Odoo with `triage demo-odoo`."
            )
        secret = s.odoo_secret
        if not secret:
            raise OdooAuthError(
                "Neither ODOO_API_KEY nor ODOO_PASSWORD is set for login "
                f"{s.odoo_login!r}. An API key is preferred (and required for JSON-2)."
            )
        return cls(
            s.odoo_url,
            s.odoo_db,
            s.odoo_login,
            secret,
            transport=s.odoo_transport,
            timeout=s.odoo_timeout_s,
            retries=s.odoo_retries,
        )

    # ----------------------------------------------------------------- connection
    @property
    def base_url(self) -> str:
        """The Odoo URL without a trailing slash, for evidence links."""
        return self.url

    @property
    def transport_name(self) -> str:
        return self._transport.name

    def connect(self) -> OdooGateway:
        """Detect the version and check the credentials (once)."""
        if not self._connected:
            version = self.detect_version()
            self._uid = self._with_retry("common", "login", self._transport.authenticate)
            self._connected = True
            log.info(
                "connected to Odoo %s at %s as %s via %s",
                version.server_version,
                self.url,
                self.login,
                self._transport.name,
            )
        return self

    def detect_version(self) -> OdooVersion:
        """Read `version_info` once (no login needed)."""
        if self._version is None:
            info = self._with_retry("common", "version_info", self._transport.version_info)
            self._version = OdooVersion.from_info(info)
        return self._version

    @property
    def version(self) -> OdooVersion:
        self.connect()
        assert self._version is not None
        return self._version

    @property
    def uid(self) -> int | None:
        self.connect()
        return self._uid

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OdooGateway:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the check
    def _call(
        self,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        grant: _WriteGrant | None = None,
    ) -> Any:
        """The single choke point: allowlist check, then (retried) transport call."""
        kwargs = kwargs or {}
        if grant is not _GRANT:
            allowlist.check_model(model)
            allowlist.check_method(model, method)
            allowlist.check_fields(model, _requested_fields(method, args, kwargs))
        self.connect()
        if grant is _GRANT:
            return self._send(model, method, args, kwargs)
        return self._with_retry(model, method, lambda: self._send(model, method, args, kwargs))

    def _send(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        key = f"{model}.{method}"
        self.stats.calls += 1
        self.stats.by_method[key] += 1
        started = time.perf_counter()
        try:
            log.debug("odoo %s", key)
            return self._transport.execute_kw(model, method, args, kwargs)
        finally:
            spent = time.perf_counter() - started
            self.stats.seconds += spent
            self.stats.seconds_by_method[key] = self.stats.seconds_by_method.get(key, 0.0) + spent

    def _with_retry(self, model: str, method: str, fn: Any) -> Any:
        def _count_retry(state: Any) -> None:
            self.stats.retries += 1
            log.warning(
                "Odoo %s.%s failed transiently, retrying: %s",
                model,
                method,
                state.outcome.exception(),
            )

        for attempt in Retrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_exponential(multiplier=self._backoff, max=8),
            retry=retry_if_exception_type(OdooUnavailable),
            reraise=True,
            before_sleep=_count_retry,
        ):
            with attempt:
                return fn()
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ fields
    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        """`fields_get` for `model`, read once per gateway; `{}` when the model is absent."""
        if model in self._fields:
            return self._fields[model]
        if model in self._missing_models:
            return {}
        try:
            result = self._call(
                model, "fields_get", [], {"attributes": ["type", "relation", "string"]}
            )
        except (OdooServerError, RecordNotFound):
            self._missing_models.add(model)  # "Object x doesn't exist": app not installed
            return {}
        self._fields[model] = dict(result or {})
        return self._fields[model]

    def has_model(self, model: str) -> bool:
        """Whether the app providing `model` is installed (and readable)."""
        try:
            return bool(self.fields(model))
        except OdooAccessError:
            return True

    def available(self, model: str, wanted: Iterable[str]) -> list[str]:
        """The subset of `wanted` that this server has (order kept)."""
        present = self.fields(model)
        return [f for f in wanted if f in present]

    def field_map(self, model: str) -> dict[str, str]:
        """Record attribute -> server field, for this version and this server's fields."""
        present = self.fields(model)
        allowed = allowlist.FIELDS.get(model, frozenset())
        mapping: dict[str, str] = {}
        for attr, candidates in field_candidates(model, self.version).items():
            for name in candidates:
                if name in present and name in allowed:
                    mapping[attr] = name
                    break
        return mapping

    # ------------------------------------------------------------------ reads
    def search(
        self,
        model: str,
        domain: Sequence[Any],
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
    ) -> list[int]:
        kwargs = _opts(limit=limit, offset=offset or None, order=order)
        return list(self._call(model, "search", [list(domain)], kwargs) or [])

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows with `fields` (filtered to what the server has) matching `domain`."""
        present = self.available(model, fields)
        kwargs = _opts(
            fields=present, limit=limit, offset=offset or None, order=order, context=context
        )
        return list(self._call(model, "search_read", [list(domain)], kwargs) or [])

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str]) -> list[dict[str, Any]]:
        """Rows for `ids` in batches; ids that do not exist are left out (as Odoo does)."""
        present = self.available(model, fields)
        unique = list(dict.fromkeys(int(i) for i in ids))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(unique), READ_CHUNK):
            chunk = unique[start : start + READ_CHUNK]
            rows.extend(self._call(model, "read", [chunk, present]) or [])
        return rows

    def read_one(self, model: str, record_id: int, fields: Sequence[str]) -> dict[str, Any]:
        rows = self.read(model, [record_id], fields)
        if not rows:
            raise RecordNotFound(
                f"{model} {record_id} does not exist or is not visible to {self.login!r}. "
                "Check the id, that it is not archived, and the user's record rules."
            )
        return rows[0]

    def search_count(self, model: str, domain: Sequence[Any]) -> int:
        return int(self._call(model, "search_count", [list(domain)]) or 0)

    def read_group(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        groupby: Sequence[str],
        *,
        lazy: bool = True,
        orderby: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Server-side aggregation (`read_group`), so cost grows with groups, not lines."""
        kwargs = _opts(lazy=None if lazy else False, orderby=orderby, limit=limit)
        return list(
            self._call(model, "read_group", [list(domain), list(fields), list(groupby)], kwargs)
            or []
        )

    def name_search(self, model: str, name: str = "", *, limit: int = 8) -> list[tuple[int, str]]:
        rows = self._call(model, "name_search", [name], {"limit": limit}) or []
        return [(int(r[0]), str(r[1])) for r in rows]

    def check_access_rights(self, model: str, operation: str) -> bool:
        """Whether the ACLs grant `operation`; never raises for a plain "no"."""
        try:
            result = self._call(
                model, "check_access_rights", [operation], {"raise_exception": False}
            )
        except OdooServerError:
            if self.version.major < 18:
                raise
            # check_access_rights is deprecated since 18: ask has_access on no record.
            result = self._call(model, "has_access", [[], operation])
        return bool(result)

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Generic call for allowlisted read methods; anything else is `ReadOnlyViolation`."""
        return self._call(model, method, list(args), dict(kwargs))

    # ------------------------------------------------------------------ helpers
    def lookup_id(self, model: str, domain: Sequence[Any], what: str) -> int:
        """One id by domain, cached (ir.model ids, activity types)."""
        key = (model, repr(list(domain)))
        if key not in self._lookup_cache:
            ids = self.search(model, domain, limit=1)
            if not ids:
                raise RecordNotFound(f"{what} not found in Odoo ({model} {list(domain)}).")
            self._lookup_cache[key] = ids[0]
        return self._lookup_cache[key]

    def memo(self, key: str, compute: Any) -> Any:
        """Per-gateway cache for small lookups readers repeat (subtypes, stages)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def record_url(self, model: str, record_id: int) -> str:
        """Link for evidence: `/odoo/<model>/<id>` (18+) or `/web#id=..&model=..`."""
        major = self._version.major if self._version is not None else DEFAULT_ODOO_VERSION
        return record_url(self.url, model, record_id, major) or ""

    def read_activities(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Raw mail.activity rows (publish reconciliation); typed via readers.read_activities."""
        return self.read(
            "mail.activity",
            ids,
            [
                "res_model",
                "res_id",
                "summary",
                "user_id",
                "date_deadline",
                "activity_type_id",
                "res_name",
                "write_date",
            ],
        )

    def publish_channel(self) -> PublishChannel:
        """The only write path; used by `agent/publish.py` alone."""
        return PublishChannel(self, _GRANT)


class PublishChannel:
    """Exactly two writes: an internal note and a review activity, on allowlisted models."""

    def __init__(self, gateway: OdooGateway, grant: _WriteGrant) -> None:
        if grant is not _GRANT:
            raise ReadOnlyViolation(
                "PublishChannel can only be obtained from gateway.publish_channel()."
            )
        self._gw = gateway
        self._grant = grant

    @staticmethod
    def _check_target(model: str, res_id: int) -> None:
        if model not in allowlist.PUBLISH_MODELS:
            raise ReadOnlyViolation(
                f"Publishing on {model} refused: notes and activities are only posted on "
                f"{', '.join(sorted(allowlist.PUBLISH_MODELS))}."
            )
        if not isinstance(res_id, int) or res_id <= 0:
            raise ReadOnlyViolation(f"Publishing refused: {res_id!r} is not a record id.")

    def post_note(self, model: str, res_id: int, html_body: str) -> int:
        """`message_post` as an internal note (subtype Note); returns the message id."""
        self._check_target(model, res_id)
        result = self._gw._call(
            model,
            "message_post",
            [[res_id]],
            {
                "body": html_body,
                "body_is_html": True,
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_note",
            },
            grant=self._grant,
        )
        return _first_id(result, f"{model}.message_post")

    def create_activity(
        self,
        model: str,
        res_id: int,
        user_id: int,
        summary: str,
        note_html: str,
        date_deadline: date,
        activity_type_xmlid_or_name: str = "To-Do",
    ) -> int:
        """A `mail.activity` for a reviewer; returns the activity id."""
        self._check_target(model, res_id)
        res_model_id = self._gw.lookup_id(
            "ir.model", [("model", "=", model)], f"ir.model for {model}"
        )
        type_id = self._activity_type_id(activity_type_xmlid_or_name)
        vals: dict[str, Any] = {
            "res_model_id": res_model_id,
            "res_id": res_id,
            "activity_type_id": type_id,
            "user_id": user_id,
            "summary": summary,
            "note": note_html,
            "date_deadline": date_deadline.isoformat(),
        }
        result = self._gw._call("mail.activity", "create", [vals], {}, grant=self._grant)
        return _first_id(result, "mail.activity.create")

    def _activity_type_id(self, ref: str) -> int:
        if "." in ref and " " not in ref:
            module, _, name = ref.partition(".")
            try:
                return self._gw.lookup_id(
                    "ir.model.data",
                    [
                        ("module", "=", module),
                        ("name", "=", name),
                        ("model", "=", "mail.activity.type"),
                    ],
                    f"activity type {ref}",
                )
            except (OdooAccessError, RecordNotFound):
                pass  # ir.model.data may be hidden from the API user: fall back to the name
            ref = "To-Do" if name == "mail_activity_data_todo" else ref
        return self._gw.lookup_id(
            "mail.activity.type", [("name", "=", ref)], f"activity type {ref!r}"
        )


def _first_id(result: Any, what: str) -> int:
    if isinstance(result, list) and result:
        result = result[0]
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    raise OdooError(f"{what} returned {result!r} instead of a record id.")


def _opts(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


def _requested_fields(method: str, args: list[Any], kwargs: dict[str, Any]) -> set[str]:
    """Every field a read call names: selected fields, groupbys and domain leaves."""
    names: set[str] = set()
    domain: Any = None
    if method in {"search", "search_read", "search_count", "read_group"}:
        domain = args[0] if args else kwargs.get("domain")
    if method in {"search_read", "read"}:
        names.update(args[1] if len(args) > 1 else kwargs.get("fields") or [])
    elif method == "read_group":
        names.update(args[1] if len(args) > 1 else kwargs.get("fields") or [])
        names.update(args[2] if len(args) > 2 else kwargs.get("groupby") or [])
    elif method == "name_search":
        domain = args[1] if len(args) > 1 else kwargs.get("domain") or kwargs.get("args")
    order = kwargs.get("order") or kwargs.get("orderby")
    if isinstance(order, str):
        names.update(part.split()[0] for part in order.split(",") if part.strip())
    if isinstance(domain, list | tuple):
        names.update(allowlist.domain_fields(domain))
    return names
