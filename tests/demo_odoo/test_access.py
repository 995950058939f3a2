"""Rights of the demo users, with the error envelopes a real Odoo 18 returned."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from demo_odoo import sample
from demo_odoo.runner import DemoOdoo


def execute_kw(
    odoo: DemoOdoo,
    login: str,
    model: str,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any] | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """The raw JSON-RPC answer of `object.execute_kw` as `login`."""
    user = odoo.access.users[login]
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [
                "demo",
                user.uid,
                password or user.password,
                model,
                method,
                args,
                kwargs or {},
            ],
        },
    }
    answer: dict[str, Any] = httpx.post(f"{odoo.url}/jsonrpc", json=body, timeout=10).json()
    return answer


@pytest.fixture()
def odoo() -> Iterator[DemoOdoo]:
    with DemoOdoo(dataset=sample.dataset(), today="2026-12-04") as server:
        yield server


def _error(answer: dict) -> tuple[str, str]:
    data = answer["error"]["data"]
    return data["name"], data["message"]


def test_wrong_password_on_execute_kw_is_access_denied(odoo: DemoOdoo) -> None:
    answer = execute_kw(odoo, "triage", "project.task", "search", [[]], password="bad")
    assert answer["error"]["code"] == 200
    assert _error(answer) == ("odoo.exceptions.AccessDenied", "Access Denied")


def test_api_user_reads_but_cannot_write_business_records(odoo: DemoOdoo) -> None:
    assert execute_kw(odoo, "triage", "account.analytic.line", "search_count", [[]])["result"] == 7
    name, message = _error(
        execute_kw(odoo, "triage", "project.task", "write", [[1], {"name": "x"}])
    )
    assert name == "odoo.exceptions.AccessError"
    assert message.startswith("You are not allowed to modify 'Task' (project.task) records.")
    assert _error(execute_kw(odoo, "triage", "helpdesk.ticket", "unlink", [[1]]))[0].endswith(
        "AccessError"
    )
    assert (
        execute_kw(
            odoo,
            "triage",
            "project.task",
            "check_access_rights",
            ["write"],
            {"raise_exception": False},
        )["result"]
        is False
    )


def test_noaccess_user_reads_tasks_but_not_timesheets_nor_writes(odoo: DemoOdoo) -> None:
    assert (
        len(
            execute_kw(odoo, "noaccess", "project.task", "search_read", [[]], {"fields": ["name"]})[
                "result"
            ]
        )
        == 12
    )
    name, message = _error(
        execute_kw(odoo, "noaccess", "account.analytic.line", "search_read", [[]])
    )
    assert name == "odoo.exceptions.AccessError" and "'Analytic Line'" in message
    name, message = _error(
        execute_kw(odoo, "noaccess", "project.task", "write", [[1], {"name": "x"}])
    )
    assert message.startswith("Uh-oh!") and "No Access (id=8)" in message
    check = execute_kw(odoo, "noaccess", "project.task", "check_access_rights", ["write"])
    assert "result" not in check and "error" not in check


def test_project_stage_field_is_refused_even_to_admin(odoo: DemoOdoo) -> None:
    name, message = _error(
        execute_kw(odoo, "admin", "project.project", "search_read", [[]], {"fields": ["stage_id"]})
    )
    assert name == "odoo.exceptions.AccessError" and '"stage_id"' in message


def test_message_post_escapes_plain_text_and_stores_an_internal_note(odoo: DemoOdoo) -> None:
    mid = execute_kw(
        odoo,
        "triage",
        "project.task",
        "message_post",
        [[1]],
        {"body": "a <b>b</b>", "subtype_xmlid": "mail.mt_note", "message_type": "comment"},
    )["result"]
    html_id = execute_kw(
        odoo,
        "triage",
        "project.task",
        "message_post",
        [[1]],
        {"body": "<p>x <b>y</b></p>", "body_is_html": True},
    )["result"]
    rows = execute_kw(
        odoo,
        "triage",
        "mail.message",
        "read",
        [[mid, html_id], ["body", "subtype_id", "message_type", "model", "res_id", "author_id"]],
    )["result"]
    assert rows[0]["body"] == "<p>a &lt;b&gt;b&lt;/b&gt;</p>"
    assert rows[0]["subtype_id"][1] == "Note" and rows[0]["message_type"] == "comment"
    assert rows[1]["body"] == "<p>x <b>y</b></p>" and rows[1]["message_type"] == "notification"
    assert rows[0]["model"] == "project.task" and rows[0]["res_id"] == 1
    assert rows[0]["author_id"][0] == odoo.access.users["triage"].partner_id
    assert (
        _error(execute_kw(odoo, "noaccess", "project.task", "message_post", [[1]], {"body": "x"}))[
            0
        ]
        == "odoo.exceptions.UserError"
    )


def test_activity_created_by_api_user_can_be_completed_with_feedback(odoo: DemoOdoo) -> None:
    vals = {
        "res_model_id": 518,
        "res_id": 1,
        "activity_type_id": 4,
        "summary": "Review",
        "date_deadline": "2026-12-07",
    }
    aid = execute_kw(odoo, "triage", "mail.activity", "create", [vals])["result"]
    task = execute_kw(
        odoo, "triage", "project.task", "read", [[1], ["activity_ids", "activity_state"]]
    )["result"][0]
    assert task == {"id": 1, "activity_ids": [aid], "activity_state": "planned"}
    mid = execute_kw(
        odoo, "triage", "mail.activity", "action_feedback", [[aid]], {"feedback": "ok <3"}
    )["result"]
    assert (
        execute_kw(odoo, "triage", "mail.activity", "search", [[["id", "=", aid]]])["result"] == []
    )
    msg = execute_kw(
        odoo,
        "triage",
        "mail.message",
        "read",
        [[mid], ["subtype_id", "mail_activity_type_id", "body"]],
    )["result"][0]
    assert msg["subtype_id"][1] == "Activities" and msg["mail_activity_type_id"] == [4, "To-Do"]
    assert "ok &lt;3" in msg["body"] and "done" in msg["body"]


def test_activity_needs_res_model_id_and_others_activities_are_protected(odoo: DemoOdoo) -> None:
    answer = execute_kw(
        odoo, "triage", "mail.activity", "create", [{"res_model": "project.task", "res_id": 1}]
    )
    assert _error(answer)[0] == "odoo.exceptions.ValidationError"
    admin_act = execute_kw(
        odoo,
        "admin",
        "mail.activity",
        "create",
        [{"res_model_id": 518, "res_id": 1, "activity_type_id": 4}],
    )["result"]
    assert (
        _error(execute_kw(odoo, "triage", "mail.activity", "unlink", [[admin_act]]))[0]
        == "odoo.exceptions.AccessError"
    )
    own = execute_kw(
        odoo,
        "triage",
        "mail.activity",
        "create",
        [{"res_model_id": 518, "res_id": 1, "activity_type_id": 4}],
    )["result"]
    assert execute_kw(odoo, "triage", "mail.activity", "unlink", [[own]])["result"] is True
