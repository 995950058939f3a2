"""Staffing signals: open tasks near their deadline with nobody, or somebody on leave.

- unassigned: open task with no assignee and a deadline within
  [now, now + unassigned_window_days].
- leave conflict: open task not yet past its deadline whose assignee (user ->
  employee via `Employee.user_id`) has an approved leave (`state == 'validate'`) that
  overlaps [deadline - leave_window_days, deadline] and has not ended yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.signals.common import is_open, naive_utc
from agent.tools.records import Employee, Leave, ProjectBundle, Task

APPROVED = "validate"


@dataclass(frozen=True)
class LeaveConflict:
    task: Task
    employee: Employee
    leave: Leave


@dataclass(frozen=True)
class StaffingSignals:
    unassigned_due: tuple[Task, ...]
    leave_conflicts: tuple[LeaveConflict, ...]


def unassigned_due(tasks: tuple[Task, ...], now: datetime, window_days: int) -> tuple[Task, ...]:
    start = naive_utc(now)
    end = start + timedelta(days=window_days)
    return tuple(
        t
        for t in tasks
        if is_open(t)
        and not t.user_ids
        and t.date_deadline is not None
        and start <= naive_utc(t.date_deadline) <= end
    )


def leave_conflicts(
    bundle: ProjectBundle, now: datetime, window_days: int
) -> tuple[LeaveConflict, ...]:
    moment = naive_utc(now)
    employee_of_user = {e.user_id: e for e in bundle.employees if e.user_id is not None}
    leaves_of: dict[int, list[Leave]] = {}
    for leave in bundle.leaves:
        if (
            leave.state == APPROVED
            and leave.employee_id is not None
            and leave.date_from is not None
            and leave.date_to is not None
            and naive_utc(leave.date_to) >= moment
        ):
            leaves_of.setdefault(leave.employee_id, []).append(leave)
    found: list[LeaveConflict] = []
    for task in bundle.tasks:
        if not is_open(task) or task.date_deadline is None:
            continue
        deadline = naive_utc(task.date_deadline)
        if deadline < moment:
            continue
        window_start = deadline - timedelta(days=window_days)
        for user_id in task.user_ids:
            employee = employee_of_user.get(user_id)
            if employee is None:
                continue
            for leave in leaves_of.get(employee.id, []):
                assert leave.date_from is not None and leave.date_to is not None
                if (
                    naive_utc(leave.date_from) <= deadline
                    and naive_utc(leave.date_to) >= window_start
                ):
                    found.append(LeaveConflict(task, employee, leave))
    return tuple(found)


def compute_staffing(
    bundle: ProjectBundle, now: datetime, unassigned_window_days: int, leave_window_days: int
) -> StaffingSignals:
    return StaffingSignals(
        unassigned_due=unassigned_due(bundle.tasks, now, unassigned_window_days),
        leave_conflicts=leave_conflicts(bundle, now, leave_window_days),
    )
