"""The ledger keeps one live recommendation per record and kind, and every decision once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.ledger import DecisionConflict, Ledger, RecommendationNotFound
from agent.schemas import (
    EvidenceRef,
    Kind,
    Provenance,
    Rag,
    Recommendation,
    RecommendationStatus,
    ReviewerRole,
    RiskAssessment,
)


def _rec(input_hash: str, supersedes: int | None = None) -> Recommendation:
    subject = EvidenceRef(model="project.project", id=3, display_name="Atlas rollout")
    return Recommendation(
        kind=Kind.RISK_ASSESSMENT,
        subject=subject,
        output=RiskAssessment(subject=subject, rag=Rag.AMBER),
        provenance=Provenance(
            analyst="offline", input_hash=input_hash, data_as_of=datetime(2026, 12, 4, tzinfo=UTC)
        ),
        reviewer_role=ReviewerRole.PM,
        supersedes_id=supersedes,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")


def test_superseding_marks_the_old_recommendation_and_keeps_one_live(ledger: Ledger) -> None:
    first = ledger.add(_rec("a" * 64))
    assert first.id is not None
    second = ledger.add(_rec("b" * 64, supersedes=first.id))

    assert ledger.get(first.id).status is RecommendationStatus.SUPERSEDED
    current = ledger.current(Kind.RISK_ASSESSMENT, "project.project", 3)
    assert current is not None and current.id == second.id
    assert current.supersedes_id == first.id


def test_output_and_provenance_round_trip(ledger: Ledger) -> None:
    stored = ledger.add(_rec("c" * 64))
    again = ledger.get(stored.id or 0)
    assert again.output == stored.output
    assert again.provenance.input_hash == "c" * 64


def test_a_decision_is_recorded_once_and_cannot_be_reversed(ledger: Ledger) -> None:
    rec = ledger.add(_rec("d" * 64))
    assert rec.id is not None
    ledger.mark_published(rec.id, message_id=10, activity_id=20)
    assert [r.id for r in ledger.pending_with_activity()] == [rec.id]

    first = ledger.decide(rec.id, "approved", reviewer="Marc Demo", comment="ok")
    repeat = ledger.decide(rec.id, "approved", reviewer="Marc Demo", comment="ok")
    assert first.id == repeat.id
    assert ledger.get(rec.id).status is RecommendationStatus.APPROVED
    assert ledger.pending_with_activity() == []
    with pytest.raises(DecisionConflict):
        ledger.decide(rec.id, "rejected", reviewer="Someone else")


def test_unknown_recommendation_is_a_typed_error(ledger: Ledger) -> None:
    with pytest.raises(RecommendationNotFound, match="GET /v1/recommendations"):
        ledger.get(999)


def test_filters_by_status_and_kind(ledger: Ledger) -> None:
    a = ledger.add(_rec("e" * 64))
    ledger.add(_rec("f" * 64, supersedes=a.id))
    proposed = ledger.list(status=RecommendationStatus.PROPOSED)
    superseded = ledger.list(status=RecommendationStatus.SUPERSEDED, kind=Kind.RISK_ASSESSMENT)
    assert [r.provenance.input_hash[0] for r in proposed] == ["f"]
    assert [r.id for r in superseded] == [a.id]
