"""The jobs: one function each, shared by the CLI, the HTTP API, the webhook worker and evals.

read (gateway) -> compute (signals) -> write-up (analyst + guardrails) -> publish (optional).
No caller re-implements a step; they only choose the job, the analyst and whether to post.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel

from agent.analysts.base import Analyst, AnalystMeta, AnalystResult
from agent.analysts.fallback import OfflineFallback
from agent.analysts.offline import OfflineAnalyst
from agent.config import Settings, get_settings
from agent.facts import ProjectFacts, TicketFacts
from agent.ledger import Ledger
from agent.policy import Policy, load_policy
from agent.publish import Publisher, PublishOutcome
from agent.schemas import (
    AnalysisOutput,
    EscalationDraft,
    EvidenceRef,
    Kind,
    Provenance,
    Rag,
    Recommendation,
    ReviewerRole,
    RiskAssessment,
    RiskFinding,
    Severity,
    StatusSummary,
    TicketTriage,
)
from agent.signals import facts as facts_builders
from agent.tools import readers
from agent.tools.odoo import OdooGateway
from agent.tools.records import ProjectBundle, TicketBundle

log = logging.getLogger(__name__)

AnalystName = Literal["offline", "llm"]
BundleT = TypeVar("BundleT", ProjectBundle, TicketBundle)


class JobResult(BaseModel):
    """What every job returns: the recommendation and what happened to it."""

    job: str
    recommendation: Recommendation
    status: Literal["posted", "unchanged", "dry_run", "not_published"]
    analyst: str
    fallback_reason: str | None = None
    html: str | None = None


RESULT_HOOKS: list[Callable[[JobResult], None]] = []
"""Called with every job result; the service registers its Prometheus counters here."""


@dataclass
class PipelineContext:
    """Everything a job needs, built once per process (or per test)."""

    settings: Settings
    gateway: OdooGateway
    ledger: Ledger
    policy: Policy
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    retrieval: Any | None = None  # agent.retrieval.TicketIndex when an index exists
    _analysts: dict[str, Analyst] = field(default_factory=dict)
    _user_ids: dict[str, int | None] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def odoo_version(self) -> int:
        return int(self.gateway.version.major)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PipelineContext:
        settings = settings or get_settings()
        return cls(
            settings=settings,
            gateway=OdooGateway.from_settings(settings),
            ledger=Ledger(settings.ledger_url),
            policy=load_policy(settings.policy_file),
        )

    def analyst(self, name: AnalystName) -> Analyst:
        """The analyst by name; `llm` without an endpoint is the offline one, saying why."""
        if name not in self._analysts:
            if name == "offline":
                self._analysts[name] = OfflineAnalyst()
            else:
                from agent.analysts.llm import LLMAnalyst
                from agent.analysts.llm_errors import LLMNotConfigured

                try:
                    chosen: object = LLMAnalyst(
                        self.settings,
                        gateway=self.gateway,
                        output_strategy=self.settings.llm_output_strategy,
                    )
                except LLMNotConfigured as exc:
                    log.warning("%s; using the offline analyst", exc)
                    chosen = OfflineFallback(f"llm not configured: {exc}")
                self._analysts[name] = cast(Analyst, chosen)
        return self._analysts[name]

    def publisher(self, *, dry_run: bool = False) -> Publisher:
        return Publisher(
            None if dry_run else self.gateway.publish_channel(),
            self.ledger,
            odoo_base_url=self.gateway.base_url,
            dry_run=dry_run,
            review_days={s.value: d for s, d in self.policy.approval.review_deadline_days.items()},
        )

    def user_id_for_login(self, login: str) -> int | None:
        if login not in self._user_ids:
            rows = self.gateway.search_read("res.users", [("login", "=", login)], ["id"], limit=1)
            self._user_ids[login] = int(rows[0]["id"]) if rows else None
        return self._user_ids[login]


# --- helpers ------------------------------------------------------------------------


def own_partner_id(ctx: PipelineContext) -> int | None:
    """The partner our API user posts as: its notes are ours, not data about the project."""
    if "own_partner" not in ctx._cache:
        uid = ctx.gateway.uid
        rows = ctx.gateway.read("res.users", [uid], ["partner_id"]) if uid else []
        partner = rows[0].get("partner_id") if rows else None
        ctx._cache["own_partner"] = partner[0] if isinstance(partner, list) and partner else None
    pid: int | None = ctx._cache["own_partner"]
    return pid


def without_own_notes(ctx: PipelineContext, bundle: BundleT) -> BundleT:
    """Drop the notes we posted from what we analyse and hash.

    Otherwise every posted recommendation would change the next run's input (and its
    hash), and the agent would read its own prose back as client chatter.
    """
    me = own_partner_id(ctx)
    if me is None or not any(m.author_id == me for m in bundle.messages):
        return bundle
    kept = tuple(m for m in bundle.messages if m.author_id != me)
    return bundle.model_copy(update={"messages": kept})


def input_hash(kind: Kind, analyst: str, bundle: BaseModel, findings: Iterable[RiskFinding]) -> str:
    """Hash of what the recommendation was computed from.

    The records (without the read time) plus the findings' category and severity: a
    ticket whose SLA turns from at-risk to breached gets a new note, the same data read
    again an hour later does not.
    """
    payload = {
        "kind": kind.value,
        "analyst": analyst,
        "records": bundle.model_dump(mode="json", exclude={"data_as_of"}),
        "findings": sorted(
            (f.category.value, f.severity.value, f.subject.key if f.subject else None)
            for f in findings
        ),
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _max_severity(findings: Iterable[RiskFinding]) -> Severity | None:
    sev = [f.severity for f in findings]
    return max(sev, key=lambda s: s.rank) if sev else None


def _findings_of(output: AnalysisOutput) -> list[RiskFinding]:
    if isinstance(output, RiskAssessment | TicketTriage):
        return list(output.findings)
    return []


def _reviewer_role(ctx: PipelineContext, model: str, findings: list[RiskFinding]) -> ReviewerRole:
    if not findings:
        return ReviewerRole.HELPDESK_LEAD if model == "helpdesk.ticket" else ReviewerRole.PM
    worst = max(findings, key=lambda f: f.severity.rank)
    return ctx.policy.approval.reviewer_for(worst.category, worst.severity, model)


def _reviewer_user(ctx: PipelineContext, role: ReviewerRole, manager_id: int | None) -> int | None:
    if role is ReviewerRole.PM and manager_id:
        return manager_id
    login = ctx.policy.approval.reviewer_logins.get(role)
    user_id = ctx.user_id_for_login(login) if login else None
    return user_id or manager_id


def _finish(
    ctx: PipelineContext,
    job: str,
    kind: Kind,
    result: AnalystResult[Any],
    bundle: ProjectBundle | TicketBundle,
    code_findings: tuple[RiskFinding, ...],
    manager_id: int | None,
    *,
    publish: bool,
    dry_run: bool,
) -> JobResult:
    output: AnalysisOutput = result.output
    meta: AnalystMeta = result.meta
    findings = _findings_of(output) or list(code_findings)
    provenance = Provenance(
        analyst=meta.analyst,
        model=meta.model,
        prompt_version=meta.prompt_version,
        input_hash=input_hash(kind, meta.analyst, bundle, code_findings),
        data_as_of=bundle.data_as_of,
        fallback_reason=meta.fallback_reason,
        tokens_in=meta.tokens_in,
        tokens_out=meta.tokens_out,
        cost_usd=meta.cost_usd,
        latency_ms=meta.latency_ms,
    )
    role = _reviewer_role(ctx, output.subject.model, findings)
    severity = output.severity if isinstance(output, EscalationDraft) else _max_severity(findings)
    rec = Recommendation(
        kind=kind,
        subject=output.subject,
        output=output,
        provenance=provenance,
        reviewer_role=role,
        severity=severity,
    )
    outcome: PublishOutcome
    if publish or dry_run:
        publisher = ctx.publisher(dry_run=dry_run)
        outcome = publisher.publish(rec, reviewer_user_id=_reviewer_user(ctx, role, manager_id))
    else:
        outcome = PublishOutcome(status="not_published", recommendation=rec)
    log.info(
        "job done",
        extra={
            "job": job,
            "model": output.subject.model,
            "res_id": output.subject.id,
            "status": outcome.status,
            "analyst": meta.analyst,
        },
    )
    job_result = JobResult(
        job=job,
        recommendation=outcome.recommendation,
        status=outcome.status,
        analyst=meta.analyst,
        fallback_reason=meta.fallback_reason,
        html=outcome.html,
    )
    for hook in RESULT_HOOKS:
        hook(job_result)
    return job_result


def _compliance_findings(ctx: PipelineContext, now: datetime) -> list[RiskFinding]:
    """Firm-wide timesheet compliance, read once per day and shared by every project."""
    key = f"compliance:{now.date().isoformat()}"
    if key not in ctx._cache:
        th = ctx.policy.thresholds.timesheets
        # enough calendar days to hold the window's working days, weekends and holidays
        start = now.date() - timedelta(days=th.window_working_days * 2 + 7)
        compliance = readers.read_timesheet_compliance(ctx.gateway, start, now.date())
        ctx._cache[key] = facts_builders.build_compliance_findings(
            compliance, ctx.policy, now, ctx.gateway.base_url, odoo_version=ctx.odoo_version
        )
    findings: list[RiskFinding] = ctx._cache[key]
    return findings


def _project_facts(ctx: PipelineContext, project_id: int) -> ProjectFacts:
    """Project signals plus the compliance findings of the people who log time on it."""
    now = ctx.now()
    bundle = without_own_notes(ctx, readers.read_project_bundle(ctx.gateway, project_id, now))
    facts = facts_builders.build_project_facts(
        bundle, ctx.policy, now, ctx.gateway.base_url, odoo_version=ctx.odoo_version
    )
    team = {t.employee_id for t in bundle.hours_by_employee if t.employee_id}
    compliance = [
        f
        for f in _compliance_findings(ctx, now)
        if f.subject is not None and f.subject.model == "hr.employee" and f.subject.id in team
    ]
    if not compliance:
        return facts
    findings = (*facts.findings, *compliance)
    refs = facts.read_refs | {r.key for f in compliance for r in f.evidence}
    # The team's timesheet hygiene is reported on the project but does not set its RAG:
    # that stays a statement about the project's own delivery.
    return facts.model_copy(update={"findings": findings, "read_refs": refs})


# --- the jobs -----------------------------------------------------------------------


def _project_job(
    job: str,
    kind: Kind,
    write_up: Callable[[Analyst, ProjectFacts], AnalystResult[Any]],
    project_id: int,
    ctx: PipelineContext | None,
    *,
    publish: bool,
    dry_run: bool,
    analyst: AnalystName,
) -> JobResult:
    """Read and compute once, let the chosen analyst write up, then publish (or not)."""
    ctx = ctx or default_context()
    facts = _project_facts(ctx, project_id)
    result = write_up(ctx.analyst(analyst), facts)
    return _finish(
        ctx,
        job,
        kind,
        result,
        facts.bundle,
        facts.findings,
        facts.bundle.project.manager_id,
        publish=publish,
        dry_run=dry_run,
    )


def _escalation(chosen: Analyst, facts: ProjectFacts) -> AnalystResult[EscalationDraft]:
    return chosen.draft_escalation(facts, chosen.assess_risks(facts).output)


def summarize_project(
    project_id: int,
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
) -> JobResult:
    return _project_job(
        "summarize_project",
        Kind.STATUS_SUMMARY,
        lambda a, f: a.summarize_project(f),
        project_id,
        ctx,
        publish=publish,
        dry_run=dry_run,
        analyst=analyst,
    )


def assess_risks(
    project_id: int,
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
) -> JobResult:
    return _project_job(
        "assess_risks",
        Kind.RISK_ASSESSMENT,
        lambda a, f: a.assess_risks(f),
        project_id,
        ctx,
        publish=publish,
        dry_run=dry_run,
        analyst=analyst,
    )


def draft_escalation(
    project_id: int,
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
) -> JobResult:
    return _project_job(
        "draft_escalation",
        Kind.ESCALATION,
        _escalation,
        project_id,
        ctx,
        publish=publish,
        dry_run=dry_run,
        analyst=analyst,
    )


def summarize_task(
    task_id: int,
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
) -> JobResult:
    ctx = ctx or default_context()
    now = ctx.now()
    project_id = readers.project_of_task(ctx.gateway, task_id)
    bundle = without_own_notes(ctx, readers.read_project_bundle(ctx.gateway, project_id, now))
    facts = facts_builders.build_task_facts(
        bundle, task_id, ctx.policy, now, ctx.gateway.base_url, odoo_version=ctx.odoo_version
    )
    result: AnalystResult[StatusSummary] = ctx.analyst(analyst).summarize_task(facts)
    return _finish(
        ctx,
        "summarize_task",
        Kind.STATUS_SUMMARY,
        result,
        bundle,
        facts.findings,
        bundle.project.manager_id,
        publish=publish,
        dry_run=dry_run,
    )


def _ticket_facts(ctx: PipelineContext, ticket_id: int) -> TicketFacts:
    now = ctx.now()
    bundle = without_own_notes(ctx, readers.read_ticket_bundle(ctx.gateway, ticket_id, now))
    similar: tuple[Any, ...] = ()
    if ctx.retrieval is not None:
        similar = tuple(
            ctx.retrieval.query_similar(
                bundle.ticket, k=ctx.policy.retrieval.top_k, exclude_id=ticket_id
            )
        )
    facts = facts_builders.build_ticket_facts(
        bundle,
        ctx.policy,
        now,
        ctx.gateway.base_url,
        similar=similar,
        odoo_version=ctx.odoo_version,
    )
    if ctx.retrieval is not None and similar:
        category, team, confidence, _evidence = ctx.retrieval.suggest_labels(similar)
        # a duplicate is the same customer reporting the same problem again
        duplicate = ctx.retrieval.probable_duplicate(
            similar,
            threshold=ctx.policy.retrieval.duplicate_threshold,
            partner_id=bundle.ticket.partner_id,
        )
        update: dict[str, Any] = {
            "probable_duplicate_of": duplicate.ticket if duplicate is not None else None
        }
        if category and not facts.category_guess:
            update["category_guess"] = category
            update["category_reason"] = f"most similar resolved tickets ({confidence:.0%} vote)"
        team_ref = _team_ref(ctx, team)
        if team_ref is not None:
            update["team_guess"] = team_ref
        if update:
            facts = facts.model_copy(update=update)
    return facts


def _team_ref(ctx: PipelineContext, team: EvidenceRef | str | None) -> EvidenceRef | None:
    """The neighbours' team as a citable record (retrieval stores team names)."""
    if team is None or isinstance(team, EvidenceRef):
        return team
    key = f"team:{team}"
    if key not in ctx._cache:
        found = ctx.gateway.name_search("helpdesk.ticket.team", team, limit=1)
        ctx._cache[key] = (
            EvidenceRef(
                model="helpdesk.ticket.team",
                id=found[0][0],
                display_name=found[0][1],
                url=ctx.gateway.record_url("helpdesk.ticket.team", found[0][0]),
            )
            if found
            else None
        )
    ref: EvidenceRef | None = ctx._cache[key]
    return ref


def triage_ticket(
    ticket_id: int,
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
) -> JobResult:
    ctx = ctx or default_context()
    facts = _ticket_facts(ctx, ticket_id)
    result: AnalystResult[TicketTriage] = ctx.analyst(analyst).triage_ticket(facts)
    manager = None
    return _finish(
        ctx,
        "triage_ticket",
        Kind.TICKET_TRIAGE,
        result,
        facts.bundle,
        facts.findings,
        manager,
        publish=publish,
        dry_run=dry_run,
    )


class ScanRow(BaseModel):
    model: str
    res_id: int
    name: str
    rag: Rag | None = None
    max_severity: Severity | None = None
    categories: dict[str, str] = {}
    status: str
    recommendation_id: int | None = None


class ScanResult(BaseModel):
    scan_id: str
    started_at: datetime
    finished_at: datetime
    projects: list[ScanRow]
    tickets: list[ScanRow]
    errors: list[str] = []


def scan_portfolio(
    *,
    ctx: PipelineContext | None = None,
    publish: bool = False,
    dry_run: bool = False,
    analyst: AnalystName = "offline",
    include_tickets: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScanResult:
    """Risk assessment of every active project and triage of every open ticket."""
    ctx = ctx or default_context()
    started = ctx.now()
    scan_id = (
        started.strftime("%Y%m%dT%H%M%S")
        + "-"
        + hashlib.sha1(str(started.timestamp()).encode()).hexdigest()[:6]
    )
    projects = readers.list_active_projects(ctx.gateway)
    tickets = readers.list_open_tickets(ctx.gateway) if include_tickets else []
    total = len(projects) + len(tickets)
    rows: list[ScanRow] = []
    ticket_rows: list[ScanRow] = []
    errors: list[str] = []
    done = 0
    for project in projects:
        try:
            res = assess_risks(
                project.id, ctx=ctx, publish=publish, dry_run=dry_run, analyst=analyst
            )
            out = res.recommendation.output
            assert isinstance(out, RiskAssessment)
            cats = _worst_by_category(out.findings)
            rows.append(
                ScanRow(
                    model="project.project",
                    res_id=project.id,
                    name=project.name,
                    rag=out.rag,
                    max_severity=out.max_severity,
                    categories=cats,
                    status=res.status,
                    recommendation_id=res.recommendation.id,
                )
            )
            ctx.ledger.snapshot(scan_id, out.subject, out.rag.value, out.max_severity, cats)
        except Exception as exc:  # one bad record must not stop a portfolio scan
            log.exception("scan failed for project %s", project.id)
            errors.append(f"project.project {project.id}: {type(exc).__name__}: {exc}")
        done += 1
        if progress:
            progress(project.name, done, total)
    for ticket in tickets:
        try:
            res = triage_ticket(
                ticket.id, ctx=ctx, publish=publish, dry_run=dry_run, analyst=analyst
            )
            tri = res.recommendation.output
            assert isinstance(tri, TicketTriage)
            ticket_rows.append(
                ScanRow(
                    model="helpdesk.ticket",
                    res_id=ticket.id,
                    name=f"{ticket.number or ''} {ticket.name}".strip(),
                    max_severity=_max_severity(tri.findings),
                    categories=_worst_by_category(tri.findings),
                    status=res.status,
                    recommendation_id=res.recommendation.id,
                )
            )
        except Exception as exc:
            log.exception("scan failed for ticket %s", ticket.id)
            errors.append(f"helpdesk.ticket {ticket.id}: {type(exc).__name__}: {exc}")
        done += 1
        if progress:
            progress(ticket.name, done, total)
    return ScanResult(
        scan_id=scan_id,
        started_at=started,
        finished_at=ctx.now(),
        projects=rows,
        tickets=ticket_rows,
        errors=errors,
    )


def _worst_by_category(findings: Iterable[RiskFinding]) -> dict[str, str]:
    worst: dict[str, Severity] = {}
    for f in findings:
        cur = worst.get(f.category.value)
        if cur is None or f.severity.rank > cur.rank:
            worst[f.category.value] = f.severity
    return {k: v.value for k, v in sorted(worst.items())}


# --- the worker's entry point ---------------------------------------------------------

_JOBS: dict[str, Callable[..., JobResult]] = {
    "summarize_project": summarize_project,
    "assess_risks": assess_risks,
    "draft_escalation": draft_escalation,
    "summarize_task": summarize_task,
    "triage_ticket": triage_ticket,
}

_default_ctx: PipelineContext | None = None


def default_context() -> PipelineContext:
    global _default_ctx
    if _default_ctx is None:
        _default_ctx = PipelineContext.from_settings()
    return _default_ctx


def set_default_context(ctx: PipelineContext | None) -> None:
    global _default_ctx
    _default_ctx = ctx


def run_job(
    job: str,
    res_id: int,
    *,
    publish: bool = True,
    analyst: AnalystName = "offline",
    request_id: str | None = None,
    ctx: PipelineContext | None = None,
) -> dict[str, Any]:
    """Run one job by name (the webhook worker's entry point); returns a JSON-able dict."""
    ctx = ctx or default_context()
    if job == "reconcile":
        from agent.reconcile import reconcile

        return reconcile(ctx).model_dump(mode="json")
    if job == "assess_risks_for_task":
        job, res_id = "assess_risks", readers.project_of_task(ctx.gateway, res_id)
    if job not in _JOBS:
        raise ValueError(f"unknown job {job!r}; known jobs: {sorted([*_JOBS, 'reconcile'])}")
    result = _JOBS[job](res_id, ctx=ctx, publish=publish, analyst=analyst)
    data = result.model_dump(mode="json", exclude={"html"})
    data["request_id"] = request_id
    return data


__all__ = [
    "JobResult",
    "PipelineContext",
    "ScanResult",
    "assess_risks",
    "draft_escalation",
    "run_job",
    "scan_portfolio",
    "summarize_project",
    "summarize_task",
    "triage_ticket",
]
