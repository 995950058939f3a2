"""Metrics -> findings: severities from the policy ladders, cited records, formatted texts."""

from __future__ import annotations

from datetime import date

from signals_factories import BASE, project

from agent.policy import Policy
from agent.schemas import EvidenceRef, ReviewerRole, RiskCategory, Severity
from agent.signals import keys as K
from agent.signals.billing import BillingSignals, Overdelivery
from agent.signals.budget import BudgetSignals
from agent.signals.classify import (
    Context,
    classify_billing,
    classify_budget,
    classify_compliance,
    classify_schedule,
)
from agent.signals.evidence import ref
from agent.signals.schedule import OverdueMilestone, ScheduleSignals, StalledTask
from agent.signals.timesheets import EmployeeCompliance
from agent.tools.records import Employee, Milestone, SaleLine, Task


def _ctx(policy: Policy) -> Context:
    return Context(policy, ref(project(), BASE), BASE)


def _budget(**kw: float | None) -> BudgetSignals:
    values: dict[str, float | None] = dict(
        bac_hours=100,
        actual_hours=90,
        consumed_ratio=0.9,
        percent_complete=0.4,
        elapsed_share=0.5,
        ev_hours=40,
        pv_hours=50,
        cpi=0.4444,
        spi=0.8,
        eac_hours=225,
        overrun_ratio=1.25,
        burn_rate_hours_per_week=None,
        planned_rate_hours_per_week=None,
        burn_rate_ratio=None,
    )
    return BudgetSignals(**(values | kw))  # type: ignore[arg-type]


def test_overrun_ratio_maps_to_the_policy_ladder(policy: Policy) -> None:
    for overrun, expected in [(0.05, None), (0.10, "medium"), (0.3, "high"), (1.25, "critical")]:
        found = classify_budget(_budget(overrun_ratio=overrun, consumed_ratio=0.5), _ctx(policy))
        assert [f.severity.value for f in found] == ([expected] if expected else [])


def test_overrun_finding_text_and_metrics_use_the_shared_formats(policy: Policy) -> None:
    (finding,) = classify_budget(_budget(), _ctx(policy))
    assert finding.category == RiskCategory.BUDGET
    assert finding.reviewer_role == ReviewerRole.DELIVERY_LEAD  # critical anything
    assert "CPI 0.44" in finding.explanation and "225 h" in finding.explanation
    assert "125 %" in finding.explanation and "100 h" in finding.explanation
    assert finding.metrics[K.BUDGET_OVERRUN_RATIO] == 1.25
    assert finding.evidence[0].url == f"{BASE}/odoo/project.project/1"


def test_consumed_budget_with_little_progress_is_high(policy: Policy) -> None:
    sig = _budget(
        consumed_ratio=1.05,
        actual_hours=105,
        percent_complete=0.6,
        overrun_ratio=None,
        cpi=None,
        eac_hours=None,
    )
    (finding,) = classify_budget(sig, _ctx(policy))
    assert finding.severity == Severity.HIGH
    assert "105 h logged against a budget of 100 h (105 % consumed)" in finding.explanation
    assert "only 60 % of the planned work is done" in finding.explanation
    done_enough = classify_budget(
        sig.__class__(**{**sig.__dict__, "percent_complete": 0.7}), _ctx(policy)
    )
    assert done_enough == []


def test_spi_below_threshold_is_a_schedule_finding(policy: Policy) -> None:
    sched = ScheduleSignals(
        schedule_slip=0.1, overdue_tasks=(), overdue_milestones=(), stalled_tasks=()
    )
    (finding,) = classify_schedule(sched, _budget(spi=0.8), _ctx(policy))
    assert (finding.category, finding.severity) == (RiskCategory.SCHEDULE, Severity.MEDIUM)
    assert finding.metrics[K.BUDGET_SPI] == 0.8
    assert (
        "40 % of the work is done while 50 % of the planned time has elapsed" in finding.explanation
    )


def test_overdue_milestone_severity_follows_days_and_cites_each_milestone(policy: Policy) -> None:
    ms = (
        OverdueMilestone(Milestone(id=2, name="Build", deadline=date(2026, 11, 27)), 7),
        OverdueMilestone(Milestone(id=3, name="Test", deadline=date(2026, 12, 3)), 1),
    )
    sched = ScheduleSignals(None, (), ms, ())
    (finding,) = classify_schedule(sched, _budget(spi=None), _ctx(policy))
    assert finding.severity == Severity.HIGH
    assert [e.id for e in finding.evidence if e.model == "project.milestone"] == [2, 3]
    assert finding.metrics == {
        K.SCHEDULE_OVERDUE_MILESTONES: 2,
        K.SCHEDULE_MILESTONE_OVERDUE_DAYS: 7,
    }
    assert '"Build" is 7 days late (deadline 2026-11-27)' in finding.explanation


def test_stalled_tasks_need_three_for_medium(policy: Policy) -> None:
    stalled = tuple(StalledTask(Task(id=i, name=f"T{i}"), 30 - i) for i in range(1, 4))
    sched = ScheduleSignals(None, (), (), stalled[:2])
    assert classify_schedule(sched, _budget(spi=None), _ctx(policy)) == []
    (finding,) = classify_schedule(
        ScheduleSignals(None, (), (), stalled), _budget(spi=None), _ctx(policy)
    )
    assert finding.severity == Severity.MEDIUM
    assert finding.metrics[K.SCHEDULE_STALLED_TASKS] == 3
    assert "21 days" in finding.explanation


def _billing(amount: float, age: int | None, over: float = 0.0) -> BillingSignals:
    line = SaleLine(id=4, name="Consulting", product_uom_qty=80, qty_delivered=100)
    return BillingSignals(
        uninvoiced_amount=amount,
        uninvoiced_lines=(line,),
        uninvoiced_age_days=age,
        currency="EUR",
        overdeliveries=(Overdelivery(line, over, 20),) if over else (),
        late_added_share=None,
        late_added_tasks=(),
    )


def test_uninvoiced_amount_needs_the_minimum_age_and_goes_to_finance(policy: Policy) -> None:
    assert classify_billing(_billing(25000, 10), _ctx(policy)) == []
    (finding,) = classify_billing(_billing(25000, 45), _ctx(policy))
    assert (finding.severity, finding.reviewer_role) == (Severity.HIGH, ReviewerRole.FINANCE)
    assert "25,000.00 EUR delivered but not invoiced on 1 sale line" in finding.explanation
    assert (
        EvidenceRef(
            model="sale.order.line",
            id=4,
            display_name="Consulting",
            url=f"{BASE}/odoo/sale.order.line/4",
        )
        in finding.evidence
    )
    (unknown_age,) = classify_billing(_billing(6000, None), _ctx(policy))
    assert unknown_age.severity == Severity.MEDIUM and unknown_age.confidence < finding.confidence


def test_delivered_beyond_sold_is_a_scope_finding(policy: Policy) -> None:
    (finding,) = classify_billing(_billing(0, None, over=0.25), _ctx(policy))
    assert (finding.category, finding.severity) == (RiskCategory.SCOPE, Severity.HIGH)
    assert "delivered 100 h of 80 h sold (25 % over)" in finding.explanation


def test_compliance_finding_takes_the_worse_of_missing_days_and_late_lines(policy: Policy) -> None:
    emp = Employee(id=9, name="Ann")
    days = tuple(date(2026, 11, d) for d in (23, 24, 25, 26, 27, 30))
    comp = EmployeeCompliance(emp, days, days[:3], late_entries=10, leave_days=(), leaves=())
    ctx = Context(policy, ref(emp, BASE), BASE)
    (finding,) = classify_compliance(comp, ctx)
    assert finding.severity == Severity.HIGH  # missing 3 -> medium, late 10 -> high
    assert finding.metrics == {
        K.TIMESHEETS_MISSING_DAYS: 3,
        K.TIMESHEETS_EXPECTED_DAYS: 6,
        K.TIMESHEETS_LATE_ENTRIES: 10,
    }
    assert (
        "Ann logged no hours on 3 working days of the last 6 expected days" in finding.explanation
    )
    assert finding.subject is not None and finding.subject.model == "hr.employee"
    ok = EmployeeCompliance(emp, days, days[:2], late_entries=3, leave_days=(), leaves=())
    assert classify_compliance(ok, ctx) == []
