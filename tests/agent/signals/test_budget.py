from __future__ import annotations

from datetime import date

import pytest
from signals_factories import NOW, bundle, project, task

from agent.signals.budget import compute_budget, elapsed_share, percent_complete
from agent.tools.records import ProjectBundle, TimesheetTotal


def _evm_bundle() -> ProjectBundle:
    return bundle(
        tasks=(
            task(1, state="1_done", allocated_hours=40),
            task(2, allocated_hours=60),
            task(3, state="1_canceled", allocated_hours=50),
        ),
        hours_by_task=(
            TimesheetTotal(task_id=1, hours=50),
            TimesheetTotal(task_id=2, hours=30),
            TimesheetTotal(task_id=None, hours=10),
        ),
        hours_by_week=(
            TimesheetTotal(period_start=date(2026, 11, 2), hours=100),  # older than 3 weeks
            TimesheetTotal(period_start=date(2026, 11, 9), hours=10),
            TimesheetTotal(period_start=date(2026, 11, 16), hours=20),
            TimesheetTotal(period_start=date(2026, 11, 23), hours=30),
            TimesheetTotal(period_start=date(2026, 11, 30), hours=99),  # current week
        ),
    )


def test_earned_value_figures_follow_the_hours_based_formulas() -> None:
    sig = compute_budget(_evm_bundle(), NOW)
    # BAC 100 h; AC = 50 + 30 + 10 (lines without task count) = 90 h
    assert sig.actual_hours == 90
    assert sig.consumed_ratio == pytest.approx(0.9)
    # done 40 h of 100 h allocated on non-canceled tasks
    assert sig.percent_complete == pytest.approx(0.4)
    assert sig.elapsed_share == pytest.approx(0.5)  # 30 of 60 days
    assert sig.ev_hours == pytest.approx(40)
    assert sig.pv_hours == pytest.approx(50)
    assert sig.cpi == pytest.approx(40 / 90)
    assert sig.spi == pytest.approx(0.8)
    assert sig.eac_hours == pytest.approx(225)
    assert sig.overrun_ratio == pytest.approx(1.25)


def test_burn_rate_averages_the_three_complete_weeks_before_this_one() -> None:
    sig = compute_budget(_evm_bundle(), NOW)
    assert sig.burn_rate_hours_per_week == pytest.approx(20)  # (10 + 20 + 30) / 3
    assert sig.planned_rate_hours_per_week == pytest.approx(100 / (60 / 7))
    assert sig.burn_rate_ratio == pytest.approx(20 / (100 / (60 / 7)))


def test_zero_budget_and_zero_hours_give_none_instead_of_dividing_by_zero() -> None:
    sig = compute_budget(bundle(project=project(allocated_hours=0), tasks=(task(1),)), NOW)
    assert sig.consumed_ratio is None
    assert sig.ev_hours is None and sig.cpi is None and sig.eac_hours is None
    assert sig.overrun_ratio is None and sig.planned_rate_hours_per_week is None
    no_hours = compute_budget(bundle(tasks=(task(1, state="1_done", allocated_hours=10),)), NOW)
    assert no_hours.actual_hours == 0
    assert no_hours.cpi is None and no_hours.eac_hours is None
    assert no_hours.spi == pytest.approx(100 / 50)


def test_actual_hours_fall_back_to_task_effective_hours_without_timesheet_totals() -> None:
    sig = compute_budget(
        bundle(tasks=(task(1, effective_hours=12.5), task(2, effective_hours=7.5))), NOW
    )
    assert sig.actual_hours == 20


def test_percent_complete_counts_tasks_when_none_has_allocated_hours() -> None:
    b = bundle(tasks=(task(1, state="1_done"), task(2), task(3), task(4, state="1_done")))
    assert percent_complete(b) == pytest.approx(0.5)
    assert percent_complete(bundle()) is None


def test_elapsed_share_is_clamped_and_needs_both_dates() -> None:
    assert elapsed_share(date(2026, 1, 1), date(2026, 1, 11), date(2025, 12, 1)) == 0
    assert elapsed_share(date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 1)) == 1
    assert elapsed_share(date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 3)) == pytest.approx(
        0.2
    )
    assert elapsed_share(None, date(2026, 1, 11), date(2026, 1, 3)) is None
    assert elapsed_share(date(2026, 1, 11), date(2026, 1, 11), date(2026, 1, 3)) is None
