"""The deterministic analyst: the same structured outputs as the LLM, from signals and templates.

It runs with no API key, so the product works (and is tested) on a fresh machine, and it
is the fallback whenever the LLM's output fails a check. Its prose only restates figures
and findings the signals computed; same facts in, same text out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from agent.analysts.base import AnalystMeta, AnalystResult
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.links import record_url
from agent.render import format_figure
from agent.schemas import (
    EscalationDraft,
    EvidenceRef,
    Figure,
    MilestoneLine,
    Rag,
    ReviewerRole,
    RiskAssessment,
    RiskCategory,
    RiskFinding,
    Severity,
    StatusSummary,
    TicketTriage,
)

PROMPT_VERSION = "offline-templates.v1"

_RAG_WORDS = {Rag.GREEN: "on track", Rag.AMBER: "at risk", Rag.RED: "off track"}
_HEADLINE_FIGURES = ("budget.consumed_ratio", "budget.percent_complete", "schedule.overdue_tasks")
_SUMMARY_FIGURES = (
    "budget.consumed_ratio",
    "budget.percent_complete",
    "budget.cpi",
    "budget.spi",
    "budget.eac_hours",
    "budget.effective_hours",
    "budget.allocated_hours",
    "schedule.overdue_tasks",
    "schedule.overdue_milestones",
    "schedule.stalled_tasks",
    "billing.uninvoiced_amount",
)


def _sorted(findings: tuple[RiskFinding, ...]) -> list[RiskFinding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.category.value, f.title))


def _meta() -> AnalystMeta:
    return AnalystMeta(analyst="offline", prompt_version=PROMPT_VERSION)


def _pick(figures: tuple[Figure, ...], keys: tuple[str, ...]) -> list[Figure]:
    by_key = {f.key: f for f in figures}
    picked = [by_key[k] for k in keys if k in by_key]
    return picked or list(figures[:8])


def _count_words(findings: list[RiskFinding]) -> str:
    if not findings:
        return "no risk above the policy thresholds"
    by_sev: dict[Severity, int] = {}
    for f in findings:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    parts = [f"{n} {sev.value}" for sev, n in sorted(by_sev.items(), key=lambda kv: -kv[0].rank)]
    cats = sorted({f.category.value.replace("_", " ") for f in findings})
    return f"{', '.join(parts)} risk finding(s) ({', '.join(cats)})"


def _project_headline(name: str, rag: Rag, findings: list[RiskFinding]) -> str:
    """The RAG speaks for delivery; the team's timesheet hygiene is mentioned apart."""
    delivery = [f for f in findings if f.category is not RiskCategory.TIMESHEET_COMPLIANCE]
    hygiene = [f for f in findings if f.category is RiskCategory.TIMESHEET_COMPLIANCE]
    text = f"{name} is {_RAG_WORDS[rag]}: {_count_words(delivery)}"
    if hygiene:
        members = "member" if len(hygiene) == 1 else "members"
        text += f"; timesheets of {len(hygiene)} team {members} need attention"
    return text


def _evidence(findings: list[RiskFinding], subject: EvidenceRef) -> list[EvidenceRef]:
    seen: dict[tuple[str, int], EvidenceRef] = {subject.key: subject}
    for f in findings:
        for ref in f.evidence:
            seen.setdefault(ref.key, ref)
    return list(seen.values())


class OfflineAnalyst:
    name: Literal["offline"] = "offline"

    def summarize_project(self, facts: ProjectFacts) -> AnalystResult[StatusSummary]:
        findings = _sorted(facts.findings)
        figures = _pick(facts.figures, _SUMMARY_FIGURES)
        key_figs = [f for f in figures if f.key in _HEADLINE_FIGURES]
        fig_text = "; ".join(f"{f.label.lower()} {format_figure(f)}" for f in key_figs)
        headline = _project_headline(facts.subject.display_name, facts.rag, findings)
        if fig_text:
            headline += f". {fig_text[0].upper()}{fig_text[1:]}"
        highlights = [
            f"{f.label}: {format_figure(f)}" for f in figures if f.key not in _HEADLINE_FIGURES
        ][:5]
        if facts.pm_status_divergent:
            highlights.insert(
                0,
                f"The PM's last status update says {facts.pm_status or 'nothing'}, "
                "which is more optimistic than the data.",
            )
        blockers = [
            f"{f.title} ({f.severity.value})"
            for f in findings
            if f.severity in (Severity.HIGH, Severity.CRITICAL)
        ]
        today = facts.bundle.data_as_of.date()
        milestones = [
            MilestoneLine(
                name=m.name,
                deadline=m.deadline,
                is_reached=m.is_reached,
                overdue_days=max(0, (today - m.deadline).days) if m.deadline else 0,
                evidence=EvidenceRef(
                    model=m.MODEL, id=m.id, display_name=m.name, url=_url(facts, m.MODEL, m.id)
                ),
            )
            for m in sorted(
                (m for m in facts.bundle.milestones if not m.is_reached),
                key=lambda m: (m.deadline is None, m.deadline),
            )[:4]
        ]
        out = StatusSummary(
            subject=facts.subject,
            rag=facts.rag,
            headline=headline,
            figures=figures,
            highlights=highlights,
            blockers=blockers,
            next_milestones=milestones,
            evidence=_evidence(findings, facts.subject),
        )
        return AnalystResult(output=out, meta=_meta())

    def summarize_task(self, facts: TaskFacts) -> AnalystResult[StatusSummary]:
        findings = _sorted(facts.findings)
        task = facts.task
        deadline = (
            f"due {task.date_deadline:%Y-%m-%d}" if task.date_deadline else "without a deadline"
        )
        headline = (
            f"Task {task.name} ({task.stage_name or 'no stage'}, {deadline}) is "
            f"{_RAG_WORDS[facts.rag]}: {_count_words(findings)}"
        )
        out = StatusSummary(
            subject=facts.subject,
            rag=facts.rag,
            headline=headline,
            figures=list(facts.figures),
            highlights=[f"{f.label}: {format_figure(f)}" for f in facts.figures][:5],
            blockers=[f.title for f in findings if f.severity.rank >= Severity.HIGH.rank],
            evidence=_evidence(findings, facts.subject),
        )
        return AnalystResult(output=out, meta=_meta())

    def assess_risks(self, facts: ProjectFacts) -> AnalystResult[RiskAssessment]:
        out = RiskAssessment(
            subject=facts.subject,
            rag=facts.rag,
            findings=_sorted(facts.findings),
            figures=list(facts.figures),
            pm_status=facts.pm_status,
            pm_status_divergent=facts.pm_status_divergent,
        )
        return AnalystResult(output=out, meta=_meta())

    def draft_escalation(
        self, facts: ProjectFacts, assessment: RiskAssessment
    ) -> AnalystResult[EscalationDraft]:
        findings = [f for f in assessment.findings if f.severity.rank >= Severity.HIGH.rank] or (
            assessment.findings[:3]
        )
        top = findings[0] if findings else None
        severity = top.severity if top else Severity.LOW
        role = top.reviewer_role if top else ReviewerRole.PM
        manager = facts.bundle.project.manager_id
        recipients = (
            [
                EvidenceRef(
                    model="res.users",
                    id=manager,
                    display_name=facts.bundle.project.manager_name or "",
                )
            ]
            if manager
            else []
        )
        name = facts.subject.display_name
        if top is None:
            subject_line = f"{name}: no escalation needed"
            body = (
                f"The data for {name} shows no risk above the policy thresholds; "
                "no escalation is proposed."
            )
        else:
            subject_line = f"{name}: {severity.value} {top.category.value.replace('_', ' ')} risk"
            lines = [f"- {f.title}: {f.explanation}" for f in findings[:5]]
            body = (
                f"{name} needs a decision. The delivery data shows "
                f"{_count_words(findings)}:\n\n" + "\n".join(lines) + "\n\n"
                "Each point cites the Odoo records it comes from. Please confirm the actions "
                "below or propose others."
            )
        asks = [f.recommended_action for f in findings if f.recommended_action][:5]
        review_days = {"critical": 1, "high": 2, "medium": 5, "low": 10}[severity.value]
        out = EscalationDraft(
            subject=facts.subject,
            audience_role=role,
            recipients=recipients,
            subject_line=subject_line,
            body=body,
            asks=asks,
            due_date=facts.bundle.data_as_of.date() + timedelta(days=review_days),
            severity=severity,
            evidence=_evidence(findings, facts.subject),
        )
        return AnalystResult(output=out, meta=_meta())

    def triage_ticket(self, facts: TicketFacts) -> AnalystResult[TicketTriage]:
        t = facts.bundle.ticket
        sla = facts.sla_status.value.replace("_", " ")
        parts = [
            f"{t.number or 'Ticket'} '{t.name}' from {t.partner_name or 'an unknown customer'}"
            f" looks like a {facts.category_guess or 'general'} request",
            f"sentiment {facts.sentiment}",
            f"SLA {sla}",
        ]
        if facts.probable_duplicate_of:
            parts.append(f"probable duplicate of {facts.probable_duplicate_of.display_name}")
        if facts.injection_detected:
            parts.append("it contains an attempt to instruct an AI system, which was ignored")
        findings = _sorted(facts.findings)
        evidence = _evidence(findings, facts.subject)
        for s in facts.similar:
            evidence.append(s.ticket)
        out = TicketTriage(
            subject=facts.subject,
            category=facts.category_guess,
            category_reason=facts.category_reason,
            suggested_priority=facts.priority_guess,
            priority_reason=facts.priority_reason,
            sentiment=facts.sentiment if facts.sentiment in _SENTIMENTS else "neutral",
            sla_status=facts.sla_status,
            sla_hours_left=facts.sla_hours_left,
            age_hours=facts.age_hours,
            suggested_team=facts.team_guess,
            suggested_assignee=facts.assignee_guess,
            similar=list(facts.similar),
            probable_duplicate_of=facts.probable_duplicate_of,
            injection_detected=facts.injection_detected,
            findings=findings,
            confidence=0.6 if facts.category_guess else 0.3,
            summary="; ".join(parts) + ".",
            evidence=list({r.key: r for r in evidence}.values()),
        )
        return AnalystResult(output=out, meta=_meta())


_SENTIMENTS = {"positive", "neutral", "negative", "angry"}


def _url(facts: ProjectFacts, model: str, res_id: int) -> str | None:
    return record_url(facts.odoo_base_url, model, res_id, facts.odoo_version)
