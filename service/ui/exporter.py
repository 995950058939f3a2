"""The dashboard's figures as Prometheus gauges, computed from the ledger at scrape time.

Firms that use Grafana see the same numbers as `/ui`: pending and overdue approvals,
projects by worst severity, open tickets by SLA state, probable duplicates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from agent.ledger import Ledger
from agent.policy import Policy
from agent.schemas import Kind, RiskAssessment, TicketTriage
from service.ui.data import approval_queue, latest_live

SEVERITIES = ("none", "low", "medium", "high", "critical")


class LedgerCollector(Collector):
    def __init__(self, ledger: Ledger, policy: Policy) -> None:
        self.ledger = ledger
        self.policy = policy

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queue = approval_queue(self.ledger, self.policy, lambda model, res_id: "")
        pending = GaugeMetricFamily(
            "triage_recommendations_pending",
            "Recommendations waiting for a human decision, by reviewer role.",
            labels=["reviewer_role"],
        )
        for role, items in sorted(queue.by_role.items()):
            pending.add_metric([role], len(items))
        yield pending
        yield GaugeMetricFamily(
            "triage_recommendations_overdue",
            "Pending recommendations past the policy's review deadline.",
            value=queue.overdue,
        )
        worst: Counter[str] = Counter()
        for rec in latest_live(self.ledger, Kind.RISK_ASSESSMENT):
            if isinstance(rec.output, RiskAssessment):
                sev = rec.output.max_severity
                worst[sev.value if sev else "none"] += 1
        projects = GaugeMetricFamily(
            "triage_projects_by_worst_severity",
            "Projects by the worst severity of their latest risk assessment.",
            labels=["severity"],
        )
        for level in SEVERITIES:
            projects.add_metric([level], worst[level])
        yield projects
        sla: Counter[str] = Counter()
        duplicates = 0
        for rec in latest_live(self.ledger, Kind.TICKET_TRIAGE):
            if isinstance(rec.output, TicketTriage):
                sla[rec.output.sla_status.value] += 1
                duplicates += rec.output.probable_duplicate_of is not None
        tickets = GaugeMetricFamily(
            "triage_tickets_by_sla_status",
            "Triaged tickets by SLA state (latest triage per ticket).",
            labels=["sla_status"],
        )
        for state, n in sorted(sla.items()):
            tickets.add_metric([state], n)
        yield tickets
        yield GaugeMetricFamily(
            "triage_tickets_probable_duplicates",
            "Triaged tickets flagged as a probable duplicate.",
            value=duplicates,
        )


class _Attached(Collector):
    """One registration per process; the most recently started app's ledger is reported."""

    def __init__(self) -> None:
        self.current: LedgerCollector | None = None
        self.registered = False

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.current is not None:
            yield from self.current.collect()


_ATTACHED = _Attached()


def attach(registry: CollectorRegistry, ledger: Ledger, policy: Policy) -> LedgerCollector:
    """Report this ledger's figures from `registry` (several apps in one process share it)."""
    collector = LedgerCollector(ledger, policy)
    _ATTACHED.current = collector
    if not _ATTACHED.registered:
        registry.register(_ATTACHED)
        _ATTACHED.registered = True
    return collector


def detach(collector: LedgerCollector) -> None:
    if _ATTACHED.current is collector:
        _ATTACHED.current = None
