"""Contract: what Odoo answers, for everything the gateway relies on.

Runs against the demo Odoo by default, and against a real Odoo when ODOO_URL, ODOO_DB,
ODOO_LOGIN and ODOO_PASSWORD are set (then nothing here depends on demo data: ids are
discovered by search). The note-posting test writes a chatter note: it always runs on
the demo, and on a real Odoo only with ODOO_CONTRACT_ALLOW_NOTE=1.

Every check runs through raw JSON-RPC over httpx AND through the real `odoorpc` client.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import odoorpc
import pytest

from demo_odoo.runner import DemoOdoo

pytestmark = pytest.mark.integration

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RpcError(Exception):
    """An Odoo error envelope, whichever client saw it."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass
class Target:
    url: str
    db: str
    login: str
    password: str
    real: bool


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    env = {k: os.environ.get(k) for k in ("ODOO_URL", "ODOO_DB", "ODOO_LOGIN", "ODOO_PASSWORD")}
    if all(env.values()):
        yield Target(
            env["ODOO_URL"] or "",
            env["ODOO_DB"] or "",
            env["ODOO_LOGIN"] or "",
            env["ODOO_PASSWORD"] or "",
            True,
        )
        return
    with DemoOdoo(version="18.0") as odoo:  # its own instance: this suite posts a note
        yield Target(odoo.url, odoo.db, "triage", "triage", False)


class RawClient:
    """JSON-RPC by hand with httpx: exactly the bytes Odoo documents."""

    name = "httpx"

    def __init__(self, t: Target) -> None:
        self.t = t
        self.http = httpx.Client(base_url=t.url, timeout=30)
        self.uid = self.rpc("common", "login", [t.db, t.login, t.password])

    def post(self, path: str, params: dict[str, Any]) -> Any:
        body = self.http.post(
            path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        ).json()
        if "error" in body:
            raise RpcError(body["error"]["data"]["name"], body["error"]["data"]["message"])
        return body.get("result")

    def rpc(self, service: str, method: str, args: list[Any]) -> Any:
        return self.post("/jsonrpc", {"service": service, "method": method, "args": args})

    def call(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        return self.rpc(
            "object",
            "execute_kw",
            [self.t.db, self.uid, self.t.password, model, method, args, kwargs or {}],
        )


class OdooRpcClient:
    """The real odoorpc library, unchanged."""

    name = "odoorpc"

    def __init__(self, t: Target) -> None:
        parts = urlsplit(t.url)
        protocol = "jsonrpc+ssl" if parts.scheme == "https" else "jsonrpc"
        self.odoo = odoorpc.ODOO(
            parts.hostname,
            protocol=protocol,
            port=parts.port or (443 if parts.scheme == "https" else 80),
        )
        self.odoo.login(t.db, t.login, t.password)
        self.uid = self.odoo.env.uid

    def call(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        try:
            return self.odoo.execute_kw(model, method, args, kwargs or {})
        except odoorpc.error.RPCError as exc:
            data = exc.info.get("data", {}) if isinstance(exc.info, dict) else {}
            raise RpcError(str(data.get("name")), str(data.get("message"))) from None


@pytest.fixture(scope="module", params=["httpx", "odoorpc"])
def client(request: pytest.FixtureRequest, target: Target) -> Any:
    factory: Callable[[Target], Any] = RawClient if request.param == "httpx" else OdooRpcClient
    return factory(target)


@pytest.fixture(scope="module")
def major(target: Target) -> int:
    info = RawClient(target).post("/web/webclient/version_info", {})
    return int(str(info["server_version_info"][0]).replace("saas~", ""))


@pytest.fixture(scope="module")
def hours_field(major: int) -> str:
    """The task hours budget: `planned_hours` up to 16, `allocated_hours` from 17."""
    return "planned_hours" if major <= 16 else "allocated_hours"


@pytest.fixture(scope="module")
def tasks(client: Any, hours_field: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = client.call(
        "project.task",
        "search_read",
        [[("project_id", "!=", False)]],
        {
            "fields": [
                "name",
                "project_id",
                "user_ids",
                "date_deadline",
                hours_field,
                "priority",
                "create_date",
                "description",
            ],
            "limit": 200,
            "order": "id",
        },
    )
    assert rows, "the contract needs at least one project task on the server"
    for row in rows:
        row["hours"] = row[hours_field]
    return rows


# ------------------------------------------------------------------ login and version


def test_login_returns_a_uid_and_a_bad_password_returns_false(target: Target) -> None:
    raw = RawClient(target)
    assert isinstance(raw.uid, int) and raw.uid > 0
    assert raw.rpc("common", "login", [target.db, target.login, "definitely-wrong"]) is False


def test_wrong_password_on_execute_kw_is_access_denied(target: Target, client: Any) -> None:
    raw = RawClient(target)
    with pytest.raises(RpcError) as err:
        raw.rpc(
            "object",
            "execute_kw",
            [target.db, raw.uid, "definitely-wrong", "project.task", "search", [[]], {"limit": 1}],
        )
    assert err.value.name == "odoo.exceptions.AccessDenied"


def test_version_info_and_common_version_agree(target: Target) -> None:
    raw = RawClient(target)
    info = raw.post("/web/webclient/version_info", {})
    assert isinstance(info["server_version_info"], list) and isinstance(
        info["server_version_info"][0], int | str
    )
    assert raw.rpc("common", "version", [])["server_version"] == info["server_version"]


# ------------------------------------------------------------------ value shapes


def test_value_shapes(tasks: list[dict[str, Any]]) -> None:
    for row in tasks:
        project = row["project_id"]
        assert isinstance(project, list) and len(project) == 2
        assert isinstance(project[0], int) and isinstance(project[1], str)
        assert isinstance(row["user_ids"], list) and all(
            isinstance(u, int) for u in row["user_ids"]
        )
        deadline = row["date_deadline"]  # a date up to 16, a datetime from 17
        assert deadline is False or DATETIME.match(deadline) or DATE.match(deadline)
        assert DATETIME.match(row["create_date"])
        assert isinstance(row["hours"], float)
        assert row["description"] is False or isinstance(row["description"], str)


def test_empty_many2one_and_dates_are_false(client: Any) -> None:
    rows = client.call(
        "project.project",
        "search_read",
        [[]],
        {"fields": ["partner_id", "date_start", "date"], "limit": 200},
    )
    for row in rows:
        assert row["partner_id"] is False or isinstance(row["partner_id"], list)
        for name in ("date_start", "date"):
            assert row[name] is False or DATE.match(row[name])


def test_read_leaves_out_missing_ids(client: Any, tasks: list[dict[str, Any]]) -> None:
    first = tasks[0]["id"]
    missing = max(t["id"] for t in tasks) + 10_000_000
    rows = client.call("project.task", "read", [[first, missing], ["name"]])
    assert [r["id"] for r in rows] == [first]


# ------------------------------------------------------------------ domains


def _like(value: Any, pattern: str, *, case: bool, anchored: bool) -> bool:
    if value is False or value is None:
        return False
    text, pat = str(value), pattern if anchored else f"%{pattern}%"
    glob = pat.replace("%", "*").replace("_", "?")
    if not case:
        text, glob = text.lower(), glob.lower()
    return fnmatch.fnmatchcase(text, glob)


def _domains(
    sample: dict[str, Any], hf: str
) -> list[tuple[list[Any], Callable[[dict[str, Any]], bool]]]:
    pid, pname = sample["project_id"]
    hours = sample["hours"]
    word = sample["name"].split()[0]
    return [
        ([("project_id", "=", pid)], lambda r: r["project_id"][0] == pid),
        ([("project_id", "!=", pid)], lambda r: r["project_id"][0] != pid),
        ([(hf, "<", hours)], lambda r: r["hours"] < hours),
        ([(hf, "<=", hours)], lambda r: r["hours"] <= hours),
        ([(hf, ">", hours)], lambda r: r["hours"] > hours),
        ([(hf, ">=", hours)], lambda r: r["hours"] >= hours),
        ([("project_id", "in", [pid])], lambda r: r["project_id"][0] == pid),
        ([("project_id", "not in", [pid])], lambda r: r["project_id"][0] != pid),
        ([("id", "in", [])], lambda r: False),
        ([("name", "like", word)], lambda r: _like(r["name"], word, case=True, anchored=False)),
        (
            [("name", "ilike", word.upper())],
            lambda r: _like(r["name"], word.upper(), case=False, anchored=False),
        ),
        (
            [("name", "=like", f"{word}%")],
            lambda r: _like(r["name"], f"{word}%", case=True, anchored=True),
        ),
        (
            [("name", "=ilike", sample["name"].upper())],
            lambda r: r["name"].lower() == sample["name"].lower(),
        ),
        (
            ["&", ("project_id", "=", pid), (hf, ">=", hours)],
            lambda r: r["project_id"][0] == pid and r["hours"] >= hours,
        ),
        (
            ["|", ("project_id", "=", pid), (hf, ">", hours)],
            lambda r: r["project_id"][0] == pid or r["hours"] > hours,
        ),
        (["!", ("project_id", "=", pid)], lambda r: r["project_id"][0] != pid),
        ([("project_id.name", "=", pname)], lambda r: r["project_id"][1] == pname),
        ([("user_ids", "=", False)], lambda r: not r["user_ids"]),
    ]


def test_each_domain_operator_matches_the_documented_semantics(
    client: Any, tasks: list[dict[str, Any]], hours_field: str
) -> None:
    ids = [t["id"] for t in tasks]
    sample = next((t for t in tasks if t["hours"]), tasks[0])
    for domain, predicate in _domains(sample, hours_field):
        got = set(client.call("project.task", "search", [[("id", "in", ids), *domain]]))
        expected = {t["id"] for t in tasks if predicate(t)}
        assert got == expected, domain


def test_unknown_operator_is_a_value_error(client: Any) -> None:
    with pytest.raises(RpcError) as err:
        client.call("project.task", "search", [[("name", "contains", "x")]])
    assert "ValueError" in err.value.name


def test_search_count_matches_search(client: Any, tasks: list[dict[str, Any]]) -> None:
    pid = tasks[0]["project_id"][0]
    domain = [("project_id", "=", pid)]
    assert client.call("project.task", "search_count", [domain]) == len(
        client.call("project.task", "search", [domain])
    )


# ------------------------------------------------------------------ read_group and fields_get


@pytest.fixture(scope="module")
def timesheet_project(client: Any) -> int:
    rows = client.call(
        "account.analytic.line",
        "search_read",
        [[("project_id", "!=", False)]],
        {"fields": ["project_id"], "limit": 1},
    )
    if not rows:
        pytest.fail("the contract needs at least one timesheet line on the server")
    return int(rows[0]["project_id"][0])


def test_read_group_lazy_shape(client: Any, timesheet_project: int) -> None:
    domain = [("project_id", "=", timesheet_project)]
    groups = client.call(
        "account.analytic.line",
        "read_group",
        [domain, ["unit_amount:sum"], ["task_id", "employee_id"]],
    )
    lines = client.call(
        "account.analytic.line", "search_read", [domain], {"fields": ["unit_amount", "task_id"]}
    )
    for g in groups:
        assert {"task_id", "task_id_count", "unit_amount", "__domain", "__context"} <= set(g)
        assert g["task_id"] is False or (isinstance(g["task_id"], list) and len(g["task_id"]) == 2)
        assert g["__context"] == {"group_by": ["employee_id"]}
    assert sum(g["task_id_count"] for g in groups) == len(lines)
    assert sum(g["unit_amount"] for g in groups) == pytest.approx(
        sum(r["unit_amount"] for r in lines)
    )


def test_read_group_not_lazy_with_date_ranges(
    client: Any, timesheet_project: int, major: int
) -> None:
    domain = [("project_id", "=", timesheet_project)]
    groups = client.call(
        "account.analytic.line",
        "read_group",
        [domain, ["unit_amount:sum"], ["employee_id", "date:week"]],
        {"lazy": False},
    )
    lines = client.call(
        "account.analytic.line", "search_read", [domain], {"fields": ["unit_amount"]}
    )
    assert sum(g["__count"] for g in groups) == len(lines)
    for g in groups:
        assert re.match(r"^W\d{1,2} \d{4}$", g["date:week"])
        if major >= 17:  # `__range` on date groups
            bounds = g["__range"]["date:week"]
            assert DATE.match(bounds["from"]) and DATE.match(bounds["to"])
        assert "employee_id_count" not in g


def test_fields_get_describes_types_and_relations(client: Any, hours_field: str) -> None:
    fields = client.call(
        "project.task", "fields_get", [], {"attributes": ["type", "relation", "string"]}
    )
    assert fields["name"]["type"] == "char"
    assert (
        fields["project_id"]["type"] == "many2one"
        and fields["project_id"]["relation"] == "project.project"
    )
    assert fields["user_ids"]["type"] == "many2many"
    other = "allocated_hours" if hours_field == "planned_hours" else "planned_hours"
    assert other not in fields and fields[hours_field]["type"] == "float"


# ------------------------------------------------------------------ rights and the one write


def test_forbidden_write_is_an_access_error_for_the_api_user(
    client: Any, tasks: list[dict[str, Any]]
) -> None:
    missing = max(t["id"] for t in tasks) + 10_000_000  # a write that could never change data
    with pytest.raises(RpcError) as err:
        client.call("project.task", "write", [[missing], {"name": "contract"}])
    assert err.value.name == "odoo.exceptions.AccessError", (
        "the API user has write rights on project.task: run the service as a least-privilege user"
    )


def test_message_post_note_reads_back_with_the_note_subtype(
    target: Target, client: Any, tasks: list[dict[str, Any]]
) -> None:
    if target.real and os.environ.get("ODOO_CONTRACT_ALLOW_NOTE") != "1":
        pytest.skip(
            "posts a chatter note: set ODOO_CONTRACT_ALLOW_NOTE=1 to allow it on a real Odoo"
        )
    task_id = tasks[0]["id"]
    body = f"<p>Contract test note via <b>{client.name}</b></p>"
    message_id = client.call(
        "project.task",
        "message_post",
        [[task_id]],
        {
            "body": body,
            "body_is_html": True,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_note",
        },
    )
    assert isinstance(message_id, int)
    row = client.call(
        "mail.message",
        "read",
        [[message_id], ["body", "subtype_id", "message_type", "model", "res_id"]],
    )[0]
    assert row["body"] == body
    assert (row["model"], row["res_id"], row["message_type"]) == (
        "project.task",
        task_id,
        "comment",
    )
    subtype = client.call(
        "mail.message.subtype", "read", [[row["subtype_id"][0]], ["name", "internal"]]
    )[0]
    assert subtype["internal"] is True
