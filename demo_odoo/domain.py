"""Odoo domain evaluation over in-memory records.

A domain is compiled once into a predicate on raw records. The semantics follow what a real
Odoo 18 answered (see `tests/fixtures/odoo18/rpc2/10_*`..`44_*`): prefix `&`/`|`/`!` with an
implicit `&`; `!=`, `not in`, `not like` also match empty values; `=` on a many2many means
"contains"; `like` operators on a relational field match the related display name; a date
string compared with a datetime means midnight, except with `<=` and `>` (23:59:59).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Protocol

from demo_odoo.errors import OdooValueError
from demo_odoo.fields import FieldDef

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "not in",
        "like",
        "ilike",
        "=like",
        "=ilike",
        "not like",
        "not ilike",
        "child_of",
        "parent_of",
        "any",
        "not any",
        "=?",
    }
)
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
X2MANY = frozenset({"one2many", "many2many"})
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)


class Resolver(Protocol):
    """What the domain compiler needs from the database."""

    def field(self, model: str, name: str) -> FieldDef | None:
        """The field `name` of `model`, or None."""

    def raw(self, model: str, record: Record, name: str) -> Any:
        """The raw value of a stored or computed field on a record."""

    def getter(self, model: str, name: str) -> Callable[[Record], Any]:
        """Fast raw-value accessor for one field."""

    def search_ids(self, model: str, domain: list[Any]) -> set[int]:
        """Ids of `model` matching `domain` (active records only)."""

    def display_names(self, model: str) -> dict[int, str]:
        """Display name of every record of `model`."""

    def parent_ids(self, model: str) -> dict[int, int]:
        """child id -> parent id for hierarchical models (`parent_id`)."""


def leaf_repr(leaf: Any) -> str:
    """Python repr of a leaf as Odoo prints it in errors: `('name', '=', 1)`."""
    return repr(tuple(leaf))


def is_leaf(term: Any) -> bool:
    """Whether a domain term is a leaf (a 3-item list/tuple)."""
    return isinstance(term, (list, tuple)) and len(term) == 3


def normalize(domain: list[Any]) -> list[Any]:
    """Add the implicit `&` operators so the domain is fully prefix (Odoo `normalize_domain`)."""
    if not domain:
        return []
    result: list[Any] = []
    expected = 1
    for term in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(term, (list, tuple)) and not isinstance(term, str):
            expected -= 1
            result.append(list(term))
        else:
            expected += {"&": 1, "|": 1, "!": 0}.get(term, 0)
            result.append(term)
    return result


def and_domains(domains: Iterable[list[Any]]) -> list[Any]:
    """Odoo's `expression.AND`: `&`-combine non-empty normalized domains."""
    parts = [normalize(d) for d in domains if d]
    if not parts:
        return []
    out: list[Any] = ["&"] * (len(parts) - 1)
    for part in parts:
        out.extend(part)
    return out


@lru_cache(maxsize=512)
def _like_regex(pattern: str, insensitive: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.S | (re.I if insensitive else 0))


def like_match(value: Any, pattern: str, operator: str) -> bool:
    """SQL LIKE semantics for `like`/`ilike`(wrapped in %) and `=like`/`=ilike`."""
    if value is False or value is None:
        return False
    text = str(value)
    wrapped = operator in ("like", "ilike", "not like", "not ilike")
    pat = f"%{pattern}%" if wrapped else pattern
    return bool(_like_regex(pat, "ilike" in operator).match(text))


def _is_empty(value: Any) -> bool:
    return value is False or value is None or value == [] or value == ""


def _date_bound(value: Any, operator: str, ftype: str) -> Any:
    if ftype == "datetime" and isinstance(value, str) and len(value) == 10:
        return value + (" 23:59:59" if operator in ("<=", ">") else " 00:00:00")
    if ftype == "date" and isinstance(value, str) and len(value) > 10:
        return value[:10]
    return value


def _compare(a: Any, op: str, b: Any) -> bool:
    try:
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)
    except TypeError:
        return False


class Compiler:
    """Compiles a domain on one model into a predicate."""

    def __init__(self, resolver: Resolver, model: str) -> None:
        self.db = resolver
        self.model = model

    def compile(self, domain: list[Any]) -> Predicate:
        """The predicate for the whole domain (implicit `&` between top-level terms)."""
        if not isinstance(domain, list):
            raise OdooValueError(f"Invalid domain: {domain!r}")
        terms = normalize(domain)
        if not terms:
            return lambda _r: True
        pred, end = self._parse(terms, 0)
        if end != len(terms):
            raise OdooValueError(f"Invalid domain {domain!r}")
        return pred

    def _parse(self, terms: list[Any], i: int) -> tuple[Predicate, int]:
        if i >= len(terms):
            raise OdooValueError(f"Invalid domain {terms!r}: missing operand")
        term = terms[i]
        if term == "!":
            inner, nxt = self._parse(terms, i + 1)
            return (lambda r: not inner(r)), nxt
        if term in ("&", "|"):
            left, mid = self._parse(terms, i + 1)
            right, nxt = self._parse(terms, mid)
            if term == "&":
                return (lambda r: left(r) and right(r)), nxt
            return (lambda r: left(r) or right(r)), nxt
        if not is_leaf(term):
            raise OdooValueError(f"Invalid leaf {term!r}")
        return self.leaf(list(term)), i + 1

    def leaf(self, leaf: list[Any]) -> Predicate:
        """The predicate of one `[path, operator, value]` leaf."""
        path, operator, value = leaf
        if tuple(leaf) == TRUE_LEAF:
            return lambda _r: True
        if tuple(leaf) == FALSE_LEAF:
            return lambda _r: False
        if not isinstance(operator, str) or operator.lower() not in OPERATORS:
            raise OdooValueError(f"Invalid leaf {leaf_repr(leaf)}")
        operator = operator.lower()
        if operator == "<>":
            operator = "!="
        if not isinstance(path, str):
            raise OdooValueError(f"Invalid leaf {leaf_repr(leaf)}")
        if operator == "=?":
            if value is None or value is False:
                return lambda _r: True
            operator = "="
        head, _, rest = path.partition(".")
        fdef = self.db.field(self.model, head)
        if fdef is None:
            raise OdooValueError(f"Invalid field {self.model}.{head} in leaf {leaf_repr(leaf)}")
        if rest:
            if fdef.type not in RELATIONAL or not fdef.relation:
                raise OdooValueError(f"Invalid field {self.model}.{path} in leaf {leaf_repr(leaf)}")
            sub = self.db.search_ids(fdef.relation, [[rest, operator, value]])
            return self._in_set(fdef, sub, negate=False)
        return self._simple(fdef, operator, value)

    def _get(self, fname: str) -> Callable[[Record], Any]:
        if fname == "id":
            return lambda r: r["id"]
        return self.db.getter(self.model, fname)

    def _in_set(self, fdef: FieldDef, ids: set[int], negate: bool) -> Predicate:
        get = self._get(fdef.name)
        if fdef.type in X2MANY:

            def pred(r: Record) -> bool:
                return any(i in ids for i in (get(r) or [])) != negate

            return pred
        return lambda r: (get(r) in ids) != negate

    def _simple(self, fdef: FieldDef, op: str, value: Any) -> Predicate:
        get = self._get(fdef.name)
        ftype = fdef.type
        if op in ("any", "not any"):
            if not fdef.relation:
                raise OdooValueError(f"Invalid leaf {leaf_repr([fdef.name, op, value])}")
            sub = self.db.search_ids(fdef.relation, list(value or []))
            return self._in_set(fdef, sub, negate=op == "not any")
        if op in ("child_of", "parent_of"):
            return self._hierarchy(fdef, op, value)
        if ftype in RELATIONAL and fdef.relation and self._is_name_value(op, value):
            return self._by_name(fdef, op, value)
        if op in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
            negative = op.startswith("not")
            pattern = str(value)
            return lambda r: like_match(get(r), pattern, op) != negative
        if ftype in X2MANY:
            return self._x2many(get, op, value)
        if op in ("in", "not in"):
            values = list(value) if isinstance(value, (list, tuple, set)) else [value]
            want_empty = False in values or None in values
            valset = {v for v in values if v is not False and v is not None}
            negative = op == "not in"

            def in_pred(r: Record) -> bool:
                v = get(r)
                hit = (want_empty and _is_empty(v)) or (not _is_empty(v) and v in valset)
                return hit != negative

            return in_pred
        if op in ("=", "!="):
            negative = op == "!="
            if value is False or value is None:
                if ftype == "boolean" or ftype not in ("float", "integer", "monetary"):
                    # Truthiness is emptiness for every non-numeric type.
                    if negative:
                        return lambda r: bool(get(r))
                    return lambda r: not get(r)
                return lambda r: _is_empty(get(r)) != negative
            if ftype == "boolean":
                target = bool(value)
                return lambda r: (bool(get(r)) == target) != negative
            target = _date_bound(value, "=", ftype)
            if ftype in ("float", "monetary", "integer") and isinstance(value, (int, float)):
                return lambda r: (not _is_empty(get(r)) and get(r) == target) != negative
            return lambda r: (get(r) == target) != negative
        # < <= > >=
        bound = _date_bound(value, op, ftype)
        if bound is False or bound is None:
            return lambda _r: False

        def cmp_pred(r: Record) -> bool:
            v = get(r)
            if _is_empty(v) and not (ftype in ("float", "integer", "monetary") and v == 0):
                return False
            return _compare(v, op, bound)

        return cmp_pred

    @staticmethod
    def _is_name_value(op: str, value: Any) -> bool:
        if op in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
            return True
        if op in ("=", "!=") and isinstance(value, str):
            return True
        return (
            op in ("in", "not in")
            and isinstance(value, (list, tuple))
            and any(isinstance(v, str) for v in value)
        )

    def _by_name(self, fdef: FieldDef, op: str, value: Any) -> Predicate:
        assert fdef.relation
        names = self.db.display_names(fdef.relation)
        negative = op in ("!=", "not like", "not ilike", "not in")
        positive_op = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}.get(
            op, op
        )
        if positive_op == "=":
            ids = {i for i, n in names.items() if n == value}
        elif positive_op == "in":
            wanted = set(value)
            ids = {i for i, n in names.items() if n in wanted or i in wanted}
        else:
            ids = {i for i, n in names.items() if like_match(n, str(value), positive_op)}
        return self._in_set(fdef, ids, negate=negative)

    @staticmethod
    def _x2many(get: Callable[[Record], Any], op: str, value: Any) -> Predicate:
        if op in ("=", "!=", "in", "not in"):
            negative = op in ("!=", "not in")
            values = list(value) if isinstance(value, (list, tuple, set)) else [value]
            if values in ([False], [None]) or (op in ("in", "not in") and False in values):
                want_empty = True
            else:
                want_empty = False
            valset = {v for v in values if v is not False and v is not None}

            def pred(r: Record) -> bool:
                ids = get(r) or []
                hit = (want_empty and not ids) or any(i in valset for i in ids)
                return hit != negative

            return pred
        raise OdooValueError(f"Invalid leaf operator {op!r} on a x2many field")

    def _hierarchy(self, fdef: FieldDef, op: str, value: Any) -> Predicate:
        comodel = self.model if fdef.name == "id" else (fdef.relation or self.model)
        parents = self.db.parent_ids(comodel)
        roots = set(value) if isinstance(value, (list, tuple)) else {value}
        matched: set[int] = set()
        if op == "child_of":
            all_ids = set(parents) | set(parents.values()) | roots
            for rid in all_ids:
                cur: int | None = rid
                seen: set[int] = set()
                while cur and cur not in seen:
                    if cur in roots:
                        matched.add(rid)
                        break
                    seen.add(cur)
                    cur = parents.get(cur)
        else:
            for rid in roots:
                cur = rid
                while cur and cur not in matched:
                    matched.add(cur)
                    cur = parents.get(cur)
        if fdef.name == "id":
            return lambda r: r["id"] in matched
        return self._in_set(fdef, matched, negate=False)


def mentions_field(domain: list[Any], name: str) -> bool:
    """Whether any leaf of the domain starts with field `name` (e.g. `active`)."""
    return any(is_leaf(t) and str(t[0]).split(".")[0] == name for t in domain)
