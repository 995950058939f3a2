"""The gateway: read-only by construction, retries, typed errors, call counting."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.config import Settings
from agent.tools.errors import (
    AllowlistViolation,
    OdooAccessError,
    OdooAuthError,
    OdooUnavailable,
    ReadOnlyViolation,
    RecordNotFound,
)
from agent.tools.odoo import OdooGateway, PublishChannel
from demo_odoo.runner import DemoOdoo
from tests.agent.tools.fakes import RecordingTransport

WRITE_LIKE = [
    "write",
    "create",
    "unlink",
    "message_post",
    "action_confirm",
    "copy",
    "toggle_active",
]


@pytest.mark.parametrize("method", WRITE_LIKE)
def test_write_methods_raise_before_any_request_leaves(
    fake_gw: OdooGateway, recording: RecordingTransport, method: str
) -> None:
    with pytest.raises(ReadOnlyViolation):
        fake_gw.execute("project.task", method, [1], {"name": "hacked"})
    assert recording.calls == []
    assert fake_gw.stats.calls == 0


def test_fields_outside_the_allowlist_are_refused_before_sending(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    with pytest.raises(AllowlistViolation):
        fake_gw.execute("res.users", "search_read", [("login", "=", "x")], fields=["password"])
    with pytest.raises(AllowlistViolation):  # filtering on a secret field leaks it too
        fake_gw.search("res.users", [("password", "=", "guess")])
    assert recording.calls == []


def test_only_fields_the_server_reports_are_requested(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    fake_gw.search_read("project.task", [], ["name", "planned_hours", "allocated_hours"])
    model, method, _args, kwargs = recording.calls[-1]
    assert (model, method) == ("project.task", "search_read")
    assert kwargs["fields"] == ["name", "allocated_hours"]  # planned_hours absent in 18


def test_fields_get_is_read_once_per_model(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    for _ in range(3):
        fake_gw.search_read("project.task", [], ["name"])
    assert [c[1] for c in recording.calls].count("fields_get") == 1
    assert fake_gw.stats.calls == 4


def test_transient_failures_are_retried_then_succeed(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    recording.failures = [OdooUnavailable("down"), OdooUnavailable("still down")]
    recording.answers["project.task.search"] = [1, 2]
    assert fake_gw.search("project.task", []) == [1, 2]
    assert fake_gw.stats.retries == 2


def test_access_errors_are_not_retried(fake_gw: OdooGateway, recording: RecordingTransport) -> None:
    recording.failures = [OdooAccessError("denied")]
    with pytest.raises(OdooAccessError):
        fake_gw.search("project.task", [])
    assert len(recording.calls) == 1


def test_publish_channel_posts_an_internal_html_note(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    recording.answers["project.task.message_post"] = 883
    assert fake_gw.publish_channel().post_note("project.task", 1, "<p>hi</p>") == 883
    assert recording.calls[-1] == (
        "project.task",
        "message_post",
        [[1]],
        {
            "body": "<p>hi</p>",
            "body_is_html": True,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_note",
        },
    )


def test_publish_channel_creates_an_activity_with_the_ir_model_id(
    fake_gw: OdooGateway, recording: RecordingTransport
) -> None:
    recording.answers.update(
        {"ir.model.search": [518], "mail.activity.type.search": [4], "mail.activity.create": 60}
    )
    channel = fake_gw.publish_channel()
    got = channel.create_activity("project.task", 1, 2, "Review", "<p>x</p>", date(2026, 12, 7))
    assert got == 60
    model, method, args, _ = recording.calls[-1]
    assert (model, method) == ("mail.activity", "create")
    assert args[0]["res_model_id"] == 518 and args[0]["activity_type_id"] == 4
    assert args[0]["date_deadline"] == "2026-12-07"


@pytest.mark.parametrize(
    "model", ["res.partner", "account.analytic.line", "mail.activity", "sale.order"]
)
def test_publish_channel_refuses_other_models(
    fake_gw: OdooGateway, recording: RecordingTransport, model: str
) -> None:
    channel = fake_gw.publish_channel()
    with pytest.raises(ReadOnlyViolation):
        channel.post_note(model, 1, "<p>x</p>")
    with pytest.raises(ReadOnlyViolation):
        channel.create_activity(model, 1, 2, "s", "n", date(2026, 1, 1))
    assert recording.calls == []


def test_publish_channel_cannot_be_built_without_the_gateway(fake_gw: OdooGateway) -> None:
    with pytest.raises(ReadOnlyViolation):
        PublishChannel(fake_gw, object())  # type: ignore[arg-type]


def test_from_settings_requires_a_url_and_a_secret() -> None:
    with pytest.raises(OdooUnavailable, match="ODOO_URL"):
        OdooGateway.from_settings(Settings(ODOO_URL=None))
    with pytest.raises(OdooAuthError, match="ODOO_API_KEY"):
        OdooGateway.from_settings(
            Settings(ODOO_URL="http://127.0.0.1:1", ODOO_PASSWORD=None, ODOO_API_KEY=None)
        )


# --------------------------------------------------------------- real wire, loopback


class _FlakyOdoo(BaseHTTPRequestHandler):
    """Answers version_info and login; the first two execute_kw calls get a 503."""

    failures_left = 2

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        params = body.get("params", {})
        if self.path == "/web/webclient/version_info":
            result: Any = {
                "server_version": "18.0",
                "server_version_info": [18, 0, 0, "final", 0, ""],
                "server_serie": "18.0",
                "protocol_version": 1,
            }
        elif params.get("method") == "login":
            result = 2
        elif params.get("method") == "execute" and params["args"][4] == "context_get":
            result = {"lang": "en_US", "tz": "UTC"}
        elif type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        else:
            result = [7, 8]
        payload = json.dumps({"jsonrpc": "2.0", "id": body.get("id"), "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def flaky_server() -> Iterator[str]:
    _FlakyOdoo.failures_left = 2
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyOdoo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_odoorpc_transport_retries_5xx_then_answers(flaky_server: str) -> None:
    gw = OdooGateway(flaky_server, "demo", "triage", "pw", retries=3, backoff=0)
    assert gw.search("project.task", []) == [7, 8]
    assert gw.stats.retries == 2
    assert gw.stats.by_method["project.task.search"] == 3


def test_odoorpc_transport_gives_up_after_the_retry_budget(flaky_server: str) -> None:
    gw = OdooGateway(flaky_server, "demo", "triage", "pw", retries=1, backoff=0)
    with pytest.raises(OdooUnavailable, match="Check ODOO_URL"):
        gw.search("project.task", [])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_unreachable_url_is_odoo_unavailable_naming_the_url(transport: str) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    gw = OdooGateway(url, "demo", "triage", "pw", transport=transport, retries=1, backoff=0)
    with pytest.raises(OdooUnavailable, match=url):
        gw.connect()
    assert gw.stats.retries == 1


# --------------------------------------------------------------- demo Odoo


@pytest.mark.integration
def test_bad_password_is_an_auth_error_that_says_what_to_check(demo_odoo: DemoOdoo) -> None:
    gw = OdooGateway(demo_odoo.url, demo_odoo.db, "triage", "wrong", retries=0)
    with pytest.raises(OdooAuthError, match="ODOO_PASSWORD"):
        gw.connect()


@pytest.mark.integration
def test_bad_api_key_on_json2_is_an_auth_error() -> None:
    with DemoOdoo(version="19.0") as odoo:
        gw = OdooGateway(odoo.url, odoo.db, "triage", "not-a-key", transport="json2", retries=0)
        with pytest.raises(OdooAuthError, match="ODOO_API_KEY"):
            gw.connect()


@pytest.mark.integration
def test_missing_timesheet_rights_is_a_typed_access_error(demo_odoo: DemoOdoo) -> None:
    gw = OdooGateway(demo_odoo.url, demo_odoo.db, "noaccess", "noaccess", retries=0)
    with pytest.raises(OdooAccessError, match="read group"):
        gw.search_read("account.analytic.line", [], ["unit_amount"], limit=1)


@pytest.mark.integration
def test_read_one_of_a_missing_id_is_record_not_found(triage_gw: OdooGateway) -> None:
    with pytest.raises(RecordNotFound, match="999999"):
        triage_gw.read_one("project.task", 999999, ["name"])


@pytest.mark.integration
def test_version_is_detected_once_and_links_follow_it(triage_gw: OdooGateway) -> None:
    assert triage_gw.version.major == 18
    before = triage_gw.stats.calls
    assert triage_gw.version.major == 18
    assert triage_gw.stats.calls == before
    assert triage_gw.record_url("project.task", 5) == f"{triage_gw.url}/odoo/project.task/5"


@pytest.mark.integration
def test_check_access_rights_reports_without_writing(triage_gw: OdooGateway) -> None:
    assert triage_gw.check_access_rights("project.task", "read") is True
    assert triage_gw.check_access_rights("project.task", "write") is False
    assert triage_gw.check_access_rights("mail.activity", "create") is True


@pytest.mark.integration
def test_publish_channel_round_trip_on_the_demo() -> None:
    with DemoOdoo(version="18.0") as odoo:
        gw = OdooGateway(odoo.url, odoo.db, "triage", "triage", retries=0)
        channel = gw.publish_channel()
        message_id = channel.post_note("project.task", 1, "<p>Review <b>this</b></p>")
        row = gw.read(
            "mail.message", [message_id], ["body", "subtype_id", "message_type", "model", "res_id"]
        )[0]
        assert row["body"] == "<p>Review <b>this</b></p>"
        assert row["subtype_id"][1] == "Note" and row["message_type"] == "comment"
        user_id = gw.uid or 0
        activity_id = channel.create_activity(
            "project.task", 1, user_id, "Triage review #1", "<p>x</p>", date(2026, 12, 7)
        )
        activities = gw.read_activities([activity_id])
        assert activities[0]["summary"] == "Triage review #1"
        assert activities[0]["res_model"] == "project.task" and activities[0]["res_id"] == 1


def test_write_is_refused_even_before_connecting_to_an_unreachable_server() -> None:
    gw = OdooGateway(f"http://127.0.0.1:{_closed_port()}", "demo", "triage", "pw", retries=0)
    with pytest.raises(ReadOnlyViolation):
        gw.execute("helpdesk.ticket", "write", [1], {"stage_id": 3})
    assert gw.stats.calls == 0


@pytest.mark.integration
def test_secrets_never_reach_logs_or_error_messages(
    demo_odoo: DemoOdoo, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cr3t-Pa55word-never-logged"
    caplog.set_level(logging.DEBUG)
    gw = OdooGateway(demo_odoo.url, demo_odoo.db, "triage", secret, retries=0)
    with pytest.raises(OdooAuthError) as err:
        gw.connect()
    assert secret not in str(err.value)
    ok = OdooGateway(demo_odoo.url, demo_odoo.db, "triage", "triage", retries=0)
    ok.search("project.task", [], limit=1)
    assert secret not in caplog.text and "'triage', 'triage'" not in caplog.text
