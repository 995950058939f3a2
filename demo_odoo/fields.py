"""Field definitions of the demo Odoo, per model and per Odoo version.

The 18.0 lists in `demo_odoo/fields/*.json` are copies of `fields_get` from a real
Odoo 18 server; they are the truth for names, types, relations and stored flags.
Models we serve without a recording get a minimal synthesized list (`_SYNTHESIZED`).

Version mapping (the dataset always uses the 18.0 names; the server renames at the edge):

| version | project.task                                   | other                         |
|---------|------------------------------------------------|-------------------------------|
| 16.0    | `planned_hours` instead of `allocated_hours`;   | project.project keeps         |
|         | no `state`, `kanban_state` (normal/done/blocked)| `allocated_hours` (Odoo 16)   |
| 17.0    | as 18.0                                        |                               |
| 18.0    | recorded                                       |                               |
| 19.0    | as 18.0 (JSON-2 API added)                     |                               |
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

FIELDS_DIR = Path(__file__).with_name("fields")
SUPPORTED_VERSIONS = ("16.0", "17.0", "18.0", "19.0")

# (model, 18.0 name) -> name in older versions, for versions <= key.
RENAMES_16: dict[tuple[str, str], str] = {("project.task", "allocated_hours"): "planned_hours"}
KANBAN_FROM_STATE = {
    "1_done": "done",
    "04_waiting_normal": "blocked",
    "02_changes_requested": "blocked",
}

# Human labels of models (ir.model `name`), used in access error messages.
MODEL_LABELS: dict[str, str] = {
    "project.task": "Task",
    "project.project": "Project",
    "project.task.type": "Task Stage",
    "project.tags": "Project Tags",
    "project.milestone": "Milestone",
    "project.update": "Project Update",
    "account.analytic.line": "Analytic Line",
    "account.analytic.account": "Analytic Account",
    "helpdesk.ticket": "Helpdesk Ticket",
    "helpdesk.ticket.stage": "Helpdesk Ticket Stage",
    "helpdesk.ticket.team": "Helpdesk Ticket Team",
    "helpdesk.ticket.category": "Helpdesk Ticket Category",
    "hr.employee": "Employee",
    "hr.leave": "Time Off",
    "mail.activity": "Activity",
    "mail.activity.type": "Activity Type",
    "mail.message": "Message",
    "mail.message.subtype": "Message subtypes",
    "res.partner": "Contact",
    "res.users": "User",
    "res.company": "Companies",
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "ir.model": "Models",
    "ir.model.fields": "Fields",
    "product.product": "Product Variant",
    "res.currency": "Currency",
    "hr.department": "Department",
}

# One2many fields: (model, field) -> inverse many2one on the comodel.
ONE2MANY_INVERSE: dict[tuple[str, str], str] = {
    ("project.project", "task_ids"): "project_id",
    ("project.project", "tasks"): "project_id",
    ("project.project", "timesheet_ids"): "project_id",
    ("project.project", "milestone_ids"): "project_id",
    ("project.project", "update_ids"): "project_id",
    ("project.project", "ticket_ids"): "project_id",
    ("project.task", "timesheet_ids"): "task_id",
    ("project.task", "child_ids"): "parent_id",
    ("project.task", "ticket_ids"): "task_id",
    ("helpdesk.ticket", "timesheet_ids"): "ticket_id",
    ("res.partner", "child_ids"): "parent_id",
    ("res.partner", "user_ids"): "partner_id",
    ("sale.order", "order_line"): "order_id",
    ("hr.employee", "child_ids"): "parent_id",
    ("mail.message", "child_ids"): "parent_id",
    ("helpdesk.ticket.team", "ticket_ids"): "team_id",
}


@dataclass(frozen=True)
class FieldDef:
    """One field as `fields_get` describes it."""

    name: str
    type: str
    string: str
    store: bool = True
    relation: str | None = None
    required: bool = False
    readonly: bool = False
    selection: list[list[str]] | None = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self, attributes: list[str] | None) -> dict[str, Any]:
        """The `fields_get` answer for this field, limited to `attributes` if given."""
        full = dict(self.attrs)
        full.pop("modules", None)
        full.update(
            {
                "type": self.type,
                "string": self.string,
                "store": self.store,
                "required": self.required,
                "readonly": self.readonly,
            }
        )
        if self.relation:
            full["relation"] = self.relation
        if self.selection is not None:
            full["selection"] = self.selection
        if attributes:
            return {k: v for k, v in full.items() if k in attributes}
        return full


def _f(type_: str, string: str, relation: str | None = None, store: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type_, "string": string, "store": store}
    if relation:
        out["relation"] = relation
    return out


_COMMON = {
    "id": _f("integer", "ID"),
    "display_name": _f("char", "Display Name", store=False),
    "create_date": _f("datetime", "Created on"),
    "write_date": _f("datetime", "Last Updated on"),
    "create_uid": _f("many2one", "Created by", "res.users"),
    "write_uid": _f("many2one", "Last Updated by", "res.users"),
}

_SYNTHESIZED: dict[str, dict[str, dict[str, Any]]] = {
    "ir.model": {
        "name": _f("char", "Model Description"),
        "model": _f("char", "Model"),
        "info": _f("text", "Information"),
        "transient": _f("boolean", "Transient Model"),
    },
    "ir.model.fields": {
        "name": _f("char", "Field Name"),
        "model": _f("char", "Model Name"),
        "model_id": _f("many2one", "Model", "ir.model"),
        "ttype": _f("char", "Field Type"),
        "relation": _f("char", "Related Model"),
        "field_description": _f("char", "Field Label"),
        "store": _f("boolean", "Stored"),
    },
    "mail.message.subtype": {
        "name": _f("char", "Message Type"),
        "internal": _f("boolean", "Internal Only"),
        "default": _f("boolean", "Default"),
        "res_model": _f("char", "Model"),
        "description": _f("text", "Description"),
        "hidden": _f("boolean", "Hidden"),
        "sequence": _f("integer", "Sequence"),
    },
    "account.analytic.account": {
        "name": _f("char", "Analytic Account"),
        "code": _f("char", "Reference"),
        "partner_id": _f("many2one", "Customer", "res.partner"),
        "active": _f("boolean", "Active"),
        "company_id": _f("many2one", "Company", "res.company"),
    },
    "res.company": {
        "name": _f("char", "Company Name"),
        "partner_id": _f("many2one", "Partner", "res.partner"),
        "currency_id": _f("many2one", "Currency", "res.currency"),
    },
    "res.currency": {
        "name": _f("char", "Currency"),
        "symbol": _f("char", "Symbol"),
        "active": _f("boolean", "Active"),
    },
    "product.product": {
        "name": _f("char", "Name"),
        "default_code": _f("char", "Internal Reference"),
        "type": _f("char", "Product Type"),
        "list_price": _f("float", "Sales Price"),
        "active": _f("boolean", "Active"),
    },
    "hr.department": {
        "name": _f("char", "Department Name"),
        "manager_id": _f("many2one", "Manager", "hr.employee"),
        "active": _f("boolean", "Active"),
    },
}


def _to_def(name: str, raw: dict[str, Any]) -> FieldDef:
    return FieldDef(
        name=name,
        type=str(raw["type"]),
        string=str(raw.get("string", name)),
        store=bool(raw.get("store", True)),
        relation=raw.get("relation") or None,
        required=bool(raw.get("required", False)),
        readonly=bool(raw.get("readonly", False)),
        selection=raw.get("selection"),
        attrs=raw,
    )


@cache
def _recorded_18() -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(FIELDS_DIR.glob("*.json")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _apply_version(model: str, raw: dict[str, dict[str, Any]], version: str) -> None:
    major = int(version.split(".")[0])
    if major <= 16:
        for (rmodel, new), old in RENAMES_16.items():
            if rmodel == model and new in raw:
                raw[old] = {**raw.pop(new), "string": "Initially Planned Hours"}
        if model == "project.task" and "state" in raw:
            raw.pop("state")
            raw["kanban_state"] = {
                "type": "selection",
                "string": "Status",
                "store": True,
                "selection": [
                    ["normal", "In Progress"],
                    ["done", "Ready"],
                    ["blocked", "Blocked"],
                ],
            }


@cache
def model_fields(version: str = "18.0") -> dict[str, dict[str, FieldDef]]:
    """All models and their fields as served by the given version."""
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"Unsupported Odoo version {version!r}: use one of {SUPPORTED_VERSIONS}")
    out: dict[str, dict[str, FieldDef]] = {}
    sources = {**_SYNTHESIZED, **_recorded_18()}
    for model, raw_fields in sources.items():
        raw = {**_COMMON, **json.loads(json.dumps(raw_fields))}
        _apply_version(model, raw, version)
        out[model] = {name: _to_def(name, spec) for name, spec in raw.items()}
    return out


def version_name(version: str, model: str, name18: str) -> str:
    """The name a field carries in `version`, given its 18.0 name."""
    if int(version.split(".")[0]) <= 16:
        return RENAMES_16.get((model, name18), name18)
    return name18


def server_version_info(version: str) -> dict[str, Any]:
    """The `version_info` / `common.version` answer for `version`."""
    major, minor = (int(x) for x in version.split("."))
    return {
        "server_version": f"{version}-20250702",
        "server_version_info": [major, minor, 0, "final", 0, ""],
        "server_serie": version,
        "protocol_version": 1,
    }
