"""Read-only LangChain tools over the Odoo gateway, for the LLM agent.

Why a fixed set of narrow tools (and no generic `call(model, method, ...)`): the model can
only ask for what a reviewer would look at, every argument is typed with extra keys
forbidden (a `method="write"` argument is a validation error, not a call), and every tool
name is checked against `agent.guardrails.readonly` before running. Outputs are bounded
(`MAX_ROWS`, `MAX_CHARS`); free text in them is PII-redacted and spotlighted, and every
record returned is added to the run's `read_refs` so the model may cite it as evidence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal, Protocol

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from agent.guardrails.pii import Redactor
from agent.guardrails.readonly import assert_tool_allowed
from agent.guardrails.spotlight import Spotlighter

MAX_ROWS = 20
MAX_CHARS = 4000
TEXT_CHARS = 600

_UNTRUSTED_FIELDS = frozenset({"description", "body", "name"})


class ReadGateway(Protocol):
    """The part of `agent.tools.odoo.OdooGateway` the tools use: one read method."""

    def search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str],
        *,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]: ...


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectArgs(_Args):
    project_id: int = Field(gt=0, description="project.project id")


class TaskArgs(_Args):
    task_id: int = Field(gt=0, description="project.task id")


class TicketArgs(_Args):
    ticket_id: int = Field(gt=0, description="helpdesk.ticket id")


class PartnerTicketsArgs(_Args):
    partner_id: int = Field(gt=0, description="res.partner id of the customer")


class MessagesArgs(_Args):
    model: Literal["project.project", "project.task", "helpdesk.ticket"]
    res_id: int = Field(gt=0)


_PROJECT_FIELDS = [
    "name",
    "partner_id",
    "user_id",
    "date_start",
    "date",
    "allocated_hours",
    "last_update_status",
    "description",
]
_TASK_FIELDS = [
    "name",
    "project_id",
    "stage_id",
    "user_ids",
    "date_deadline",
    "allocated_hours",
    "effective_hours",
    "remaining_hours",
    "progress",
    "state",
    "priority",
    "milestone_id",
    "description",
]
_MILESTONE_FIELDS = ["name", "project_id", "deadline", "is_reached", "reached_date"]
_TICKET_FIELDS = [
    "name",
    "number",
    "team_id",
    "category_id",
    "stage_id",
    "priority",
    "user_id",
    "partner_id",
    "create_date",
    "description",
]
_MESSAGE_FIELDS = ["model", "res_id", "date", "author_id", "message_type", "body"]


class ReadOnlyToolbox:
    """One per run: builds the tools and remembers every (model, id) they returned."""

    def __init__(
        self,
        gateway: ReadGateway,
        *,
        spotlighter: Spotlighter | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self._gw = gateway
        self._spot = spotlighter or Spotlighter()
        self._redactor = redactor or Redactor()
        self.read_refs: set[tuple[str, int]] = set()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    # -- rendering ---------------------------------------------------------------
    def _clean(self, model: str, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key in _UNTRUSTED_FIELDS and isinstance(value, str) and value:
                text = self._redactor.redact(value[:TEXT_CHARS]).text
                value = self._spot.fence(text, f"{model}#{row.get('id')}", field=key)
            elif isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
                value = [value[0], self._redactor.redact(value[1]).text]  # many2one pair
            out[key] = value
        return out

    def _rows(self, model: str, domain: list[Any], fields: list[str], order: str) -> str:
        rows = self._gw.search_read(model, domain, fields, limit=MAX_ROWS, order=order)
        for row in rows:
            if isinstance(row.get("id"), int):
                self.read_refs.add((model, row["id"]))
        cleaned = [self._clean(model, r) for r in rows]
        text = json.dumps({"model": model, "records": cleaned}, default=str, ensure_ascii=False)
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS] + ' ..."(truncated: output limit reached)"'
        return text

    def _tool(
        self, name: str, description: str, args: type[_Args], run: Callable[..., str]
    ) -> BaseTool:
        def guarded(**kwargs: Any) -> str:
            assert_tool_allowed(name)
            self.calls.append((name, kwargs))
            return run(**kwargs)

        return StructuredTool.from_function(
            func=guarded, name=name, description=description, args_schema=args
        )

    # -- the tools -----------------------------------------------------------------
    def tools(self) -> list[BaseTool]:
        """The read tools, each also allowed by `agent.guardrails.readonly`."""
        return [
            self._tool(
                "get_project",
                "Read one project's header fields.",
                ProjectArgs,
                lambda project_id: self._rows(
                    "project.project", [("id", "=", project_id)], _PROJECT_FIELDS, "id"
                ),
            ),
            self._tool(
                "get_task",
                "Read one task.",
                TaskArgs,
                lambda task_id: self._rows(
                    "project.task", [("id", "=", task_id)], _TASK_FIELDS, "id"
                ),
            ),
            self._tool(
                "list_tasks",
                f"List up to {MAX_ROWS} open tasks of a project.",
                ProjectArgs,
                lambda project_id: self._rows(
                    "project.task",
                    [("project_id", "=", project_id)],
                    _TASK_FIELDS,
                    "date_deadline asc, id asc",
                ),
            ),
            self._tool(
                "list_milestones",
                "List a project's milestones.",
                ProjectArgs,
                lambda project_id: self._rows(
                    "project.milestone",
                    [("project_id", "=", project_id)],
                    _MILESTONE_FIELDS,
                    "deadline asc, id asc",
                ),
            ),
            self._tool(
                "get_ticket",
                "Read one Helpdesk ticket.",
                TicketArgs,
                lambda ticket_id: self._rows(
                    "helpdesk.ticket", [("id", "=", ticket_id)], _TICKET_FIELDS, "id"
                ),
            ),
            self._tool(
                "list_tickets",
                f"List up to {MAX_ROWS} recent tickets of a customer.",
                PartnerTicketsArgs,
                lambda partner_id: self._rows(
                    "helpdesk.ticket",
                    [("partner_id", "=", partner_id)],
                    _TICKET_FIELDS,
                    "create_date desc, id desc",
                ),
            ),
            self._tool(
                "list_messages",
                f"List up to {MAX_ROWS} recent chatter messages of a record.",
                MessagesArgs,
                lambda model, res_id: self._rows(
                    "mail.message",
                    [("model", "=", model), ("res_id", "=", res_id)],
                    _MESSAGE_FIELDS,
                    "date desc, id desc",
                ),
            ),
        ]
