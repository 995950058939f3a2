"""Timesheet lines: 6-8 hours per working day per employee over the last 10 weeks.

Each day an employee splits their hours over the tasks whose activity window covers
that day, falling back on the internal project. Lines are entered the same evening
(a few the next morning), except for the planted late employee; the planted missing
employees stop logging for the last 8 working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from demo_odoo.gen import texts
from demo_odoo.gen.core import Builder, fmt_dt, working_days
from demo_odoo.gen.people import Person
from demo_odoo.gen.projects import ProjectPlan, TaskPlan

WINDOW_DAYS = 70
HOURS = (6.0, 6.5, 7.0, 7.0, 7.5, 8.0)


def split(rng_hours: float, parts: int, rnd: float) -> list[float]:
    """Split hours into `parts` half-hour multiples, each at least 0.5."""
    if parts == 1:
        return [rng_hours]
    halves = int(rng_hours * 2)
    first = max(1, min(halves - (parts - 1), int(halves * (0.3 + 0.4 * rnd))))
    rest = split((halves - first) / 2, parts - 1, rnd)
    return [first / 2, *rest]


def build_timesheets(b: Builder, people: list[Person], plans: list[ProjectPlan]) -> None:
    rng, today = b.rng, b.today
    days = working_days(today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1))
    internal = plans[0]
    fallback: dict[str, list[TaskPlan]] = {
        "consultant": internal.tasks[0:2],
        "pm": [internal.tasks[2]],
        "support": [internal.tasks[3]],
    }
    plan_of = {p.id: p for p in plans}
    evening = {d: datetime.combine(d, time(16)) for d in days}
    date_str = {d: d.isoformat() for d in days}
    lines = b.data["account.analytic.line"]
    for person in people:
        cost = float(b.row("hr.employee", person.emp_id)["hourly_cost"])
        own = [t for t in person.tasks if t.kind != "internal"]
        for day in days:
            if person.on_leave(day) or (person.skip_from and day >= person.skip_from):
                continue
            if day < today - timedelta(days=16) and rng.random() < 0.02:
                continue  # an old forgotten day: realistic noise outside the window
            eligible = [t for t in own if t.start <= day <= t.end]
            if not eligible:
                eligible = [rng.choice(fallback[person.role])]
            count = rng.choice((2, 2, 3, 3))
            chosen = (
                rng.sample(eligible, count)
                if count <= len(eligible)
                else [rng.choice(eligible) for _ in range(count)]
            )
            amounts = split(rng.choice(HOURS), len(chosen), rng.random())
            for task, hours in zip(chosen, amounts, strict=True):
                created = evening[day] + timedelta(minutes=rng.randint(0, 170))
                if person.late and today - timedelta(days=16) <= day <= today - timedelta(days=7):
                    created = min(
                        created + timedelta(days=rng.randint(6, 8)),
                        datetime.combine(today - timedelta(days=1), time(18)),
                    )
                elif rng.random() < 0.08 and day < today - timedelta(days=1):
                    created += timedelta(hours=16)  # next morning
                stamp = fmt_dt(created)
                project = plan_of[int(task.row["project_id"])]
                lines.append(
                    {
                        "id": len(lines) + 1,
                        "date": date_str[day],
                        "name": f"{rng.choice(texts.WORK_VERBS)} {task.row['name'].lower()}",
                        "unit_amount": hours,
                        "amount": -hours * cost,
                        "employee_id": person.emp_id,
                        "user_id": person.user_id,
                        "project_id": project.id,
                        "task_id": task.row["id"],
                        "account_id": project.row["account_id"],
                        "company_id": 1,
                        "so_line": project.sale_line or False,
                        "partner_id": project.client or False,
                        "create_date": stamp,
                        "write_date": stamp,
                    }
                )
                task.spent += hours
                task.last_line = max(task.last_line, stamp)
                project.hours_by_day[day] = project.hours_by_day.get(day, 0.0) + hours


def last_working_days(today: date, count: int) -> list[date]:
    """The `count` working days before today, newest first."""
    out: list[date] = []
    day = today - timedelta(days=1)
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day -= timedelta(days=1)
    return out
