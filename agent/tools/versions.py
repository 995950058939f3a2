"""Odoo version detection and the field names each version uses.

Records are version-neutral (`agent.tools.records`); this module says which server field
feeds which record attribute. Candidates are listed in preference order; the gateway
keeps the first one `fields_get` reports, so a field an edition lacks (OCA vs Enterprise
Helpdesk) is never requested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OdooVersion:
    """The server version, read once from `version_info`."""

    major: int
    minor: int = 0
    serie: str = ""
    server_version: str = ""

    @classmethod
    def from_info(cls, info: Mapping[str, Any]) -> OdooVersion:
        """Parse `/web/webclient/version_info` (or `common.version`)."""
        raw_info = info.get("server_version_info") or []
        serie = str(info.get("server_serie") or info.get("server_version") or "")
        major, minor = _parse_major_minor(raw_info, serie)
        return cls(
            major=major,
            minor=minor,
            serie=serie,
            server_version=str(info.get("server_version", serie)),
        )

    @property
    def has_json2(self) -> bool:
        """JSON-2 (`/json/2/<model>/<method>`) exists from Odoo 19."""
        return self.major >= 19

    @property
    def uses_odoo_urls(self) -> bool:
        """`/odoo/<model>/<id>` links exist from 18 (17 still uses `/web#id=`)."""
        return self.major >= 18


def _parse_major_minor(raw_info: Any, serie: str) -> tuple[int, int]:
    if isinstance(raw_info, list | tuple) and raw_info:
        head = str(raw_info[0])
        # SaaS builds report e.g. ["saas~17", 2, ...]
        digits = "".join(ch for ch in head if ch.isdigit())
        if digits:
            minor = raw_info[1] if len(raw_info) > 1 and isinstance(raw_info[1], int) else 0
            return int(digits), minor
    parts = serie.replace("saas~", "").split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return 0, 0


# attribute -> candidate server fields, for one model
FieldCandidates = dict[str, tuple[str, ...]]

_BASE: dict[str, FieldCandidates] = {
    "project.project": {
        "name": ("name",),
        "write_date": ("write_date",),
        "partner_id": ("partner_id",),
        "manager_id": ("user_id",),
        "date_start": ("date_start",),
        "date_end": ("date",),
        "allocated_hours": ("allocated_hours",),
        "last_update_status": ("last_update_status",),
        "last_update_id": ("last_update_id",),
        "active": ("active",),
        "allow_billable": ("allow_billable",),
        "sale_line_id": ("sale_line_id",),
        "tag_ids": ("tag_ids",),
        "description": ("description",),
    },
    "project.task": {
        "name": ("name",),
        "write_date": ("write_date",),
        "project_id": ("project_id",),
        "stage_id": ("stage_id",),
        "user_ids": ("user_ids",),
        "date_deadline": ("date_deadline",),
        "allocated_hours": ("allocated_hours",),
        "effective_hours": ("effective_hours",),
        "remaining_hours": ("remaining_hours",),
        "progress": ("progress",),
        "state": ("state",),
        "is_closed": ("is_closed",),
        "priority": ("priority",),
        "milestone_id": ("milestone_id",),
        "parent_id": ("parent_id",),
        "date_last_stage_update": ("date_last_stage_update",),
        "create_date": ("create_date",),
        "description": ("description",),
        "sale_line_id": ("sale_line_id",),
    },
    "project.milestone": {
        "name": ("name",),
        "write_date": ("write_date",),
        "project_id": ("project_id",),
        "deadline": ("deadline",),
        "is_reached": ("is_reached",),
        "reached_date": ("reached_date",),
    },
    "project.update": {
        "name": ("name",),
        "write_date": ("write_date",),
        "project_id": ("project_id",),
        "status": ("status",),
        "progress": ("progress",),
        "update_date": ("date",),
        "description": ("description",),
    },
    "sale.order.line": {
        "name": ("name",),
        "write_date": ("write_date",),
        "order_id": ("order_id",),
        "project_id": ("project_id",),
        "task_id": ("task_id",),
        "product_uom_qty": ("product_uom_qty",),
        "qty_delivered": ("qty_delivered",),
        "qty_invoiced": ("qty_invoiced",),
        "qty_to_invoice": ("qty_to_invoice",),
        "price_unit": ("price_unit",),
        "price_subtotal": ("price_subtotal",),
        "amount_invoiced": ("untaxed_amount_invoiced", "amount_invoiced"),
        "amount_to_invoice": ("untaxed_amount_to_invoice", "amount_to_invoice"),
        "invoice_status": ("invoice_status",),
        "currency": ("currency_id",),
    },
    "helpdesk.ticket": {
        "name": ("name",),
        "write_date": ("write_date",),
        "number": ("number", "ticket_ref"),  # OCA, Enterprise
        "description": ("description",),
        "team_id": ("team_id",),
        "category_id": ("category_id", "ticket_type_id"),
        "stage_id": ("stage_id",),
        "closed": ("closed",),
        "priority": ("priority",),
        "user_id": ("user_id",),
        "partner_id": ("partner_id",),
        "project_id": ("project_id",),
        "task_id": ("task_id",),
        "create_date": ("create_date",),
        "closed_date": ("closed_date", "close_date"),
        "last_stage_update": ("last_stage_update", "date_last_stage_update"),
        "tag_ids": ("tag_ids",),
    },
    "hr.employee": {
        "name": ("name",),
        "write_date": ("write_date",),
        "user_id": ("user_id",),
        "department": ("department_id",),
    },
    "hr.leave": {
        "name": ("name",),
        "write_date": ("write_date",),
        "employee_id": ("employee_id",),
        "date_from": ("date_from",),
        "date_to": ("date_to",),
        "state": ("state",),
    },
    "res.users": {
        "name": ("name",),
        "write_date": ("write_date",),
        "login": ("login",),
    },
    "mail.message": {
        "write_date": ("write_date",),
        "model": ("model",),
        "res_id": ("res_id",),
        "body": ("body",),
        "author_id": ("author_id",),
        "posted_at": ("date",),
        "message_type": ("message_type",),
        "subtype_id": ("subtype_id",),
        "record_name": ("record_name",),
        "subject": ("subject",),
    },
    "mail.activity": {
        "write_date": ("write_date",),
        "res_model": ("res_model",),
        "res_id": ("res_id",),
        "summary": ("summary",),
        "user_id": ("user_id",),
        "date_deadline": ("date_deadline",),
        "activity_type_id": ("activity_type_id",),
        "res_name": ("res_name",),
    },
}


def field_candidates(model: str, version: OdooVersion) -> FieldCandidates:
    """Attribute -> server field candidates for `model` on this version."""
    mapping = dict(_BASE.get(model, {}))
    if model == "project.task":
        if version.major and version.major <= 16:
            mapping["allocated_hours"] = ("planned_hours", "allocated_hours")
        if version.major and version.major < 16:
            mapping["user_ids"] = ("user_id",)
        if version.major and version.major < 17:
            mapping.pop("state", None)
    return mapping


def task_progress_ratio(value: float, version: OdooVersion) -> float:
    """Task `progress` is a percentage up to 16 and a ratio from 17 (2.1 = 210 %)."""
    if version.major and version.major <= 16:
        return value / 100.0
    return value
