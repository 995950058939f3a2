"""Dashboard figures from a ledger and a registry built by hand (no server, no browser)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, Histogram

from agent.ledger import Ledger
from agent.policy import default_policy
from agent.schemas import (
    EvidenceRef,
    Kind,
    Provenance,
    Rag,
    Recommendation,
    ReviewerRole,
    RiskAssessment,
    RiskCategory,
    RiskFinding,
    Severity,
    SlaStatus,
    TicketTriage,
)
from service.ui import data


def url(model: str, res_id: int) -> str:
    return f"http://odoo/odoo/{model}/{res_id}"


def project(ledger: Ledger, pid: int, name: str, findings: dict[str, str]) -> Recommendation:
    subject = EvidenceRef(model="project.project", id=pid, display_name=name)
    items = [
        RiskFinding(category=RiskCategory(c), severity=Severity(s), title=c, explanation="x")
        for c, s in findings.items()
    ]
    out = RiskAssessment(subject=subject, rag=Rag.RED if items else Rag.GREEN, findings=items)
    return ledger.add(
        Recommendation(
            kind=Kind.RISK_ASSESSMENT,
            subject=subject,
            output=out,
            provenance=Provenance(
                analyst="offline", input_hash=f"h{pid}", data_as_of=datetime.now(UTC)
            ),
            reviewer_role=ReviewerRole.PM,
            severity=out.max_severity,
        )
    )


def ticket(ledger: Ledger, tid: int, category: str, sla: SlaStatus, dup: int | None = None) -> None:
    subject = EvidenceRef(model="helpdesk.ticket", id=tid, display_name=f"T{tid}")
    dup_ref = EvidenceRef(model="helpdesk.ticket", id=dup) if dup else None
    out = TicketTriage(
        subject=subject,
        category=category,
        suggested_priority="1",
        sla_status=sla,
        probable_duplicate_of=dup_ref,
    )
    ledger.add(
        Recommendation(
            kind=Kind.TICKET_TRIAGE,
            subject=subject,
            output=out,
            provenance=Provenance(
                analyst="offline", input_hash=f"t{tid}", data_as_of=datetime.now(UTC)
            ),
            reviewer_role=ReviewerRole.HELPDESK_LEAD,
        )
    )


def test_heatmap_cells_hold_the_worst_severity_and_sort_worst_first(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    project(ledger, 1, "Alpha", {"budget": "medium"})
    project(ledger, 2, "Bravo", {"budget": "critical", "schedule": "low"})
    project(ledger, 3, "Charlie", {})
    view = data.portfolio(ledger, url)
    assert [r.name for r in view.rows] == ["Bravo", "Alpha", "Charlie"]
    assert view.rows[0].cells["budget"].severity == "critical"
    assert view.counts["critical"] == 1 and view.counts["none"] == 1
    by_schedule = data.portfolio(ledger, url, sort="schedule")
    assert by_schedule.rows[0].name == "Bravo"
    by_name = data.portfolio(ledger, url, sort="name")
    assert [r.name for r in by_name.rows] == ["Alpha", "Bravo", "Charlie"]


def test_the_newest_assessment_of_a_project_replaces_the_older(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    project(ledger, 1, "Alpha", {"budget": "critical"})
    project(ledger, 1, "Alpha", {"budget": "low"})
    rows = data.portfolio(ledger, url).rows
    assert len(rows) == 1 and rows[0].cells["budget"].severity == "low"


def test_trend_lists_rag_of_the_last_scans_oldest_first(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    rec = project(ledger, 1, "Alpha", {"budget": "high"})
    for i, rag in enumerate(["green", "amber", "red"]):
        ledger.snapshot(f"s{i}", rec.subject, rag, None, {})
    assert [p.rag for p in data.portfolio(ledger, url, trend_points=2).rows[0].trend] == [
        "amber",
        "red",
    ]


def test_approvals_past_the_policy_deadline_are_overdue_and_first(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    critical = project(ledger, 1, "Alpha", {"budget": "critical"})  # 1 day to review
    low = project(ledger, 2, "Bravo", {"budget": "low"})  # 10 days
    policy = default_policy()
    later = datetime.now(UTC) + timedelta(days=1, hours=1)
    queue = data.approval_queue(ledger, policy, url, now=later)
    assert [i.rec.id for i in queue.items] == [critical.id, low.id]
    assert queue.items[0].overdue and not queue.items[1].overdue
    assert queue.overdue == 1
    assert queue.items[0].deadline_days == policy.approval.deadline_days(Severity.CRITICAL)
    assert set(queue.by_role) == {"pm"}
    ledger.decide(critical.id or 0, "approved", reviewer="me")
    assert [i.rec.id for i in data.approval_queue(ledger, policy, url, now=later).items] == [low.id]


def test_helpdesk_counts_open_tickets_by_category_and_sla(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    ticket(ledger, 1, "billing", SlaStatus.BREACHED)
    ticket(ledger, 2, "billing", SlaStatus.OK, dup=1)
    ticket(ledger, 3, "bug", SlaStatus.AT_RISK)
    ticket(ledger, 4, "bug", SlaStatus.CLOSED)
    view = data.helpdesk(ledger, url)
    assert view.totals == {"breached": 1, "at_risk": 1, "ok": 1}
    assert view.matrix["billing"] == {"breached": 1, "at_risk": 0, "ok": 1}
    assert view.categories[0] == "billing"
    assert [r.rec.subject.id for r in view.duplicates] == [2]
    assert {r.rec.subject.id for r in view.attention} == {1, 3}


def test_latency_quantiles_interpolate_inside_buckets_like_prometheus() -> None:
    registry = CollectorRegistry()
    hist = Histogram("t_seconds", "t", ["job"], buckets=(1, 2, 4), registry=registry)
    assert data.histogram_quantile(registry, "t_seconds", 0.5) is None
    for value in (0.5, 1.5, 1.5, 3.0):
        hist.labels(job="a").observe(value)
    assert data.histogram_quantile(registry, "t_seconds", 0.5) == 1.5  # 2nd of 4 in (1, 2]
    assert data.histogram_quantile(registry, "t_seconds", 1.0) == 4.0


def test_error_source_tells_odoo_from_llm_errors() -> None:
    assert data.error_source("RecordNotFound: helpdesk.ticket 9") == "odoo"
    assert data.error_source("OdooUnavailable: timed out") == "odoo"
    assert data.error_source("LLMSchemaError: bad json") == "llm"
    assert data.error_source("ValueError: x") == "other"
    assert data.error_source(None) is None
