"""Stable figure keys with their label and unit (documented in `agent.signals`).

Findings' `metrics` use these keys with the same values as the figures, so the grounding
guardrail can match every number an analyst writes to a computed figure.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.schemas import EvidenceRef, Figure

BUDGET_BAC_HOURS = "budget.bac_hours"
BUDGET_ACTUAL_HOURS = "budget.actual_hours"
BUDGET_CONSUMED_RATIO = "budget.consumed_ratio"
BUDGET_PERCENT_COMPLETE = "budget.percent_complete"
BUDGET_EV_HOURS = "budget.ev_hours"
BUDGET_PV_HOURS = "budget.pv_hours"
BUDGET_CPI = "budget.cpi"
BUDGET_SPI = "budget.spi"
BUDGET_EAC_HOURS = "budget.eac_hours"
BUDGET_OVERRUN_RATIO = "budget.overrun_ratio"
BUDGET_BURN_RATE = "budget.burn_rate_hours_per_week"
BUDGET_PLANNED_RATE = "budget.planned_rate_hours_per_week"
BUDGET_BURN_RATE_RATIO = "budget.burn_rate_ratio"
SCHEDULE_ELAPSED_SHARE = "schedule.elapsed_share"
SCHEDULE_SLIP = "schedule.slip"
SCHEDULE_OVERDUE_TASKS = "schedule.overdue_tasks"
SCHEDULE_OVERDUE_MILESTONES = "schedule.overdue_milestones"
SCHEDULE_MILESTONE_OVERDUE_DAYS = "schedule.milestone_overdue_days"
SCHEDULE_STALLED_TASKS = "schedule.stalled_tasks"
SCHEDULE_STALLED_MAX_DAYS = "schedule.stalled_max_days"
STAFFING_LEAVE_CONFLICTS = "staffing.leave_conflicts"
STAFFING_UNASSIGNED_DUE = "staffing.unassigned_due"
TIMESHEETS_MISSING_DAYS = "timesheets.missing_days"
TIMESHEETS_EXPECTED_DAYS = "timesheets.expected_days"
TIMESHEETS_LATE_ENTRIES = "timesheets.late_entries"
BILLING_UNINVOICED_AMOUNT = "billing.uninvoiced_amount"
BILLING_UNINVOICED_AGE_DAYS = "billing.uninvoiced_age_days"
SCOPE_OVERDELIVERY_RATIO = "scope.delivered_beyond_sold_ratio"
SCOPE_OVERDELIVERY_LINES = "scope.delivered_beyond_sold_lines"
SCOPE_LATE_ADDED_SHARE = "scope.late_added_share"
TASK_ALLOCATED_HOURS = "task.allocated_hours"
TASK_EFFECTIVE_HOURS = "task.effective_hours"
TASK_HOURS_RATIO = "task.hours_ratio"
TASK_OVERDUE_DAYS = "task.overdue_days"
TASK_DAYS_TO_DEADLINE = "task.days_to_deadline"
TASK_IDLE_DAYS = "task.idle_days"
SLA_AGE_HOURS = "sla.age_hours"
SLA_TARGET_HOURS = "sla.target_hours"
SLA_HOURS_LEFT = "sla.hours_left"
SLA_ELAPSED_SHARE = "sla.elapsed_share"
HELPDESK_REOPEN_COUNT = "helpdesk.reopen_count"
HELPDESK_ESCALATION_WORDS = "helpdesk.escalation_words"
HELPDESK_PARTNER_OPEN_TICKETS = "helpdesk.partner_open_tickets"
SENTIMENT_SCORE = "sentiment.score"
SECURITY_INJECTION_HITS = "security.injection_hits"

# key -> (label, unit)
CATALOG: dict[str, tuple[str, str]] = {
    BUDGET_BAC_HOURS: ("Budget at completion", "h"),
    BUDGET_ACTUAL_HOURS: ("Hours logged", "h"),
    BUDGET_CONSUMED_RATIO: ("Budget consumed", "ratio"),
    BUDGET_PERCENT_COMPLETE: ("Work complete", "ratio"),
    BUDGET_EV_HOURS: ("Earned value", "h"),
    BUDGET_PV_HOURS: ("Planned value", "h"),
    BUDGET_CPI: ("Cost performance index", "index"),
    BUDGET_SPI: ("Schedule performance index", "index"),
    BUDGET_EAC_HOURS: ("Estimate at completion", "h"),
    BUDGET_OVERRUN_RATIO: ("Forecast overrun", "ratio"),
    BUDGET_BURN_RATE: ("Recent burn rate", "h/week"),
    BUDGET_PLANNED_RATE: ("Planned burn rate", "h/week"),
    BUDGET_BURN_RATE_RATIO: ("Burn rate vs plan", "ratio"),
    SCHEDULE_ELAPSED_SHARE: ("Time elapsed", "ratio"),
    SCHEDULE_SLIP: ("Schedule slip (elapsed - complete)", "ratio"),
    SCHEDULE_OVERDUE_TASKS: ("Overdue open tasks", "count"),
    SCHEDULE_OVERDUE_MILESTONES: ("Overdue milestones", "count"),
    SCHEDULE_MILESTONE_OVERDUE_DAYS: ("Most overdue milestone", "days"),
    SCHEDULE_STALLED_TASKS: ("Stalled tasks", "count"),
    SCHEDULE_STALLED_MAX_DAYS: ("Longest idle task", "days"),
    STAFFING_LEAVE_CONFLICTS: ("Assignee leaves near deadlines", "count"),
    STAFFING_UNASSIGNED_DUE: ("Unassigned tasks due soon", "count"),
    TIMESHEETS_MISSING_DAYS: ("Working days without timesheets", "days"),
    TIMESHEETS_EXPECTED_DAYS: ("Working days expected", "days"),
    TIMESHEETS_LATE_ENTRIES: ("Late timesheet lines", "count"),
    BILLING_UNINVOICED_AMOUNT: ("Delivered, not invoiced", "currency"),
    BILLING_UNINVOICED_AGE_DAYS: ("Oldest uninvoiced line age", "days"),
    SCOPE_OVERDELIVERY_RATIO: ("Delivered beyond sold", "ratio"),
    SCOPE_OVERDELIVERY_LINES: ("Lines delivered beyond sold", "count"),
    SCOPE_LATE_ADDED_SHARE: ("Hours on late-added tasks", "ratio"),
    TASK_ALLOCATED_HOURS: ("Task allocated hours", "h"),
    TASK_EFFECTIVE_HOURS: ("Task hours logged", "h"),
    TASK_HOURS_RATIO: ("Task hours consumed", "ratio"),
    TASK_OVERDUE_DAYS: ("Task overdue", "days"),
    TASK_DAYS_TO_DEADLINE: ("Days to task deadline", "days"),
    TASK_IDLE_DAYS: ("Days since last task change", "days"),
    SLA_AGE_HOURS: ("Ticket age", "h"),
    SLA_TARGET_HOURS: ("SLA target", "h"),
    SLA_HOURS_LEFT: ("SLA hours left", "h"),
    SLA_ELAPSED_SHARE: ("SLA time used", "ratio"),
    HELPDESK_REOPEN_COUNT: ("Times reopened", "count"),
    HELPDESK_ESCALATION_WORDS: ("Escalation phrases", "count"),
    HELPDESK_PARTNER_OPEN_TICKETS: ("Client's other open tickets", "count"),
    SENTIMENT_SCORE: ("Sentiment score", "score"),
    SECURITY_INJECTION_HITS: ("Texts flagged as injection", "count"),
}


def figure(
    key: str, value: float, evidence: Iterable[EvidenceRef] = (), unit: str | None = None
) -> Figure:
    """A `Figure` for a catalogued key (unknown keys are a programming error)."""
    label, default_unit = CATALOG[key]
    return Figure(
        key=key, label=label, value=float(value), unit=unit or default_unit, evidence=list(evidence)
    )
