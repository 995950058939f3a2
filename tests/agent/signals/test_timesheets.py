from __future__ import annotations

from datetime import date, datetime

from signals_factories import NOW

from agent.signals.timesheets import compute_compliance, window_days
from agent.tools.records import Employee, Leave, TimesheetCompliance, TimesheetDay

MON_FRI = frozenset(range(5))


def test_window_is_the_last_working_days_before_today() -> None:
    days = window_days(date(2026, 11, 1), date(2026, 12, 31), date(2026, 12, 4), MON_FRI, 10)
    assert days[0] == date(2026, 11, 20) and days[-1] == date(2026, 12, 3)
    assert len(days) == 10 and all(d.weekday() < 5 for d in days)
    short = window_days(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 4), MON_FRI, 10)
    assert short == (date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3))


def test_missing_days_exclude_approved_leave_and_late_entries_add_up() -> None:
    ann, bob = Employee(id=1, name="Ann"), Employee(id=2, name="Bob")
    logged = [date(2026, 11, 20), *(date(2026, 11, d) for d in range(23, 28))]
    compliance = TimesheetCompliance(
        period_start=date(2026, 11, 16),
        period_end=date(2026, 12, 4),
        employees=(ann, bob),
        days=(
            *(
                TimesheetDay(
                    employee_id=1, day=d, hours=8, entries=1, late_entries=1 if i < 4 else 0
                )
                for i, d in enumerate(logged)
            ),
            TimesheetDay(employee_id=2, day=date(2026, 11, 24), hours=0, entries=1),
        ),
        leaves=(
            Leave(
                id=5,
                employee_id=1,
                state="validate",
                date_from=datetime(2026, 11, 30, 7),
                date_to=datetime(2026, 12, 1, 17),
            ),
            Leave(
                id=6,
                employee_id=2,
                state="confirm",
                date_from=datetime(2026, 11, 30, 7),
                date_to=datetime(2026, 12, 1, 17),
            ),
        ),
        data_as_of=NOW,
    )
    ann_c, bob_c = compute_compliance(compliance, NOW, MON_FRI, 10)
    assert len(ann_c.expected_days) == 8  # 10 working days minus 2 on leave
    assert ann_c.missing_days == (date(2026, 12, 2), date(2026, 12, 3))
    assert ann_c.late_entries == 4
    assert [leave.id for leave in ann_c.leaves] == [5]
    assert len(bob_c.missing_days) == 10  # zero-hour day counts as missing; leave not approved
