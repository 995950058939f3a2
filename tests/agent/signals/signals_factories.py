"""Small hand-made records for signal tests (values chosen so results are easy to compute)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from agent.tools.records import Project, ProjectBundle, Task, Ticket, TicketBundle

NOW = datetime(2026, 12, 4, 10, 0)  # a Friday
BASE = "https://erp.example.com"


def project(**kw: Any) -> Project:
    values: dict[str, Any] = {
        "id": 1,
        "name": "Website relaunch",
        "allocated_hours": 100.0,
        "date_start": date(2026, 11, 4),
        "date_end": date(2027, 1, 3),  # 60 days; 30 elapsed on NOW
    }
    return Project(**(values | kw))


def task(id: int, **kw: Any) -> Task:
    values: dict[str, Any] = {
        "id": id,
        "name": f"Task {id}",
        "project_id": 1,
        "state": "01_in_progress",
    }
    return Task(**(values | kw))


def bundle(**kw: Any) -> ProjectBundle:
    values: dict[str, Any] = {"project": project(), "data_as_of": NOW}
    return ProjectBundle(**(values | kw))


def ticket_bundle(**kw: Any) -> TicketBundle:
    ticket_kw = kw.pop("ticket", {})
    values: dict[str, Any] = {
        "id": 7,
        "name": "Question",
        "priority": "1",
        "create_date": datetime(2026, 12, 4, 9, 0),
    }
    return TicketBundle(ticket=Ticket(**(values | ticket_kw)), data_as_of=NOW, **kw)
