"""Odoo 19 JSON-2 API and the per-version field names of the demo server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from demo_odoo import sample
from demo_odoo.runner import DemoOdoo


@pytest.fixture(scope="module")
def odoo19() -> Iterator[DemoOdoo]:
    with DemoOdoo(version="19.0", dataset=sample.dataset()) as server:
        yield server


def _post(odoo: DemoOdoo, path: str, body: dict, key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"bearer {key or odoo.api_key}"}
    return httpx.post(f"{odoo.url}/json/2/{path}", json=body, headers=headers, timeout=10)


def test_json2_search_read_answers_the_bare_result(odoo19: DemoOdoo) -> None:
    response = _post(
        odoo19,
        "project.task/search_read",
        {"domain": [["id", "=", 1]], "fields": ["name", "project_id"], "limit": 1},
    )
    assert response.status_code == 200
    assert response.json() == [
        {"id": 1, "name": "Office planning", "project_id": [1, "Office Design"]}
    ]


def test_json2_read_takes_ids_and_context(odoo19: DemoOdoo) -> None:
    response = _post(
        odoo19,
        "project.task/read",
        {"ids": [1, 999], "fields": ["name"], "context": {"lang": "en_US"}},
    )
    assert response.json() == [{"id": 1, "name": "Office planning"}]


def test_json2_errors_carry_http_status_and_serialized_exception(odoo19: DemoOdoo) -> None:
    denied = _post(odoo19, "project.task/write", {"ids": [1], "vals": {"name": "x"}})
    assert denied.status_code == 403
    assert set(denied.json()) >= {"name", "message", "arguments", "context", "debug"}
    assert denied.json()["name"] == "odoo.exceptions.AccessError"
    bad_key = _post(odoo19, "project.task/search", {"domain": []}, key="nope")
    assert (
        bad_key.status_code == 401 and bad_key.json()["name"] == "werkzeug.exceptions.Unauthorized"
    )
    bad_leaf = _post(odoo19, "project.task/search", {"domain": [["name", "contains", "x"]]})
    assert bad_leaf.status_code == 500 and bad_leaf.json()["name"] == "builtins.ValueError"
    missing = _post(odoo19, "no.model/search", {"domain": []})
    assert missing.status_code == 404


def test_json2_check_access_rights_none_is_json_null(odoo19: DemoOdoo) -> None:
    response = _post(odoo19, "mail.activity/check_access_rights", {"operation": "create"})
    assert response.status_code == 200 and response.json() is None


def test_json2_is_not_served_before_19(demo_odoo: DemoOdoo) -> None:
    assert _post(demo_odoo, "project.task/search", {"domain": []}).status_code == 404


def test_version_16_serves_planned_hours_and_kanban_state() -> None:
    with DemoOdoo(version="16.0", dataset=sample.dataset()) as odoo:
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}
        info = httpx.post(f"{odoo.url}/web/webclient/version_info", json=body).json()["result"]
        assert info["server_version_info"][:2] == [16, 0]
        db = odoo.database
        task = db.read("project.task", [1], ["planned_hours", "kanban_state", "remaining_hours"])[0]
        assert task == {
            "id": 1,
            "planned_hours": 20.0,
            "kanban_state": "normal",
            "remaining_hours": -22.0,
        }
        assert "allocated_hours" not in db.fields["project.task"]
        assert "state" not in db.fields["project.task"]
