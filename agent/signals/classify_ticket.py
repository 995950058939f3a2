"""Ticket metrics -> findings: the SLA clock and client satisfaction (mood, reopens)."""

from __future__ import annotations

from agent.schemas import RiskCategory, RiskFinding, Severity, SlaStatus
from agent.signals import keys as K
from agent.signals.classify import Context, worst
from agent.signals.fmt import fmt_hours, fmt_pct, plural
from agent.signals.helpdesk import SlaSignals
from agent.signals.sentiment import Sentiment
from agent.tools.records import TicketBundle


def classify_sla(sig: SlaSignals, ctx: Context, priority: str) -> list[RiskFinding]:
    """at_risk -> medium, breached -> high, age > critical_multiple x target -> critical."""
    rules = ctx.policy.thresholds.sla
    if sig.status in (SlaStatus.OK, SlaStatus.CLOSED):
        return []
    if sig.status == SlaStatus.AT_RISK:
        severity = rules.at_risk_severity
        title = "SLA at risk"
        state = f"{fmt_hours(sig.hours_left or 0.0)} left"
    else:
        severity = rules.breached_severity
        if sig.age_hours > rules.critical_multiple * sig.target_hours:
            severity = Severity.CRITICAL
        title = "SLA breached"
        state = f"{fmt_hours(-(sig.hours_left or 0.0))} past the target"
    metrics = {
        K.SLA_AGE_HOURS: sig.age_hours,
        K.SLA_TARGET_HOURS: sig.target_hours,
        K.SLA_ELAPSED_SHARE: sig.elapsed_share,
    }
    if sig.hours_left is not None:
        metrics[K.SLA_HOURS_LEFT] = sig.hours_left
    return [
        ctx.finding(
            RiskCategory.SLA,
            severity,
            title,
            f"Open for {fmt_hours(sig.age_hours)} against a {fmt_hours(sig.target_hours)} target "
            f"for priority {priority} ({fmt_pct(sig.elapsed_share)} of the target used, {state}).",
            metrics,
            [],
            "Assign the ticket and answer the client now, or agree a new target with them.",
            confidence=0.95,
        )
    ]


def classify_satisfaction(
    bundle: TicketBundle, sentiment: Sentiment, escalation_words: tuple[str, ...], ctx: Context
) -> list[RiskFinding]:
    """Angry -> high, negative -> medium, reopen count per its ladder; one finding, worst wins."""
    rules = ctx.policy.thresholds.client_satisfaction
    mood_sev = {"angry": rules.angry_severity, "negative": rules.negative_severity}.get(
        sentiment.label
    )
    reopen_sev = rules.reopen_count.severity(bundle.reopen_count or None)
    severity = worst(mood_sev, reopen_sev)
    if severity is None:
        return []
    parts: list[str] = []
    metrics: dict[str, float] = {
        K.SENTIMENT_SCORE: float(sentiment.score),
        K.HELPDESK_REOPEN_COUNT: float(bundle.reopen_count),
        K.HELPDESK_ESCALATION_WORDS: float(len(escalation_words)),
    }
    if mood_sev is not None:
        parts.append(f"The client sounds {sentiment.label} ({sentiment.reason}).")
    if reopen_sev is not None:
        parts.append(f"The ticket was reopened {plural(bundle.reopen_count, 'time')}.")
    if escalation_words:
        parts.append(f"Escalation phrases: {', '.join(escalation_words)}.")
    title = "Unhappy client" if mood_sev is not None else "Ticket keeps reopening"
    return [
        ctx.finding(
            RiskCategory.CLIENT_SATISFACTION,
            severity,
            title,
            " ".join(parts),
            metrics,
            [],
            "Have a senior person call the client and own the ticket to resolution.",
            confidence=0.7 if mood_sev is not None else 0.85,
        )
    ]
