"""Schedule signals: slip against elapsed time, overdue tasks and milestones, stalled tasks.

- schedule slip = elapsed share - percent complete (ratio; positive = behind).
- overdue task: open (not done, canceled or closed) with `date_deadline` < now.
- overdue milestone: not reached with `deadline` < today; days overdue = today - deadline.
- stalled task (rule): open, started (it changed stage since creation or has hours
  logged: an untouched backlog task is waiting, not stalled), and both its last stage
  change (`date_last_stage_update`, else `create_date`) and its last write
  (`write_date`) are at least `stalled_days` old.
  Timesheet totals per task carry no dates, so "no hours in the window" is read from
  `write_date`: logging hours recomputes the task's effective hours, which writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agent.signals.common import is_open, naive_utc
from agent.tools.records import Milestone, ProjectBundle, Task


@dataclass(frozen=True)
class OverdueMilestone:
    milestone: Milestone
    days_overdue: int


@dataclass(frozen=True)
class StalledTask:
    task: Task
    idle_days: int


@dataclass(frozen=True)
class ScheduleSignals:
    schedule_slip: float | None
    overdue_tasks: tuple[Task, ...]
    overdue_milestones: tuple[OverdueMilestone, ...]  # most overdue first
    stalled_tasks: tuple[StalledTask, ...]  # longest idle first

    @property
    def max_milestone_overdue_days(self) -> int:
        return max((m.days_overdue for m in self.overdue_milestones), default=0)


def overdue_tasks(tasks: tuple[Task, ...], now: datetime) -> tuple[Task, ...]:
    moment = naive_utc(now)
    return tuple(
        t
        for t in tasks
        if is_open(t) and t.date_deadline is not None and naive_utc(t.date_deadline) < moment
    )


def overdue_milestones(
    milestones: tuple[Milestone, ...], now: datetime
) -> tuple[OverdueMilestone, ...]:
    today = naive_utc(now).date()
    found = [
        OverdueMilestone(m, (today - m.deadline).days)
        for m in milestones
        if not m.is_reached and m.deadline is not None and m.deadline < today
    ]
    return tuple(sorted(found, key=lambda o: (-o.days_overdue, o.milestone.id)))


def idle_days(task: Task, now: datetime) -> int | None:
    """Whole days since the task last changed stage or was written, whichever is later."""
    stage_change = task.date_last_stage_update or task.create_date
    moments = [naive_utc(m) for m in (stage_change, task.write_date) if m is not None]
    if not moments:
        return None
    return (naive_utc(now) - max(moments)).days


def is_started(task: Task) -> bool:
    """Moved stage since creation, or has hours logged."""
    moved = task.date_last_stage_update is not None and (
        task.create_date is None or task.date_last_stage_update > task.create_date
    )
    return moved or task.effective_hours > 0


def stalled_tasks(tasks: tuple[Task, ...], now: datetime, days: int) -> tuple[StalledTask, ...]:
    found: list[StalledTask] = []
    for task in tasks:
        if not is_open(task) or not is_started(task):
            continue
        idle = idle_days(task, now)
        if idle is not None and idle >= days:
            found.append(StalledTask(task, idle))
    return tuple(sorted(found, key=lambda s: (-s.idle_days, s.task.id)))


def compute_schedule(
    bundle: ProjectBundle,
    now: datetime,
    stalled_days: int,
    elapsed_share: float | None,
    percent_complete: float | None,
) -> ScheduleSignals:
    slip = (
        elapsed_share - percent_complete
        if elapsed_share is not None and percent_complete is not None
        else None
    )
    return ScheduleSignals(
        schedule_slip=slip,
        overdue_tasks=overdue_tasks(bundle.tasks, now),
        overdue_milestones=overdue_milestones(bundle.milestones, now),
        stalled_tasks=stalled_tasks(bundle.tasks, now, stalled_days),
    )
