"""The analysis and approval API against the demo Odoo, served on a loopback port.

Each analysis endpoint returns a JobResult; posting needs the publish scope; missing records
are 404 with a hint; scans run as jobs; decisions reach the ledger and the Odoo chatter.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import odoorpc
import pytest
from service_test_support import make_settings, serve_in_thread

from agent.config import Settings
from agent.ledger import Ledger
from agent.pipeline import JobResult
from demo_odoo.runner import DemoOdoo
from service.keys import KeyStore
from service.queue import make_engine

pytestmark = pytest.mark.integration


@dataclass
class Api:
    url: str
    settings: Settings
    odoo: DemoOdoo
    admin: Any  # odoorpc client logged in as admin
    read_key: str
    publish_key: str

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, timeout=60, headers={"Authorization": f"Bearer {key}"}
        )

    def ids(self, model: str, domain: list[Any] | None = None) -> list[int]:
        found: list[int] = self.admin.env[model].search(domain or [], order="id")
        return found

    def messages(self, model: str, res_id: int) -> int:
        domain = [("model", "=", model), ("res_id", "=", res_id)]
        return int(self.admin.env["mail.message"].search_count(domain))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp: Path = tmp_path_factory.mktemp("api")
    with DemoOdoo(version="18.0") as odoo:
        settings = make_settings(
            tmp,
            odoo_url=odoo.url,
            odoo_db=odoo.db,
            odoo_login="triage",
            odoo_password="triage",
            ledger_url=f"sqlite:///{tmp / 'ledger.sqlite3'}",
            chroma_path=tmp / "no-index",
            rate_limit="10000/minute",
        )
        keys = KeyStore(make_engine(settings.queue_url))
        _, read_key = keys.create("reader", frozenset({"read"}))
        _, publish_key = keys.create("n8n", frozenset({"read", "publish"}))
        admin = odoorpc.ODOO("127.0.0.1", port=odoo.port, timeout=30)
        admin.login(odoo.db, "admin", "admin")
        with serve_in_thread(settings) as url:
            yield Api(url, settings, odoo, admin, read_key, publish_key)


ENDPOINTS = [
    ("/v1/projects/{id}/summary", "project.project", "summarize_project"),
    ("/v1/projects/{id}/risks", "project.project", "assess_risks"),
    ("/v1/projects/{id}/escalation", "project.project", "draft_escalation"),
    ("/v1/tasks/{id}/summary", "project.task", "summarize_task"),
    ("/v1/tickets/{id}/triage", "helpdesk.ticket", "triage_ticket"),
]


@pytest.mark.parametrize(("path", "model", "job"), ENDPOINTS)
def test_each_analysis_endpoint_returns_a_job_result(
    api: Api, path: str, model: str, job: str
) -> None:
    res_id = api.ids(model)[0]
    with api.client(api.read_key) as client:
        response = client.post(path.format(id=res_id), json={"analyst": "offline"})
    assert response.status_code == 200, response.text
    result = JobResult.model_validate(response.json())
    assert result.job == job and result.status == "not_published"
    assert result.analyst == "offline"
    assert (result.recommendation.subject.model, result.recommendation.subject.id) == (
        model,
        res_id,
    )


def test_escalations_body_form_matches_the_path_form(api: Api) -> None:
    pid = api.ids("project.project")[0]
    with api.client(api.read_key) as client:
        by_path = client.post(f"/v1/projects/{pid}/escalation")
        by_body = client.post("/v1/escalations", json={"project_id": pid})
    assert by_path.status_code == by_body.status_code == 200
    assert by_path.json()["recommendation"]["output"] == by_body.json()["recommendation"]["output"]


def test_publish_needs_the_publish_scope(api: Api) -> None:
    pid = api.ids("project.project")[1]
    before = api.messages("project.project", pid)
    with api.client(api.read_key) as client:
        response = client.post(f"/v1/projects/{pid}/risks", json={"publish": True})
    assert response.status_code == 403
    assert "publish" in response.json()["detail"]
    assert api.messages("project.project", pid) == before


def test_missing_record_is_404_with_a_helpful_message(api: Api) -> None:
    with api.client(api.read_key) as client:
        for path in ("/v1/projects/999999/risks", "/v1/tickets/999999/triage"):
            response = client.post(path)
            assert response.status_code == 404, (path, response.text)
            detail = response.json()["detail"]
            assert "999999" in detail, detail
        missing = client.get("/v1/jobs/nope")
        assert missing.status_code == 404 and "POST /v1/scan" in missing.json()["detail"]


def test_scan_runs_as_a_job_until_done(api: Api) -> None:
    with api.client(api.read_key) as client:
        started = client.post("/v1/scan", json={"dry_run": True})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        deadline = time.monotonic() + 120
        job: dict[str, Any] = started.json()
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/v1/jobs/{job_id}").json()
    assert job["status"] == "done", job
    result = job["result"]
    assert sorted(r["res_id"] for r in result["projects"]) == api.ids(
        "project.project", [("active", "=", True)]
    )
    assert result["tickets"] and result["errors"] == []
    assert job["progress"] == job["total"] == len(result["projects"]) + len(result["tickets"])


def _publish_risks(api: Api, pid: int) -> dict[str, Any]:
    with api.client(api.publish_key) as client:
        response = client.post(f"/v1/projects/{pid}/risks", json={"publish": True})
    assert response.status_code == 200, response.text
    rec: dict[str, Any] = response.json()["recommendation"]
    return rec


def test_recommendations_list_and_filter(api: Api) -> None:
    pid = api.ids("project.project")[2]
    rec = _publish_risks(api, pid)
    with api.client(api.read_key) as client:
        proposed = client.get(
            "/v1/recommendations",
            params={"status": "proposed", "model": "project.project", "res_id": pid},
        ).json()
        triages = client.get("/v1/recommendations", params={"kind": "ticket_triage"}).json()
        one = client.get(f"/v1/recommendations/{rec['id']}")
        absent = client.get("/v1/recommendations/999999")
    assert [r["id"] for r in proposed] == [rec["id"]]
    assert rec["id"] not in [r["id"] for r in triages]
    assert one.status_code == 200 and one.json()["message_id"] == rec["message_id"]
    assert absent.status_code == 404 and "GET /v1/recommendations" in absent.json()["detail"]


def test_decision_approves_posts_a_followup_and_refuses_a_change(api: Api) -> None:
    pid = api.ids("project.project")[3]
    rec = _publish_risks(api, pid)
    before = api.messages("project.project", pid)
    body = {"decision": "approve", "reviewer": "Marc Demo", "comment": "Agreed <b>now</b>."}

    with api.client(api.read_key) as client:
        forbidden = client.post(f"/v1/recommendations/{rec['id']}/decision", json=body)
    with api.client(api.publish_key) as client:
        approved = client.post(f"/v1/recommendations/{rec['id']}/decision", json=body)
        repeated = client.post(f"/v1/recommendations/{rec['id']}/decision", json=body)
        changed = client.post(
            f"/v1/recommendations/{rec['id']}/decision",
            json={"decision": "reject", "reviewer": "Someone else"},
        )

    assert forbidden.status_code == 403 and "publish" in forbidden.json()["detail"]
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert data["recommendation"]["status"] == "approved"
    assert data["decision"]["decision"] == "approved" and data["decision"]["source"] == "api"
    followup = data["followup_message_id"]
    assert followup and api.messages("project.project", pid) == before + 1
    note = api.admin.execute_kw("mail.message", "read", [[followup], ["body", "res_id"]])[0]
    assert note["res_id"] == pid
    assert f"AI recommendation #{rec['id']} approved" in note["body"]
    assert "Agreed &lt;b&gt;now&lt;/b&gt;." in note["body"]
    assert repeated.status_code == 200 and repeated.json()["followup_message_id"] == followup
    assert api.messages("project.project", pid) == before + 1  # no second follow-up
    assert changed.status_code == 409 and "already approved" in changed.json()["detail"]
    ledger = Ledger(api.settings.ledger_url)
    assert [d.decision for d in ledger.decisions(rec["id"])] == ["approved"]
