"""The jobs end to end on the demo Odoo: the worker's entry point, portfolio scans, task
summaries, escalation review deadlines and the chatter page read back from Odoo."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from agent import pipeline
from agent.pipeline import PipelineContext
from agent.schemas import EscalationDraft, Kind, StatusSummary
from agent.tools import readers
from agent.tools.records import Ticket
from service.chatter_page import write_chatter_page

pytestmark = pytest.mark.integration


def _project_id(ctx: PipelineContext) -> int:
    return readers.list_active_projects(ctx.gateway)[0].id


def _task_of(odoo_view: Any, project_id: int) -> int:
    ids: list[int] = odoo_view.rpc.env["project.task"].search(
        [("project_id", "=", project_id)], limit=1, order="id"
    )
    return ids[0]


def test_run_job_returns_json_with_the_request_id(pipeline_ctx: PipelineContext) -> None:
    pid = _project_id(pipeline_ctx)
    data = pipeline.run_job(
        "summarize_project", pid, publish=False, request_id="req-1", ctx=pipeline_ctx
    )
    assert json.loads(json.dumps(data)) == data
    assert data["request_id"] == "req-1" and "html" not in data
    assert data["job"] == "summarize_project" and data["status"] == "not_published"
    assert data["recommendation"]["subject"]["id"] == pid


def test_run_job_for_a_task_event_assesses_its_project(
    pipeline_ctx: PipelineContext, odoo_view: Any
) -> None:
    pid = _project_id(pipeline_ctx)
    data = pipeline.run_job(
        "assess_risks_for_task", _task_of(odoo_view, pid), publish=False, ctx=pipeline_ctx
    )
    assert data["job"] == "assess_risks"
    subject = data["recommendation"]["subject"]
    assert (subject["model"], subject["id"]) == ("project.project", pid)


def test_run_job_refuses_an_unknown_job_and_names_the_known_ones(
    pipeline_ctx: PipelineContext,
) -> None:
    with pytest.raises(ValueError, match=r"unknown job 'delete_project'.*triage_ticket"):
        pipeline.run_job("delete_project", 1, ctx=pipeline_ctx)


def test_run_job_reconcile_reports_counts(pipeline_ctx: PipelineContext) -> None:
    data = pipeline.run_job("reconcile", 0, ctx=pipeline_ctx)
    assert data == {"checked": 0, "approved": [], "rejected": [], "still_pending": 0}


def test_scan_reports_progress_snapshots_and_survives_a_bad_record(
    pipeline_ctx: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = readers.list_open_tickets

    def with_a_ghost(gw: Any) -> list[Ticket]:
        tickets = real(gw)[:3]
        return [*tickets, tickets[0].model_copy(update={"id": 987654, "name": "ghost"})]

    monkeypatch.setattr(readers, "list_open_tickets", with_a_ghost)
    ticks: list[tuple[int, int]] = []

    result = pipeline.scan_portfolio(
        ctx=pipeline_ctx, progress=lambda _name, done, total: ticks.append((done, total))
    )

    projects = readers.list_active_projects(pipeline_ctx.gateway)
    total = len(projects) + 4
    assert ticks == [(i, total) for i in range(1, total + 1)]
    assert [r.res_id for r in result.projects] == [p.id for p in projects]
    assert len(result.tickets) == 3
    assert len(result.errors) == 1 and "helpdesk.ticket 987654" in result.errors[0]
    snaps = pipeline_ctx.ledger.snapshots()
    assert {s.scan_id for s in snaps} == {result.scan_id}
    assert sorted(s.res_id for s in snaps) == sorted(p.id for p in projects)
    rags = {r.res_id: r.rag.value if r.rag else None for r in result.projects}
    assert {s.res_id: s.rag for s in snaps} == rags


def test_task_summary_is_posted_on_the_task(pipeline_ctx: PipelineContext, odoo_view: Any) -> None:
    task_id = _task_of(odoo_view, _project_id(pipeline_ctx))
    before = odoo_view.messages("project.task", task_id)

    res = pipeline.summarize_task(task_id, ctx=pipeline_ctx, publish=True)

    out = res.recommendation.output
    assert isinstance(out, StatusSummary)
    assert (out.subject.model, out.subject.id) == ("project.task", task_id)
    assert res.status == "posted"
    assert odoo_view.messages("project.task", task_id) == before + 1
    msg = odoo_view.read("mail.message", res.recommendation.message_id, ["model", "res_id"])
    assert (msg["model"], msg["res_id"]) == ("project.task", task_id)


def test_escalation_review_deadline_follows_its_severity(
    pipeline_ctx: PipelineContext, odoo_view: Any
) -> None:
    pid = _project_id(pipeline_ctx)
    res = pipeline.draft_escalation(pid, ctx=pipeline_ctx, publish=True)
    rec = res.recommendation
    out = rec.output
    assert isinstance(out, EscalationDraft) and rec.kind is Kind.ESCALATION
    assert rec.severity is out.severity and rec.activity_id
    act = odoo_view.read("mail.activity", rec.activity_id, ["date_deadline"])
    days = pipeline_ctx.policy.approval.review_deadline_days[out.severity]
    expected = rec.provenance.data_as_of.date() + timedelta(days=days)
    assert act["date_deadline"] == expected.isoformat()


def test_chatter_page_shows_the_notes_as_odoo_stores_them(
    pipeline_ctx: PipelineContext, odoo_view: Any, tmp_path: Path
) -> None:
    pid = _project_id(pipeline_ctx)
    res = pipeline.assess_risks(pid, ctx=pipeline_ctx, publish=True)
    rec = res.recommendation
    stored = odoo_view.read("mail.message", rec.message_id, ["body"])["body"]

    page = write_chatter_page(pipeline_ctx, tmp_path / "chatter.html").read_text()

    assert stored in page
    assert f"recommendation #{rec.id} (proposed)" in page
    assert f"Review AI recommendation #{rec.id}" in page
    assert "Notes posted to Odoo (1 on 1 records)" in page
