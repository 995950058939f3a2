"""The shared state of one generation run: tables, ids, clock and labels."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

Row = dict[str, Any]
Dataset = dict[str, list[Row]]

MODELS: tuple[tuple[str, str], ...] = (
    ("res.company", "Companies"),
    ("res.currency", "Currency"),
    ("res.partner", "Contact"),
    ("res.users", "User"),
    ("hr.department", "Department"),
    ("hr.employee", "Employee"),
    ("hr.leave.type", "Time Off Type"),
    ("hr.leave", "Time Off"),
    ("product.product", "Product Variant"),
    ("account.analytic.account", "Analytic Account"),
    ("project.tags", "Project Tags"),
    ("project.task.type", "Task Stage"),
    ("project.project", "Project"),
    ("project.milestone", "Milestone"),
    ("project.update", "Project Update"),
    ("project.task", "Task"),
    ("sale.order", "Sales Order"),
    ("sale.order.line", "Sales Order Line"),
    ("account.analytic.line", "Analytic Line"),
    ("helpdesk.ticket.team", "Helpdesk Ticket Team"),
    ("helpdesk.ticket.stage", "Helpdesk Ticket Stage"),
    ("helpdesk.ticket.category", "Helpdesk Ticket Category"),
    ("helpdesk.ticket", "Helpdesk Ticket"),
    ("mail.message.subtype", "Message subtypes"),
    ("mail.activity.type", "Activity Type"),
    ("mail.message", "Message"),
    ("mail.activity", "Activity"),
    ("ir.model", "Models"),
)

SLA_TARGET_HOURS = {"3": 8, "2": 24, "1": 72, "0": 168}


def fmt_dt(moment: datetime) -> str:
    """Odoo's datetime wire form (naive UTC, seconds)."""
    return moment.isoformat(" ", "seconds")


@dataclass
class Builder:
    """Tables being filled plus the labels gathered while planting situations."""

    rng: random.Random
    today: date
    scale: int
    data: Dataset = field(default_factory=lambda: {m: [] for m, _ in MODELS})
    situations: list[dict[str, Any]] = field(default_factory=list)
    ticket_labels: dict[int, dict[str, str]] = field(default_factory=dict)
    duplicates: list[list[int]] = field(default_factory=list)
    names_used: set[str] = field(default_factory=set)

    @property
    def now(self) -> datetime:
        """The reference moment: today 00:00 UTC. Every generated moment is before it."""
        return datetime.combine(self.today, time())

    def add(self, model: str, values: Row) -> int:
        """Append a record with the next id of `model` and return that id."""
        rows = self.data[model]
        values["id"] = len(rows) + 1
        rows.append(values)
        return len(rows)

    def row(self, model: str, rid: int) -> Row:
        return self.data[model][rid - 1]

    def day(self, offset: int) -> date:
        """today + offset days."""
        return self.today + timedelta(days=offset)

    def at(self, day: date, hour: float) -> str:
        """A datetime string on `day` at `hour` (fractional hours allowed)."""
        return fmt_dt(datetime.combine(day, time()) + timedelta(hours=hour))

    def ago(self, hours: float) -> str:
        """A datetime string `hours` before `now`."""
        return fmt_dt(self.now - timedelta(hours=hours))

    def label(
        self,
        situation: str,
        category: str,
        model: str,
        rid: int,
        project_id: int | None,
        severity: str,
        records: list[tuple[str, int]],
        note: str,
    ) -> None:
        self.situations.append(
            {
                "situation": situation,
                "category": category,
                "model": model,
                "id": rid,
                "project_id": project_id,
                "min_severity": severity,
                "records": [[m, i] for m, i in records],
                "note": note,
            }
        )


def working_days(start: date, end: date) -> list[date]:
    """Mon-Fri days from start to end inclusive."""
    out: list[date] = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out
