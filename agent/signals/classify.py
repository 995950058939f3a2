"""Metrics -> risk findings, with severities from the policy and reviewers from its matrix.

One function per signal area. Each finding's `metrics` carry the same keys and values
as the figures (see `agent.signals.keys`), its evidence cites the specific records, and
its explanation states the figures with the shared formatters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent.links import DEFAULT_ODOO_VERSION
from agent.policy import Policy
from agent.schemas import EvidenceRef, RiskCategory, RiskFinding, Severity
from agent.signals import keys as K
from agent.signals.billing import BillingSignals
from agent.signals.budget import BudgetSignals
from agent.signals.evidence import dedupe, ref
from agent.signals.fmt import fmt_days, fmt_hours, fmt_money, fmt_pct, fmt_ratio, plural
from agent.signals.schedule import ScheduleSignals
from agent.signals.staffing import StaffingSignals
from agent.signals.timesheets import EmployeeCompliance
from agent.tools.records import Record

_NAMES_SHOWN = 5


@dataclass(frozen=True)
class Context:
    """What every rule needs besides its metrics."""

    policy: Policy
    subject: EvidenceRef
    base_url: str = ""
    odoo_version: int = DEFAULT_ODOO_VERSION

    def ref(self, record: Record) -> EvidenceRef:
        return ref(record, self.base_url, self.odoo_version)

    def finding(
        self,
        category: RiskCategory,
        severity: Severity,
        title: str,
        explanation: str,
        metrics: dict[str, float],
        evidence: Iterable[EvidenceRef],
        action: str,
        confidence: float = 0.8,
    ) -> RiskFinding:
        return RiskFinding(
            category=category,
            severity=severity,
            title=title,
            explanation=explanation,
            metrics=metrics,
            evidence=dedupe([self.subject, *evidence]),
            confidence=confidence,
            recommended_action=action,
            reviewer_role=self.policy.approval.reviewer_for(category, severity, self.subject.model),
            subject=self.subject,
        )


def worst(*severities: Severity | None) -> Severity | None:
    present = [s for s in severities if s is not None]
    return max(present, key=lambda s: s.rank) if present else None


def names(records: Iterable[Record]) -> str:
    """`"A", "B" and 3 more` for explanation texts."""
    items = [f'"{r.name}"' for r in records]
    shown = ", ".join(items[:_NAMES_SHOWN])
    rest = len(items) - _NAMES_SHOWN
    return f"{shown} and {rest} more" if rest > 0 else shown


def classify_budget(sig: BudgetSignals, ctx: Context) -> list[RiskFinding]:
    """Forecast overrun (EAC/BAC - 1) and hours consumed ahead of progress."""
    rules = ctx.policy.thresholds.budget
    overrun_sev = rules.overrun_ratio.severity(sig.overrun_ratio)
    consumed_sev = (
        rules.consumed_severity
        if sig.consumed_ratio is not None
        and sig.percent_complete is not None
        and sig.consumed_ratio >= rules.consumed_ratio_min
        and sig.percent_complete < rules.consumed_completion_below
        else None
    )
    burn_sev = rules.burn_rate_ratio.severity(sig.burn_rate_ratio)
    severity = worst(overrun_sev, consumed_sev, burn_sev)
    if severity is None:
        return []
    parts: list[str] = []
    metrics: dict[str, float] = {
        K.BUDGET_BAC_HOURS: sig.bac_hours,
        K.BUDGET_ACTUAL_HOURS: sig.actual_hours,
    }
    if sig.consumed_ratio is not None:
        metrics[K.BUDGET_CONSUMED_RATIO] = sig.consumed_ratio
    if sig.percent_complete is not None:
        metrics[K.BUDGET_PERCENT_COMPLETE] = sig.percent_complete
    if (
        consumed_sev is not None
        and sig.consumed_ratio is not None
        and sig.percent_complete is not None
    ):
        parts.append(
            f"{fmt_hours(sig.actual_hours)} logged against a budget of {fmt_hours(sig.bac_hours)} "
            f"({fmt_pct(sig.consumed_ratio)} consumed) while only {fmt_pct(sig.percent_complete)} "
            "of the planned work is done."
        )
    if overrun_sev is not None and sig.eac_hours is not None and sig.overrun_ratio is not None:
        assert sig.cpi is not None
        metrics |= {
            K.BUDGET_CPI: sig.cpi,
            K.BUDGET_EAC_HOURS: sig.eac_hours,
            K.BUDGET_OVERRUN_RATIO: sig.overrun_ratio,
        }
        parts.append(
            f"At the current cost performance (CPI {fmt_ratio(sig.cpi)}) the project would need "
            f"{fmt_hours(sig.eac_hours)} in total, {fmt_pct(sig.overrun_ratio)} over its budget "
            f"of {fmt_hours(sig.bac_hours)}."
        )
    if burn_sev is not None and sig.burn_rate_ratio is not None:
        assert (
            sig.burn_rate_hours_per_week is not None and sig.planned_rate_hours_per_week is not None
        )
        metrics |= {
            K.BUDGET_BURN_RATE: sig.burn_rate_hours_per_week,
            K.BUDGET_PLANNED_RATE: sig.planned_rate_hours_per_week,
            K.BUDGET_BURN_RATE_RATIO: sig.burn_rate_ratio,
        }
        parts.append(
            f"Recent weeks burned {fmt_hours(sig.burn_rate_hours_per_week)} per week against a "
            f"planned {fmt_hours(sig.planned_rate_hours_per_week)} per week "
            f"({fmt_ratio(sig.burn_rate_ratio)} times the plan)."
        )
    title = "Budget overrun forecast" if overrun_sev else "Budget consumed ahead of progress"
    return [
        ctx.finding(
            RiskCategory.BUDGET,
            severity,
            title,
            " ".join(parts),
            metrics,
            [],
            "Review the remaining estimate with the team and agree a re-plan or a change "
            "request with the client before more hours are spent.",
        )
    ]


def classify_schedule(
    sched: ScheduleSignals, budget: BudgetSignals, ctx: Context
) -> list[RiskFinding]:
    """SPI, overdue milestones, overdue tasks and stalled tasks."""
    rules = ctx.policy.thresholds.schedule
    findings: list[RiskFinding] = []
    spi_sev = rules.spi.severity(budget.spi)
    if spi_sev is not None and budget.spi is not None:
        metrics = {K.BUDGET_SPI: budget.spi}
        text = f"Schedule performance index is {fmt_ratio(budget.spi)}"
        if budget.percent_complete is not None and budget.elapsed_share is not None:
            metrics |= {
                K.BUDGET_PERCENT_COMPLETE: budget.percent_complete,
                K.SCHEDULE_ELAPSED_SHARE: budget.elapsed_share,
            }
            text += (
                f": {fmt_pct(budget.percent_complete)} of the work is done while "
                f"{fmt_pct(budget.elapsed_share)} of the planned time has elapsed"
            )
        if sched.schedule_slip is not None:
            metrics[K.SCHEDULE_SLIP] = sched.schedule_slip
        findings.append(
            ctx.finding(
                RiskCategory.SCHEDULE,
                spi_sev,
                "Behind schedule",
                text + ".",
                metrics,
                [],
                "Re-plan the remaining work or agree a new end date with the client.",
            )
        )
    ms_sev = rules.overdue_milestone_days.severity(sched.max_milestone_overdue_days or None)
    if ms_sev is not None and sched.overdue_milestones:
        top = sched.overdue_milestones[0]
        findings.append(
            ctx.finding(
                RiskCategory.SCHEDULE,
                ms_sev,
                "Overdue milestone" if len(sched.overdue_milestones) == 1 else "Overdue milestones",
                f"{plural(len(sched.overdue_milestones), 'milestone')} not reached "
                "past the deadline; "
                f'"{top.milestone.name}" is {fmt_days(top.days_overdue)} late '
                f"(deadline {top.milestone.deadline}).",
                {
                    K.SCHEDULE_OVERDUE_MILESTONES: float(len(sched.overdue_milestones)),
                    K.SCHEDULE_MILESTONE_OVERDUE_DAYS: float(top.days_overdue),
                },
                [ctx.ref(m.milestone) for m in sched.overdue_milestones],
                "Confirm with the client whether the milestone moves, and mark it reached "
                "if it was delivered.",
            )
        )
    od_sev = rules.overdue_tasks.severity(len(sched.overdue_tasks) or None)
    if od_sev is not None:
        findings.append(
            ctx.finding(
                RiskCategory.SCHEDULE,
                od_sev,
                "Overdue tasks",
                f"{plural(len(sched.overdue_tasks), 'open task')} past the deadline: "
                f"{names(sched.overdue_tasks)}.",
                {K.SCHEDULE_OVERDUE_TASKS: float(len(sched.overdue_tasks))},
                [ctx.ref(t) for t in sched.overdue_tasks],
                "Update the deadlines or re-assign the work.",
            )
        )
    st_sev = rules.stalled_tasks.severity(len(sched.stalled_tasks) or None)
    if st_sev is not None:
        findings.append(
            ctx.finding(
                RiskCategory.SCHEDULE,
                st_sev,
                "Stalled tasks",
                f"{plural(len(sched.stalled_tasks), 'open task')} with no stage change or update "
                f"for at least {fmt_days(rules.stalled_days)}: "
                f"{names(s.task for s in sched.stalled_tasks)}.",
                {
                    K.SCHEDULE_STALLED_TASKS: float(len(sched.stalled_tasks)),
                    K.SCHEDULE_STALLED_MAX_DAYS: float(sched.stalled_tasks[0].idle_days),
                },
                [ctx.ref(s.task) for s in sched.stalled_tasks],
                "Ask the assignees whether these tasks are blocked, done or should be cancelled.",
                confidence=0.7,
            )
        )
    return findings


def classify_staffing(sig: StaffingSignals, ctx: Context) -> list[RiskFinding]:
    rules = ctx.policy.thresholds.staffing
    findings: list[RiskFinding] = []
    if sig.leave_conflicts:
        first = sig.leave_conflicts[0]
        tasks = list(dict.fromkeys(c.task for c in sig.leave_conflicts))
        findings.append(
            ctx.finding(
                RiskCategory.STAFFING,
                rules.leave_severity,
                "Assignee on leave near a deadline",
                f"{plural(len(sig.leave_conflicts), 'assignee leave')} overlap the "
                f"{fmt_days(rules.leave_window_days)} before a task deadline; "
                f"{first.employee.name} is on approved leave around the deadline of "
                f'"{first.task.name}".',
                {K.STAFFING_LEAVE_CONFLICTS: float(len(sig.leave_conflicts))},
                [
                    ref
                    for c in sig.leave_conflicts
                    for ref in (ctx.ref(c.task), ctx.ref(c.leave), ctx.ref(c.employee))
                ],
                f"Plan a hand-over or move the deadline of {names(tasks)}.",
            )
        )
    if sig.unassigned_due:
        findings.append(
            ctx.finding(
                RiskCategory.STAFFING,
                rules.unassigned_severity,
                "Tasks due soon with no assignee",
                f"{plural(len(sig.unassigned_due), 'open task')} due within "
                f"{fmt_days(rules.unassigned_window_days)} with nobody assigned: "
                f"{names(sig.unassigned_due)}.",
                {K.STAFFING_UNASSIGNED_DUE: float(len(sig.unassigned_due))},
                [ctx.ref(t) for t in sig.unassigned_due],
                "Assign an owner to each task or move its deadline.",
            )
        )
    return findings


def classify_billing(sig: BillingSignals, ctx: Context) -> list[RiskFinding]:
    rules = ctx.policy.thresholds.billing
    findings: list[RiskFinding] = []
    currency = sig.currency or ctx.policy.currency
    old_enough = sig.uninvoiced_age_days is None or sig.uninvoiced_age_days >= rules.min_age_days
    sev = rules.uninvoiced_amount.severity(sig.uninvoiced_amount or None) if old_enough else None
    if sev is not None:
        metrics = {K.BILLING_UNINVOICED_AMOUNT: sig.uninvoiced_amount}
        age_text = ""
        if sig.uninvoiced_age_days is not None:
            metrics[K.BILLING_UNINVOICED_AGE_DAYS] = float(sig.uninvoiced_age_days)
            age_text = f", the oldest line last changed {fmt_days(sig.uninvoiced_age_days)} ago"
        findings.append(
            ctx.finding(
                RiskCategory.BILLING,
                sev,
                "Delivered work not invoiced",
                f"{fmt_money(sig.uninvoiced_amount, currency)} delivered but not invoiced on "
                f"{plural(len(sig.uninvoiced_lines), 'sale line')}{age_text}.",
                metrics,
                [ctx.ref(line) for line in sig.uninvoiced_lines],
                "Check the delivered quantities and issue the invoice.",
                confidence=0.9 if sig.uninvoiced_age_days is not None else 0.7,
            )
        )
    scope = ctx.policy.thresholds.scope
    over_sev = scope.delivered_beyond_sold_ratio.severity(sig.max_overdelivery_ratio or None)
    if over_sev is not None and sig.overdeliveries:
        top = sig.overdeliveries[0]
        findings.append(
            ctx.finding(
                RiskCategory.SCOPE,
                over_sev,
                "Delivered beyond what was sold",
                f"{plural(len(sig.overdeliveries), 'sale line')} delivered beyond the "
                "sold quantity; "
                f'"{top.line.name}" delivered {fmt_hours(top.line.qty_delivered)} of '
                f"{fmt_hours(top.line.product_uom_qty)} sold ({fmt_pct(top.ratio)} over).",
                {
                    K.SCOPE_OVERDELIVERY_RATIO: top.ratio,
                    K.SCOPE_OVERDELIVERY_LINES: float(len(sig.overdeliveries)),
                },
                [ctx.ref(o.line) for o in sig.overdeliveries],
                "Raise a change request or an upsell for the extra work.",
            )
        )
    late_sev = scope.late_added_share.severity(sig.late_added_share)
    if late_sev is not None and sig.late_added_share is not None:
        findings.append(
            ctx.finding(
                RiskCategory.SCOPE,
                late_sev,
                "Work added after the start",
                f"{fmt_pct(sig.late_added_share)} of the planned hours are on "
                f"{plural(len(sig.late_added_tasks), 'task')} created more than "
                f"{fmt_days(scope.late_task_after_days)} after the project start.",
                {K.SCOPE_LATE_ADDED_SHARE: sig.late_added_share},
                [ctx.ref(t) for t in sig.late_added_tasks],
                "Check whether the added work is covered by the contract.",
                confidence=0.6,
            )
        )
    return findings


def classify_compliance(comp: EmployeeCompliance, ctx: Context) -> list[RiskFinding]:
    rules = ctx.policy.thresholds.timesheets
    missing = len(comp.missing_days)
    miss_sev = rules.missing_days.severity(missing or None)
    late_sev = rules.late_entries.severity(comp.late_entries or None)
    severity = worst(miss_sev, late_sev)
    if severity is None:
        return []
    parts: list[str] = []
    if miss_sev is not None:
        parts.append(
            f"{comp.employee.name} logged no hours on {plural(missing, 'working day')} of the last "
            f"{plural(len(comp.expected_days), 'expected day')} "
            f"(from {comp.missing_days[0]} to {comp.missing_days[-1]})."
        )
    if late_sev is not None:
        parts.append(
            f"{plural(comp.late_entries, 'timesheet line')} entered more than "
            f"{fmt_days(rules.late_grace_days)} after the day worked."
        )
    return [
        ctx.finding(
            RiskCategory.TIMESHEET_COMPLIANCE,
            severity,
            "Missing or late timesheets",
            " ".join(parts),
            {
                K.TIMESHEETS_MISSING_DAYS: float(missing),
                K.TIMESHEETS_EXPECTED_DAYS: float(len(comp.expected_days)),
                K.TIMESHEETS_LATE_ENTRIES: float(comp.late_entries),
            },
            [ctx.ref(comp.employee), *(ctx.ref(leave) for leave in comp.leaves)],
            "Remind the employee to complete their timesheets.",
            confidence=0.9,
        )
    ]
