"""Non-stored (computed) fields of the demo Odoo, as the recordings show them.

Each function receives the database and a raw record and returns the raw value. Expensive
aggregates (hours per task/project/ticket) are built once per data change through
`Database.cached`, so reading thousands of tasks stays linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo_odoo.orm import Database

Record = dict[str, Any]
Compute = Callable[["Database", Record], Any]
GenericCompute = Callable[["Database", str, Record], Any]
LINE = "account.analytic.line"
CLOSED_STATES = frozenset({"1_done", "1_canceled"})


def _hours_by(db: Database, key: str) -> dict[int, float]:
    def build() -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for line in db.table(LINE).values():
            target = line.get(key)
            if target:
                out[target] += float(line.get("unit_amount") or 0.0)
        return dict(out)

    return db.cached(f"hours_by_{key}", (LINE,), build)


def _children(db: Database, model: str) -> dict[int, list[int]]:
    def build() -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for rec in db.table(model).values():
            parent = rec.get("parent_id")
            if parent:
                out[parent].append(rec["id"])
        return dict(out)

    return db.cached(f"children_{model}", (model,), build)


def _allocated(db: Database, rec: Record) -> float:
    return float(rec.get(db.task_hours_field) or 0.0)


def task_effective(db: Database, rec: Record) -> float:
    """Sum of the task's own timesheet hours."""
    return _hours_by(db, "task_id").get(rec["id"], 0.0)


def task_subtask_effective(db: Database, rec: Record) -> float:
    """Hours spent on all sub-tasks, recursively."""

    def build() -> dict[int, float]:
        children = _children(db, "project.task")
        own = _hours_by(db, "task_id")
        memo: dict[int, float] = {}

        def total(tid: int, depth: int = 0) -> float:
            if tid in memo:
                return memo[tid]
            value = own.get(tid, 0.0)
            if depth < 50:
                value += sum(total(c, depth + 1) for c in children.get(tid, []))
            memo[tid] = value
            return value

        return {tid: sum(total(c) for c in kids) for tid, kids in children.items()}

    hours: dict[int, float] = db.cached("subtask_hours", ("project.task", LINE), build)
    return hours.get(rec["id"], 0.0)


def task_total_spent(db: Database, rec: Record) -> float:
    """effective + subtask hours."""
    return task_effective(db, rec) + task_subtask_effective(db, rec)


def task_remaining(db: Database, rec: Record) -> float:
    """allocated - effective - subtask hours (negative when over budget)."""
    return _allocated(db, rec) - task_total_spent(db, rec)


def task_progress(db: Database, rec: Record) -> float:
    """A ratio in 17+ (42 h on 20 h allocated is 2.1), 0 without allocation."""
    allocated = _allocated(db, rec)
    if not allocated:
        return 0.0
    ratio = task_total_spent(db, rec) / allocated
    return round(ratio * 100, 2) if db.major <= 16 else round(ratio, 4)


def task_is_closed(db: Database, rec: Record) -> bool:
    """Done or cancelled (17+ `state`; 16: folded stage)."""
    if "state" in rec:
        return rec.get("state") in CLOSED_STATES
    stage = db.get("project.task.type", rec.get("stage_id"))
    return bool(stage and stage.get("fold"))


def project_effective(db: Database, rec: Record) -> float:
    """Timesheet hours booked on the project."""
    return _hours_by(db, "project_id").get(rec["id"], 0.0)


def project_remaining(db: Database, rec: Record) -> float:
    """allocated - effective hours of the project."""
    return float(rec.get("allocated_hours") or 0.0) - project_effective(db, rec)


def project_task_count(db: Database, rec: Record) -> int:
    """Open tasks of the project (what Odoo 18 shows on the kanban card)."""

    def build() -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for task in db.table("project.task").values():
            if task.get("project_id") and task.get("active", True) and not task_is_closed(db, task):
                out[task["project_id"]] += 1
        return dict(out)

    counts: dict[int, int] = db.cached("open_tasks_by_project", ("project.task",), build)
    return counts.get(rec["id"], 0)


def project_update_count(db: Database, rec: Record) -> int:
    """Number of project updates."""
    return len(db.inverse("project.update", "project_id").get(rec["id"], []))


def ticket_total_hours(db: Database, rec: Record) -> float:
    """Timesheet hours on the ticket (OCA `total_hours`)."""
    return _hours_by(db, "ticket_id").get(rec["id"], float(rec.get("total_hours") or 0.0))


def ticket_remaining(db: Database, rec: Record) -> float:
    """planned - spent hours on the ticket."""
    return float(rec.get("planned_hours") or 0.0) - ticket_total_hours(db, rec)


def ticket_progress(db: Database, rec: Record) -> float:
    """A percentage on OCA tickets (4.5 h on 5 h planned is 90.0)."""
    planned = float(rec.get("planned_hours") or 0.0)
    return round(ticket_total_hours(db, rec) / planned * 100, 2) if planned else 0.0


def ticket_closed(db: Database, rec: Record) -> bool:
    """Whether the ticket's stage is a closing stage."""
    stage = db.get("helpdesk.ticket.stage", rec.get("stage_id"))
    return bool(stage and stage.get("closed"))


def _activities(db: Database, model: str, rec: Record) -> list[Record]:
    acts = db.activities_by_target().get((model, rec["id"]), [])
    return sorted(acts, key=lambda a: (a.get("date_deadline") or "9999", a["id"]))


def activity_state(db: Database, act: Record) -> str:
    """overdue / today / planned, from the deadline and today's date."""
    deadline = act.get("date_deadline") or ""
    today = db.today()
    if deadline < today:
        return "overdue"
    return "today" if deadline == today else "planned"


def _activity_field(name: str) -> GenericCompute:
    def compute(db: Database, model: str, rec: Record, _name: str = name) -> Any:
        acts = _activities(db, model, rec)
        if _name == "activity_ids":
            return [a["id"] for a in acts]
        if not acts:
            return False
        first = acts[0]
        if _name == "activity_state":
            states = {activity_state(db, a) for a in acts}
            for state in ("overdue", "today", "planned"):
                if state in states:
                    return state
        if _name == "activity_date_deadline":
            return first.get("date_deadline") or False
        if _name == "activity_summary":
            return first.get("summary") or False
        if _name == "activity_type_id":
            return first.get("activity_type_id") or False
        if _name == "activity_user_id":
            return first.get("user_id") or False
        return False

    return compute


def _message_ids(db: Database, model: str, rec: Record) -> list[int]:
    ids = db.messages_by_target().get((model, rec["id"]), [])
    return sorted(ids, reverse=True)


def mail_activity_res_name(db: Database, act: Record) -> Any:
    """Display name of the record the activity is attached to."""
    return db.display_name(str(act.get("res_model") or ""), act.get("res_id")) or False


def mail_activity_category(db: Database, act: Record) -> Any:
    """Category of the activity type."""
    atype = db.get("mail.activity.type", act.get("activity_type_id"))
    return (atype or {}).get("category") or "default"


def mail_message_record_name(db: Database, msg: Record) -> Any:
    """Display name of the record the message is posted on."""
    return db.display_name(str(msg.get("model") or ""), msg.get("res_id")) or False


def employee_name_from_user(db: Database, rec: Record) -> Any:
    """res.users `name` lives on its partner in Odoo."""
    if rec.get("name"):
        return rec["name"]
    partner = db.get("res.partner", rec.get("partner_id"))
    return (partner or {}).get("name") or False


ACTIVITY_FIELDS = (
    "activity_ids",
    "activity_state",
    "activity_date_deadline",
    "activity_summary",
    "activity_type_id",
    "activity_user_id",
)

COMPUTED: dict[tuple[str, str], Compute] = {
    ("project.task", "effective_hours"): task_effective,
    ("project.task", "subtask_effective_hours"): task_subtask_effective,
    ("project.task", "total_hours_spent"): task_total_spent,
    ("project.task", "remaining_hours"): task_remaining,
    ("project.task", "progress"): task_progress,
    ("project.task", "is_closed"): task_is_closed,
    ("project.project", "effective_hours"): project_effective,
    ("project.project", "remaining_hours"): project_remaining,
    ("project.project", "task_count"): project_task_count,
    ("project.project", "update_count"): project_update_count,
    ("helpdesk.ticket", "total_hours"): ticket_total_hours,
    ("helpdesk.ticket", "remaining_hours"): ticket_remaining,
    ("helpdesk.ticket", "progress"): ticket_progress,
    ("helpdesk.ticket", "closed"): ticket_closed,
    ("mail.activity", "res_name"): mail_activity_res_name,
    ("mail.activity", "activity_category"): mail_activity_category,
    ("mail.activity", "state"): lambda db, rec: activity_state(db, rec),
    ("mail.message", "record_name"): mail_message_record_name,
    ("res.users", "name"): employee_name_from_user,
}

# Generic computed fields present on every mail.thread / mail.activity.mixin model.
GENERIC: dict[str, GenericCompute] = {
    **{name: _activity_field(name) for name in ACTIVITY_FIELDS},
    "message_ids": _message_ids,
}
