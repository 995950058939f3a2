"""Typed readers against the demo Odoo, on a dataset built here so expectations are derived."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from agent.tools import readers
from agent.tools.odoo import OdooGateway
from demo_odoo import sample
from demo_odoo.runner import DemoOdoo

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
NOTE_SUBTYPE, COMMENT_SUBTYPE = 2, 1


def dataset() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = copy.deepcopy(sample.dataset())
    data.setdefault("hr.leave", []).extend(
        [
            {
                "id": 1,
                "name": "Holiday",
                "employee_id": 2,
                "state": "validate",
                "date_from": "2026-12-10 08:00:00",
                "date_to": "2026-12-12 17:00:00",
            },
            {
                "id": 2,
                "name": "Refused",
                "employee_id": 2,
                "state": "refuse",
                "date_from": "2026-12-15 08:00:00",
                "date_to": "2026-12-16 17:00:00",
            },
            {
                "id": 3,
                "name": "Far away",
                "employee_id": 2,
                "state": "validate",
                "date_from": "2027-06-01 08:00:00",
                "date_to": "2027-06-02 17:00:00",
            },
        ]
    )
    data["mail.message"].extend(
        [
            {
                "id": 901,
                "body": "<p>Client is unhappy</p>",
                "model": "project.task",
                "res_id": 2,
                "message_type": "comment",
                "subtype_id": COMMENT_SUBTYPE,
                "author_id": 7,
                "date": "2026-12-01 10:00:00",
                "is_internal": False,
                "subject": False,
            },
            {
                "id": 902,
                "body": "<p>Internal remark</p>",
                "model": "project.project",
                "res_id": 1,
                "message_type": "comment",
                "subtype_id": NOTE_SUBTYPE,
                "author_id": 3,
                "date": "2026-12-02 10:00:00",
                "is_internal": False,
                "subject": False,
            },
            {
                "id": 903,
                "body": "<p>Other project</p>",
                "model": "project.task",
                "res_id": 21,
                "message_type": "comment",
                "subtype_id": COMMENT_SUBTYPE,
                "author_id": 3,
                "date": "2026-12-02 11:00:00",
                "is_internal": False,
                "subject": False,
            },
            {
                "id": 904,
                "body": "<p>Ancient</p>",
                "model": "project.task",
                "res_id": 2,
                "message_type": "comment",
                "subtype_id": COMMENT_SUBTYPE,
                "author_id": 3,
                "date": "2026-01-02 11:00:00",
                "is_internal": False,
                "subject": False,
            },
        ]
    )
    data["account.analytic.line"].append(
        {
            "id": 50,
            "date": "2026-11-20",
            "name": "Entered late",
            "unit_amount": 3.0,
            "amount": -300.0,
            "employee_id": 1,
            "user_id": 2,
            "project_id": 1,
            "task_id": 2,
            "account_id": 24,
            "create_date": "2026-11-28 09:00:00",
        }
    )
    data.setdefault("project.milestone", []).append(
        {
            "id": 1,
            "name": "Design approved",
            "project_id": 1,
            "deadline": "2026-12-10",
            "is_reached": False,
        }
    )
    for ticket, written in zip(
        data["helpdesk.ticket"], ("2026-12-01 10:00:00", "2026-12-03 10:00:00"), strict=False
    ):
        ticket["write_date"] = written
    data["project.project"].append(
        {**data["project.project"][0], "id": 4, "name": "Archived", "active": False}
    )
    return data


@pytest.fixture(scope="module")
def odoo18() -> Iterator[DemoOdoo]:
    with DemoOdoo(version="18.0", dataset=dataset(), today="2026-12-04") as odoo:
        yield odoo


@pytest.fixture
def gw(odoo18: DemoOdoo) -> OdooGateway:
    return OdooGateway(odoo18.url, odoo18.db, "triage", "triage", retries=0)


def _lines(project_id: int) -> list[dict[str, Any]]:
    return [r for r in dataset()["account.analytic.line"] if r["project_id"] == project_id]


def test_project_bundle_maps_tasks_to_typed_records(gw: OdooGateway) -> None:
    bundle = readers.read_project_bundle(gw, 1, NOW)
    expected = {r["id"]: r for r in dataset()["project.task"] if r["project_id"] == 1}
    assert {t.id for t in bundle.tasks} == set(expected)
    for task in bundle.tasks:
        raw = expected[task.id]
        assert task.allocated_hours == raw["allocated_hours"]
        assert task.user_ids == tuple(raw["user_ids"])
        assert task.project_id == 1 and task.project_name == bundle.project.name
        assert task.date_deadline is None if raw["date_deadline"] is False else task.date_deadline
        assert task.description is None  # False -> None
    assert bundle.project.partner_name and bundle.project.partner_id == 8
    assert bundle.project.manager_id == 6 and bundle.project.manager_name == "Marc Demo"


def test_hours_come_from_read_group_and_add_up_to_the_lines(gw: OdooGateway) -> None:
    bundle = readers.read_project_bundle(gw, 1, NOW)
    lines = _lines(1)
    total = sum(r["unit_amount"] for r in lines)
    assert sum(h.hours for h in bundle.hours_by_task) == pytest.approx(total)
    assert sum(h.hours for h in bundle.hours_by_week) == pytest.approx(total)
    assert sum(h.hours for h in bundle.hours_by_employee) == pytest.approx(total)
    by_task = {h.task_id: h.hours for h in bundle.hours_by_task}
    assert by_task[2] == pytest.approx(sum(r["unit_amount"] for r in lines if r["task_id"] == 2))
    assert all(
        h.period_start is not None and h.period_start.weekday() == 6 for h in bundle.hours_by_week
    )
    assert {h.employee_name for h in bundle.hours_by_employee} >= {"Mitchell Admin"}


def test_bundle_keeps_only_relevant_leaves_messages_and_sale_lines(gw: OdooGateway) -> None:
    bundle = readers.read_project_bundle(gw, 1, NOW)
    assert [lv.id for lv in bundle.leaves] == [1]  # approved, inside [now-30d, now+60d]
    assert bundle.leaves[0].employee_name == "Marc Demo"
    messages = {m.id: m for m in bundle.messages}
    assert set(messages) == {901, 902}  # not another project's, not old, not notifications
    assert messages[902].is_note and not messages[901].is_note
    assert messages[901].author_id == 7
    assert [s.id for s in bundle.sale_lines] == [46]
    assert [m.name for m in bundle.milestones] == ["Design approved"]
    assert {u.login for u in bundle.users} >= {"demo", "admin"}
    assert {e.user_id for e in bundle.employees} <= {u.id for u in bundle.users}


def test_several_projects_cost_the_same_calls_as_one(gw: OdooGateway) -> None:
    readers.read_project_bundles(gw, [1, 2, 3], NOW)  # warm the fields_get cache
    gw.stats.reset()
    one = readers.read_project_bundles(gw, [1], NOW)
    calls_one = gw.stats.calls
    gw.stats.reset()
    three = readers.read_project_bundles(gw, [1, 2, 3], NOW)
    assert gw.stats.calls == calls_one
    assert [b.project.id for b in three] == [1, 2, 3]
    assert three[0] == one[0]
    assert {t.project_id for t in three[1].tasks} == {2}


def test_missing_project_is_record_not_found(gw: OdooGateway) -> None:
    from agent.tools.errors import RecordNotFound

    with pytest.raises(RecordNotFound, match=r"project\.project 999"):
        readers.read_project_bundle(gw, 999, NOW)


def test_list_active_projects_skips_archived(gw: OdooGateway) -> None:
    ids = {p.id for p in readers.list_active_projects(gw)}
    assert 4 not in ids and 1 in ids


def test_timesheet_compliance_counts_late_lines_server_side(gw: OdooGateway) -> None:
    report = readers.read_timesheet_compliance(gw, date(2026, 11, 1), date(2026, 11, 30), 2)
    day = next(d for d in report.days if d.employee_id == 1 and d.day == date(2026, 11, 20))
    assert (day.hours, day.entries, day.late_entries) == (3.0, 1, 1)
    lenient = readers.read_timesheet_compliance(gw, date(2026, 11, 1), date(2026, 11, 30), 10)
    assert sum(d.late_entries for d in lenient.days) == 0
    in_range = [
        r for r in dataset()["account.analytic.line"] if "2026-11-01" <= r["date"] <= "2026-11-30"
    ]
    assert sum(d.hours for d in report.days) == pytest.approx(
        sum(r["unit_amount"] for r in in_range)
    )
    assert {e.name for e in report.employees} >= {"Mitchell Admin", "Marc Demo"}


def test_ticket_bundle_reads_stages_and_partner_load(gw: OdooGateway) -> None:
    bundle = readers.read_ticket_bundle(gw, 1, NOW)
    assert bundle.ticket.number and bundle.ticket.partner_name
    stages = {r["id"]: r["closed"] for r in dataset()["helpdesk.ticket.stage"]}
    assert bundle.stage_closed == stages
    open_for_partner = [
        t
        for t in dataset()["helpdesk.ticket"]
        if t["partner_id"] == bundle.ticket.partner_id and not stages[t["stage_id"]]
    ]
    assert bundle.partner_open_tickets == len(open_for_partner)
    assert {t.id for t in readers.list_open_tickets(gw)} == {
        t["id"] for t in dataset()["helpdesk.ticket"] if not stages[t["stage_id"]]
    }


def test_tickets_for_index_respect_since(gw: OdooGateway) -> None:
    everything = readers.read_tickets_for_index(gw, None)
    assert len(everything) == len(dataset()["helpdesk.ticket"])
    assert [t.write_date for t in everything] == sorted(
        t.write_date or datetime.min for t in everything
    )
    since = datetime(2026, 12, 2)
    expected = {t["id"] for t in dataset()["helpdesk.ticket"] if t["write_date"] > "2026-12-02"}
    assert {t.id for t in readers.read_tickets_for_index(gw, since)} == expected


def test_odoo16_maps_planned_hours_and_has_no_task_state() -> None:
    with DemoOdoo(version="16.0", dataset=dataset(), today="2026-12-04") as odoo:
        gw = OdooGateway(odoo.url, odoo.db, "triage", "triage", retries=0)
        assert gw.field_map("project.task")["allocated_hours"] == "planned_hours"
        bundle = readers.read_project_bundle(gw, 1, NOW)
        raw = {r["id"]: r for r in dataset()["project.task"]}
        assert all(t.allocated_hours == raw[t.id]["allocated_hours"] for t in bundle.tasks)
        assert all(t.state is None for t in bundle.tasks)
        task1 = next(t for t in bundle.tasks if t.id == 1)
        assert task1.progress == pytest.approx(
            task1.effective_hours / task1.allocated_hours, rel=1e-2
        )
        assert readers.task_url(gw, 1).endswith("/web#id=1&model=project.task&view_type=form")


def test_json2_transport_reads_the_same_bundle_as_jsonrpc() -> None:
    with DemoOdoo(version="19.0", dataset=dataset(), today="2026-12-04") as odoo:
        json2 = OdooGateway(odoo.url, odoo.db, "triage", odoo.api_key, transport="json2", retries=0)
        rpc = OdooGateway(odoo.url, odoo.db, "triage", "triage", retries=0)
        assert json2.transport_name == "json2" and json2.version.major == 19
        assert readers.read_project_bundle(json2, 1, NOW) == readers.read_project_bundle(
            rpc, 1, NOW
        )
        assert readers.read_ticket_bundle(json2, 1, NOW) == readers.read_ticket_bundle(rpc, 1, NOW)
