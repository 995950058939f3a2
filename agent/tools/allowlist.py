"""What the gateway may ask Odoo: models, read methods, and fields per model.

The allowlist is data, checked before any request leaves the process. Reading a field
that is not listed raises `AllowlistViolation`; calling a method that is not a read
raises `ReadOnlyViolation`. The publish channel (see `agent.tools.odoo`) is the only
code path that can send the two write methods, and only on `PUBLISH_MODELS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from agent.tools.errors import AllowlistViolation, ReadOnlyViolation

READ_METHODS: frozenset[str] = frozenset(
    {
        "search",
        "search_read",
        "read",
        "search_count",
        "read_group",
        "fields_get",
        "name_search",
        "check_access_rights",
        "has_access",  # 18+ replacement of check_access_rights (ACL check, no write)
        "version",
    }
)

# The models the publish channel may write a note or an activity on.
PUBLISH_MODELS: frozenset[str] = frozenset({"project.project", "project.task", "helpdesk.ticket"})

_COMMON = ("id", "name", "display_name", "create_date", "write_date", "active")

# Fields per model, the union over Odoo 16-19 and OCA/Enterprise Helpdesk. The gateway
# still asks `fields_get` and drops whatever this server lacks.
FIELDS: dict[str, frozenset[str]] = {
    model: frozenset(_COMMON + extra)
    for model, extra in {
        "project.project": (
            "partner_id",
            "user_id",
            "date_start",
            "date",
            "allocated_hours",
            "effective_hours",
            "remaining_hours",
            "last_update_status",
            "last_update_id",
            "allow_billable",
            "allow_timesheets",
            "sale_line_id",
            "sale_order_id",
            "tag_ids",
            "description",
            "task_count",
            "company_id",
            "stage_id",
            "privacy_visibility",
        ),
        "project.task": (
            "project_id",
            "stage_id",
            "user_ids",
            "user_id",
            "date_deadline",
            "allocated_hours",
            "planned_hours",
            "effective_hours",
            "remaining_hours",
            "progress",
            "state",
            "kanban_state",
            "is_closed",
            "priority",
            "milestone_id",
            "parent_id",
            "date_last_stage_update",
            "description",
            "sale_line_id",
            "tag_ids",
            "partner_id",
            "date_end",
            "date_assign",
            "subtask_effective_hours",
            "total_hours_spent",
            "activity_ids",
            "company_id",
        ),
        "project.task.type": ("fold", "sequence", "project_ids"),
        "project.milestone": (
            "project_id",
            "deadline",
            "is_reached",
            "reached_date",
            "sale_line_id",
            "task_count",
        ),
        "project.update": (
            "project_id",
            "status",
            "progress",
            "date",
            "description",
            "user_id",
        ),
        "project.tags": ("color",),
        "account.analytic.line": (
            "date",
            "unit_amount",
            "project_id",
            "task_id",
            "employee_id",
            "user_id",
            "so_line",
            "ticket_id",
            "amount",
            "timesheet_invoice_type",
        ),
        "hr.employee": (
            "user_id",
            "department_id",
            "resource_calendar_id",
            "job_title",
            "company_id",
        ),
        "hr.employee.public": ("user_id", "department_id", "resource_calendar_id", "job_title"),
        "hr.leave": ("employee_id", "date_from", "date_to", "state", "holiday_status_id"),
        "res.users": ("login", "employee_id", "employee_ids", "partner_id", "share"),
        "res.partner": ("email", "is_company", "parent_id", "commercial_partner_id"),
        "sale.order": ("partner_id", "state", "currency_id", "invoice_status"),
        "sale.order.line": (
            "order_id",
            "project_id",
            "task_id",
            "product_id",
            "product_uom_qty",
            "qty_delivered",
            "qty_invoiced",
            "qty_to_invoice",
            "price_unit",
            "price_subtotal",
            "untaxed_amount_invoiced",
            "untaxed_amount_to_invoice",
            "amount_invoiced",
            "amount_to_invoice",
            "invoice_status",
            "currency_id",
            "is_service",
            "state",
        ),
        "helpdesk.ticket": (
            "number",
            "ticket_ref",
            "description",
            "team_id",
            "category_id",
            "ticket_type_id",
            "stage_id",
            "closed",
            "priority",
            "user_id",
            "partner_id",
            "partner_name",
            "partner_email",
            "project_id",
            "task_id",
            "closed_date",
            "close_date",
            "last_stage_update",
            "date_last_stage_update",
            "tag_ids",
            "kanban_state",
            "company_id",
        ),
        "helpdesk.ticket.stage": ("closed", "fold", "sequence"),
        "helpdesk.stage": ("fold", "sequence"),
        "helpdesk.ticket.team": ("user_id",),
        "helpdesk.team": ("user_id",),
        "helpdesk.ticket.category": ("complete_name",),
        "helpdesk.ticket.tag": ("color",),
        "helpdesk.tag": ("color",),
        "mail.message": (
            "model",
            "res_id",
            "body",
            "author_id",
            "date",
            "message_type",
            "subtype_id",
            "is_internal",
            "record_name",
            "subject",
            "tracking_value_ids",
            "parent_id",
            "mail_activity_type_id",
        ),
        "mail.message.subtype": ("internal", "default", "res_model"),
        "mail.tracking.value": (
            "mail_message_id",
            "field_id",
            "field",
            "old_value_integer",
            "new_value_integer",
            "old_value_char",
            "new_value_char",
        ),
        "mail.activity": (
            "res_model",
            "res_model_id",
            "res_id",
            "res_name",
            "activity_type_id",
            "user_id",
            "summary",
            "note",
            "date_deadline",
            "state",
        ),
        "mail.activity.type": ("category", "res_model", "delay_count", "delay_unit"),
        "ir.model": ("model",),
        "ir.model.data": ("module", "model", "res_id"),
    }.items()
}

MODELS: frozenset[str] = frozenset(FIELDS)


def check_model(model: str) -> None:
    """Refuse a model outside the allowlist."""
    if model not in MODELS:
        raise AllowlistViolation(
            f"Model {model!r} is not in the gateway allowlist. Add it to "
            "agent/tools/allowlist.py FIELDS only if the triage agent really needs it."
        )


def check_method(model: str, method: str) -> None:
    """Refuse every method that is not a known read, before anything is sent."""
    if method not in READ_METHODS:
        raise ReadOnlyViolation(
            f"{model}.{method} refused: the Odoo gateway is read-only. Only "
            f"{', '.join(sorted(READ_METHODS))} are allowed; internal notes and review "
            "activities go through gateway.publish_channel() used by agent/publish.py."
        )


def check_fields(model: str, fields: Iterable[str]) -> None:
    """Refuse fields outside the allowlist (aggregates like `unit_amount:sum` included)."""
    allowed = FIELDS[model]
    bad = sorted(
        {f for f in fields if _base_field(f) not in allowed and _base_field(f) != "__count"}
    )
    if bad:
        raise AllowlistViolation(
            f"Field(s) {', '.join(bad)} of {model} are not in the gateway allowlist "
            "(agent/tools/allowlist.py)."
        )


def _base_field(spec: str) -> str:
    """`first:min(date)` -> date, `unit_amount:sum` -> unit_amount, `date:week` -> date."""
    if ":" in spec:
        alias, _, rest = spec.partition(":")
        if "(" in rest:
            return rest[rest.index("(") + 1 : rest.rindex(")")].split(".")[0]
        return alias.split(".")[0]
    return spec.split(".")[0]


def domain_fields(domain: Sequence[Any]) -> set[str]:
    """The first path segment of every leaf field in an Odoo domain."""
    names: set[str] = set()
    for leaf in domain:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str):
            names.add(leaf[0].split(".")[0])
    return names
