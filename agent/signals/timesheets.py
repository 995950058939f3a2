"""Timesheet compliance per employee: missing working days and late entries.

- expected days: the last `window_working_days` policy working days strictly before
  today (today's hours are not due yet) and inside the compliance period, minus days
  covered by the employee's approved leaves (`state == 'validate'`).
- missing days = expected days with no logged hours (unit: days).
- late entries = sum of `TimesheetDay.late_entries` over the whole period (lines created
  more than the policy's grace days after their day; the gateway counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agent.signals.common import naive_utc
from agent.tools.records import Employee, Leave, TimesheetCompliance

APPROVED = "validate"


@dataclass(frozen=True)
class EmployeeCompliance:
    employee: Employee
    expected_days: tuple[date, ...]
    missing_days: tuple[date, ...]
    late_entries: int
    leave_days: tuple[date, ...]
    leaves: tuple[Leave, ...]  # the approved leaves that removed expected days


def window_days(
    period_start: date, period_end: date, today: date, working: frozenset[int], count: int
) -> tuple[date, ...]:
    """The last `count` working days before `today` within the period, oldest first."""
    days: list[date] = []
    day = min(today - timedelta(days=1), period_end)
    while day >= period_start and len(days) < count:
        if day.weekday() in working:
            days.append(day)
        day -= timedelta(days=1)
    return tuple(reversed(days))


def leave_dates(leave: Leave) -> set[date]:
    if leave.date_from is None or leave.date_to is None:
        return set()
    start, end = naive_utc(leave.date_from).date(), naive_utc(leave.date_to).date()
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


def compute_compliance(
    compliance: TimesheetCompliance,
    now: datetime,
    working: frozenset[int],
    window_working_days: int,
) -> tuple[EmployeeCompliance, ...]:
    today = naive_utc(now).date()
    window = window_days(
        compliance.period_start, compliance.period_end, today, working, window_working_days
    )
    logged: dict[int, set[date]] = {}
    late: dict[int, int] = {}
    for d in compliance.days:
        if d.hours > 0:
            logged.setdefault(d.employee_id, set()).add(d.day)
        late[d.employee_id] = late.get(d.employee_id, 0) + d.late_entries
    out: list[EmployeeCompliance] = []
    for employee in compliance.employees:
        off: set[date] = set()
        used: list[Leave] = []
        for leave in compliance.leaves:
            if leave.employee_id != employee.id or leave.state != APPROVED:
                continue
            covered = leave_dates(leave) & set(window)
            if covered:
                off |= covered
                used.append(leave)
        expected = tuple(d for d in window if d not in off)
        have = logged.get(employee.id, set())
        out.append(
            EmployeeCompliance(
                employee=employee,
                expected_days=expected,
                missing_days=tuple(d for d in expected if d not in have),
                late_entries=late.get(employee.id, 0),
                leave_days=tuple(sorted(off)),
                leaves=tuple(used),
            )
        )
    return tuple(out)
