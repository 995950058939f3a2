"""Derive budgets, dates, deadlines, milestones, updates and sales from logged hours.

Healthy projects are sized so every default policy ladder stays clearly green
(forecast overrun <= -10 %, SPI >= 1, burn rate <= 0.65 x plan, no overdue work,
uninvoiced < 3,500); the planted projects are sized to cross theirs.
"""

from __future__ import annotations

from datetime import date, timedelta

from demo_odoo.gen.core import Builder
from demo_odoo.gen.projects import ProjectPlan, TaskPlan


def r2(x: float) -> float:
    """Round to the half hour."""
    return round(x * 2) / 2


def stage_dates(b: Builder, plan: ProjectPlan) -> None:
    t, rng = b.today, b.rng
    for task in plan.tasks:
        row = task.row
        if task.status in ("done", "cancel"):
            stamp = b.at(task.end, 15 + rng.random() * 2)
            if task.status == "done":
                row["date_end"] = stamp
        elif task.status == "new":
            stamp = row["create_date"]
        elif task.kind == "stalled":
            stamp = b.at(task.start, 10)
        else:
            stamp = b.at(max(task.start, t - timedelta(days=rng.randint(2, 14))), 10)
        row["date_last_stage_update"] = stamp
        row["write_date"] = max(row["create_date"], stamp, task.last_line)


def allocate(b: Builder, plan: ProjectPlan) -> None:
    rng = b.rng
    live = [t for t in plan.tasks if t.status != "cancel"]
    for task in plan.tasks:
        if task.status in ("new", "cancel"):
            task.row["allocated_hours"] = (
                6.0 if task.kind == "unassigned" else r2(rng.uniform(4, 10))
            )
    if plan.role == "internal":
        for task in plan.tasks:
            task.row["allocated_hours"] = float(round(task.spent * 1.5 + 100))
        return
    if plan.role == "overrun":
        # Spent = 1.2 x the task budget, with half of the budget in done tasks.
        ac = sum(t.spent for t in plan.tasks)
        target = ac / 1.2
        done = [t for t in live if t.status == "done"]
        open_ = [t for t in live if t.status in ("progress", "review")]
        new_hours = sum(t.row["allocated_hours"] for t in live if t.status == "new")
        d = sum(t.spent for t in done) or 1.0
        o = sum(t.spent for t in open_) or 1.0
        for t in done:
            t.row["allocated_hours"] = max(0.5, r2(t.spent * 0.5 * target / d))
        for t in open_:
            t.row["allocated_hours"] = max(0.5, r2(t.spent * (0.5 * target - new_hours) / o))
        return
    for task in live:
        if task.status == "done":
            task.row["allocated_hours"] = (
                r2(task.spent / rng.uniform(0.82, 0.97)) if task.spent else r2(rng.uniform(8, 20))
            )
        elif task.kind == "stalled":
            task.row["allocated_hours"] = r2(task.spent / 0.5 + 4)
        elif task.status in ("progress", "review"):
            task.row["allocated_hours"] = r2(
                max(task.spent / rng.uniform(0.3, 0.6), task.spent + 4)
            )


def recent_weekly_rate(plan: ProjectPlan, today: date) -> float:
    """Mean hours per week over the 3 complete weeks before this week."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=3)
    return sum(h for d, h in plan.hours_by_day.items() if first <= d < monday) / 3


def size_project(b: Builder, plan: ProjectPlan) -> tuple[float, float, float]:
    """Set budget and end date; return (actual hours, percent complete, budget)."""
    rng, t = b.rng, b.today
    live = [x for x in plan.tasks if x.status != "cancel"]
    total = sum(x.row["allocated_hours"] for x in live)
    pc = sum(x.row["allocated_hours"] for x in live if x.status == "done") / total
    ac = sum(x.spent for x in plan.tasks)
    if plan.role == "internal":
        plan.row["allocated_hours"] = float(round(total * 1.2))
        return ac, pc, plan.row["allocated_hours"]
    elapsed = (t - plan.start).days
    share = {"slip": 0.85, "uninvoiced": 1.0, "overrun": pc * 0.85}.get(
        plan.role, pc * rng.uniform(0.8, 0.92)
    )
    duration = elapsed if plan.role == "uninvoiced" else round(elapsed / share)
    end = plan.start + timedelta(days=duration - (34 if plan.role == "uninvoiced" else 0))
    plan.row["date"] = end.isoformat()
    if plan.role == "overrun":
        bac = total
    else:
        weeks = max((end - plan.start).days, 7) / 7
        bac = max(
            total * rng.uniform(1.02, 1.08),
            ac / (0.9 * pc) if pc else total,
            recent_weekly_rate(plan, t) * weeks * 1.6,
        )
    plan.row["allocated_hours"] = float(round(bac))
    return ac, pc, plan.row["allocated_hours"]


def adjust_for_leaves(b: Builder, task: TaskPlan, deadline: date) -> date:
    """Move a deadline past any approved leave within the 10 days before it."""
    for _ in range(20):
        clash = [
            end
            for p in task.assignees
            for start, end in p.leaves
            if start <= deadline and end >= deadline - timedelta(days=10)
        ]
        if not clash:
            return deadline
        deadline = max(clash) + timedelta(days=11 + b.rng.randint(0, 3))
    return deadline


def set_deadlines(b: Builder, plan: ProjectPlan) -> None:
    t, rng = b.today, b.rng
    end = date.fromisoformat(plan.row["date"]) if plan.row["date"] else None
    horizon = max(10, (end - t).days if end else 45)
    for task in plan.tasks:
        if task.kind == "internal" or task.status == "cancel":
            continue
        if task.status == "done":
            day = task.end + timedelta(days=rng.randint(0, 4))
        elif task.kind == "overdue":
            day = t - timedelta(days=rng.randint(3, 20))
        elif task.kind == "leave":
            day = t + timedelta(days=6)
        elif task.kind == "unassigned":
            day = t + timedelta(days=2)
        elif task.kind == "pm" and end:
            day = adjust_for_leaves(b, task, max(end, t + timedelta(days=10)))
        else:
            low = 20 if task.status == "new" else 8
            day = adjust_for_leaves(
                b, task, t + timedelta(days=rng.randint(low, max(low + 2, min(60, horizon))))
            )
        task.row["date_deadline"] = b.at(day, 16)


def milestones(b: Builder, plan: ProjectPlan) -> int | None:
    """Milestones; returns the overdue milestone of a slipping project."""
    if plan.role == "internal":
        return None
    t, rng = b.today, b.rng
    end = date.fromisoformat(plan.row["date"])

    def add(name: str, deadline: date, reached: date | None) -> int:
        return b.add(
            "project.milestone",
            {
                "name": name,
                "project_id": plan.id,
                "deadline": deadline.isoformat(),
                "is_reached": reached is not None,
                "reached_date": reached.isoformat() if reached else False,
                "sale_line_id": False,
                "create_date": b.at(plan.start, 11),
            },
        )

    design_day = plan.start + timedelta(days=rng.randint(18, 25))
    design = add("Design signed off", design_day, design_day - timedelta(days=rng.randint(0, 3)))
    overdue = None
    if plan.role == "slip":
        overdue = add("Data migration complete", t - timedelta(days=15), None)
    if plan.role == "uninvoiced":
        golive = add("Go-live", end, end - timedelta(days=1))
    else:
        golive = add("Go-live", max(end, t + timedelta(days=10)), None)
    for task in plan.tasks:
        if task.kind == "overdue" and overdue:
            task.row["milestone_id"] = overdue
        elif task.kind != "pm" and task.status != "cancel":
            task.row["milestone_id"] = design if task.status == "done" else golive
    return overdue


STATUS = {
    "healthy": ("on_track", "on_track"),
    "overrun": ("on_track", "on_track"),
    "slip": ("on_track", "at_risk"),
    "stalled": ("on_track", "at_risk"),
    "uninvoiced": ("on_track", "done"),
}


def updates(b: Builder, plan: ProjectPlan, pc: float) -> None:
    if plan.role == "internal" or plan.pm is None:
        return
    t = b.today
    claimed = max(round(pc * 100), 70) if plan.role == "overrun" else round(pc * 100)
    texts = {
        "on_track": "Work is progressing as planned; no blocking issues.",
        "at_risk": "Some deliverables are late; recovery plan under discussion.",
        "done": "All deliverables accepted by the client.",
    }
    last = 0
    for status, days in zip(STATUS[plan.role], (17, b.rng.randint(2, 6)), strict=True):
        day = t - timedelta(days=days)
        last = b.add(
            "project.update",
            {
                "name": "Weekly review",
                "project_id": plan.id,
                "status": status,
                "progress": claimed if status != "done" else 100,
                "date": day.isoformat(),
                "description": f"<p>{texts[status]}</p>",
                "user_id": plan.pm.user_id,
                "create_date": b.at(day, 15),
                "write_date": b.at(day, 15),
            },
        )
    plan.row["last_update_id"] = last
    plan.row["last_update_status"] = b.row("project.update", last)["status"]
    plan.row["write_date"] = b.row("project.update", last)["create_date"]


def sale(b: Builder, plan: ProjectPlan, ac: float, bac: float) -> float:
    """Fill the sale line from delivered hours; returns the uninvoiced amount."""
    if plan.sale_line is None:
        return 0.0
    line = b.row("sale.order.line", plan.sale_line)
    price = float(b.rng.choice((120, 135, 150, 165)))
    qty, delivered = bac, round(ac, 2)
    if plan.role == "overrun":
        line.update(
            product_id=2,
            qty_delivered_method="milestones",
            name=f"Fixed price - {plan.row['name']}",
        )
        price, qty, delivered, invoiced = float(round(bac * 140)), 1.0, 0.5, 0.5
    elif plan.role == "uninvoiced":
        invoiced = round(ac * 0.3, 2)
        price = max(price, float(-(-25000 // (0.7 * ac))))
    else:
        recent = sum(h for d, h in plan.hours_by_day.items() if d >= b.today - timedelta(days=10))
        invoiced = round(delivered - min(recent, 3500 / price), 2)
    to_invoice = round(delivered - invoiced, 2)
    status = "to invoice" if to_invoice > 0 else ("invoiced" if invoiced > 0 else "no")
    last = max([d for d, h in plan.hours_by_day.items() if h], default=plan.start)
    line.update(
        product_uom_qty=qty,
        qty_delivered=delivered,
        qty_invoiced=invoiced,
        qty_to_invoice=to_invoice,
        price_unit=price,
        price_subtotal=round(qty * price, 2),
        untaxed_amount_to_invoice=round(to_invoice * price, 2),
        untaxed_amount_invoiced=round(invoiced * price, 2),
        invoice_status=status,
        write_date=b.at(last, 19),
    )
    order = b.row("sale.order", line["order_id"])
    order.update(
        amount_untaxed=line["price_subtotal"],
        amount_total=round(line["price_subtotal"] * 1.21, 2),
        invoice_status=status,
    )
    return to_invoice * price


def finalize(b: Builder, plan: ProjectPlan) -> dict[str, float]:
    """Fill every derived value of one project; returns its key figures for labels."""
    stage_dates(b, plan)
    allocate(b, plan)
    ac, pc, bac = size_project(b, plan)
    set_deadlines(b, plan)
    overdue = milestones(b, plan)
    updates(b, plan, pc)
    uninvoiced = sale(b, plan, ac, bac)
    return {
        "ac": ac,
        "pc": pc,
        "bac": bac,
        "uninvoiced": uninvoiced,
        "overdue_milestone": float(overdue or 0),
    }
