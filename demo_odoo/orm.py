"""The in-memory database behind the demo Odoo: tables, search, read, create/write/unlink.

Records are stored raw (many2one as int, x2many as id lists, dates as strings) under their
served field names. Every mutation bumps a per-model stamp; derived data (hours per task,
display names, inverse indexes) is cached against those stamps, so reads stay linear even at
100,000 timesheet lines. One re-entrant lock serialises calls; reads are fast enough that
this is simpler and safe under a threaded HTTP server.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from demo_odoo import computed
from demo_odoo.domain import Compiler, mentions_field
from demo_odoo.errors import OdooValueError, UserError, missing, required_field
from demo_odoo.fields import (
    KANBAN_FROM_STATE,
    MODEL_LABELS,
    ONE2MANY_INVERSE,
    FieldDef,
    model_fields,
    version_name,
)

Record = dict[str, Any]
Dataset = dict[str, list[Record]]
T = TypeVar("T")

DEFAULT_ORDER: dict[str, str] = {
    "project.task": "priority desc, sequence, id desc",
    "project.project": "sequence, name, id",
    "account.analytic.line": "date desc, id desc",
    "helpdesk.ticket": "priority desc, sequence, number desc, id desc",
    "mail.message": "id desc",
    "mail.activity": "date_deadline asc, id asc",
    "res.partner": "display_name, id desc",
    "res.users": "name, login",
    "hr.employee": "name",
    "project.task.type": "sequence, id",
    "helpdesk.ticket.stage": "sequence, id",
    "helpdesk.ticket.team": "sequence, id",
    "project.update": "id desc",
    "sale.order": "date_order desc, id desc",
    "sale.order.line": "order_id, sequence, id",
    "hr.leave": "date_from desc",
    "mail.activity.type": "sequence, id",
    "project.milestone": "deadline, name",
}
REQUIRED_ON_CREATE: dict[str, tuple[str, ...]] = {
    "project.task": ("name",),
    "project.project": ("name",),
    "mail.activity": ("res_model_id",),
    "helpdesk.ticket": ("name",),
    "res.partner": ("name",),
}
_ORDER_PART = re.compile(r"^\s*([a-zA-Z_][\w.]*)\s*(asc|desc)?\s*(nulls\s+(first|last))?\s*$", re.I)
_EMPTY_SORT = object()


def _empty_value(fdef: FieldDef) -> Any:
    if fdef.type in ("one2many", "many2many"):
        return []
    if fdef.type in ("float", "monetary"):
        return 0.0
    if fdef.type == "integer":
        return 0
    return False


class Database:
    """All records of one demo database, with Odoo-like methods."""

    def __init__(self, version: str = "18.0", today: str | None = None) -> None:
        self.version = version
        self.major = int(version.split(".")[0])
        self.fields = model_fields(version)
        self.tables: dict[str, dict[int, Record]] = {m: {} for m in self.fields}
        self.next_id: dict[str, int] = defaultdict(lambda: 1)
        self.stamps: dict[str, int] = defaultdict(int)
        self._cache: dict[str, tuple[tuple[int, ...], Any]] = {}
        self.lock = threading.RLock()
        self.task_hours_field = version_name(version, "project.task", "allocated_hours")
        self._today = today

    # ------------------------------------------------------------------ storage
    def load(self, dataset: Dataset) -> None:
        """Insert a dataset given with Odoo 18 field names (renamed for older versions)."""
        with self.lock:
            for model, records in dataset.items():
                if model not in self.fields:
                    continue
                table = self.tables[model]
                for rec in records:
                    row = self._to_version(model, dict(rec))
                    table[int(row["id"])] = row
                if table:
                    self.next_id[model] = max(self.next_id[model], max(table) + 1)
                self.touch(model)

    def _to_version(self, model: str, row: Record) -> Record:
        if self.major <= 16 and model == "project.task":
            if "allocated_hours" in row:
                row["planned_hours"] = row.pop("allocated_hours")
            if "state" in row:
                row["kanban_state"] = KANBAN_FROM_STATE.get(str(row.pop("state")), "normal")
        return row

    def dump(self, path: str | Path) -> None:
        """Write the current records as a dataset JSON file (`--data` loads it back)."""
        with self.lock:
            data = {m: list(t.values()) for m, t in self.tables.items() if t}
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")

    def has_model(self, model: str) -> bool:
        """Whether the model exists on this server."""
        return model in self.fields

    def table(self, model: str) -> dict[int, Record]:
        """id -> record of a model; UserError (as Odoo) for an unknown model."""
        if model not in self.tables:
            raise UserError(f"Object {model} doesn't exist")
        return self.tables[model]

    def get(self, model: str, rid: Any) -> Record | None:
        """One raw record or None."""
        if not rid or model not in self.tables:
            return None
        return self.tables[model].get(int(rid))

    def touch(self, model: str) -> None:
        """Mark a model changed: derived caches depending on it rebuild on next use."""
        self.stamps[model] += 1

    def cached(self, key: str, deps: Iterable[str], build: Callable[[], T]) -> T:
        """`build()` memoised until one of the `deps` models changes."""
        stamp = tuple(self.stamps[d] for d in deps)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == stamp:
            value: T = hit[1]
            return value
        fresh = build()
        self._cache[key] = (stamp, fresh)
        return fresh

    def today(self) -> str:
        """Today's date (fixed if the database was built with one)."""
        return self._today or date.today().isoformat()

    @staticmethod
    def now() -> str:
        """Current UTC time in Odoo's datetime format."""
        return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")

    # ------------------------------------------------------------ derived data
    def inverse(self, model: str, field: str) -> dict[int, list[int]]:
        """target id -> ids of `model` records whose many2one `field` points at it."""

        def build() -> dict[int, list[int]]:
            out: dict[int, list[int]] = defaultdict(list)
            for rec in self.tables[model].values():
                target = rec.get(field)
                if target:
                    out[target].append(rec["id"])
            return dict(out)

        return self.cached(f"inverse:{model}:{field}", (model,), build)

    def activities_by_target(self) -> dict[tuple[str, int], list[Record]]:
        """(res_model, res_id) -> open activities."""

        def build() -> dict[tuple[str, int], list[Record]]:
            out: dict[tuple[str, int], list[Record]] = defaultdict(list)
            for act in self.tables["mail.activity"].values():
                if act.get("active", True) and act.get("res_model") and act.get("res_id"):
                    out[(act["res_model"], act["res_id"])].append(act)
            return dict(out)

        return self.cached("activities", ("mail.activity",), build)

    def messages_by_target(self) -> dict[tuple[str, int], list[int]]:
        """(model, res_id) -> message ids."""

        def build() -> dict[tuple[str, int], list[int]]:
            out: dict[tuple[str, int], list[int]] = defaultdict(list)
            for msg in self.tables["mail.message"].values():
                if msg.get("model") and msg.get("res_id"):
                    out[(msg["model"], msg["res_id"])].append(msg["id"])
            return dict(out)

        return self.cached("messages", ("mail.message",), build)

    def display_names(self, model: str) -> dict[int, str]:
        """id -> display name for every record of `model`."""
        deps = (model, "res.partner", "sale.order")

        def build() -> dict[int, str]:
            return {
                rid: self._compute_display_name(model, rec)
                for rid, rec in self.table(model).items()
            }

        return self.cached(f"display:{model}", deps, build)

    def display_name(self, model: str, rid: Any) -> str:
        """Display name of one record ('' when it does not exist)."""
        if not rid or model not in self.tables:
            return ""
        return self.display_names(model).get(int(rid), "")

    def _compute_display_name(self, model: str, rec: Record) -> str:
        name = rec.get("name")
        if model == "res.partner":
            parent = self.get("res.partner", rec.get("parent_id"))
            if parent and not rec.get("is_company"):
                return (
                    f"{parent.get('name') or ''}, {name or ''}" if name else str(parent.get("name"))
                )
        elif model == "res.users" and not name:
            name = (self.get("res.partner", rec.get("partner_id")) or {}).get("name")
        elif model == "helpdesk.ticket" and rec.get("number"):
            return f"{rec['number']} - {name or ''}"
        elif model == "sale.order.line":
            order = self.get("sale.order", rec.get("order_id")) or {}
            partner = self.get("res.partner", order.get("partner_id")) or {}
            first = str(name or "").split("\n")[0]
            suffix = f" ({partner.get('name')})" if partner.get("name") else ""
            return f"{order.get('name') or ''} - {first}{suffix}"
        elif model == "product.product" and rec.get("default_code"):
            return f"[{rec['default_code']}] {name or ''}"
        elif model == "mail.activity" and not name:
            atype = self.get("mail.activity.type", rec.get("activity_type_id")) or {}
            return str(rec.get("summary") or atype.get("name") or "")
        if name:
            return str(name)
        return f"{model},{rec['id']}"

    def parent_ids(self, model: str) -> dict[int, int]:
        """child -> parent through `parent_id`."""
        return {rid: r["parent_id"] for rid, r in self.table(model).items() if r.get("parent_id")}

    # --------------------------------------------------------------- field access
    def field(self, model: str, name: str) -> FieldDef | None:
        """Field definition or None."""
        return self.fields.get(model, {}).get(name)

    def raw(self, model: str, rec: Record, name: str) -> Any:
        """Raw value of a stored or computed field."""
        comp = computed.COMPUTED.get((model, name))
        if comp is not None:
            return comp(self, rec)
        if name in rec:
            return rec[name]
        if name == "display_name":
            return self.display_name(model, rec["id"])
        generic = computed.GENERIC.get(name)
        fdef = self.field(model, name)
        if generic is not None and fdef is not None:
            return generic(self, model, rec)
        if fdef is None:
            return False
        if fdef.type == "one2many":
            inverse = ONE2MANY_INVERSE.get((model, name))
            if inverse and fdef.relation in self.tables:
                return self.inverse(fdef.relation, inverse).get(rec["id"], [])
            return []
        return _empty_value(fdef)

    def getter(self, model: str, name: str) -> Callable[[Record], Any]:
        """A fast raw-value accessor: a dict lookup for plain stored fields."""
        fdef = self.field(model, name)
        if (
            fdef is not None
            and fdef.store
            and fdef.type != "one2many"
            and (model, name) not in computed.COMPUTED
            and name not in computed.GENERIC
            and name != "display_name"
        ):
            empty = _empty_value(fdef)
            if isinstance(empty, list):
                return lambda r: r.get(name) or []
            return lambda r: r.get(name, empty)
        return lambda r: self.raw(model, r, name)

    def format(self, model: str, fdef: FieldDef, value: Any) -> Any:
        """Raw value -> JSON-RPC value (many2one as [id, name], empty as False)."""
        t = fdef.type
        if t == "many2one":
            if not value or not fdef.relation:
                return False
            return [int(value), self.display_name(fdef.relation, value)]
        if t in ("one2many", "many2many"):
            return list(value or [])
        if t in ("float", "monetary"):
            return float(value or 0.0)
        if t == "integer":
            return int(value or 0)
        if t == "boolean":
            return bool(value)
        if value is None or value == "":
            return False
        return value

    # --------------------------------------------------------------------- search
    def search_ids(self, model: str, domain: list[Any]) -> set[int]:
        """Ids matching `domain` (used by dotted paths), active records only."""
        return set(self.search(model, domain))

    def filtered(self, model: str, domain: list[Any], active_test: bool = True) -> list[Record]:
        """Records of `model` matching `domain`, in id order."""
        table = self.table(model)
        full = list(domain or [])
        if (
            active_test
            and self.field(model, "active") is not None
            and not mentions_field(full, "active")
        ):
            full = [["active", "=", True], *full] if full else [["active", "=", True]]
        pred = Compiler(self, model).compile(full)
        return [rec for rec in table.values() if pred(rec)]

    def search(
        self,
        model: str,
        domain: list[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        active_test: bool = True,
    ) -> list[int]:
        """Ordered, paginated ids matching the domain."""
        records = self.sort(model, self.filtered(model, domain, active_test), order)
        end = None if not limit else offset + int(limit)
        return [r["id"] for r in records[offset or 0 : end]]

    def parse_order(self, model: str, order: str | None) -> list[tuple[str, bool, str | None]]:
        """`"a desc, b"` -> [(field, descending, nulls)]; UserError like Odoo when invalid."""
        spec = order or DEFAULT_ORDER.get(model, "id")
        out: list[tuple[str, bool, str | None]] = []
        for part in spec.split(","):
            match = _ORDER_PART.match(part)
            if not match or self.field(model, match.group(1).split(".")[0]) is None:
                if order is None:
                    continue
                raise UserError(
                    f'Invalid "order" specified ({order}). A valid "order" specification is a '
                    "comma-separated list of valid field names (optionally followed by asc/desc "
                    "for the direction)"
                )
            nulls = match.group(4).lower() if match.group(4) else None
            out.append(
                (match.group(1).split(".")[0], (match.group(2) or "").lower() == "desc", nulls)
            )
        return out or [("id", False, None)]

    def sort(self, model: str, records: list[Record], order: str | None) -> list[Record]:
        """Sort like PostgreSQL: empties last ascending, first descending."""
        keys = self.parse_order(model, order)
        out = list(records)
        for fname, desc, nulls in reversed(keys):
            fdef = self.field(model, fname)
            assert fdef is not None
            keyfn = self._sort_key(model, fdef)
            nulls_last = (nulls == "last") if nulls else not desc

            def key(
                r: Record,
                _k: Callable[[Record], Any] = keyfn,
                _nl: bool = nulls_last,
                _desc: bool = desc,
            ) -> Any:
                v = _k(r)
                empty = v is _EMPTY_SORT
                # With reverse=True the tuple order flips, so encode accordingly.
                return (empty == _nl if not _desc else empty != _nl, 0 if empty else v)

            out.sort(key=key, reverse=desc)
        return out

    def _sort_key(self, model: str, fdef: FieldDef) -> Callable[[Record], Any]:
        name, t = fdef.name, fdef.type
        if t == "many2one" and fdef.relation:
            names = self.display_names(fdef.relation)

            def m2o(r: Record) -> Any:
                v = self.raw(model, r, name)
                return (names.get(v, "").casefold(), v) if v else _EMPTY_SORT

            return m2o
        if t in ("float", "integer", "monetary"):
            return lambda r: float(self.raw(model, r, name) or 0)
        if t == "boolean":
            return lambda r: bool(self.raw(model, r, name))
        if t in ("one2many", "many2many"):
            return lambda r: 0

        def plain(r: Record) -> Any:
            v = self.raw(model, r, name)
            if v is False or v is None or v == "":
                return _EMPTY_SORT
            return (v.casefold(), v) if isinstance(v, str) else v

        return plain

    # ----------------------------------------------------------------------- read
    def read(
        self, model: str, ids: Iterable[int], fields: list[str] | None, classic: bool = True
    ) -> list[Record]:
        """Formatted values; missing ids are left out, like Odoo 18. `classic=False`
        (`load='_classic_write'`, used by odoorpc) gives many2one as a bare id."""
        table = self.table(model)
        defs = self.fields[model]
        names = list(fields) if fields else [n for n in defs if n != "id"]
        for n in names:
            if n not in defs:
                raise OdooValueError(f"Invalid field {n!r} on model {model!r}")
        columns = [
            (n, self.getter(model, n), self._formatter(defs[n], classic))
            for n in names
            if n != "id"
        ]
        out = []
        for rid in ids:
            rec = table.get(int(rid))
            if rec is None:
                continue
            row: Record = {"id": rec["id"]}
            for n, get, fmt in columns:
                row[n] = fmt(get(rec))
            out.append(row)
        return out

    def _formatter(self, fdef: FieldDef, classic: bool) -> Callable[[Any], Any]:
        """`format` specialised once per column (display names looked up once)."""
        if fdef.type == "many2one" and fdef.relation:
            names = self.display_names(fdef.relation)
            if not classic:
                return lambda v: int(v) if v else False
            return lambda v: [int(v), names.get(int(v), "")] if v else False
        return lambda v: self.format("", fdef, v)

    # ---------------------------------------------------------------------- write
    def _convert(self, model: str, vals: Record, current: Record | None) -> Record:
        out: Record = {}
        for name, value in vals.items():
            fdef = self.field(model, name)
            if fdef is None:
                raise OdooValueError(f"Invalid field {name!r} on model {model!r}")
            if fdef.type in ("one2many", "many2many"):
                out[name] = self._x2many_commands(list((current or {}).get(name) or []), value)
            elif fdef.type == "many2one":
                out[name] = int(value) if value else False
            else:
                out[name] = value
        return out

    @staticmethod
    def _x2many_commands(current: list[int], value: Any) -> list[int]:
        ids = list(current)
        for cmd in value or []:
            if isinstance(cmd, int):
                if cmd not in ids:
                    ids.append(cmd)
                continue
            code = cmd[0]
            if code == 6:
                ids = list(cmd[2])
            elif code == 4 and cmd[1] not in ids:
                ids.append(cmd[1])
            elif code in (3, 2):
                ids = [i for i in ids if i != cmd[1]]
            elif code == 5:
                ids = []
        return ids

    def create(self, model: str, vals: Record, uid: int) -> int:
        """Insert a record with Odoo-like defaults; ValidationError for missing required fields."""
        table = self.table(model)
        row = self._convert(model, vals, None)
        for fname in REQUIRED_ON_CREATE.get(model, ()):
            if not row.get(fname):
                fdef = self.fields[model][fname]
                raise required_field(MODEL_LABELS.get(model, model), model, fdef.string, fname)
        rid = self.next_id[model]
        self.next_id[model] = rid + 1
        now = self.now()
        defaults: Record = {
            "create_date": now,
            "write_date": now,
            "create_uid": uid,
            "write_uid": uid,
        }
        if self.field(model, "active") is not None:
            defaults["active"] = True
        if model == "helpdesk.ticket":
            defaults["number"] = f"HT{rid:05d}"
        if model == "project.task" and self.major >= 17:
            defaults["state"] = "01_in_progress"
        row = {**defaults, **row, "id": rid}
        table[rid] = row
        self.touch(model)
        return rid

    def write(self, model: str, ids: list[int], vals: Record, uid: int) -> bool:
        """Update records; MissingError as recorded when an id does not exist."""
        table = self.table(model)
        absent = [i for i in ids if i not in table]
        if absent:
            raise missing(model, absent, uid)
        for rid in ids:
            row = self._convert(model, vals, table[rid])
            table[rid].update(row, write_date=self.now(), write_uid=uid)
        self.touch(model)
        return True

    def unlink(self, model: str, ids: list[int], uid: int) -> bool:
        """Delete records; MissingError for unknown ids."""
        table = self.table(model)
        absent = [i for i in ids if i not in table]
        if absent:
            raise missing(model, absent, uid)
        for rid in ids:
            del table[rid]
        self.touch(model)
        return True
