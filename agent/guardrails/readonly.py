"""The LLM agent may only call read tools: anything else is refused and logged.

The gateway already refuses Odoo writes; this is the second, independent fence at
the agent level (OWASP LLM06 "excessive agency"): a model that was talked into
calling `write_task` never even reaches the gateway.
"""

from __future__ import annotations

import logging
from typing import Final

SECURITY_LOGGER_NAME: Final = "triage.security"
_log = logging.getLogger(SECURITY_LOGGER_NAME)

#: Tool names exposed to the LLM by `agent/tools/langchain.py`. All are read-only.
ALLOWED_TOOL_NAMES: Final[frozenset[str]] = frozenset(
    {
        "get_project",
        "get_task",
        "list_tasks",
        "list_milestones",
        "get_ticket",
        "list_tickets",
        "list_timesheets",
        "list_messages",
        "list_leaves",
        "list_sale_lines",
        "get_timesheet_compliance",
        "search_similar_tickets",
    }
)


class ToolNotAllowedError(PermissionError):
    """The model asked for a tool outside the read-only allowlist."""

    def __init__(self, name: str) -> None:
        self.tool_name = name
        super().__init__(
            f"tool {name!r} is not in the read-only allowlist; the agent only reads. "
            "If this is a new read tool, add its name to "
            "agent.guardrails.readonly.ALLOWED_TOOL_NAMES."
        )


def assert_tool_allowed(name: str, *, allowed: frozenset[str] = ALLOWED_TOOL_NAMES) -> None:
    """Raise `ToolNotAllowedError` (and log a security event) unless `name` is allowed."""
    if name in allowed:
        return
    _log.warning(
        "security event: refused tool call %r (not in read-only allowlist)",
        name,
        extra={"security_event": "tool_refused", "tool_name": name},
    )
    raise ToolNotAllowedError(name)
