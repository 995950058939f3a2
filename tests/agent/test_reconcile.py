"""Decisions made inside Odoo: a review activity marked done is an approval (its feedback
is the comment), a cancelled (deleted) one a rejection, an open one stays pending."""

from __future__ import annotations

from typing import Any

import pytest

from agent import pipeline
from agent.pipeline import PipelineContext
from agent.reconcile import reconcile
from agent.schemas import Recommendation
from agent.tools import readers

pytestmark = pytest.mark.integration


def _publish_three(ctx: PipelineContext) -> list[Recommendation]:
    recs = []
    for project in readers.list_active_projects(ctx.gateway)[:3]:
        rec = pipeline.assess_risks(project.id, ctx=ctx, publish=True).recommendation
        assert rec.activity_id is not None, "each published recommendation gets a review activity"
        recs.append(rec)
    return recs


def _mark_done(rpc: Any, activity_id: int, feedback: str) -> None:
    rpc.execute_kw("mail.activity", "action_feedback", [[activity_id]], {"feedback": feedback})


def test_done_is_approved_cancelled_is_rejected_open_stays_pending(
    pipeline_ctx: PipelineContext, admin_rpc: Any, odoo_view: Any
) -> None:
    approved, rejected, pending = _publish_three(pipeline_ctx)
    assert approved.id and rejected.id and pending.id
    _mark_done(admin_rpc, approved.activity_id or 0, "ok")
    admin_rpc.execute_kw("mail.activity", "unlink", [[rejected.activity_id]])

    report = reconcile(pipeline_ctx)

    assert report.checked == 3
    assert report.approved == [approved.id]
    assert report.rejected == [rejected.id]
    assert report.still_pending == 1
    ledger = pipeline_ctx.ledger
    yes = ledger.decisions(approved.id)
    assert [(d.decision, d.comment, d.source) for d in yes] == [("approved", "ok", "odoo")]
    assert "Administrator" in yes[0].reviewer or "admin" in yes[0].reviewer.lower()
    no = ledger.decisions(rejected.id)
    assert [(d.decision, d.source) for d in no] == [("rejected", "odoo")]
    assert ledger.decisions(pending.id) == []
    assert ledger.get(approved.id).status.value == "approved"
    assert ledger.get(rejected.id).status.value == "rejected"
    assert ledger.get(pending.id).status.value == "proposed"

    for rec, word in ((approved, "approved"), (rejected, "rejected")):
        followup = ledger.decisions(rec.id)[0].followup_message_id
        assert followup is not None
        msg = odoo_view.read("mail.message", followup, ["body", "res_id", "subtype_id"])
        assert msg["res_id"] == rec.subject.id and msg["subtype_id"][1] == "Note"
        assert f"AI recommendation #{rec.id} {word}" in msg["body"]


def test_reconcile_twice_records_nothing_new(
    pipeline_ctx: PipelineContext, admin_rpc: Any, odoo_view: Any
) -> None:
    rec = _publish_three(pipeline_ctx)[0]
    _mark_done(admin_rpc, rec.activity_id or 0, "fine by me")
    reconcile(pipeline_ctx)
    messages = odoo_view.messages(rec.subject.model, rec.subject.id)

    again = reconcile(pipeline_ctx)

    assert (again.approved, again.rejected, again.still_pending) == ([], [], 2)
    assert len(pipeline_ctx.ledger.decisions(rec.id)) == 1
    assert pipeline_ctx.ledger.decisions(rec.id)[0].comment == "fine by me"
    assert odoo_view.messages(rec.subject.model, rec.subject.id) == messages


def test_done_activity_kept_archived_is_still_an_approval(
    pipeline_ctx: PipelineContext, admin_rpc: Any
) -> None:
    """Odoo 17+ activity types may keep done activities (archived) instead of deleting them."""
    rec = _publish_three(pipeline_ctx)[0]
    act = admin_rpc.execute_kw("mail.activity", "read", [[rec.activity_id], ["activity_type_id"]])
    type_id = act[0]["activity_type_id"][0]
    admin_rpc.execute_kw("mail.activity.type", "write", [[type_id], {"keep_done": True}])
    try:
        _mark_done(admin_rpc, rec.activity_id or 0, "approved, archived")
    finally:
        admin_rpc.execute_kw("mail.activity.type", "write", [[type_id], {"keep_done": False}])

    report = reconcile(pipeline_ctx)

    assert report.approved == [rec.id]
    assert pipeline_ctx.ledger.decisions(rec.id)[0].comment == "approved, archived"


@pytest.mark.parametrize(
    ("body", "comment"),
    [
        # Odoo 18's mail.message_activity_done template (note and feedback blocks)
        (
            '<div><p><span class="fa fa-check fa-fw"></span><span>To-Do</span> done'
            "<span>: </span><span>Review AI recommendation #12</span></p>"
            '<div><div class="o_mail_note_title fw-bold">Original note:</div><div><p>Please '
            "review AI recommendation #12. Mark it done to approve (your feedback is the "
            'comment).</p></div></div><div><div class="fw-bold">Feedback:</div>Looks right'
            "<br>go ahead</div></div>",
            "Looks right go ahead",
        ),
        ("<div><p>To-Do done: Review AI recommendation #12</p></div>", ""),
        ("<p>To-Do done: Review AI recommendation #12</p><div><b>Feedback</b>: ok</div>", "ok"),
    ],
)
def test_feedback_is_read_from_odoo_done_messages(body: str, comment: str) -> None:
    from agent.reconcile import _feedback

    assert _feedback(body) == comment
