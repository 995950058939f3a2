"""The unchanged odoorpc client must not tell the demo server from a real Odoo."""

from __future__ import annotations

import odoorpc
import pytest

from demo_odoo.runner import DemoOdoo


def _client(odoo: DemoOdoo, login: str = "triage", password: str = "triage") -> odoorpc.ODOO:
    client = odoorpc.ODOO("127.0.0.1", port=odoo.port)
    client.login("demo", login, password)
    return client


def test_odoorpc_logs_in_and_reports_the_server_version(demo_odoo: DemoOdoo) -> None:
    client = _client(demo_odoo)
    assert client.version == "18.0-20250702"
    assert client.db.list() == ["demo"]
    assert client.env.uid == demo_odoo.access.users["triage"].uid


def test_odoorpc_search_read_returns_computed_task_hours(demo_odoo: DemoOdoo) -> None:
    client = _client(demo_odoo)
    rows = client.env["project.task"].search_read(
        [("project_id", "!=", False)],
        ["name", "allocated_hours", "effective_hours", "remaining_hours", "progress", "project_id"],
        limit=1,
        order="id",
    )
    assert rows == [
        {
            "id": 1,
            "name": "Office planning",
            "allocated_hours": 20.0,
            "effective_hours": 42.0,
            "remaining_hours": -22.0,
            "progress": 2.1,
            "project_id": [1, "Office Design"],
        }
    ]


def test_odoorpc_browse_follows_many2one(demo_odoo: DemoOdoo) -> None:
    client = _client(demo_odoo)
    task = client.env["project.task"].browse(1)
    assert task.name == "Office planning"
    assert task.project_id.name == "Office Design"
    assert task.partner_id.display_name == "YourCompany, Joel Willis"


def test_odoorpc_accepts_the_api_key_as_password(demo_odoo: DemoOdoo) -> None:
    client = _client(demo_odoo, "triage", demo_odoo.api_key)
    assert client.env["project.task"].search_count([("project_id", "=", 1)]) == 7


def test_odoorpc_wrong_password_is_refused(demo_odoo: DemoOdoo) -> None:
    client = odoorpc.ODOO("127.0.0.1", port=demo_odoo.port)
    with pytest.raises(odoorpc.error.RPCError):
        client.login("demo", "triage", "wrong")


def test_odoorpc_write_by_api_user_is_an_access_error(demo_odoo: DemoOdoo) -> None:
    client = _client(demo_odoo)
    with pytest.raises(odoorpc.error.RPCError) as err:
        client.env["project.task"].write([1], {"name": "hacked"})
    assert "AccessError" in str(err.value.info["data"]["name"])
    assert demo_odoo.database.get("project.task", 1)["name"] == "Office planning"
