from __future__ import annotations

from datetime import datetime

from signals_factories import NOW, bundle, task

from agent.signals.staffing import compute_staffing
from agent.tools.records import Employee, Leave


def _leave(
    id: int, employee_id: int, start: datetime, end: datetime, state: str = "validate"
) -> Leave:
    return Leave(id=id, employee_id=employee_id, date_from=start, date_to=end, state=state)


def test_approved_leave_in_the_window_before_a_deadline_is_a_conflict() -> None:
    b = bundle(
        tasks=(
            task(1, user_ids=(11,), date_deadline=datetime(2026, 12, 12)),
            task(2, user_ids=(11,), date_deadline=datetime(2026, 12, 30)),  # window 20..30 Dec
            task(3, user_ids=(12,), date_deadline=datetime(2026, 12, 12)),  # leave refused
            task(4, user_ids=(11,), date_deadline=datetime(2026, 12, 12), state="1_done"),
        ),
        employees=(
            Employee(id=21, name="Ann", user_id=11),
            Employee(id=22, name="Bob", user_id=12),
        ),
        leaves=(
            _leave(31, 21, datetime(2026, 12, 8), datetime(2026, 12, 10, 18)),
            _leave(32, 22, datetime(2026, 12, 8), datetime(2026, 12, 10, 18), state="refuse"),
            _leave(33, 21, datetime(2026, 11, 1), datetime(2026, 11, 5)),  # already over
        ),
    )
    sig = compute_staffing(b, NOW, unassigned_window_days=5, leave_window_days=10)
    assert [(c.task.id, c.employee.id, c.leave.id) for c in sig.leave_conflicts] == [(1, 21, 31)]


def test_leave_covering_the_deadline_itself_is_a_conflict_with_a_zero_window() -> None:
    b = bundle(
        tasks=(task(1, user_ids=(11,), date_deadline=datetime(2026, 12, 9, 12)),),
        employees=(Employee(id=21, user_id=11),),
        leaves=(_leave(31, 21, datetime(2026, 12, 8), datetime(2026, 12, 10)),),
    )
    assert len(compute_staffing(b, NOW, 5, 0).leave_conflicts) == 1


def test_unassigned_open_tasks_due_within_the_window_are_listed() -> None:
    b = bundle(
        tasks=(
            task(1, date_deadline=datetime(2026, 12, 7)),
            task(2, date_deadline=datetime(2026, 12, 20)),
            task(3, user_ids=(11,), date_deadline=datetime(2026, 12, 7)),
            task(4, date_deadline=datetime(2026, 12, 1)),  # already overdue: a schedule matter
        )
    )
    assert [t.id for t in compute_staffing(b, NOW, 5, 10).unassigned_due] == [1]
