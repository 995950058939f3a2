"""Fact-sheet builders: records + policy -> figures, findings, RAG (what analysts receive).

Pure: the caller passes `now` and the records; nothing here reads a clock or Odoo.
"""

from __future__ import annotations

from datetime import datetime

from agent.facts import ProjectFacts, TaskFacts, TicketFacts, UntrustedText
from agent.links import DEFAULT_ODOO_VERSION
from agent.policy import Policy
from agent.schemas import EvidenceRef, Figure, RiskCategory, RiskFinding, Severity, SimilarTicket
from agent.signals import keys as K
from agent.signals.billing import BillingSignals, compute_billing
from agent.signals.budget import BudgetSignals, compute_budget
from agent.signals.classify import (
    Context,
    classify_billing,
    classify_budget,
    classify_compliance,
    classify_schedule,
    classify_staffing,
)
from agent.signals.classify_ticket import classify_satisfaction, classify_sla
from agent.signals.common import is_open, naive_utc, ratio
from agent.signals.evidence import ref
from agent.signals.fmt import fmt_days, fmt_hours, fmt_pct
from agent.signals.helpdesk import (
    escalation_words,
    guess_category,
    guess_priority,
    sla,
    ticket_text,
)
from agent.signals.schedule import ScheduleSignals, compute_schedule, idle_days, is_started
from agent.signals.security import InjectionScanner, resolve_scan, security_findings
from agent.signals.sentiment import analyze
from agent.signals.staffing import StaffingSignals, compute_staffing
from agent.signals.status import pm_divergence, rag_of
from agent.signals.timesheets import compute_compliance
from agent.tools.records import (
    ProjectBundle,
    Record,
    Task,
    TicketBundle,
    TimesheetCompliance,
)


class TaskNotInBundle(LookupError):
    """The task id is not among the project bundle's tasks; read the task's own project."""


def bundle_refs(records: tuple[Record, ...]) -> frozenset[tuple[str, int]]:
    return frozenset((r.MODEL, r.id) for r in records)


def _project_records(bundle: ProjectBundle) -> tuple[Record, ...]:
    return (
        bundle.project,
        *bundle.tasks,
        *bundle.milestones,
        *bundle.updates,
        *bundle.sale_lines,
        *bundle.leaves,
        *bundle.users,
        *bundle.employees,
        *bundle.messages,
    )


def project_untrusted(
    bundle: ProjectBundle, base_url: str, odoo_version: int
) -> tuple[UntrustedText, ...]:
    """Free text people typed: descriptions and chatter bodies."""
    out: list[UntrustedText] = []
    records: list[Record] = [bundle.project, *bundle.tasks, *bundle.updates]
    for record in records:
        text = getattr(record, "description", None)
        if text:
            out.append(
                UntrustedText(
                    source=ref(record, base_url, odoo_version), field="description", text=text
                )
            )
    for message in bundle.messages:
        if message.body:
            out.append(
                UntrustedText(
                    source=ref(message, base_url, odoo_version), field="body", text=message.body
                )
            )
    return tuple(out)


def budget_figures(sig: BudgetSignals, subject: EvidenceRef) -> list[Figure]:
    values = {
        K.BUDGET_BAC_HOURS: sig.bac_hours,
        K.BUDGET_ACTUAL_HOURS: sig.actual_hours,
        K.BUDGET_CONSUMED_RATIO: sig.consumed_ratio,
        K.BUDGET_PERCENT_COMPLETE: sig.percent_complete,
        K.SCHEDULE_ELAPSED_SHARE: sig.elapsed_share,
        K.BUDGET_EV_HOURS: sig.ev_hours,
        K.BUDGET_PV_HOURS: sig.pv_hours,
        K.BUDGET_CPI: sig.cpi,
        K.BUDGET_SPI: sig.spi,
        K.BUDGET_EAC_HOURS: sig.eac_hours,
        K.BUDGET_OVERRUN_RATIO: sig.overrun_ratio,
        K.BUDGET_BURN_RATE: sig.burn_rate_hours_per_week,
        K.BUDGET_PLANNED_RATE: sig.planned_rate_hours_per_week,
        K.BUDGET_BURN_RATE_RATIO: sig.burn_rate_ratio,
    }
    return [K.figure(k, v, [subject]) for k, v in values.items() if v is not None]


def schedule_figures(sig: ScheduleSignals, ctx: Context) -> list[Figure]:
    out = []
    if sig.schedule_slip is not None:
        out.append(K.figure(K.SCHEDULE_SLIP, sig.schedule_slip, [ctx.subject]))
    out.append(
        K.figure(
            K.SCHEDULE_OVERDUE_TASKS,
            len(sig.overdue_tasks),
            [ctx.ref(t) for t in sig.overdue_tasks],
        )
    )
    milestones = [ctx.ref(m.milestone) for m in sig.overdue_milestones]
    out.append(K.figure(K.SCHEDULE_OVERDUE_MILESTONES, len(sig.overdue_milestones), milestones))
    if sig.overdue_milestones:
        out.append(
            K.figure(
                K.SCHEDULE_MILESTONE_OVERDUE_DAYS, sig.max_milestone_overdue_days, milestones[:1]
            )
        )
    stalled = [ctx.ref(s.task) for s in sig.stalled_tasks]
    out.append(K.figure(K.SCHEDULE_STALLED_TASKS, len(sig.stalled_tasks), stalled))
    if sig.stalled_tasks:
        out.append(
            K.figure(K.SCHEDULE_STALLED_MAX_DAYS, sig.stalled_tasks[0].idle_days, stalled[:1])
        )
    return out


def staffing_figures(sig: StaffingSignals, ctx: Context) -> list[Figure]:
    conflicts = [
        r
        for c in sig.leave_conflicts
        for r in (ctx.ref(c.task), ctx.ref(c.leave), ctx.ref(c.employee))
    ]
    return [
        K.figure(K.STAFFING_LEAVE_CONFLICTS, len(sig.leave_conflicts), conflicts),
        K.figure(
            K.STAFFING_UNASSIGNED_DUE,
            len(sig.unassigned_due),
            [ctx.ref(t) for t in sig.unassigned_due],
        ),
    ]


def billing_figures(sig: BillingSignals, ctx: Context) -> list[Figure]:
    lines = [ctx.ref(line) for line in sig.uninvoiced_lines]
    currency = sig.currency or ctx.policy.currency
    out = [K.figure(K.BILLING_UNINVOICED_AMOUNT, sig.uninvoiced_amount, lines, unit=currency)]
    if sig.uninvoiced_age_days is not None:
        out.append(K.figure(K.BILLING_UNINVOICED_AGE_DAYS, sig.uninvoiced_age_days, lines))
    if sig.overdeliveries:
        over = [ctx.ref(o.line) for o in sig.overdeliveries]
        out.append(K.figure(K.SCOPE_OVERDELIVERY_RATIO, sig.max_overdelivery_ratio, over[:1]))
        out.append(K.figure(K.SCOPE_OVERDELIVERY_LINES, len(sig.overdeliveries), over))
    if sig.late_added_share is not None:
        out.append(
            K.figure(
                K.SCOPE_LATE_ADDED_SHARE,
                sig.late_added_share,
                [ctx.ref(t) for t in sig.late_added_tasks],
            )
        )
    return out


def build_project_facts(
    bundle: ProjectBundle,
    policy: Policy,
    now: datetime,
    base_url: str,
    injection_scan: InjectionScanner | None = None,
    *,
    odoo_version: int = DEFAULT_ODOO_VERSION,
) -> ProjectFacts:
    """Every project signal, classified: the input of summaries, risk assessments, escalations."""
    th = policy.thresholds
    ctx = Context(policy, ref(bundle.project, base_url, odoo_version), base_url, odoo_version)
    budget = compute_budget(bundle, now, th.budget.burn_rate_weeks)
    schedule = compute_schedule(
        bundle, now, th.schedule.stalled_days, budget.elapsed_share, budget.percent_complete
    )
    staffing = compute_staffing(
        bundle, now, th.staffing.unassigned_window_days, th.staffing.leave_window_days
    )
    billing = compute_billing(bundle, now, th.scope.late_task_after_days)
    untrusted = project_untrusted(bundle, base_url, odoo_version)
    findings: list[RiskFinding] = [
        *classify_budget(budget, ctx),
        *classify_schedule(schedule, budget, ctx),
        *classify_staffing(staffing, ctx),
        *classify_billing(billing, ctx),
        *security_findings(untrusted, resolve_scan(injection_scan), ctx),
    ]
    pm_status = bundle.project.last_update_status
    divergence = pm_divergence(pm_status, findings, ctx)
    if divergence is not None:
        findings.append(divergence)
    figures = [
        *budget_figures(budget, ctx.subject),
        *schedule_figures(schedule, ctx),
        *staffing_figures(staffing, ctx),
        *billing_figures(billing, ctx),
    ]
    return ProjectFacts(
        subject=ctx.subject,
        figures=tuple(figures),
        findings=tuple(findings),
        read_refs=bundle_refs(_project_records(bundle)),
        untrusted=untrusted,
        odoo_base_url=base_url,
        odoo_version=odoo_version,
        bundle=bundle,
        rag=rag_of(findings),
        pm_status=pm_status,
        pm_status_divergent=divergence is not None,
    )


def task_hours(bundle: ProjectBundle, task: Task) -> float:
    """Hours logged on the task: the timesheet total when read, else `effective_hours`."""
    totals = [t.hours for t in bundle.hours_by_task if t.task_id == task.id]
    return sum(totals) if totals else task.effective_hours


def build_task_facts(
    bundle: ProjectBundle,
    task_id: int,
    policy: Policy,
    now: datetime,
    base_url: str,
    injection_scan: InjectionScanner | None = None,
    *,
    odoo_version: int = DEFAULT_ODOO_VERSION,
) -> TaskFacts:
    """One task's signals with the same rules as the project's, scoped to that task.

    Task rules: overdue days use the milestone ladder; hours over the allocation use the
    budget overrun ladder on (logged / allocated - 1) while the task is open; stalled,
    leave and unassigned rules are the project's applied to this task alone.
    """
    task = next((t for t in bundle.tasks if t.id == task_id), None)
    if task is None:
        raise TaskNotInBundle(
            f"task {task_id} is not in the bundle of project {bundle.project.id}; "
            "read the bundle of the task's own project"
        )
    th = policy.thresholds
    ctx = Context(policy, ref(task, base_url, odoo_version), base_url, odoo_version)
    moment = naive_utc(now)
    logged = task_hours(bundle, task)
    figures = [
        K.figure(K.TASK_ALLOCATED_HOURS, task.allocated_hours, [ctx.subject]),
        K.figure(K.TASK_EFFECTIVE_HOURS, logged, [ctx.subject]),
    ]
    hours_ratio = ratio(logged, task.allocated_hours)
    if hours_ratio is not None:
        figures.append(K.figure(K.TASK_HOURS_RATIO, hours_ratio, [ctx.subject]))
    findings: list[RiskFinding] = []
    open_ = is_open(task)
    if task.date_deadline is not None:
        delta = (naive_utc(task.date_deadline).date() - moment.date()).days
        if delta < 0 and open_:
            figures.append(K.figure(K.TASK_OVERDUE_DAYS, -delta, [ctx.subject]))
            sev = th.schedule.overdue_milestone_days.severity(-delta)
            if sev is not None:
                findings.append(
                    ctx.finding(
                        RiskCategory.SCHEDULE,
                        sev,
                        "Task overdue",
                        f'"{task.name}" is {fmt_days(-delta)} past its deadline '
                        f"({naive_utc(task.date_deadline).date()}) and still open.",
                        {K.TASK_OVERDUE_DAYS: float(-delta)},
                        [],
                        "Agree a new deadline or re-assign the task.",
                    )
                )
        else:
            figures.append(K.figure(K.TASK_DAYS_TO_DEADLINE, delta, [ctx.subject]))
    idle = idle_days(task, now)
    if idle is not None:
        figures.append(K.figure(K.TASK_IDLE_DAYS, idle, [ctx.subject]))
        if open_ and is_started(task) and idle >= th.schedule.stalled_days:
            findings.append(
                ctx.finding(
                    RiskCategory.SCHEDULE,
                    Severity.MEDIUM,
                    "Task stalled",
                    f'"{task.name}" has not changed stage or been updated for {fmt_days(idle)}.',
                    {K.TASK_IDLE_DAYS: float(idle)},
                    [],
                    "Ask the assignee whether the task is blocked, done or should be cancelled.",
                    confidence=0.7,
                )
            )
    if open_ and hours_ratio is not None:
        sev = th.budget.overrun_ratio.severity(hours_ratio - 1)
        if sev is not None:
            findings.append(
                ctx.finding(
                    RiskCategory.BUDGET,
                    sev,
                    "Task over its hours",
                    f'"{task.name}" has {fmt_hours(logged)} logged against '
                    f"{fmt_hours(task.allocated_hours)} allocated ({fmt_pct(hours_ratio)}) "
                    "and is still open.",
                    {K.TASK_HOURS_RATIO: hours_ratio, K.TASK_EFFECTIVE_HOURS: logged},
                    [],
                    "Re-estimate the remaining work and tell the project manager.",
                )
            )
    scoped = bundle.model_copy(update={"tasks": (task,)})
    staffing = compute_staffing(
        scoped, now, th.staffing.unassigned_window_days, th.staffing.leave_window_days
    )
    figures += staffing_figures(staffing, ctx)
    findings += classify_staffing(staffing, ctx)
    task_messages = {m.id for m in bundle.messages if m.model == task.MODEL and m.res_id == task.id}
    untrusted = tuple(
        u
        for u in project_untrusted(bundle, base_url, odoo_version)
        if u.source.key == ctx.subject.key
        or (u.source.model == "mail.message" and u.source.id in task_messages)
    )
    findings += security_findings(untrusted, resolve_scan(injection_scan), ctx)
    return TaskFacts(
        subject=ctx.subject,
        figures=tuple(figures),
        findings=tuple(findings),
        read_refs=bundle_refs(_project_records(bundle)),
        untrusted=untrusted,
        odoo_base_url=base_url,
        odoo_version=odoo_version,
        bundle=bundle,
        task=task,
        rag=rag_of(findings),
    )


def build_ticket_facts(
    bundle: TicketBundle,
    policy: Policy,
    now: datetime,
    base_url: str,
    similar: tuple[SimilarTicket, ...] | list[SimilarTicket] = (),
    injection_scan: InjectionScanner | None = None,
    *,
    odoo_version: int = DEFAULT_ODOO_VERSION,
) -> TicketFacts:
    """SLA clock, sentiment, category and priority guesses, duplicates and findings."""
    ticket = bundle.ticket
    ctx = Context(policy, ref(ticket, base_url, odoo_version), base_url, odoo_version)
    clock = sla(bundle, now, policy.thresholds.sla)
    text = ticket_text(bundle)
    mood = analyze(text)
    category = guess_category(ticket.name, text)
    priority = guess_priority(text, mood.label, category.value)
    escalation = escalation_words(text)
    untrusted: list[UntrustedText] = []
    if ticket.name:
        untrusted.append(UntrustedText(source=ctx.subject, field="name", text=ticket.name))
    if ticket.description:
        untrusted.append(
            UntrustedText(source=ctx.subject, field="description", text=ticket.description)
        )
    for message in bundle.messages:
        if message.body:
            untrusted.append(
                UntrustedText(
                    source=ref(message, base_url, odoo_version), field="body", text=message.body
                )
            )
    security = security_findings(untrusted, resolve_scan(injection_scan), ctx)
    findings = [
        *classify_sla(clock, ctx, ticket.priority),
        *classify_satisfaction(bundle, mood, escalation, ctx),
        *security,
    ]
    figures = [
        K.figure(K.SLA_AGE_HOURS, clock.age_hours, [ctx.subject]),
        K.figure(K.SLA_TARGET_HOURS, clock.target_hours, [ctx.subject]),
        K.figure(K.SLA_ELAPSED_SHARE, clock.elapsed_share, [ctx.subject]),
        K.figure(K.HELPDESK_REOPEN_COUNT, bundle.reopen_count, [ctx.subject]),
        K.figure(K.HELPDESK_ESCALATION_WORDS, len(escalation), [ctx.subject]),
        K.figure(K.HELPDESK_PARTNER_OPEN_TICKETS, bundle.partner_open_tickets, [ctx.subject]),
        K.figure(K.SENTIMENT_SCORE, mood.score, [ctx.subject]),
    ]
    if clock.hours_left is not None:
        figures.insert(2, K.figure(K.SLA_HOURS_LEFT, clock.hours_left, [ctx.subject]))
    threshold = policy.retrieval.duplicate_threshold
    duplicate = next(
        (
            s.ticket
            for s in similar
            if s.similarity >= threshold and s.ticket.key != ctx.subject.key
        ),
        None,
    )
    read = bundle_refs((ticket, *bundle.messages)) | {s.ticket.key for s in similar}
    return TicketFacts(
        subject=ctx.subject,
        figures=tuple(figures),
        findings=tuple(findings),
        read_refs=read,
        untrusted=tuple(untrusted),
        odoo_base_url=base_url,
        odoo_version=odoo_version,
        bundle=bundle,
        sla_status=clock.status,
        sla_hours_left=clock.hours_left,
        age_hours=clock.age_hours,
        sentiment=mood.label,
        category_guess=category.value,
        category_reason=category.reason,
        priority_guess=priority.value or "1",
        priority_reason=priority.reason,
        similar=tuple(similar),
        probable_duplicate_of=duplicate,
        injection_detected=bool(security),
        extra={
            K.SENTIMENT_SCORE: float(mood.score),
            K.HELPDESK_ESCALATION_WORDS: float(len(escalation)),
        },
    )


def build_compliance_findings(
    compliance: TimesheetCompliance,
    policy: Policy,
    now: datetime,
    base_url: str,
    *,
    odoo_version: int = DEFAULT_ODOO_VERSION,
) -> list[RiskFinding]:
    """Timesheet-compliance findings, one per employee over a threshold (subject: the employee)."""
    th = policy.thresholds.timesheets
    out: list[RiskFinding] = []
    for comp in compute_compliance(
        compliance, now, policy.working_weekdays, th.window_working_days
    ):
        ctx = Context(policy, ref(comp.employee, base_url, odoo_version), base_url, odoo_version)
        out += classify_compliance(comp, ctx)
    return out
