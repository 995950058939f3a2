"""Projects and tasks of one firm copy: who works on what, and when.

Planning fixes each task's status and activity window; hours come later from the
timesheet pass, and budgets, dates and deadlines are derived from those hours in
`demo_odoo.gen.finalize`, so every project's numbers are consistent by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from demo_odoo.gen import texts
from demo_odoo.gen.core import Builder, Row
from demo_odoo.gen.people import Person, add_leave

STAGE = {"new": 1, "progress": 2, "review": 3, "done": 4, "cancel": 5}
ROLES = ("overrun", "slip", "stalled", "uninvoiced")


@dataclass
class TaskPlan:
    row: Row
    status: str  # done / progress / review / new / cancel
    start: date  # activity window (timesheets), inclusive
    end: date
    assignees: list[Person]
    kind: str = ""  # pm / overdue / stalled / leave / unassigned / internal
    spent: float = 0.0
    last_line: str = ""  # newest create_date of its timesheet lines


@dataclass
class ProjectPlan:
    role: str  # internal / healthy / overrun / slip / stalled / uninvoiced
    row: Row
    start: date
    pm: Person | None
    client: int | None
    contacts: list[int]
    team: list[Person] = field(default_factory=list)
    tasks: list[TaskPlan] = field(default_factory=list)
    sale_line: int | None = None
    hours_by_day: dict[date, float] = field(default_factory=dict)
    leave_person: Person | None = None
    leave_id: int = 0

    @property
    def id(self) -> int:
        return int(self.row["id"])


def add_task(
    b: Builder,
    plan: ProjectPlan,
    name: str,
    status: str,
    start: date,
    end: date,
    assignees: list[Person],
    created: date,
    kind: str = "",
) -> TaskPlan:
    state = {
        "done": "1_done",
        "cancel": "1_canceled",
        "review": b.rng.choice(("02_changes_requested", "03_approved")),
    }.get(status, "01_in_progress")
    row: Row = {
        "name": name,
        "project_id": plan.id,
        "stage_id": STAGE[status],
        "state": state,
        "user_ids": [p.user_id for p in assignees],
        "date_deadline": False,
        "allocated_hours": 0.0,
        "milestone_id": False,
        "date_last_stage_update": False,
        "create_date": b.at(created, 9 + b.rng.random() * 2),
        "write_date": False,
        "description": f"<p>{name} for {plan.row['name']}.</p><ul><li>Agree scope with the "
        f"key users</li><li>Deliver and review</li></ul>",
        "priority": "1" if b.rng.random() < 0.15 else "0",
        "sale_line_id": plan.sale_line or False,
        "partner_id": plan.client or False,
        "company_id": 1,
        "active": True,
        "parent_id": False,
        "tag_ids": [],
        "date_end": False,
        "date_assign": b.at(created, 11) if assignees else False,
        "sequence": len(plan.tasks) + 1,
    }
    b.add("project.task", row)
    task = TaskPlan(row, status, start, end, list(assignees), kind)
    for person in assignees:
        person.tasks.append(task)
    plan.tasks.append(task)
    return task


def new_project(
    b: Builder, role: str, pm: Person | None, client: tuple[int, list[int]] | None, start: date
) -> ProjectPlan:
    client_name = b.row("res.partner", client[0])["name"] if client else "Northwind"
    kind = b.rng.choice(texts.PROJECT_KINDS) if client else "Internal: training & pre-sales"
    name = f"{client_name} - {kind}"
    account = b.add(
        "account.analytic.account",
        {
            "name": name,
            "code": False,
            "active": True,
            "partner_id": client[0] if client else False,
            "company_id": 1,
        },
    )
    tags = [2 if b.rng.random() < 0.6 else 1] if client else [4]
    if client and b.rng.random() < 0.3:
        tags.append(3)
    row: Row = {
        "name": name,
        "partner_id": client[0] if client else False,
        "user_id": pm.user_id if pm else 2,
        "date_start": start.isoformat() if client else False,
        "date": False,
        "allocated_hours": 0.0,
        "last_update_status": "to_define",
        "last_update_id": False,
        "allow_billable": bool(client),
        "allow_timesheets": True,
        "allow_milestones": bool(client),
        "tag_ids": tags,
        "active": True,
        "description": f"<p>{kind} for {client_name}.</p>",
        "company_id": 1,
        "account_id": account,
        "sale_line_id": False,
        "privacy_visibility": "portal",
        "create_date": b.at(start - timedelta(days=7), 10),
        "write_date": False,
    }
    b.add("project.project", row)
    plan = ProjectPlan(
        role, row, start, pm, client[0] if client else None, client[1] if client else []
    )
    if client and pm:
        plan.sale_line = add_sale(b, plan, client[0], pm)
        row["sale_line_id"] = plan.sale_line
    return plan


def add_sale(b: Builder, plan: ProjectPlan, partner: int, pm: Person) -> int:
    """A confirmed sale order with one service line; quantities are set in finalize."""
    order_day = plan.start - timedelta(days=b.rng.randint(7, 20))
    order = b.add(
        "sale.order",
        {
            "name": f"S{len(b.data['sale.order']) + 1:05d}",
            "partner_id": partner,
            "partner_invoice_id": partner,
            "partner_shipping_id": partner,
            "state": "sale",
            "date_order": b.at(order_day, 14),
            "user_id": pm.user_id,
            "project_id": plan.id,
            "invoice_status": "no",
            "amount_untaxed": 0.0,
            "amount_total": 0.0,
            "company_id": 1,
            "currency_id": 1,
            "create_date": b.at(order_day, 13),
        },
    )
    return b.add(
        "sale.order.line",
        {
            "order_id": order,
            "name": f"Consulting hours - {plan.row['name']}",
            "product_id": 1,
            "product_uom_qty": 0.0,
            "qty_delivered": 0.0,
            "qty_delivered_method": "timesheet",
            "qty_invoiced": 0.0,
            "qty_to_invoice": 0.0,
            "price_unit": 0.0,
            "price_subtotal": 0.0,
            "untaxed_amount_to_invoice": 0.0,
            "untaxed_amount_invoiced": 0.0,
            "invoice_status": "no",
            "project_id": plan.id,
            "task_id": False,
            "state": "sale",
            "is_service": True,
            "company_id": 1,
            "currency_id": 1,
            "create_date": b.at(order_day, 14),
            "write_date": b.at(order_day, 14),
        },
    )


def pick_team(b: Builder, pool: list[Person], size: int, exclude: list[Person]) -> list[Person]:
    """The least-busy consultants (random among equals)."""
    cands = [p for p in pool if p not in exclude]
    b.rng.shuffle(cands)
    cands.sort(key=lambda p: p.projects)
    team = cands[:size]
    for p in team:
        p.projects += 1
    return team


def plan_internal(b: Builder, people: list[Person]) -> ProjectPlan:
    """The non-billable internal project everyone falls back on."""
    t = b.today
    plan = new_project(b, "internal", None, None, t - timedelta(days=400))
    start, end = t - timedelta(days=400), t - timedelta(days=1)
    for name, role in (
        ("Training & certification", "consultant"),
        ("Pre-sales support", "consultant"),
        ("Project management office", "pm"),
        ("Helpdesk ticket handling", "support"),
    ):
        members = [p for p in people if p.role == role]
        task = add_task(b, plan, name, "progress", start, end, [], start, "internal")
        task.assignees = members
        task.row["user_ids"] = [p.user_id for p in members]
    return plan


def plan_client(
    b: Builder,
    role: str,
    pm: Person,
    client: tuple[int, list[int]],
    consultants: list[Person],
    recent: list[Person],
) -> ProjectPlan:
    t, rng = b.today, b.rng
    start = t - timedelta(
        days={"slip": 66, "uninvoiced": rng.randint(66, 69)}.get(role, rng.randint(45, 64))
    )
    plan = new_project(b, role, pm, client, start)
    plan.team = pick_team(b, consultants, rng.randint(3, 5), recent if role == "slip" else [])
    n = rng.randint(20, 27)
    done_share = {"slip": 0.2, "overrun": 0.45, "stalled": 0.45, "uninvoiced": 1.0}.get(
        role, rng.uniform(0.4, 0.6)
    )
    n_done = n if role == "uninvoiced" else round(n * done_share)
    n_new = 0 if role == "uninvoiced" else rng.randint(2, 3)
    n_cancel = 1 if role != "uninvoiced" and rng.random() < 0.4 else 0
    n_open = n - n_done - n_new - n_cancel
    names = rng.sample(texts.TASK_NAMES, n)
    last_done = t - timedelta(days=35 if role == "uninvoiced" else 3)
    # The project manager's own task runs through the whole project.
    pm_status = "done" if role == "uninvoiced" else "progress"
    add_task(
        b,
        plan,
        "Project management & client meetings",
        pm_status,
        start,
        last_done if role == "uninvoiced" else t - timedelta(days=1),
        [pm],
        start,
        "pm",
    )
    span = (last_done - start).days
    for j in range(n_done):
        s = start + timedelta(days=int(j * span * 0.8 / max(n_done, 1)) + rng.randint(0, 2))
        e = min(s + timedelta(days=rng.randint(6, 14)), last_done)
        add_task(
            b,
            plan,
            names.pop(),
            "done",
            s,
            e,
            assign(b, plan),
            min(s, start + timedelta(days=rng.randint(0, 8))),
        )
    for j in range(n_open):
        kind = ""
        if role == "slip" and j < 6:
            kind = "overdue"
        elif role == "stalled" and j < 4:
            kind = "stalled"
        if kind == "stalled":
            e = t - timedelta(days=rng.randint(28, 33))
            s = e - timedelta(days=rng.randint(8, 15))
        else:
            s = max(start + timedelta(days=3), t - timedelta(days=rng.randint(12, 35)))
            e = t - timedelta(days=1)
        status = "review" if kind == "" and rng.random() < 0.3 else "progress"
        add_task(
            b,
            plan,
            names.pop(),
            status,
            s,
            e,
            assign(b, plan),
            min(s, start + timedelta(days=rng.randint(0, 8))),
            kind,
        )
    for _ in range(n_new):
        created = t - timedelta(days=rng.randint(1, 12))
        add_task(b, plan, names.pop(), "new", t + timedelta(days=1), t, assign(b, plan), created)
    for _ in range(n_cancel):
        s = start + timedelta(days=rng.randint(2, 10))
        add_task(
            b,
            plan,
            names.pop(),
            "cancel",
            s,
            s + timedelta(days=rng.randint(2, 5)),
            assign(b, plan),
            start + timedelta(days=rng.randint(0, 2)),
        )
    if role == "slip":
        add_task(
            b,
            plan,
            "Urgent fix: interface mapping for go-live",
            "new",
            t + timedelta(days=1),
            t,
            [],
            t - timedelta(days=4),
            "unassigned",
        )
    if role == "stalled":
        plant_leave(b, plan)
    return plan


def assign(b: Builder, plan: ProjectPlan) -> list[Person]:
    first = b.rng.choice(plan.team)
    if b.rng.random() < 0.15 and len(plan.team) > 1:
        second = b.rng.choice([p for p in plan.team if p is not first])
        return [first, second]
    return [first]


def plant_leave(b: Builder, plan: ProjectPlan) -> None:
    """One open task whose only assignee is on approved leave over its deadline."""
    task = next(t for t in plan.tasks if t.status in ("progress", "review") and not t.kind)
    person = plan.team[0]
    for other in task.assignees:
        other.tasks.remove(task)
    task.assignees = [person]
    person.tasks.append(task)
    task.row["user_ids"] = [person.user_id]
    task.kind = "leave"
    plan.leave_person = person
    plan.leave_id = add_leave(b, person, b.day(3), 7, "validate")


def plan_projects(
    b: Builder, people: list[Person], clients: list[tuple[int, list[int]]], recent: list[Person]
) -> list[ProjectPlan]:
    pms = [p for p in people if p.role == "pm"]
    consultants = [p for p in people if p.role == "consultant"]
    plans = [plan_internal(b, people)]
    roles = list(ROLES) + ["healthy"] * 7
    b.rng.shuffle(roles)
    for i, role in enumerate(roles):
        client = clients[i % len(clients)]
        plans.append(plan_client(b, role, pms[i % len(pms)], client, consultants, recent))
    return plans
