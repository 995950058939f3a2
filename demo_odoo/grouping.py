"""`read_group` of the demo Odoo, with the result keys a real Odoo 18 returns.

Lazy groups carry `<field>_count`, `__domain` and `__context` (remaining group-bys);
`lazy=False` gives `__count`; date group-bys give labels such as `"W46 2026"` (en_US weeks
start on Sunday), `"November 2026"`, `"06 Nov 2026"` and a `__range` with an exclusive end.
Datetimes are grouped in UTC (the real server uses the user's time zone).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from demo_odoo.domain import and_domains
from demo_odoo.errors import OdooValueError

if TYPE_CHECKING:
    from demo_odoo.orm import Database, Record

_AGG = re.compile(r"^(\w+)(?::(\w+)(?:\((\w+)\))?)?$")
_AGGREGATORS = {
    "sum",
    "min",
    "max",
    "avg",
    "count",
    "count_distinct",
    "bool_and",
    "bool_or",
    "array_agg",
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_GRANULARITIES = ("day", "week", "month", "quarter", "year")


def _parse_field_spec(spec: str) -> tuple[str, str, str | None]:
    """`"f"`, `"f:agg"`, `"alias:agg(f)"` -> (output name, field, aggregator)."""
    match = _AGG.match(spec.strip())
    if not match:
        raise OdooValueError(f"Invalid field specification {spec!r}.")
    first, agg, inner = match.groups()
    if inner:
        return first, inner, agg
    return first, first, agg


def week_start(day: date) -> date:
    """Sunday on or before `day` (en_US)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def week_label(start: date) -> str:
    """en_US week label: weeks start on Sunday, week 1 contains January 1st."""
    end = start + timedelta(days=6)
    year = end.year if end.year != start.year else start.year
    jan1 = date(year, 1, 1)
    number = (start - week_start(jan1)).days // 7 + 1
    return f"W{number} {year}"


@lru_cache(maxsize=65536)
def date_bucket(value: str, granularity: str) -> tuple[str, str, str]:
    """(label, from, to) of the period containing `value` (date or datetime string)."""
    day = date.fromisoformat(value[:10])
    if granularity == "day":
        start, end = day, day + timedelta(days=1)
        label = f"{day.day:02d} {_MONTHS[day.month - 1][:3]} {day.year}"
    elif granularity == "week":
        start = week_start(day)
        end = start + timedelta(days=7)
        label = week_label(start)
    elif granularity == "month":
        start = day.replace(day=1)
        end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        label = f"{_MONTHS[day.month - 1]} {day.year}"
    elif granularity == "quarter":
        q = (day.month - 1) // 3
        start = date(day.year, q * 3 + 1, 1)
        end = date(day.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        label = f"Q{q + 1} {day.year}"
    else:
        start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
        label = str(day.year)
    return label, start.isoformat(), end.isoformat()


class GroupBy:
    """One group-by spec (`field` or `field:granularity`)."""

    def __init__(self, db: Database, model: str, spec: str) -> None:
        name, _, gran = spec.partition(":")
        fdef = db.field(model, name)
        if fdef is None:
            raise OdooValueError(f"Invalid field {name!r} on model {model!r}")
        self.spec, self.name, self.fdef = spec, name, fdef
        self.is_date = fdef.type in ("date", "datetime")
        self.granularity = (gran or "month") if self.is_date else None
        if self.granularity and self.granularity not in _GRANULARITIES:
            raise OdooValueError(f"Invalid granularity {gran!r} in {spec!r}")
        self.key = spec if self.is_date else name
        self.db, self.model = db, model
        self.get = db.getter(model, name)

    def bucket(self, rec: Record) -> Any:
        """Hashable group key for a record."""
        value = self.get(rec)
        if self.is_date:
            return date_bucket(value[:10], self.granularity or "month")[1] if value else False
        if self.fdef.type == "many2many":
            return tuple(value or ())
        return value if value not in (None, "") else False

    def output(self, key: Any) -> Any:
        """Group value as returned to the client."""
        if key is False:
            return False
        if self.is_date:
            return date_bucket(key, self.granularity or "month")[0]
        if self.fdef.type == "many2one" and self.fdef.relation:
            return [key, self.db.display_name(self.fdef.relation, key)]
        if self.fdef.type == "many2many":
            return list(key)
        return key

    def domain(self, key: Any) -> list[Any]:
        """The leaf restricting the group."""
        if key is False:
            return [[self.name, "=", False]]
        if self.is_date:
            _label, start, end = date_bucket(key, self.granularity or "month")
            if self.fdef.type == "datetime":
                start, end = f"{start} 00:00:00", f"{end} 00:00:00"
            return ["&", [self.name, ">=", start], [self.name, "<", end]]
        if self.fdef.type == "many2many":
            return [[self.name, "in", list(key)]] if key else [[self.name, "=", False]]
        return [[self.name, "=", key]]

    def range(self, key: Any) -> dict[str, Any] | bool:
        """`__range` entry of a date group."""
        if key is False:
            return False
        _label, start, end = date_bucket(key, self.granularity or "month")
        if self.fdef.type == "datetime":
            return {"from": f"{start} 00:00:00", "to": f"{end} 00:00:00"}
        return {"from": start, "to": end}

    def sort_key(self) -> Callable[[Any], Any]:
        """Order of groups: related record order for many2one, value order otherwise."""
        if self.fdef.type == "many2one" and self.fdef.relation:
            relation = self.fdef.relation
            table = self.db.table(relation)
            ordered = self.db.sort(relation, list(table.values()), None)
            rank = {r["id"]: i for i, r in enumerate(ordered)}
            first_desc = self.db.parse_order(relation, None)[0][1]
            empty_rank = -1 if first_desc else len(rank) + 1

            def by_rank(k: Any) -> Any:
                return rank.get(k, empty_rank) if k is not False else empty_rank

            return by_rank

        def by_value(k: Any) -> Any:
            return (k is False, k if k is not False else 0)

        return by_value


def _column_key(index: int, group_key: Callable[[Any], Any]) -> Callable[[tuple[Any, ...]], Any]:
    def key(k: tuple[Any, ...]) -> Any:
        return group_key(k[index])

    return key


def _aggregate(agg: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not False and v is not None]
    if agg == "sum":
        return sum(float(v) for v in present) if present else 0.0
    if agg == "min":
        return min(present) if present else False
    if agg == "max":
        return max(present) if present else False
    if agg == "avg":
        return sum(float(v) for v in present) / len(present) if present else False
    if agg == "count":
        return len(present)
    if agg == "count_distinct":
        return len({repr(v) for v in present})
    if agg == "bool_and":
        return all(values)
    if agg == "bool_or":
        return any(values)
    return present


def read_group(
    db: Database,
    model: str,
    domain: list[Any],
    fields: list[str],
    groupby: list[str] | str,
    offset: int = 0,
    limit: int | None = None,
    orderby: str | None = None,
    lazy: bool = True,
    active_test: bool = True,
) -> list[Record]:
    """Odoo's `read_group` over the in-memory table."""
    specs = [groupby] if isinstance(groupby, str) else list(groupby or [])
    used = specs[:1] if lazy and specs else specs
    groups = [GroupBy(db, model, s) for s in used]
    aggs: list[tuple[str, str, str]] = []
    for spec in fields or []:
        out, fname, agg = _parse_field_spec(spec)
        if fname == "__count" or out in {g.name for g in groups}:
            continue
        fdef = db.field(model, fname)
        if fdef is None:
            raise OdooValueError(f"Invalid field {fname!r} on model {model!r}")
        if agg is None:
            if fdef.type not in ("float", "integer", "monetary"):
                continue
            agg = "sum"
        if agg not in _AGGREGATORS:
            raise OdooValueError(f"Invalid aggregation function {agg!r}.")
        aggs.append((out, fname, agg))

    getters = {fname: db.getter(model, fname) for _o, fname, _a in aggs}
    records = db.filtered(model, domain, active_test)
    buckets: dict[tuple[Any, ...], list[Record]] = {}
    if len(groups) == 1 and not groups[0].is_date and groups[0].fdef.type != "many2many":
        get_one = groups[0].get
        single: dict[Any, list[Record]] = {}
        for rec in records:
            value = get_one(rec)
            single.setdefault(value if value not in (None, "") else False, []).append(rec)
        buckets = {(k,): v for k, v in single.items()}
    else:
        for rec in records:
            buckets.setdefault(tuple(g.bucket(rec) for g in groups), []).append(rec)

    keys = list(buckets)
    for idx in reversed(range(len(groups))):
        group_key = groups[idx].sort_key()
        keys.sort(key=_column_key(idx, group_key))
    if orderby:
        keys = _order_keys(db, model, groups, buckets, keys, orderby, aggs)

    result: list[Record] = []
    for key in keys:
        members = buckets[key]
        row: Record = {}
        for g, k in zip(groups, key, strict=True):
            row[g.key] = g.output(k)
        if lazy and groups:
            row[f"{groups[0].name}_count"] = len(members)
        else:
            row["__count"] = len(members)
        for out, fname, agg in aggs:
            get = getters[fname]
            if agg == "sum":
                row[out] = float(sum(get(r) or 0.0 for r in members))
            else:
                row[out] = _aggregate(agg, [get(r) for r in members])
        leaves = [g.domain(k) for g, k in zip(groups, key, strict=True)]
        row["__domain"] = and_domains([domain, *leaves]) if groups else list(domain or [])
        if lazy and len(specs) > 1:
            row["__context"] = {"group_by": specs[1:]}
        date_groups = [(g, k) for g, k in zip(groups, key, strict=True) if g.is_date]
        if date_groups:
            row["__range"] = {g.key: g.range(k) for g, k in date_groups}
        result.append(row)
    if not groups and not records:
        return [{"__count": 0, **{o: False for o, _f, _a in aggs}, "__domain": domain}]
    end = None if not limit else (offset or 0) + int(limit)
    return result[offset or 0 : end]


def _order_keys(
    db: Database,
    model: str,
    groups: list[GroupBy],
    buckets: dict[tuple[Any, ...], list[Record]],
    keys: list[tuple[Any, ...]],
    orderby: str,
    aggs: list[tuple[str, str, str]],
) -> list[tuple[Any, ...]]:
    by_name = {g.name: i for i, g in enumerate(groups)} | {g.spec: i for i, g in enumerate(groups)}
    agg_names = {o: (f, a) for o, f, a in aggs}
    for part in reversed([p.strip() for p in orderby.split(",") if p.strip()]):
        name, _, direction = part.partition(" ")
        desc = direction.strip().lower() == "desc"
        if name in by_name:
            i = by_name[name]
            group_key = groups[i].sort_key()
            keys.sort(key=_column_key(i, group_key), reverse=desc)
        elif name in agg_names or name == "__count":
            fname, agg = agg_names.get(name, ("id", "count"))

            def agg_key(k: tuple[Any, ...], _f: str = fname, _a: str = agg) -> Any:
                value = _aggregate(_a, [db.raw(model, r, _f) for r in buckets[k]])
                return (value is False, value if value is not False else 0)

            keys.sort(key=agg_key, reverse=desc)
        else:
            raise OdooValueError(f"Invalid orderby {orderby!r}: {name!r} is not grouped")
    return keys
