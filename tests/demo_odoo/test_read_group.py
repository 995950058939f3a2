"""read_group keys and labels as a real Odoo 18 returns them (rpc2/02-09, 80)."""

from __future__ import annotations

import pytest

from demo_odoo import sample
from demo_odoo.errors import OdooValueError
from demo_odoo.grouping import date_bucket, read_group
from demo_odoo.orm import Database
from demo_odoo.seed import build

LINE = "account.analytic.line"


@pytest.fixture(scope="module")
def db() -> Database:
    return build("18.0", sample.dataset())[0]


def test_lazy_group_by_many2one_has_count_domain_and_sum(db: Database) -> None:
    groups = read_group(
        db, LINE, [["project_id", "!=", False]], ["unit_amount:sum"], ["project_id"]
    )
    by_project = {g["project_id"][0]: g for g in groups}
    assert by_project[1] == {
        "project_id": [1, "Office Design"],
        "project_id_count": 2,
        "unit_amount": 42.0,
        "__domain": ["&", ["project_id", "!=", False], ["project_id", "=", 1]],
    }
    assert sum(g["unit_amount"] for g in groups) == 96.5


def test_lazy_with_two_groupbys_passes_the_rest_in_context(db: Database) -> None:
    groups = read_group(db, LINE, [], ["unit_amount:sum"], ["employee_id", "date:week"])
    assert all(g["__context"] == {"group_by": ["date:week"]} for g in groups)
    assert all("employee_id_count" in g for g in groups)


def test_not_lazy_week_groups_use_sunday_weeks_and_exclusive_ranges(db: Database) -> None:
    groups = read_group(
        db,
        LINE,
        [["date", ">=", "2026-11-06"]],
        ["unit_amount:sum"],
        ["employee_id", "date:week"],
        lazy=False,
    )
    first = next(g for g in groups if g["employee_id"][0] == 1 and g["date:week"] == "W46 2026")
    assert first["__count"] == 1
    assert first["__range"] == {"date:week": {"from": "2026-11-08", "to": "2026-11-15"}}
    assert first["__domain"] == [
        "&",
        "&",
        ["date", ">=", "2026-11-06"],
        ["employee_id", "=", 1],
        "&",
        ["date", ">=", "2026-11-08"],
        ["date", "<", "2026-11-15"],
    ]


def test_date_labels_match_the_recorded_formats() -> None:
    assert date_bucket("2026-11-06", "month")[0] == "November 2026"
    assert date_bucket("2026-11-06", "day")[0] == "06 Nov 2026"
    assert date_bucket("2026-11-14", "week") == ("W46 2026", "2026-11-08", "2026-11-15")
    assert date_bucket("2026-12-31", "week")[0] == "W1 2027"


def test_same_field_twice_needs_aliases(db: Database) -> None:
    plain = read_group(db, LINE, [], ["date:min", "date:max", "unit_amount:sum"], [])
    assert plain == [{"__count": 7, "date": "2026-12-06", "unit_amount": 96.5, "__domain": []}]
    aliased = read_group(
        db, LINE, [], ["first:min(date)", "last:max(date)", "hours:sum(unit_amount)"], []
    )
    assert aliased[0]["first"] == "2026-11-09" and aliased[0]["last"] == "2026-12-06"
    assert aliased[0]["hours"] == 96.5


def test_computed_task_hours_aggregate_per_group(db: Database) -> None:
    groups = read_group(
        db,
        "project.task",
        [["project_id", "=", 1]],
        ["allocated_hours:sum", "effective_hours:sum"],
        ["stage_id"],
        lazy=False,
    )
    done = next(g for g in groups if g["stage_id"] == [3, "Done"])
    assert (
        done["__count"] == 4 and done["allocated_hours"] == 70.0 and done["effective_hours"] == 42.0
    )


def test_unknown_groupby_field_is_a_value_error(db: Database) -> None:
    with pytest.raises(OdooValueError):
        read_group(db, LINE, [], ["unit_amount:sum"], ["nope"])
