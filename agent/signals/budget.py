"""Budget signals: hours consumed against the budget, earned value and burn rate.

Everything is hours based: the budget at completion (BAC) is the project's allocated
hours, not money, because that is what Odoo holds for every project (a sale order may
not exist). Formulas (every division is guarded and yields None when undefined):

- consumed ratio = AC / BAC, AC = timesheet hours logged on the project
  (sum of `hours_by_task`, which includes lines without a task; else the tasks'
  `effective_hours`).
- percent complete = allocated hours of done tasks / allocated hours of all
  non-canceled tasks (by task count when no task has allocated hours).
- elapsed share = days since `date_start` / days from `date_start` to `date_end`,
  clamped to [0, 1].
- EV = BAC x percent complete; PV = BAC x elapsed share; CPI = EV / AC; SPI = EV / PV;
  EAC = BAC / CPI; overrun ratio = EAC / BAC - 1.
- burn rate = mean weekly hours over the last N complete weeks before the current week
  (weeks without hours count as 0); planned rate = BAC / planned weeks
  (planned weeks = project days / 7); burn rate ratio = burn rate / planned rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agent.signals.common import is_canceled, is_done, naive_utc, ratio
from agent.tools.records import ProjectBundle


@dataclass(frozen=True)
class BudgetSignals:
    bac_hours: float
    actual_hours: float
    consumed_ratio: float | None
    percent_complete: float | None
    elapsed_share: float | None
    ev_hours: float | None
    pv_hours: float | None
    cpi: float | None
    spi: float | None
    eac_hours: float | None
    overrun_ratio: float | None
    burn_rate_hours_per_week: float | None
    planned_rate_hours_per_week: float | None
    burn_rate_ratio: float | None


def actual_hours(bundle: ProjectBundle) -> float:
    """AC: hours logged on the project (unit: h)."""
    if bundle.hours_by_task:
        return sum(t.hours for t in bundle.hours_by_task)
    return sum(t.effective_hours for t in bundle.tasks)


def percent_complete(bundle: ProjectBundle) -> float | None:
    """Allocated hours of done tasks / allocated hours of non-canceled tasks (ratio 0..1)."""
    tasks = [t for t in bundle.tasks if not is_canceled(t)]
    if not tasks:
        return None
    total = sum(t.allocated_hours for t in tasks)
    if total > 0:
        return sum(t.allocated_hours for t in tasks if is_done(t)) / total
    return sum(1 for t in tasks if is_done(t)) / len(tasks)


def elapsed_share(start: date | None, end: date | None, today: date) -> float | None:
    """Share of the planned duration elapsed at `today` (ratio clamped to 0..1)."""
    if start is None or end is None:
        return None
    share = ratio((today - start).days, (end - start).days)
    if share is None:
        return None
    return min(max(share, 0.0), 1.0)


def burn_rate(bundle: ProjectBundle, now: datetime, weeks: int) -> float | None:
    """Mean hours per week over the `weeks` complete weeks before `now`'s week (h/week)."""
    if not bundle.hours_by_week:
        return None
    today = naive_utc(now).date()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks)
    hours = sum(
        w.hours
        for w in bundle.hours_by_week
        if w.period_start is not None and first <= w.period_start < this_monday
    )
    return hours / weeks


def compute_budget(bundle: ProjectBundle, now: datetime, burn_weeks: int = 3) -> BudgetSignals:
    project = bundle.project
    bac = project.allocated_hours
    ac = actual_hours(bundle)
    pc = percent_complete(bundle)
    share = elapsed_share(project.date_start, project.date_end, naive_utc(now).date())
    ev = bac * pc if pc is not None and bac > 0 else None
    pv = bac * share if share is not None and bac > 0 else None
    cpi = ratio(ev, ac) if ev is not None else None
    spi = ratio(ev, pv) if ev is not None and pv is not None else None
    eac = ratio(bac, cpi) if cpi is not None else None
    overrun = eac / bac - 1 if eac is not None and bac > 0 else None
    rate = burn_rate(bundle, now, burn_weeks)
    planned_rate: float | None = None
    if project.date_start and project.date_end and bac > 0:
        planned_weeks = (project.date_end - project.date_start).days / 7
        planned_rate = ratio(bac, planned_weeks)
    rate_ratio = ratio(rate, planned_rate) if rate is not None and planned_rate else None
    return BudgetSignals(
        bac_hours=bac,
        actual_hours=ac,
        consumed_ratio=ratio(ac, bac),
        percent_complete=pc,
        elapsed_share=share,
        ev_hours=ev,
        pv_hours=pv,
        cpi=cpi,
        spi=spi,
        eac_hours=eac,
        overrun_ratio=overrun,
        burn_rate_hours_per_week=rate,
        planned_rate_hours_per_week=planned_rate,
        burn_rate_ratio=rate_ratio,
    )
