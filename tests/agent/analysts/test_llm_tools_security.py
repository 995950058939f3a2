"""Malicious or runaway tool use by the model: caps hold and no write ever leaves."""

from __future__ import annotations

from typing import Any

import pytest
from llm_fakes import (
    STATUS_ANSWER,
    WRITE_METHODS,
    RecordingTransport,
    answer,
    no_violations,
    scripted,
    tool_call,
)

from agent.analysts.llm import LLMAnalyst
from agent.config import Settings
from agent.facts import ProjectFacts
from agent.tools.odoo import OdooGateway


def make(settings: Settings, model: Any, gateway: OdooGateway) -> LLMAnalyst:
    return LLMAnalyst(
        settings, model=model, gateway=gateway, grounding=no_violations, retry_initial_delay_s=0.0
    )


def _no_write_left(transport: RecordingTransport) -> None:
    assert not [c for c in transport.calls if c[1] in WRITE_METHODS], transport.calls


def test_read_tool_result_can_be_cited_as_evidence(
    settings: Settings,
    project_facts: ProjectFacts,
    gateway: OdooGateway,
    transport: RecordingTransport,
) -> None:
    model = scripted(tool_call("get_task", {"task_id": 71}), answer(STATUS_ANSWER))
    result = make(settings, model, gateway).summarize_project(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert ("project.task", "search_read") in transport.calls
    tool_reply = model.seen[-1][-1].text
    assert "<<DATA" in tool_reply  # the task description came back fenced
    assert "jane.doe@example.com" not in tool_reply  # and PII-redacted
    _no_write_left(transport)


@pytest.mark.parametrize(
    "name,args",
    [
        ("write", {"model": "project.task", "ids": [71], "vals": {"stage_id": 9}}),
        ("create", {"model": "mail.activity", "vals": {"summary": "x"}}),
        ("message_post", {"model": "project.task", "res_id": 71, "body": "done"}),
        ("unlink", {"model": "project.task", "ids": [71]}),
        ("execute_kw", {"model": "project.task", "method": "write", "args": [[71], {}]}),
        ("get_task", {"task_id": 71, "method": "write", "vals": {"stage_id": 9}}),
        ("list_messages", {"model": "res.users", "res_id": 1}),
    ],
)
def test_malicious_tool_calls_never_reach_odoo_as_writes(
    settings: Settings,
    project_facts: ProjectFacts,
    gateway: OdooGateway,
    transport: RecordingTransport,
    name: str,
    args: dict[str, Any],
) -> None:
    model = scripted(tool_call(name, args), answer(STATUS_ANSWER))
    analyst = make(settings, model, gateway)
    result = analyst.summarize_project(project_facts)
    _no_write_left(transport)
    assert transport.calls == []  # not even a read: the call was refused or invalid
    reply = model.seen[-1][-1]
    assert reply.type == "tool" and getattr(reply, "status", "") == "error"
    assert result.meta.analyst == "llm", result.meta.fallback_reason


def test_unknown_tools_are_refused_by_the_guard(
    settings: Settings,
    project_facts: ProjectFacts,
    gateway: OdooGateway,
    transport: RecordingTransport,
) -> None:
    model = scripted(tool_call("unlink", {"ids": [71]}), answer(STATUS_ANSWER))
    analyst = make(settings, model, gateway)
    analyst.summarize_project(project_facts)
    assert analyst.last_refused_tools == ["unlink"]


def test_only_read_tools_are_offered_to_the_model(
    settings: Settings, project_facts: ProjectFacts, gateway: OdooGateway
) -> None:
    model = scripted(answer(STATUS_ANSWER))
    make(settings, model, gateway).summarize_project(project_facts)
    offered = set(model.bound[0]["tools"])
    assert offered and all(n.startswith(("get_", "list_")) for n in offered)


def test_tool_call_cap_bounds_odoo_reads_and_falls_back(
    settings: Settings,
    project_facts: ProjectFacts,
    gateway: OdooGateway,
    transport: RecordingTransport,
) -> None:
    calls = [tool_call("get_task", {"task_id": 71}, f"c{i}") for i in range(20)]
    model = scripted(*calls)
    result = make(settings, model, gateway).summarize_project(project_facts)
    reads = [c for c in transport.calls if c[1] == "search_read"]
    assert len(reads) <= settings.llm_max_tool_calls
    assert len(model.seen) <= settings.llm_max_model_calls
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and result.meta.fallback_reason.startswith("call_limit")
    _no_write_left(transport)


def test_tool_output_is_bounded_and_records_what_was_read(gateway: OdooGateway) -> None:
    from agent.tools.langchain import MAX_CHARS, ReadOnlyToolbox

    box = ReadOnlyToolbox(gateway)
    tool = next(t for t in box.tools() if t.name == "list_tasks")
    out = tool.invoke({"project_id": 7})
    assert len(out) <= MAX_CHARS + 60
    assert box.read_refs == {("project.task", 71)}
    assert box.calls == [("list_tasks", {"project_id": 7})]


def test_every_tool_is_in_the_readonly_allowlist(gateway: OdooGateway) -> None:
    from agent.guardrails.readonly import ALLOWED_TOOL_NAMES
    from agent.tools.langchain import ReadOnlyToolbox

    names = {t.name for t in ReadOnlyToolbox(gateway).tools()}
    assert names <= ALLOWED_TOOL_NAMES
