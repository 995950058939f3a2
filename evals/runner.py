"""The evaluation: run the pipeline over the demo firm and compare with the planted labels.

Labels come from the generator and are never served by the demo Odoo, so the pipeline
sees only what it would see on a real Odoo. A planted situation counts as found when a
finding of its category is raised on its subject (the project, the ticket, or the
employee cited as evidence). Every other (category, subject) finding is a false alarm.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from agent import pipeline
from agent.pipeline import AnalystName, PipelineContext
from agent.schemas import RiskAssessment, RiskFinding, Severity, TicketTriage

# Situations that are not risk findings of a category (evaluated elsewhere).
_NON_RISK = {"retrieval"}


class CategoryScore(BaseModel):
    category: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class EvalReport(BaseModel):
    analyst: str
    seed: int
    scale: int
    generated_at: datetime
    wall_s: float
    projects: int
    tickets: int
    categories: list[CategoryScore]
    misses: list[str]
    false_alarms: list[str]
    false_criticals: list[str]
    severity_too_low: list[str]
    ticket_category_accuracy: float | None = None
    ticket_priority_accuracy: float | None = None
    tickets_labelled: int = 0
    duplicates: dict[str, float] | None = None
    grounding_failures: int = 0
    fallbacks: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    mean_latency_ms: float = 0.0


def _subjects(finding: RiskFinding, fallback: tuple[str, int]) -> set[tuple[str, int]]:
    """What a finding is about: its own subject (an employee for timesheet findings) or the
    record whose assessment raised it."""
    return {finding.subject.key if finding.subject is not None else fallback}


def _situation_keys(s: dict[str, Any]) -> set[tuple[str, int]]:
    """The records a planted situation may be reported on: its subject and its records."""
    keys = {(s["model"], int(s["id"]))}
    keys |= {(m, int(i)) for m, i in s.get("records", []) if m in _SUBJECT_MODELS}
    if s.get("project_id") and s["model"] in ("project.task", "project.milestone"):
        keys.add(("project.project", int(s["project_id"])))  # task risks surface on the project
    return keys


_SUBJECT_MODELS = {"project.project", "project.task", "helpdesk.ticket", "hr.employee"}
PM_DIVERGENCE = "pm_status_divergent"


def evaluate(
    ctx: PipelineContext,
    labels: dict[str, Any],
    *,
    analyst: AnalystName = "offline",
    seed: int = 0,
    scale: int = 1,
) -> EvalReport:
    from agent.tools import readers

    t0 = time.perf_counter()
    projects = readers.list_active_projects(ctx.gateway)
    tickets = readers.list_open_tickets(ctx.gateway)

    # predictions: (category, subject) -> worst severity
    predicted: dict[tuple[str, tuple[str, int]], Severity] = {}
    metas: list[Any] = []
    ticket_outputs: dict[int, TicketTriage] = {}
    divergent: set[int] = set()

    def add(f: RiskFinding, subject: tuple[str, int]) -> None:
        for key in _subjects(f, subject):
            k = (f.category.value, key)
            if k not in predicted or f.severity.rank > predicted[k].rank:
                predicted[k] = f.severity

    for project in projects:
        job = pipeline.assess_risks(project.id, ctx=ctx, publish=False, analyst=analyst)
        out = job.recommendation.output
        assert isinstance(out, RiskAssessment)
        metas.append(job.recommendation.provenance)
        if out.pm_status_divergent:
            divergent.add(project.id)
        for f in out.findings:
            add(f, ("project.project", project.id))
    for ticket in tickets:
        job = pipeline.triage_ticket(ticket.id, ctx=ctx, publish=False, analyst=analyst)
        out_t = job.recommendation.output
        assert isinstance(out_t, TicketTriage)
        metas.append(job.recommendation.provenance)
        ticket_outputs[ticket.id] = out_t
        for f in out_t.findings:
            add(f, ("helpdesk.ticket", ticket.id))
    wall = time.perf_counter() - t0

    situations = [
        s
        for s in labels.get("situations", [])
        if s.get("category") not in _NON_RISK and s.get("situation") != PM_DIVERGENCE
    ]
    labelled: set[tuple[str, tuple[str, int]]] = {
        (s["category"], key) for s in situations for key in _situation_keys(s)
    }

    scores: dict[str, CategoryScore] = {}

    def score_of(cat: str) -> CategoryScore:
        return scores.setdefault(cat, CategoryScore(category=cat))

    misses: list[str] = []
    too_low: list[str] = []
    for s in situations:
        cat = s["category"]
        found = [predicted[(cat, k)] for k in _situation_keys(s) if (cat, k) in predicted]
        if not found:
            score_of(cat).fn += 1
            misses.append(f"{s['situation']} ({cat}) on {s['model']} #{s['id']}")
            continue
        score_of(cat).tp += 1
        sev = max(found, key=lambda x: x.rank)
        want = Severity(s.get("min_severity", "medium"))
        if sev.rank < want.rank:
            too_low.append(
                f"{s['situation']} on {s['model']} #{s['id']}: {sev.value} < {want.value}"
            )
    false_alarms: list[str] = []
    false_crit: list[str] = []
    for (cat, subject), sev in sorted(predicted.items()):
        if (cat, subject) in labelled:
            continue
        score_of(cat).fp += 1
        false_alarms.append(f"{cat} {sev.value} on {subject[0]} #{subject[1]}")
        if sev is Severity.CRITICAL:
            false_crit.append(f"{cat} on {subject[0]} #{subject[1]}")

    # The PM's optimism is a flag on the assessment, not a category of its own.
    pm_score = CategoryScore(category="pm_status_divergence")
    planted_pm = {
        int(s["id"]) for s in labels.get("situations", []) if s.get("situation") == PM_DIVERGENCE
    }
    for pid in sorted(planted_pm | divergent):
        if pid in planted_pm and pid in divergent:
            pm_score.tp += 1
        elif pid in planted_pm:
            pm_score.fn += 1
            misses.append(f"{PM_DIVERGENCE} on project.project #{pid}")
        else:
            pm_score.fp += 1
            false_alarms.append(f"pm status divergent on project.project #{pid}")
    if planted_pm or divergent:
        scores[pm_score.category] = pm_score

    cat_ok = pri_ok = n = 0
    for tid, truth in (labels.get("tickets") or {}).items():
        triaged = ticket_outputs.get(int(tid))
        if triaged is None:
            continue
        n += 1
        cat_ok += int((triaged.category or "") == truth.get("category"))
        pri_ok += int(triaged.suggested_priority == str(truth.get("priority")))

    dup = None
    if ctx.retrieval is not None and labels.get("duplicates"):
        from agent.retrieval import evaluate_duplicates

        dup = evaluate_duplicates(ctx.retrieval, None, labels["duplicates"])

    return EvalReport(
        analyst=analyst,
        seed=seed,
        scale=scale,
        generated_at=datetime.now(UTC),
        wall_s=wall,
        projects=len(projects),
        tickets=len(tickets),
        categories=sorted(scores.values(), key=lambda s: s.category),
        misses=misses,
        false_alarms=false_alarms,
        false_criticals=false_crit,
        severity_too_low=too_low,
        ticket_category_accuracy=cat_ok / n if n else None,
        ticket_priority_accuracy=pri_ok / n if n else None,
        tickets_labelled=n,
        duplicates=dup,
        fallbacks=sum(1 for m in metas if m.fallback_reason),
        tokens_in=sum(m.tokens_in for m in metas),
        tokens_out=sum(m.tokens_out for m in metas),
        cost_usd=sum(m.cost_usd for m in metas),
        mean_latency_ms=(sum(m.latency_ms for m in metas) / len(metas)) if metas else 0.0,
    )


def render_markdown(reports: list[EvalReport]) -> str:
    lines = ["# Evaluation report", ""]
    for r in reports:
        lines += [
            f"## Analyst: {r.analyst} (seed {r.seed}, scale {r.scale})",
            "",
            f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC; {r.projects} projects and "
            f"{r.tickets} open tickets scanned in {r.wall_s:.1f} s.",
            "",
            "| category | TP | FP | FN | precision | recall | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for c in r.categories:
            lines.append(
                f"| {c.category} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.2f} | "
                f"{c.recall:.2f} | {c.f1:.2f} |"
            )
        lines.append("")
        if r.ticket_category_accuracy is not None:
            lines.append(
                f"Ticket category accuracy: {r.ticket_category_accuracy:.2f}; priority accuracy: "
                f"{r.ticket_priority_accuracy:.2f} (on {r.tickets_labelled} open labelled tickets)."
            )
        if r.duplicates:
            lines.append(
                "Duplicate detection: " + ", ".join(f"{k} {v:.2f}" for k, v in r.duplicates.items())
            )
        lines += [
            f"LLM fallbacks: {r.fallbacks}; grounding failures: {r.grounding_failures}; tokens "
            f"in/out: {r.tokens_in}/{r.tokens_out}; cost: ${r.cost_usd:.4f}; mean latency "
            f"{r.mean_latency_ms:.0f} ms.",
            "",
            f"False criticals: {len(r.false_criticals)}"
            + (": " + "; ".join(r.false_criticals) if r.false_criticals else ""),
            "",
            f"### Misses ({len(r.misses)})",
            *[f"- {m}" for m in r.misses],
            "",
            f"### False alarms ({len(r.false_alarms)})",
            *[f"- {m}" for m in r.false_alarms],
            "",
            f"### Found with a lower severity than labelled ({len(r.severity_too_low)})",
            *[f"- {m}" for m in r.severity_too_low],
            "",
        ]
    return "\n".join(lines)
