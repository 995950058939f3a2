"""The evaluation: run the pipeline over the demo firm and compare with the planted labels.

Labels come from the generator and are never served by the demo Odoo, so the pipeline
sees only what it would see on a real Odoo. A planted situation counts as found when a
finding of its category is raised on its subject (the project, the ticket, or the
employee cited as evidence). Every other (category, subject) finding is a false alarm.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

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
    jobs: int = 0
    limit: int | None = None
    fallback_reasons: dict[str, int] = {}
    #: Per-job wall time (reads + signals + analyst), measured by the runner.
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0

    @property
    def tokens_per_output(self) -> float:
        return (self.tokens_in + self.tokens_out) / self.jobs if self.jobs else 0.0

    @property
    def cost_per_output_usd(self) -> float:
        return self.cost_usd / self.jobs if self.jobs else 0.0


class RunMeta(Protocol):
    """What the runner reads from a job's provenance (or an analyst's meta)."""

    @property
    def fallback_reason(self) -> str | None: ...
    @property
    def tokens_in(self) -> int: ...
    @property
    def tokens_out(self) -> int: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def latency_ms(self) -> float: ...


def fallback_kind(reason: str) -> str:
    """`grounding_failed: 3 numbers differ` -> `grounding_failed` (the typed error's reason)."""
    return reason.split(":", 1)[0].strip() or "unknown"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was measured, never an interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def usage_figures(metas: Sequence[RunMeta], job_ms: Sequence[float]) -> dict[str, Any]:
    """Fallbacks by reason, grounding failures, tokens, cost and latency of a run's jobs.

    Latency percentiles are over `job_ms`, each job's wall time measured by the runner
    (reads + signals + analyst), so both analysts are timed the same way; the mean is the
    analyst's own latency from its meta (0 for the offline analyst, which does not time itself).
    """
    reasons = Counter(fallback_kind(m.fallback_reason) for m in metas if m.fallback_reason)
    latencies = [m.latency_ms for m in metas]
    return {
        "jobs": len(metas),
        "fallbacks": sum(reasons.values()),
        "fallback_reasons": dict(sorted(reasons.items())),
        "grounding_failures": reasons.get("grounding_failed", 0),
        "tokens_in": sum(m.tokens_in for m in metas),
        "tokens_out": sum(m.tokens_out for m in metas),
        "cost_usd": sum(m.cost_usd for m in metas),
        "mean_latency_ms": sum(latencies) / len(latencies) if latencies else 0.0,
        "latency_p50_ms": percentile(job_ms, 50),
        "latency_p95_ms": percentile(job_ms, 95),
    }


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
    limit: int | None = None,
) -> EvalReport:
    """Run every risk and triage job with `analyst` and score it against `labels`.

    `limit` keeps the first N projects and the first N open tickets (for slow endpoints);
    the labels are then scoped to those records so the figures stay comparable.
    """
    from agent.tools import readers

    t0 = time.perf_counter()
    projects = readers.list_active_projects(ctx.gateway)
    tickets = readers.list_open_tickets(ctx.gateway)
    if limit is not None:
        projects, tickets = projects[:limit], tickets[:limit]
    scope = {("project.project", p.id) for p in projects} | {
        ("helpdesk.ticket", t.id) for t in tickets
    }

    # predictions: (category, subject) -> worst severity
    predicted: dict[tuple[str, tuple[str, int]], Severity] = {}
    metas: list[RunMeta] = []
    ticket_outputs: dict[int, TicketTriage] = {}
    divergent: set[int] = set()

    def add(f: RiskFinding, subject: tuple[str, int]) -> None:
        for key in _subjects(f, subject):
            k = (f.category.value, key)
            if k not in predicted or f.severity.rank > predicted[k].rank:
                predicted[k] = f.severity

    job_ms: list[float] = []
    for project in projects:
        started = time.perf_counter()
        job = pipeline.assess_risks(project.id, ctx=ctx, publish=False, analyst=analyst)
        job_ms.append((time.perf_counter() - started) * 1000)
        out = job.recommendation.output
        assert isinstance(out, RiskAssessment)
        metas.append(job.recommendation.provenance)
        if out.pm_status_divergent:
            divergent.add(project.id)
        for f in out.findings:
            add(f, ("project.project", project.id))
    for ticket in tickets:
        started = time.perf_counter()
        job = pipeline.triage_ticket(ticket.id, ctx=ctx, publish=False, analyst=analyst)
        job_ms.append((time.perf_counter() - started) * 1000)
        out_t = job.recommendation.output
        assert isinstance(out_t, TicketTriage)
        metas.append(job.recommendation.provenance)
        ticket_outputs[ticket.id] = out_t
        for f in out_t.findings:
            add(f, ("helpdesk.ticket", ticket.id))
    wall = time.perf_counter() - t0

    project_ids = {p.id for p in projects}

    def in_scope(s: dict[str, Any]) -> bool:
        """Without a limit, every label; with one, labels on the evaluated records only."""
        if limit is None:
            return True
        if s["model"] == "hr.employee":
            return False  # firm-wide compliance: only scored on a full run
        return bool(_situation_keys(s) & scope) or s.get("project_id") in project_ids

    if limit is not None:
        predicted = {k: v for k, v in predicted.items() if k[1][0] != "hr.employee"}
    situations = [
        s
        for s in labels.get("situations", [])
        if s.get("category") not in _NON_RISK
        and s.get("situation") != PM_DIVERGENCE
        and in_scope(s)
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
        int(s["id"])
        for s in labels.get("situations", [])
        if s.get("situation") == PM_DIVERGENCE and in_scope(s)
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
        limit=limit,
        **usage_figures(metas, job_ms),
    )


def _row(label: str, reports: Sequence[EvalReport], cell: Callable[[EvalReport], str]) -> str:
    return f"| {label} | " + " | ".join(cell(r) for r in reports) + " |"


def _f1_cell(report: EvalReport, category: str) -> str:
    score = next((c for c in report.categories if c.category == category), None)
    if score is None:
        return "-"
    return f"{score.f1:.2f} ({score.tp}/{score.fp}/{score.fn})"


def _accuracy(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_side_by_side(reports: Sequence[EvalReport]) -> list[str]:
    """One table, a column per analyst: quality first, then what the answers cost."""
    categories = sorted({c.category for r in reports for c in r.categories})
    reasons = sorted({k for r in reports for k in r.fallback_reasons})
    lines = [
        "| figure | " + " | ".join(r.analyst for r in reports) + " |",
        "|---|" + "---:|" * len(reports),
        _row("projects / open tickets", reports, lambda r: f"{r.projects} / {r.tickets}"),
        _row("outputs (jobs)", reports, lambda r: str(r.jobs)),
        _row("wall time (s)", reports, lambda r: f"{r.wall_s:.1f}"),
    ]
    lines += [
        _row(f"F1 {c} (TP/FP/FN)", reports, lambda r, c=c: _f1_cell(r, c))  # type: ignore[misc]
        for c in categories
    ]
    lines += [
        _row("ticket category accuracy", reports, lambda r: _accuracy(r.ticket_category_accuracy)),
        _row("ticket priority accuracy", reports, lambda r: _accuracy(r.ticket_priority_accuracy)),
        _row("misses", reports, lambda r: str(len(r.misses))),
        _row("false alarms", reports, lambda r: str(len(r.false_alarms))),
        _row("false criticals", reports, lambda r: str(len(r.false_criticals))),
        _row("severity lower than labelled", reports, lambda r: str(len(r.severity_too_low))),
        _row("LLM fallbacks", reports, lambda r: f"{r.fallbacks} of {r.jobs}"),
    ]
    lines += [
        _row(f"fallback: {k}", reports, lambda r, k=k: str(r.fallback_reasons.get(k, 0)))  # type: ignore[misc]
        for k in reasons
    ]
    lines += [
        _row("grounding failures", reports, lambda r: str(r.grounding_failures)),
        _row("tokens in / out", reports, lambda r: f"{r.tokens_in} / {r.tokens_out}"),
        _row("tokens per output", reports, lambda r: f"{r.tokens_per_output:.0f}"),
        _row("cost (USD) / per output", reports, _cost_cell),
        _row("analyst latency mean (ms)", reports, lambda r: f"{r.mean_latency_ms:.0f}"),
        _row(
            "job wall time p50 / p95 (ms)",
            reports,
            lambda r: f"{r.latency_p50_ms:.0f} / {r.latency_p95_ms:.0f}",
        ),
    ]
    return lines


def _cost_cell(r: EvalReport) -> str:
    return f"{r.cost_usd:.4f} / {r.cost_per_output_usd:.6f}"


def _scope_line(reports: Sequence[EvalReport]) -> str:
    r = reports[0]
    line = (
        f"Demo firm seed {r.seed}, scale {r.scale}; generated {r.generated_at:%Y-%m-%d %H:%M} UTC."
    )
    if r.limit is not None:
        line += (
            f" Limited run (`--limit {r.limit}`): the first {r.limit} active projects and the "
            f"first {r.limit} open tickets only; labels are scoped to those records and "
            "firm-wide timesheet-compliance labels (on employees) are not scored."
        )
    return line


def render_markdown(reports: list[EvalReport]) -> str:
    """The side-by-side table, then each analyst's per-category scores and cases."""
    lines = ["# Evaluation report", ""]
    if reports:
        lines += [_scope_line(reports), "", "## Side by side", "", *render_side_by_side(reports)]
        lines.append("")
    for r in reports:
        lines += [
            f"## Analyst: {r.analyst} (seed {r.seed}, scale {r.scale})",
            "",
            f"{r.projects} projects and {r.tickets} open tickets scanned in {r.wall_s:.1f} s.",
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
            f"in/out: {r.tokens_in}/{r.tokens_out}; cost: ${r.cost_usd:.4f}; analyst latency mean "
            f"{r.mean_latency_ms:.0f} ms; job p50/p95 {r.latency_p50_ms:.0f}/"
            f"{r.latency_p95_ms:.0f} ms.",
        ]
        if r.fallback_reasons:
            lines.append(
                "Fallbacks by reason: "
                + ", ".join(f"{k} {n}" for k, n in r.fallback_reasons.items())
                + "."
            )
        lines += [
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
