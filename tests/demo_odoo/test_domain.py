"""Domain semantics of the demo Odoo, as a real Odoo 18 answered (rpc2/10-45)."""

from __future__ import annotations

from typing import Any

import pytest

from demo_odoo import sample
from demo_odoo.errors import OdooValueError, UserError
from demo_odoo.orm import Database
from demo_odoo.seed import build


@pytest.fixture(scope="module")
def db() -> Database:
    return build("18.0", sample.dataset())[0]


def ids(
    db: Database, domain: list[Any], order: str = "id", model: str = "project.task"
) -> list[int]:
    return db.search(model, domain, order=order)


def test_implicit_and_explicit_prefix_operators(db: Database) -> None:
    both = ids(db, [["project_id", "=", 1], ["priority", "=", "1"]])
    assert both == ids(db, ["&", ["project_id", "=", 1], ["priority", "=", "1"]]) == [4, 5]
    assert ids(db, ["|", ["priority", "=", "1"], ["allocated_hours", ">=", 60]]) == [
        4,
        5,
        6,
        23,
        35,
    ]
    assert ids(db, ["!", ["stage_id", "in", [10, 3]]]) == ids(db, [["stage_id", "not in", [10, 3]]])
    nested = [
        "|",
        "&",
        ["project_id", "=", 1],
        ["priority", "=", "1"],
        "!",
        ["user_ids", "!=", False],
    ]
    assert ids(db, nested) == [1, 4, 5, 95]


def test_not_equal_on_many2one_includes_empty_values(db: Database) -> None:
    result = ids(db, [["partner_id", "!=", 8]])
    assert 21 in result and 1 not in result
    assert ids(db, [["partner_id", "=", False]]) == result


def test_many2many_equal_means_contains_and_false_means_unassigned(db: Database) -> None:
    assert ids(db, [["user_ids", "=", 6]]) == [2, 21, 23] == ids(db, [["user_ids", "in", [6]]])
    assert ids(db, [["user_ids", "=", False]]) == [1, 4, 95]


def test_like_operators_follow_sql_case_rules(db: Database) -> None:
    assert ids(db, [["name", "like", "Room"]]) == [2, 6, 7]
    assert ids(db, [["name", "like", "room"]]) == [35]
    assert ids(db, [["name", "ilike", "room"]]) == [2, 6, 7, 35]
    assert ids(db, [["name", "=ilike", "room 1: decoration"]]) == [6]
    assert ids(db, [["name", "=ilike", "room%"]]) == [6, 7]
    assert 1 in ids(db, [["description", "!=", "x"]])


def test_ilike_on_many2one_matches_display_name_but_dotted_name_does_not(db: Database) -> None:
    assert ids(db, [["partner_id", "ilike", "YourCompany, Joel Willis"]]) == [1, 2, 3, 4, 5, 6, 7]
    assert ids(db, [["project_id.partner_id.name", "ilike", "YourCompany, Joel Willis"]]) == []
    assert ids(db, [["project_id.partner_id.name", "ilike", "Willis"]]) == [1, 2, 3, 4, 5, 6, 7]
    assert ids(db, [["user_ids.login", "=", "demo"]]) == [2, 21, 23]


def test_date_string_on_datetime_means_midnight_except_le_and_gt(db: Database) -> None:
    assert ids(db, [["date_deadline", "=", "2026-12-04"]]) == [6]
    assert ids(db, [["date_deadline", "<", "2026-12-04"]]) == [23]
    assert ids(db, [["date_deadline", "<=", "2026-12-04"]]) == [6, 23]
    assert ids(db, [["date_deadline", ">", "2026-12-06"]]) == [3, 7]
    assert ids(db, [["date_deadline", ">=", "2026-12-06"]]) == [3, 5, 7]


def test_order_puts_empty_dates_last_ascending_and_paginates(db: Database) -> None:
    ordered = ids(db, [["project_id", "=", 1]], order="date_deadline asc, id desc")
    assert ordered == [6, 5, 7, 3, 4, 2, 1]
    assert db.search("project.task", [["date_deadline", "!=", False]], 1, 2, "date_deadline") == [
        6,
        24,
    ]


def test_unknown_operator_field_and_order_raise_the_recorded_errors(db: Database) -> None:
    with pytest.raises(OdooValueError, match=r"Invalid leaf \('name', 'contains', 'x'\)"):
        ids(db, [["name", "contains", "x"]])
    with pytest.raises(OdooValueError, match=r"Invalid field project\.task\.no_such_field in leaf"):
        ids(db, [["no_such_field", "=", 1]])
    with pytest.raises(UserError, match='Invalid "order" specified'):
        ids(db, [], order="date_deadline asc; drop table x")


def test_archived_records_are_hidden_unless_the_domain_mentions_active(db: Database) -> None:
    assert 2 not in ids(db, [], model="res.partner")
    assert ids(db, [["active", "=", False]], model="res.partner") == [2]
    assert ids(db, [["id", "child_of", 1]], model="res.partner") == [1, 3, 7, 8]
