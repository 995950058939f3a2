from __future__ import annotations

from datetime import date, datetime

from signals_factories import NOW, bundle, task

from agent.signals.schedule import compute_schedule, idle_days, overdue_milestones, overdue_tasks
from agent.tools.records import Milestone


def test_overdue_tasks_are_open_tasks_past_their_deadline() -> None:
    tasks = (
        task(1, date_deadline=datetime(2026, 12, 1)),
        task(2, date_deadline=datetime(2026, 12, 1), state="1_done"),
        task(3, date_deadline=datetime(2026, 12, 1), state="1_canceled"),
        task(4, date_deadline=datetime(2026, 12, 20)),
        task(5),
        task(6, date_deadline=datetime(2026, 11, 1), state=None, is_closed=True),  # Odoo 16 closed
    )
    assert [t.id for t in overdue_tasks(tasks, NOW)] == [1]


def test_overdue_milestones_count_days_past_deadline_most_overdue_first() -> None:
    milestones = (
        Milestone(id=1, name="Design", deadline=date(2026, 11, 27)),
        Milestone(id=2, name="Build", deadline=date(2026, 10, 20)),
        Milestone(id=3, name="Kick-off", deadline=date(2026, 10, 1), is_reached=True),
        Milestone(id=4, name="Go-live", deadline=date(2026, 12, 4)),  # due today: not overdue
    )
    found = overdue_milestones(milestones, NOW)
    assert [(m.milestone.id, m.days_overdue) for m in found] == [(2, 45), (1, 7)]


def test_a_task_is_stalled_only_when_both_stage_and_write_are_old() -> None:
    old_stage = datetime(2026, 11, 4, 10, 0)  # 30 days before NOW
    tasks = (
        task(1, date_last_stage_update=old_stage, write_date=datetime(2026, 11, 9, 10, 0)),
        task(
            2, date_last_stage_update=old_stage, write_date=datetime(2026, 11, 29)
        ),  # hours logged
        task(3, date_last_stage_update=old_stage, write_date=old_stage, state="1_done"),
        task(4, create_date=old_stage, effective_hours=3),  # no stage move: create_date
        task(5, create_date=old_stage, date_last_stage_update=old_stage),  # untouched backlog
    )
    sig = compute_schedule(bundle(tasks=tasks), NOW, 21, None, None)
    assert [(s.task.id, s.idle_days) for s in sig.stalled_tasks] == [(4, 30), (1, 25)]
    assert idle_days(task(9), NOW) is None


def test_schedule_slip_is_elapsed_share_minus_percent_complete() -> None:
    sig = compute_schedule(bundle(), NOW, 21, elapsed_share=0.5, percent_complete=0.4)
    assert sig.schedule_slip is not None and abs(sig.schedule_slip - 0.1) < 1e-9
    assert compute_schedule(bundle(), NOW, 21, None, 0.4).schedule_slip is None
