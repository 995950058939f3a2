"""Typed readers: Odoo rows in, version-neutral records (`agent.tools.records`) out.

Each reader issues a constant number of RPC calls whatever the number of tasks,
timesheet lines or projects: lists are read by id or by one `search_read` on a parent
id list, and hours come from server-side `read_group`. Values are mapped once here:
Odoo's `False` -> None, a many2one pair -> `*_id` + `*_name`, `planned_hours` (<= 16)
-> `allocated_hours`, percentage progress (<= 16) -> ratio. Datetimes stay naive UTC,
as Odoo sends them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from agent.tools.errors import OdooAccessError, RecordNotFound
from agent.tools.odoo import OdooGateway
from agent.tools.records import (
    Activity,
    Employee,
    Leave,
    Message,
    Milestone,
    Project,
    ProjectBundle,
    ProjectUpdate,
    SaleLine,
    Task,
    Ticket,
    TicketBundle,
    TimesheetCompliance,
    TimesheetDay,
    TimesheetTotal,
    User,
)
from agent.tools.versions import task_progress_ratio

LEAVE_LOOKBACK = timedelta(days=30)
LEAVE_HORIZON = timedelta(days=60)
MESSAGE_LOOKBACK = timedelta(days=90)
MESSAGES_PER_PROJECT = 60
TICKET_MESSAGES = 200
INDEX_PAGE = 500
HUMAN_MESSAGE_TYPES = ["comment", "email"]

# ------------------------------------------------------------------ value mapping


def m2o(value: Any) -> tuple[int | None, str | None]:
    """A many2one value (`[id, name]`, a bare id, or False) -> (id, name)."""
    if isinstance(value, list | tuple) and value:
        name = value[1] if len(value) > 1 and value[1] is not False else None
        return int(value[0]), None if name is None else str(name)
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value, None
    return None, None


def ids_of(value: Any) -> tuple[int, ...]:
    """An x2many (id list) or a many2one -> tuple of ids."""
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[1], str):  # many2one pair (Odoo < 16 user_id)
            return (int(value[0]),)
        return tuple(int(v) for v in value if isinstance(v, int) and not isinstance(v, bool))
    one, _ = m2o(value)
    return () if one is None else (one,)


def text(value: Any) -> str | None:
    return None if value is False or value is None else str(value)


def number(value: Any) -> float:
    return 0.0 if value is False or value is None else float(value)


def as_datetime(value: Any) -> datetime | None:
    """`YYYY-MM-DD HH:MM:SS` (UTC) or `YYYY-MM-DD` (a date field on older versions)."""
    if not value:
        return None
    raw = str(value)
    if len(raw) == 10:
        return datetime.fromisoformat(raw)
    return datetime.fromisoformat(raw[:19])


def as_date(value: Any) -> date | None:
    return None if not value else date.fromisoformat(str(value)[:10])


def naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def odoo_datetime(moment: datetime) -> str:
    return naive_utc(moment).strftime("%Y-%m-%d %H:%M:%S")


class _Row:
    """One Odoo row seen through a field map (record attribute -> server field)."""

    def __init__(self, row: Mapping[str, Any], fmap: Mapping[str, str]) -> None:
        self.row = row
        self.fmap = fmap

    def __getitem__(self, attr: str) -> Any:
        name = self.fmap.get(attr)
        return False if name is None else self.row.get(name, False)

    def has(self, attr: str) -> bool:
        return attr in self.fmap


def _fields(fmap: Mapping[str, str], *extra: str) -> list[str]:
    return list(dict.fromkeys([*fmap.values(), *extra]))


# ------------------------------------------------------------------ record builders


def _project(r: _Row, tag_names: Mapping[int, str]) -> Project:
    partner_id, partner_name = m2o(r["partner_id"])
    manager_id, manager_name = m2o(r["manager_id"])
    last_update_id, _ = m2o(r["last_update_id"])
    sale_line_id, _ = m2o(r["sale_line_id"])
    return Project(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        partner_id=partner_id,
        partner_name=partner_name,
        manager_id=manager_id,
        manager_name=manager_name,
        date_start=as_date(r["date_start"]),
        date_end=as_date(r["date_end"]),
        allocated_hours=number(r["allocated_hours"]),
        last_update_status=text(r["last_update_status"]),
        last_update_id=last_update_id,
        active=True if not r.has("active") else bool(r["active"]),
        allow_billable=bool(r["allow_billable"]),
        sale_line_id=sale_line_id,
        tag_names=tuple(tag_names[t] for t in ids_of(r["tag_ids"]) if t in tag_names),
        description=text(r["description"]),
    )


def _task(r: _Row, gw: OdooGateway) -> Task:
    project_id, project_name = m2o(r["project_id"])
    stage_id, stage_name = m2o(r["stage_id"])
    state = text(r["state"])
    is_closed = bool(r["is_closed"]) if r.has("is_closed") else state in {"1_done", "1_canceled"}
    return Task(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        project_id=project_id,
        project_name=project_name,
        stage_id=stage_id,
        stage_name=stage_name,
        user_ids=ids_of(r["user_ids"]),
        date_deadline=as_datetime(r["date_deadline"]),
        allocated_hours=number(r["allocated_hours"]),
        effective_hours=number(r["effective_hours"]),
        remaining_hours=number(r["remaining_hours"]),
        progress=task_progress_ratio(number(r["progress"]), gw.version),
        state=state,
        is_closed=is_closed,
        priority=text(r["priority"]) or "0",
        milestone_id=m2o(r["milestone_id"])[0],
        parent_id=m2o(r["parent_id"])[0],
        date_last_stage_update=as_datetime(r["date_last_stage_update"]),
        create_date=as_datetime(r["create_date"]),
        description=text(r["description"]),
        sale_line_id=m2o(r["sale_line_id"])[0],
    )


def _milestone(r: _Row) -> Milestone:
    return Milestone(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        project_id=m2o(r["project_id"])[0],
        deadline=as_date(r["deadline"]),
        is_reached=bool(r["is_reached"]),
        reached_date=as_date(r["reached_date"]),
    )


def _update(r: _Row) -> ProjectUpdate:
    progress = r["progress"]
    return ProjectUpdate(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        project_id=m2o(r["project_id"])[0],
        status=text(r["status"]),
        progress=None if progress is False or progress is None else int(progress),
        update_date=as_date(r["update_date"]),
        description=text(r["description"]),
    )


def _sale_line(r: _Row, project_id: int | None) -> SaleLine:
    order_id, order_name = m2o(r["order_id"])
    return SaleLine(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        order_id=order_id,
        order_name=order_name,
        project_id=project_id,
        task_id=m2o(r["task_id"])[0],
        product_uom_qty=number(r["product_uom_qty"]),
        qty_delivered=number(r["qty_delivered"]),
        qty_invoiced=number(r["qty_invoiced"]),
        qty_to_invoice=number(r["qty_to_invoice"]),
        price_unit=number(r["price_unit"]),
        price_subtotal=number(r["price_subtotal"]),
        amount_invoiced=number(r["amount_invoiced"]),
        amount_to_invoice=number(r["amount_to_invoice"]),
        invoice_status=text(r["invoice_status"]),
        currency=m2o(r["currency"])[1],
    )


def _employee(r: _Row) -> Employee:
    return Employee(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        user_id=m2o(r["user_id"])[0],
        department=m2o(r["department"])[1],
    )


def _leave(r: _Row) -> Leave:
    employee_id, employee_name = m2o(r["employee_id"])
    return Leave(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        employee_id=employee_id,
        employee_name=employee_name,
        date_from=as_datetime(r["date_from"]),
        date_to=as_datetime(r["date_to"]),
        state=text(r["state"]),
    )


def _message(r: _Row, note_subtypes: frozenset[int]) -> Message:
    author_id, author_name = m2o(r["author_id"])
    subtype_id, subtype_name = m2o(r["subtype_id"])
    return Message(
        id=int(r.row["id"]),
        name=text(r["subject"]) or text(r["record_name"]) or "",
        write_date=as_datetime(r["write_date"]),
        model=text(r["model"]),
        res_id=int(r["res_id"]) if r["res_id"] else None,
        body=text(r["body"]) or "",
        author_id=author_id,
        author_name=author_name,
        posted_at=as_datetime(r["posted_at"]),
        message_type=text(r["message_type"]),
        subtype_name=subtype_name,
        is_note=subtype_id in note_subtypes,
    )


def _ticket(r: _Row, tag_names: Mapping[int, str]) -> Ticket:
    team_id, team_name = m2o(r["team_id"])
    category_id, category_name = m2o(r["category_id"])
    stage_id, stage_name = m2o(r["stage_id"])
    user_id, user_name = m2o(r["user_id"])
    partner_id, partner_name = m2o(r["partner_id"])
    return Ticket(
        id=int(r.row["id"]),
        name=text(r["name"]) or "",
        write_date=as_datetime(r["write_date"]),
        number=text(r["number"]),
        description=text(r["description"]),
        team_id=team_id,
        team_name=team_name,
        category_id=category_id,
        category_name=category_name,
        stage_id=stage_id,
        stage_name=stage_name,
        closed=bool(r["closed"]),
        priority=text(r["priority"]) or "1",
        user_id=user_id,
        user_name=user_name,
        partner_id=partner_id,
        partner_name=partner_name,
        project_id=m2o(r["project_id"])[0],
        task_id=m2o(r["task_id"])[0],
        create_date=as_datetime(r["create_date"]),
        closed_date=as_datetime(r["closed_date"]),
        last_stage_update=as_datetime(r["last_stage_update"]),
        tag_names=tuple(tag_names[t] for t in ids_of(r["tag_ids"]) if t in tag_names),
    )


def _activity(r: _Row) -> Activity:
    return Activity(
        id=int(r.row["id"]),
        name=text(r["res_name"]) or "",
        write_date=as_datetime(r["write_date"]),
        res_model=text(r["res_model"]),
        res_id=int(r["res_id"]) if r["res_id"] else None,
        summary=text(r["summary"]),
        user_id=m2o(r["user_id"])[0],
        date_deadline=as_date(r["date_deadline"]),
        activity_type_id=m2o(r["activity_type_id"])[0],
    )


# ------------------------------------------------------------------ shared lookups


def note_subtype_ids(gw: OdooGateway) -> frozenset[int]:
    """Ids of internal subtypes (Note): what makes a message an internal note."""

    def compute() -> frozenset[int]:
        return frozenset(gw.search("mail.message.subtype", [("internal", "=", True)]))

    result: frozenset[int] = gw.memo("note_subtypes", compute)
    return result


def _names(gw: OdooGateway, model: str | None, ids: set[int]) -> dict[int, str]:
    if not model or not ids or not gw.has_model(model):
        return {}
    return {int(r["id"]): str(r.get("name") or "") for r in gw.read(model, sorted(ids), ["name"])}


def _relation(gw: OdooGateway, model: str, field: str) -> str | None:
    info = gw.fields(model).get(field) or {}
    relation = info.get("relation")
    return str(relation) if relation else None


def _timesheets_installed(gw: OdooGateway) -> bool:
    return "unit_amount" in gw.fields("account.analytic.line")


def _group_start(group: Mapping[str, Any], spec: str) -> date | None:
    """The first day of a `date:day|week|month` group: `__range`, else `__domain`, else label."""
    bounds = (group.get("__range") or {}).get(spec)
    if isinstance(bounds, dict) and bounds.get("from"):
        return as_date(bounds["from"])
    field = spec.split(":")[0]
    for leaf in reversed(group.get("__domain") or []):
        if (
            isinstance(leaf, list | tuple)
            and len(leaf) == 3
            and leaf[0] == field
            and leaf[1] == ">="
        ):
            return as_date(leaf[2])
    label = group.get(spec)
    if isinstance(label, str):
        for fmt in ("%d %b %Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(label, fmt).date()
            except ValueError:
                continue
    return None


def _group_count(group: Mapping[str, Any], first_groupby: str) -> int:
    count = group.get("__count", group.get(f"{first_groupby}_count", 0))
    return int(count or 0)


def _hours(group: Mapping[str, Any]) -> float:
    return number(group.get("unit_amount"))


def _employees(gw: OdooGateway, domain: list[Any]) -> list[Employee]:
    """hr.employee, or hr.employee.public for users without HR rights."""
    for model in ("hr.employee", "hr.employee.public"):
        if not gw.has_model(model):
            continue
        try:
            fmap = gw.field_map("hr.employee")
            fields = [f for f in _fields(fmap) if f in gw.fields(model)]
            rows = gw.search_read(model, domain, fields, order="id")
        except OdooAccessError:
            continue
        return [_employee(_Row(row, fmap)) for row in rows]
    return []


# ------------------------------------------------------------------ project bundles


def read_project_bundle(gw: OdooGateway, project_id: int, now: datetime) -> ProjectBundle:
    """Everything about one project, in a constant number of RPC calls."""
    bundles = read_project_bundles(gw, [project_id], now)
    if not bundles:
        raise RecordNotFound(
            f"project.project {project_id} does not exist or is not visible to {gw.login!r}. "
            "Check the id, that it is not archived, and the user's Project rights."
        )
    return bundles[0]


def read_project_bundles(
    gw: OdooGateway, project_ids: Sequence[int], now: datetime
) -> list[ProjectBundle]:
    """Bundles for several projects with the same constant number of calls as one."""
    as_of = naive_utc(now)
    pids = list(dict.fromkeys(int(p) for p in project_ids))
    if not pids:
        return []
    # 1-2: projects and their tags
    pmap = gw.field_map("project.project")
    project_rows = gw.read("project.project", pids, _fields(pmap))
    if not project_rows:
        return []
    pids = [int(r["id"]) for r in project_rows]
    tag_ids = {t for r in project_rows for t in ids_of(r.get(pmap.get("tag_ids", ""), False))}
    tags = _names(gw, _relation(gw, "project.project", "tag_ids"), tag_ids)
    projects = [_project(_Row(r, pmap), tags) for r in project_rows]

    # 3: tasks
    tmap = gw.field_map("project.task")
    task_rows = gw.search_read(
        "project.task", [("project_id", "in", pids)], _fields(tmap), order="id"
    )
    tasks = [_task(_Row(r, tmap), gw) for r in task_rows]
    task_ids = [t.id for t in tasks]

    # 4-5: milestones and updates
    milestones: list[Milestone] = []
    if gw.has_model("project.milestone"):
        mmap = gw.field_map("project.milestone")
        rows = gw.search_read(
            "project.milestone", [("project_id", "in", pids)], _fields(mmap), order="deadline, id"
        )
        milestones = [_milestone(_Row(r, mmap)) for r in rows]
    updates: list[ProjectUpdate] = []
    if gw.has_model("project.update"):
        umap = gw.field_map("project.update")
        rows = gw.search_read(
            "project.update",
            [("project_id", "in", pids)],
            _fields(umap),
            order="date desc, id desc",
        )
        updates = [_update(_Row(r, umap)) for r in rows]

    # 6-8: hours, aggregated by the server
    by_task, by_week, by_employee = _project_hours(gw, pids)

    # 9: sale lines
    sale_lines = _project_sale_lines(gw, projects, tasks)

    # 10-12: people and their leaves
    user_ids = {u for t in tasks for u in t.user_ids} | {
        p.manager_id for p in projects if p.manager_id is not None
    }
    users, employees = _people(gw, user_ids)
    leaves = _leaves(gw, [e.id for e in employees], as_of - LEAVE_LOOKBACK, as_of + LEAVE_HORIZON)

    # 13: recent chatter on the projects and their tasks
    messages = _recent_messages(gw, pids, task_ids, as_of, limit=MESSAGES_PER_PROJECT * len(pids))

    task_project = {t.id: t.project_id for t in tasks}
    bundles: list[ProjectBundle] = []
    for project in projects:
        pid = project.id
        own_tasks = tuple(t for t in tasks if t.project_id == pid)
        assignees = {u for t in own_tasks for u in t.user_ids}
        if project.manager_id is not None:
            assignees.add(project.manager_id)
        own_employees = tuple(e for e in employees if e.user_id in assignees)
        own_employee_ids = {e.id for e in own_employees}
        bundles.append(
            ProjectBundle(
                project=project,
                tasks=own_tasks,
                milestones=tuple(m for m in milestones if m.project_id == pid),
                updates=tuple(u for u in updates if u.project_id == pid),
                hours_by_task=tuple(h for h in by_task if h.project_id == pid),
                hours_by_week=tuple(h for h in by_week if h.project_id == pid),
                hours_by_employee=tuple(h for h in by_employee if h.project_id == pid),
                sale_lines=tuple(s for s in sale_lines if s.project_id == pid),
                leaves=tuple(lv for lv in leaves if lv.employee_id in own_employee_ids),
                users=tuple(u for u in users if u.id in assignees),
                employees=own_employees,
                messages=tuple(
                    m
                    for m in messages
                    if (m.model == "project.project" and m.res_id == pid)
                    or (m.model == "project.task" and task_project.get(m.res_id or 0) == pid)
                ),
                data_as_of=as_of,
            )
        )
    return bundles


def _project_hours(
    gw: OdooGateway, pids: list[int]
) -> tuple[list[TimesheetTotal], list[TimesheetTotal], list[TimesheetTotal]]:
    if not _timesheets_installed(gw):
        return [], [], []
    model = "account.analytic.line"
    domain: list[Any] = [("project_id", "in", pids)]
    agg = ["unit_amount:sum"]
    by_task = [
        TimesheetTotal(
            project_id=m2o(g.get("project_id"))[0],
            task_id=m2o(g.get("task_id"))[0],
            hours=_hours(g),
            count=_group_count(g, "project_id"),
        )
        for g in gw.read_group(model, domain, agg, ["project_id", "task_id"], lazy=False)
    ]
    by_week = [
        TimesheetTotal(
            project_id=m2o(g.get("project_id"))[0],
            hours=_hours(g),
            count=_group_count(g, "project_id"),
            period_start=_group_start(g, "date:week"),
        )
        for g in gw.read_group(model, domain, agg, ["project_id", "date:week"], lazy=False)
    ]
    by_employee = []
    for g in gw.read_group(model, domain, agg, ["project_id", "employee_id"], lazy=False):
        employee_id, employee_name = m2o(g.get("employee_id"))
        by_employee.append(
            TimesheetTotal(
                project_id=m2o(g.get("project_id"))[0],
                employee_id=employee_id,
                employee_name=employee_name,
                hours=_hours(g),
                count=_group_count(g, "project_id"),
            )
        )
    by_week.sort(key=lambda h: (h.project_id or 0, h.period_start or date.min))
    return by_task, by_week, by_employee


def _project_sale_lines(
    gw: OdooGateway, projects: list[Project], tasks: list[Task]
) -> list[SaleLine]:
    model = "sale.order.line"
    present = gw.fields(model)
    if not present:
        return []
    direct = {p.sale_line_id: p.id for p in projects if p.sale_line_id}
    via_task = {t.sale_line_id: t.project_id for t in tasks if t.sale_line_id}
    task_project = {t.id: t.project_id for t in tasks}
    pids = [p.id for p in projects]
    leaves: list[Any] = [("id", "in", sorted({*direct, *via_task}))]
    if "project_id" in present:
        leaves.append(("project_id", "in", pids))
    if "task_id" in present:
        leaves.append(("task_id", "in", sorted(task_project)))
    domain: list[Any] = ["|"] * (len(leaves) - 1) + leaves
    smap = gw.field_map(model)
    lines: list[SaleLine] = []
    for row in gw.search_read(model, domain, _fields(smap), order="id"):
        r = _Row(row, smap)
        sol_id = int(row["id"])
        project_id = (
            m2o(r["project_id"])[0]
            or direct.get(sol_id)
            or via_task.get(sol_id)
            or task_project.get(m2o(r["task_id"])[0] or 0)
        )
        lines.append(_sale_line(r, project_id))
    return lines


def _people(gw: OdooGateway, user_ids: set[int]) -> tuple[list[User], list[Employee]]:
    if not user_ids:
        return [], []
    employees = _employees(gw, [("user_id", "in", sorted(user_ids))])
    employee_of = {e.user_id: e.id for e in employees if e.user_id is not None}
    umap = gw.field_map("res.users")
    users = [
        User(
            id=int(row["id"]),
            name=text(row.get("name")) or "",
            write_date=as_datetime(row.get("write_date")),
            login=text(row.get(umap.get("login", ""))) or "",
            employee_id=employee_of.get(int(row["id"])),
        )
        for row in gw.read("res.users", sorted(user_ids), _fields(umap))
    ]
    return users, employees


def _leaves(
    gw: OdooGateway, employee_ids: list[int], start: datetime, end: datetime
) -> list[Leave]:
    if not employee_ids or not gw.has_model("hr.leave"):
        return []
    lmap = gw.field_map("hr.leave")
    rows = gw.search_read(
        "hr.leave",
        [
            ("employee_id", "in", employee_ids),
            ("state", "=", "validate"),
            ("date_from", "<=", odoo_datetime(end)),
            ("date_to", ">=", odoo_datetime(start)),
        ],
        _fields(lmap),
        order="date_from, id",
    )
    return [_leave(_Row(r, lmap)) for r in rows]


def _recent_messages(
    gw: OdooGateway, pids: list[int], task_ids: list[int], as_of: datetime, *, limit: int
) -> list[Message]:
    mmap = gw.field_map("mail.message")
    domain: list[Any] = [
        ("message_type", "in", HUMAN_MESSAGE_TYPES),
        ("date", ">=", odoo_datetime(as_of - MESSAGE_LOOKBACK)),
        "|",
        "&",
        ("model", "=", "project.project"),
        ("res_id", "in", pids),
        "&",
        ("model", "=", "project.task"),
        ("res_id", "in", task_ids),
    ]
    notes = note_subtype_ids(gw)
    rows = gw.search_read(
        "mail.message", domain, _fields(mmap), order="date desc, id desc", limit=limit
    )
    return [_message(_Row(r, mmap), notes) for r in rows]


def project_of_task(gw: OdooGateway, task_id: int) -> int:
    """The project a task belongs to (for task-level jobs that need the project bundle)."""
    row = gw.read_one("project.task", task_id, ["project_id"])
    project_id, _ = m2o(row.get("project_id"))
    if project_id is None:
        raise RecordNotFound(
            f"project.task {task_id} has no project (a private task?); only project tasks can "
            "be analysed."
        )
    return project_id


def list_active_projects(gw: OdooGateway) -> list[Project]:
    """Unarchived projects, including those the PM marked done.

    A finished project is exactly where delivered-but-uninvoiced work hides, so "done"
    projects stay in the scan until someone archives them.
    """
    pmap = gw.field_map("project.project")
    domain: list[Any] = [("active", "=", True)]
    rows = gw.search_read("project.project", domain, _fields(pmap), order="id")
    tag_ids = {t for r in rows for t in ids_of(r.get(pmap.get("tag_ids", ""), False))}
    tags = _names(gw, _relation(gw, "project.project", "tag_ids"), tag_ids)
    return [_project(_Row(r, pmap), tags) for r in rows]


# ------------------------------------------------------------------ tickets


def _open_ticket_domain(gw: OdooGateway) -> list[Any]:
    fields = gw.fields("helpdesk.ticket")
    if "closed" in fields:
        return [("closed", "=", False)]
    return [("stage_id.fold", "=", False)]


def _ticket_tags(
    gw: OdooGateway, rows: list[dict[str, Any]], tmap: Mapping[str, str]
) -> dict[int, str]:
    tag_ids = {t for r in rows for t in ids_of(r.get(tmap.get("tag_ids", ""), False))}
    return _names(gw, _relation(gw, "helpdesk.ticket", "tag_ids"), tag_ids)


def list_open_tickets(gw: OdooGateway) -> list[Ticket]:
    """Open Helpdesk tickets (OCA `closed` flag, or an unfolded stage on Enterprise)."""
    if not gw.has_model("helpdesk.ticket"):
        return []
    tmap = gw.field_map("helpdesk.ticket")
    rows = gw.search_read("helpdesk.ticket", _open_ticket_domain(gw), _fields(tmap), order="id")
    tags = _ticket_tags(gw, rows, tmap)
    return [_ticket(_Row(r, tmap), tags) for r in rows]


def _stage_closed(gw: OdooGateway) -> dict[int, bool]:
    model = _relation(gw, "helpdesk.ticket", "stage_id")
    if not model:
        return {}

    def compute() -> dict[int, bool]:
        present = gw.fields(model)
        flag = "closed" if "closed" in present else "fold"
        rows = gw.search_read(model, [], [flag], order="sequence, id")
        return {int(r["id"]): bool(r.get(flag)) for r in rows}

    result: dict[int, bool] = gw.memo(f"stages:{model}", compute)
    return result


def _reopen_count(gw: OdooGateway, ticket_id: int, stage_closed: Mapping[int, bool]) -> int:
    """Closed -> open stage moves, from tracking values (0 when the user cannot read them)."""
    present = gw.fields("mail.tracking.value")
    field_ref = "field_id" if "field_id" in present else "field" if "field" in present else None
    if field_ref is None or "new_value_integer" not in present:
        return 0
    try:
        rows = gw.search_read(
            "mail.tracking.value",
            [
                ("mail_message_id.model", "=", "helpdesk.ticket"),
                ("mail_message_id.res_id", "=", ticket_id),
                (f"{field_ref}.name", "=", "stage_id"),
            ],
            ["old_value_integer", "new_value_integer"],
            order="id",
        )
    except OdooAccessError:
        return 0
    return sum(
        1
        for r in rows
        if stage_closed.get(int(r.get("old_value_integer") or 0))
        and not stage_closed.get(int(r.get("new_value_integer") or 0), False)
    )


def read_ticket_bundle(gw: OdooGateway, ticket_id: int, now: datetime) -> TicketBundle:
    """One ticket, its chatter (oldest first), stage flags, reopen count, partner load."""
    tmap = gw.field_map("helpdesk.ticket")
    row = gw.read_one("helpdesk.ticket", ticket_id, _fields(tmap))
    ticket = _ticket(_Row(row, tmap), _ticket_tags(gw, [row], tmap))
    mmap = gw.field_map("mail.message")
    notes = note_subtype_ids(gw)
    messages = [
        _message(_Row(r, mmap), notes)
        for r in gw.search_read(
            "mail.message",
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket_id),
                ("message_type", "in", HUMAN_MESSAGE_TYPES),
            ],
            _fields(mmap),
            order="date asc, id asc",
            limit=TICKET_MESSAGES,
        )
    ]
    stage_closed = _stage_closed(gw)
    partner_open = 0
    if ticket.partner_id is not None:
        partner_open = gw.search_count(
            "helpdesk.ticket", [("partner_id", "=", ticket.partner_id), *_open_ticket_domain(gw)]
        )
    return TicketBundle(
        ticket=ticket,
        messages=tuple(messages),
        stage_closed=stage_closed,
        reopen_count=_reopen_count(gw, ticket_id, stage_closed),
        partner_open_tickets=partner_open,
        data_as_of=naive_utc(now),
    )


def read_tickets_for_index(
    gw: OdooGateway, since_write_date: datetime | None = None
) -> list[Ticket]:
    """Tickets changed since `since_write_date` (all when None), oldest change first, paged."""
    if not gw.has_model("helpdesk.ticket"):
        return []
    tmap = gw.field_map("helpdesk.ticket")
    domain: list[Any] = []
    if since_write_date is not None:
        domain.append(("write_date", ">", odoo_datetime(since_write_date)))
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = gw.search_read(
            "helpdesk.ticket",
            domain,
            _fields(tmap),
            order="write_date asc, id asc",
            limit=INDEX_PAGE,
            offset=offset,
        )
        rows.extend(page)
        if len(page) < INDEX_PAGE:
            break
        offset += INDEX_PAGE
    tags = _ticket_tags(gw, rows, tmap)
    return [_ticket(_Row(r, tmap), tags) for r in rows]


# ------------------------------------------------------------------ timesheets


def read_timesheet_compliance(
    gw: OdooGateway, start: date, end: date, late_after_days: int = 2
) -> TimesheetCompliance:
    """Per-employee day totals and late-entry counts over [start, end], in 3 calls.

    One `read_group` by employee, `date:day` and `create_date:day` (lazy=False) gives
    hours and line counts per (day, day entered); a line is late when it was created
    more than `late_after_days` after its date. No timesheet line is downloaded.
    """
    employees = _employees(gw, [("active", "=", True)])
    days: list[TimesheetDay] = []
    if _timesheets_installed(gw):
        groups = gw.read_group(
            "account.analytic.line",
            [
                ("project_id", "!=", False),
                ("date", ">=", start.isoformat()),
                ("date", "<=", end.isoformat()),
            ],
            ["unit_amount:sum"],
            ["employee_id", "date:day", "create_date:day"],
            lazy=False,
        )
        totals: dict[tuple[int, date], list[float]] = defaultdict(lambda: [0.0, 0, 0])
        names: dict[int, str] = {}
        for g in groups:
            employee_id, employee_name = m2o(g.get("employee_id"))
            day = _group_start(g, "date:day")
            if employee_id is None or day is None:
                continue
            names[employee_id] = employee_name or ""
            entered = _group_start(g, "create_date:day")
            count = _group_count(g, "employee_id")
            slot = totals[(employee_id, day)]
            slot[0] += _hours(g)
            slot[1] += count
            if entered is not None and (entered - day).days > late_after_days:
                slot[2] += count
        days = [
            TimesheetDay(
                employee_id=emp,
                employee_name=names.get(emp, ""),
                day=day,
                hours=round(v[0], 4),
                entries=int(v[1]),
                late_entries=int(v[2]),
            )
            for (emp, day), v in sorted(totals.items())
        ]
    leaves = _leaves(
        gw,
        [e.id for e in employees],
        datetime.combine(start, datetime.min.time()),
        datetime.combine(end, datetime.max.time()).replace(microsecond=0),
    )
    return TimesheetCompliance(
        period_start=start,
        period_end=end,
        employees=tuple(employees),
        days=tuple(days),
        leaves=tuple(leaves),
        data_as_of=datetime.now(UTC).replace(tzinfo=None),
    )


# ------------------------------------------------------------------ publish support


def read_activities(gw: OdooGateway, ids: Sequence[int]) -> list[Activity]:
    """Typed activities (those done or cancelled are gone from mail.activity)."""
    amap = gw.field_map("mail.activity")
    return [_activity(_Row(r, amap)) for r in gw.read("mail.activity", ids, _fields(amap))]


def read_messages(gw: OdooGateway, ids: Sequence[int]) -> list[Message]:
    mmap = gw.field_map("mail.message")
    notes = note_subtype_ids(gw)
    return [_message(_Row(r, mmap), notes) for r in gw.read("mail.message", ids, _fields(mmap))]


def record_url(gw: OdooGateway, model: str, record_id: int) -> str:
    return gw.record_url(model, record_id)


def task_url(gw: OdooGateway, task_id: int) -> str:
    return gw.record_url("project.task", task_id)
