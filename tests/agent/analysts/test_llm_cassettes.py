"""Replays real HTTP exchanges with a local llama.cpp server (gemma 3 270M) via vcrpy.

The small model's prose is poor, so these tests check the protocol (strict JSON-schema
structured output in the request, usage parsed from the response), parsing, the
guardrails and the fallback path: every result is either a checked LLM output or the
offline output with a reason. Re-record with `scripts/record_cassettes.sh`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from vcr_config import CASSETTES, make_vcr

from agent.analysts.llm import LLMAnalyst
from agent.analysts.llm_model import build_chat_model
from agent.analysts.offline import OfflineAnalyst
from agent.config import Settings
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.guardrails import grounding
from agent.guardrails.spotlight import Spotlighter

RECORDING_KEY = "sk-test-RECORDING-SECRET"
#: llama-cpp-python's server knows `json_object` + schema, not OpenAI's `json_schema`.
STRATEGY: Any = os.environ.get("TRIAGE_RECORD_OUTPUT_STRATEGY", "json_object")
KNOWN_REASONS = ("grounding_failed", "schema_error", "refused", "call_limit")


@pytest.fixture
def cassette_settings() -> Settings:
    return Settings(
        TRIAGE_LLM_BASE_URL=os.environ.get("TRIAGE_RECORD_BASE_URL", "http://127.0.0.1:9/v1"),
        TRIAGE_LLM_API_KEY=os.environ.get("TRIAGE_RECORD_API_KEY", RECORDING_KEY),
        TRIAGE_LLM_MODEL=os.environ.get("TRIAGE_RECORD_MODEL", "gemma-3-270m"),
        TRIAGE_LLM_MAX_RETRIES=0,
        TRIAGE_LLM_CONTEXT_TOKENS=2500,
        TRIAGE_LLM_TIMEOUT=900,
    )


#: Completion cap sent as `max_tokens` (llama.cpp ignores OpenAI's `max_completion_tokens`).
#: The two summary cassettes were recorded before the cap existed and are short anyway.
MAX_TOKENS = {"assess_risks": 700, "draft_escalation": 320, "triage_ticket": 320}


def _analyst(settings: Settings, job: str) -> LLMAnalyst:
    model = build_chat_model(settings)
    if job in MAX_TOKENS:
        model.extra_body = {"max_tokens": MAX_TOKENS[job]}  # type: ignore[attr-defined]
    return LLMAnalyst(
        settings,
        model=model,
        output_strategy=STRATEGY,
        spotlighter_factory=lambda: Spotlighter(boundary="cassette-boundary"),
        retry_initial_delay_s=0.0,
    )


def _jobs(
    project: ProjectFacts, task: TaskFacts, ticket: TicketFacts
) -> dict[str, Callable[[LLMAnalyst], Any]]:
    assessment = OfflineAnalyst().assess_risks(project).output
    return {
        "summarize_project": lambda a: a.summarize_project(project),
        "summarize_task": lambda a: a.summarize_task(task),
        "assess_risks": lambda a: a.assess_risks(project),
        "draft_escalation": lambda a: a.draft_escalation(project, assessment),
        "triage_ticket": lambda a: a.triage_ticket(ticket),
    }


JOBS = ["summarize_project", "summarize_task", "assess_risks", "draft_escalation", "triage_ticket"]


@pytest.mark.parametrize("job", JOBS)
def test_cassette_exchange_yields_checked_output_or_reasoned_fallback(
    job: str,
    cassette_settings: Settings,
    project_facts: ProjectFacts,
    task_facts: TaskFacts,
    ticket_facts: TicketFacts,
) -> None:
    name = f"llm_{job}.yaml"
    with make_vcr().use_cassette(name) as cassette:
        result = _jobs(project_facts, task_facts, ticket_facts)[job](
            _analyst(cassette_settings, job)
        )
    assert cassette.play_count + len(cassette.data) > 0
    facts = {"summarize_task": task_facts, "triage_ticket": ticket_facts}.get(job, project_facts)
    if result.meta.analyst == "llm":
        report = grounding.check_output(
            result.output, read_refs=facts.read_refs, figures=facts.figures
        )
        assert report.ok, report.violations
        assert result.meta.tokens_in > 0 and result.meta.tokens_out > 0
    else:
        assert result.meta.fallback_reason, "a fallback must say why"
        assert result.meta.fallback_reason.startswith(KNOWN_REASONS), result.meta.fallback_reason
    requests = [json.loads(r.body) for r, _ in cassette.data]
    assert requests, f"{name} holds no exchange: re-record with scripts/record_cassettes.sh"
    for body in requests:
        fmt = body["response_format"]
        if STRATEGY == "json_object":
            assert fmt["type"] == "json_object" and fmt["schema"]["additionalProperties"] is False
        else:
            assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
        assert body["messages"][0]["role"] == "system"
        assert "<<DATA cassette-boundary" in body["messages"][1]["content"]
        assert "jane.doe@example.com" not in json.dumps(body)


def _cassette_files() -> list[Path]:
    return sorted(CASSETTES.glob("*.yaml"))


def test_cassettes_exist_for_every_job() -> None:
    names = {p.name for p in _cassette_files()}
    assert {f"llm_{job}.yaml" for job in JOBS} <= names


def test_cassettes_hold_no_secret() -> None:
    for path in _cassette_files():
        text = path.read_text(encoding="utf-8")
        assert RECORDING_KEY not in text, path
        assert "Bearer sk-" not in text, path
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {k.lower(): v for k, v in interaction["request"]["headers"].items()}
            assert headers.get("authorization") in (None, ["<REDACTED>"]), path


def test_body_scrubber_reaches_nested_keys() -> None:
    from vcr.request import Request
    from vcr_config import before_record_request

    body = {"a": {"b": [{"api_key": "sk-test-RECORDING-SECRET", "x": "Bearer sk-abcdef123"}]}}
    req = Request("POST", "http://127.0.0.1:5555/v1/chat/completions", json.dumps(body), {})
    cleaned = before_record_request(req)
    assert RECORDING_KEY not in cleaned.body.decode()
    assert "Bearer sk-" not in cleaned.body.decode()
    assert cleaned.uri == "http://llm.test/v1/chat/completions"
