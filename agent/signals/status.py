"""Overall status (RAG) and divergence from the project manager's own status.

- RAG: red when any finding is high or critical, amber when any is medium, else green.
- PM divergence: the PM's `last_update_status` is `on_track` while a delivery finding
  (budget, schedule, staffing or scope) is high or critical. The finding takes that
  finding's category (so it is routed like the problem it hides) and the policy's
  `schedule.pm_divergence_severity`. A PM more cautious than the code (at_risk while
  green) is not flagged: it is information the code lacks, not a risk.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.schemas import Rag, RiskCategory, RiskFinding, Severity
from agent.signals.classify import Context

DELIVERY = frozenset(
    {RiskCategory.BUDGET, RiskCategory.SCHEDULE, RiskCategory.STAFFING, RiskCategory.SCOPE}
)
OPTIMISTIC = frozenset({"on_track"})


def rag_of(findings: Iterable[RiskFinding]) -> Rag:
    ranks = [f.severity.rank for f in findings]
    top = max(ranks, default=-1)
    if top >= Severity.HIGH.rank:
        return Rag.RED
    if top >= Severity.MEDIUM.rank:
        return Rag.AMBER
    return Rag.GREEN


def pm_divergence(
    pm_status: str | None, findings: Iterable[RiskFinding], ctx: Context
) -> RiskFinding | None:
    if pm_status not in OPTIMISTIC:
        return None
    serious = [
        f for f in findings if f.category in DELIVERY and f.severity.rank >= Severity.HIGH.rank
    ]
    if not serious:
        return None
    top = max(serious, key=lambda f: f.severity.rank)
    titles = ", ".join(dict.fromkeys(f.title.lower() for f in serious))
    return ctx.finding(
        top.category,
        ctx.policy.thresholds.schedule.pm_divergence_severity,
        "Project status reported as on track",
        f"The last project update says on track, but the figures show {titles} "
        f"({top.severity.value} severity).",
        dict(top.metrics),
        top.evidence,
        "Ask the project manager to post a project update that reflects these risks.",
        confidence=0.75,
    )
