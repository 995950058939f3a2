"""Decisions made inside Odoo: read what happened to our review activities.

Reviewers should not need another tool. Marking the review activity done means approved
(its feedback is the comment); cancelling it (Odoo deletes the activity, no message)
means rejected. Odoo leaves a trace only for "done": `action_feedback` posts a message
with `mail_activity_type_id` set whose body carries the activity summary and the
feedback. Reconciliation only reads; the follow-up note goes through the publisher.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agent.publish import review_summary

if TYPE_CHECKING:
    from agent.pipeline import PipelineContext

_TAGS = re.compile(r"<[^>]+>")


class ReconcileReport(BaseModel):
    checked: int = 0
    approved: list[int] = []
    rejected: list[int] = []
    still_pending: int = 0


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub(" ", body))).strip()


_FEEDBACK = re.compile(r"\bFeedback\s*:\s*")


def _feedback(body: str) -> str:
    """The text after the last "Feedback:" label (Odoo 18 renders it as its own element,
    `<div class="fw-bold">Feedback:</div>`, or `<b>Feedback</b>:`), "" when there is none."""
    text = _text(body)
    labels = list(_FEEDBACK.finditer(text))
    return text[labels[-1].end() :].strip() if labels else ""


def _summary_pattern(rec_id: int) -> re.Pattern[str]:
    return re.compile(re.escape(review_summary(rec_id)) + r"(?!\d)")


def reconcile(ctx: PipelineContext) -> ReconcileReport:
    """Record in the ledger the decisions reviewers made on our activities in Odoo."""
    report = ReconcileReport()
    pending = ctx.ledger.pending_with_activity()
    report.checked = len(pending)
    if not pending:
        return report
    activity_ids = [r.activity_id for r in pending if r.activity_id is not None]
    # Odoo 17+ types may keep done activities archived (active=False) instead of deleting.
    fields = ctx.gateway.available("mail.activity", ["id", "active"])
    alive = {
        int(row["id"])
        for row in ctx.gateway.read("mail.activity", activity_ids, fields)
        if row.get("active", True)
    }
    gone = [r for r in pending if r.activity_id not in alive]
    report.still_pending = len(pending) - len(gone)
    if not gone:
        return report
    messages: list[dict[str, Any]] = ctx.gateway.search_read(
        "mail.message",
        [
            ("model", "in", sorted({r.subject.model for r in gone})),
            ("res_id", "in", sorted({r.subject.id for r in gone})),
            ("mail_activity_type_id", "!=", False),
        ],
        ["body", "author_id", "model", "res_id", "date"],
        order="id desc",
    )
    publisher = ctx.publisher()
    for rec in gone:
        assert rec.id is not None
        pattern = _summary_pattern(rec.id)
        done = next(
            (
                m
                for m in messages
                if m.get("model") == rec.subject.model
                and m.get("res_id") == rec.subject.id
                and pattern.search(_text(str(m.get("body") or "")))
            ),
            None,
        )
        if done is not None:
            author = done.get("author_id")
            reviewer = author[1] if isinstance(author, list) and len(author) > 1 else "Odoo user"
            decision = ctx.ledger.decide(
                rec.id,
                "approved",
                reviewer=str(reviewer),
                comment=_feedback(str(done.get("body") or "")),
                source="odoo",
            )
            report.approved.append(rec.id)
        else:
            decision = ctx.ledger.decide(
                rec.id,
                "rejected",
                reviewer="Odoo user (activity cancelled)",
                comment="The review activity was cancelled in Odoo.",
                source="odoo",
            )
            report.rejected.append(rec.id)
        publisher.post_decision(ctx.ledger.get(rec.id), decision)
    return report
