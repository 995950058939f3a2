"""The only module that writes to Odoo: a chatter note and a review activity per recommendation.

Read-only by construction: this module receives a `PublishChannel` whose only write
operations are `post_note` and `create_activity`, on allowlisted models. Nothing the
analyst says can reach another method. The ledger makes posting idempotent: the same
input hash on the same record posts nothing; a new hash supersedes the live note.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel

from agent.ledger import DecisionRecord, Ledger
from agent.render import render_decision_note, render_note
from agent.schemas import Recommendation
from agent.tools.allowlist import PUBLISH_MODELS

PUBLISHABLE_MODELS = PUBLISH_MODELS
REVIEW_SUMMARY = "Review AI recommendation"


class PublishRefused(Exception):
    """The publisher was asked for something it never does (another model or write)."""


class PublishChannel(Protocol):
    def post_note(self, model: str, res_id: int, html_body: str) -> int: ...

    def create_activity(
        self,
        model: str,
        res_id: int,
        user_id: int,
        summary: str,
        note_html: str,
        date_deadline: date,
    ) -> int: ...


class PublishOutcome(BaseModel):
    status: Literal["posted", "unchanged", "dry_run", "not_published"]
    recommendation: Recommendation
    html: str | None = None


def review_summary(rec_id: int) -> str:
    """The activity summary; reconciliation finds our activities' outcomes by it."""
    return f"{REVIEW_SUMMARY} #{rec_id}"


class Publisher:
    def __init__(
        self,
        channel: PublishChannel | None,
        ledger: Ledger,
        *,
        odoo_base_url: str,
        dry_run: bool = False,
        review_days: dict[str, int] | None = None,
        today: date | None = None,
    ) -> None:
        self.channel = channel
        self.ledger = ledger
        self.odoo_base_url = odoo_base_url
        self.dry_run = dry_run
        self.review_days = review_days or {"low": 10, "medium": 5, "high": 2, "critical": 1}
        self.today = today

    def _check_model(self, model: str) -> None:
        if model not in PUBLISHABLE_MODELS:
            raise PublishRefused(
                f"refusing to publish on {model!r}: only {sorted(PUBLISHABLE_MODELS)} "
                "receive recommendations"
            )

    def publish(self, rec: Recommendation, *, reviewer_user_id: int | None) -> PublishOutcome:
        """Post `rec` unless the live recommendation already has the same input hash."""
        self._check_model(rec.subject.model)
        current = self.ledger.current(rec.kind, rec.subject.model, rec.subject.id)
        if current is not None and current.provenance.input_hash == rec.provenance.input_hash:
            if current.published or self.dry_run:
                return PublishOutcome(status="unchanged", recommendation=current)
            return self._post(current, reviewer_user_id)  # stored earlier, posting had failed
        if self.dry_run:
            html = render_note(
                rec.output,
                rec.provenance,
                odoo_base_url=self.odoo_base_url,
                supersedes_id=current.id if current else None,
            )
            return PublishOutcome(status="dry_run", recommendation=rec, html=html)
        stored = self.ledger.add(
            rec.model_copy(update={"supersedes_id": current.id if current else None}),
            reviewer_user_id=reviewer_user_id,
        )
        return self._post(stored, reviewer_user_id)

    def _post(self, rec: Recommendation, reviewer_user_id: int | None) -> PublishOutcome:
        if self.channel is None:
            raise PublishRefused("no Odoo channel configured; use dry-run or connect to Odoo")
        assert rec.id is not None
        html = render_note(
            rec.output,
            rec.provenance,
            odoo_base_url=self.odoo_base_url,
            rec_id=rec.id,
            supersedes_id=rec.supersedes_id,
        )
        message_id = self.channel.post_note(rec.subject.model, rec.subject.id, html)
        activity_id = None
        if reviewer_user_id is not None:
            days = self.review_days.get(rec.severity.value if rec.severity else "low", 5)
            today = self.today or rec.provenance.data_as_of.date()
            activity_id = self.channel.create_activity(
                rec.subject.model,
                rec.subject.id,
                reviewer_user_id,
                review_summary(rec.id),
                f"<p>Please review AI recommendation #{rec.id} "
                f"({rec.kind.value.replace('_', ' ')}) in the chatter. Mark this activity done "
                "to approve (your feedback is the comment) or cancel it to reject.</p>",
                today + timedelta(days=days),
            )
        self.ledger.mark_published(rec.id, message_id=message_id, activity_id=activity_id)
        posted = self.ledger.get(rec.id)
        return PublishOutcome(status="posted", recommendation=posted, html=html)

    def post_decision(self, rec: Recommendation, decision: DecisionRecord) -> int | None:
        """A short follow-up note so the chatter shows what the human decided."""
        if self.channel is None or self.dry_run or not rec.published:
            return None
        self._check_model(rec.subject.model)
        html = render_decision_note(
            rec.id or 0,
            decision.decision,
            decision.reviewer,
            decision.comment,
            odoo_base_url=self.odoo_base_url,
        )
        message_id = self.channel.post_note(rec.subject.model, rec.subject.id, html)
        self.ledger.set_followup(decision.id, message_id)
        return message_id
