"""The dashboard's figures are exported as Prometheus gauges computed from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from agent.ledger import Ledger
from agent.policy import load_policy
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
from service.ui.exporter import LedgerCollector


def _prov(days_ago: float) -> Provenance:
    return Provenance(
        analyst="offline",
        input_hash=str(days_ago),
        data_as_of=datetime.now(UTC) - timedelta(days=days_ago),
    )


def test_gauges_count_pending_overdue_severity_and_sla(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    project = EvidenceRef(model="project.project", id=1, display_name="P")
    finding = RiskFinding(
        category=RiskCategory.BUDGET, severity=Severity.CRITICAL, title="t", explanation="e"
    )
    ledger.add(
        Recommendation(
            kind=Kind.RISK_ASSESSMENT,
            subject=project,
            output=RiskAssessment(subject=project, rag=Rag.RED, findings=[finding]),
            provenance=_prov(0),
            reviewer_role=ReviewerRole.DELIVERY_LEAD,
            severity=Severity.CRITICAL,
        )
    )
    ticket = EvidenceRef(model="helpdesk.ticket", id=5, display_name="T")
    ledger.add(
        Recommendation(
            kind=Kind.TICKET_TRIAGE,
            subject=ticket,
            output=TicketTriage(
                subject=ticket,
                suggested_priority="2",
                sla_status=SlaStatus.BREACHED,
                probable_duplicate_of=EvidenceRef(model="helpdesk.ticket", id=3),
            ),
            provenance=_prov(0),
            reviewer_role=ReviewerRole.HELPDESK_LEAD,
        )
    )
    registry = CollectorRegistry()
    registry.register(LedgerCollector(ledger, load_policy()))
    text = generate_latest(registry).decode()
    assert 'triage_recommendations_pending{reviewer_role="delivery_lead"} 1.0' in text
    assert 'triage_recommendations_pending{reviewer_role="helpdesk_lead"} 1.0' in text
    assert "triage_recommendations_overdue 0.0" in text
    assert 'triage_projects_by_worst_severity{severity="critical"} 1.0' in text
    assert 'triage_projects_by_worst_severity{severity="low"} 0.0' in text
    assert 'triage_tickets_by_sla_status{sla_status="breached"} 1.0' in text
    assert "triage_tickets_probable_duplicates 1.0" in text
