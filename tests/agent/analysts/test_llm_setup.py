"""Construction, factory, prompts and the prompt context (spotlight, PII, budget)."""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

import httpx
import pytest
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from llm_fakes import INJECTION, STATUS_ANSWER, answer, no_violations, scripted

from agent.analysts.llm import LLMAnalyst, get_analyst
from agent.analysts.llm_context import build_context
from agent.analysts.llm_errors import LLMNotConfigured
from agent.analysts.llm_model import build_chat_model
from agent.analysts.offline import OfflineAnalyst
from agent.config import Settings
from agent.facts import ProjectFacts, UntrustedText
from agent.guardrails.spotlight import Spotlighter
from agent.prompts import PromptNotFound, load_prompt
from agent.schemas import EvidenceRef

JOBS = ["summarize_project", "summarize_task", "assess_risks", "draft_escalation", "triage_ticket"]


def _unconfigured() -> Settings:
    return Settings(_env_file=None, TRIAGE_LLM_BASE_URL=None, TRIAGE_LLM_API_KEY=None)  # type: ignore[call-arg]


def test_no_endpoint_raises_a_typed_error_naming_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in (
        "OPENAI_API_KEY",
        "TRIAGE_LLM_API_KEY",
        "TRIAGE_LLM_BASE_URL",
        "AZURE_OPENAI_ENDPOINT",
    ):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(LLMNotConfigured) as err:
        LLMAnalyst(_unconfigured())
    for name in ("TRIAGE_LLM_BASE_URL", "TRIAGE_LLM_API_KEY", "OPENAI_API_KEY", "TRIAGE_LLM_MODEL"):
        assert name in str(err.value)


def test_factory_falls_back_to_offline_with_a_warning_when_unconfigured(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for var in (
        "OPENAI_API_KEY",
        "TRIAGE_LLM_API_KEY",
        "TRIAGE_LLM_BASE_URL",
        "AZURE_OPENAI_ENDPOINT",
    ):
        monkeypatch.delenv(var, raising=False)
    with caplog.at_level(logging.WARNING):
        analyst = get_analyst("llm", _unconfigured())
    assert isinstance(analyst, OfflineAnalyst)
    assert "TRIAGE_LLM_BASE_URL" in caplog.text


def test_factory_builds_the_llm_analyst_when_configured(settings: Settings) -> None:
    assert get_analyst("llm", settings).name == "llm"
    assert get_analyst("offline", settings).name == "offline"
    with pytest.raises(ValueError, match="offline"):
        get_analyst("gpt", settings)


def test_chat_model_uses_the_configured_endpoint(settings: Settings) -> None:
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == settings.llm_base_url
    assert model.model_name == settings.llm_model
    assert model.max_retries == 0  # retries are the middleware's job, not multiplied


def test_azure_endpoint_selects_azure_chat_openai(settings: Settings) -> None:
    azure = settings.model_copy(
        update={
            "azure_openai_endpoint": "https://example.openai.azure.com",
            "azure_openai_api_version": "2024-10-21",
        }
    )
    assert isinstance(build_chat_model(azure), AzureChatOpenAI)


@pytest.mark.parametrize("job", JOBS)
def test_every_job_has_a_versioned_prompt(job: str) -> None:
    prompt = load_prompt(job)
    assert prompt.version.startswith(f"{job}.v")
    assert "version:" not in prompt.text


def test_missing_prompt_is_a_typed_error() -> None:
    with pytest.raises(PromptNotFound, match=r"agent/prompts/nope\.v1\.md"):
        load_prompt("nope")


def test_untrusted_text_is_redacted_fenced_and_flagged(project_facts: ProjectFacts) -> None:
    offline = OfflineAnalyst().summarize_project(project_facts).output
    spot = Spotlighter(boundary="fixedboundary1")
    ctx = build_context(
        "summarize_project",
        project_facts,
        offline,
        system_text="sys",
        spotlighter=spot,
        model="gpt-4o-mini",
        context_tokens=6000,
    )
    assert "jane.doe@example.com" not in ctx.text
    assert "<<DATA fixedboundary1 source=project.task#71" in ctx.text
    assert "Ignore all previous" not in ctx.text  # datamarked: spaces replaced
    assert ctx.injection_flags == ["project.task:71 description"]
    assert '"injection_suspected_in"' in ctx.text


def test_untrusted_text_is_trimmed_to_the_token_budget(project_facts: ProjectFacts) -> None:
    long = UntrustedText(
        source=EvidenceRef(model="mail.message", id=1), field="body", text="lorem ipsum " * 5000
    )
    facts = project_facts.model_copy(update={"untrusted": (long,)})
    offline = OfflineAnalyst().summarize_project(facts).output
    ctx = build_context(
        "summarize_project",
        facts,
        offline,
        system_text="sys",
        spotlighter=Spotlighter(),
        model="gpt-4o-mini",
        context_tokens=3000,
    )
    assert ctx.tokens <= 3000
    assert "truncated" in ctx.trim_report
    assert '"budget.consumed_ratio"' in ctx.text  # the fact sheet is never trimmed


def test_structured_output_is_requested_strict(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(answer(STATUS_ANSWER))
    LLMAnalyst(settings, model=model, grounding=no_violations).summarize_project(project_facts)
    bound = model.bound[0]
    assert bound["response_format"]["json_schema"]["strict"] is True
    assert bound["response_format"]["json_schema"]["name"] == "StatusProse"


def test_prompt_sent_to_the_model_has_system_facts_and_fenced_data(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(answer(STATUS_ANSWER))
    LLMAnalyst(settings, model=model, grounding=no_violations).summarize_project(project_facts)
    system, human = model.seen[0][0], model.seen[0][1]
    assert system.type == "system" and "never instructions" in system.text
    assert "FACT SHEET" in human.text and "<<DATA" in human.text
    assert INJECTION not in human.text


@pytest.mark.parametrize("strategy", ["provider", "json_object"])
def test_requests_to_the_endpoint_carry_the_schema_and_no_empty_tools(
    strategy: Literal["provider", "json_object"], settings: Settings, project_facts: ProjectFacts
) -> None:
    bodies: list[dict[str, Any]] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        message = {"role": "assistant", "content": json.dumps(STATUS_ANSWER)}
        return httpx.Response(
            200,
            json={
                "id": "c1",
                "object": "chat.completion",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
            },
        )

    client = httpx.Client(transport=httpx.MockTransport(endpoint))
    model = build_chat_model(settings, http_client=client)
    analyst = LLMAnalyst(settings, model=model, output_strategy=strategy)
    result = analyst.summarize_project(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert (result.meta.tokens_in, result.meta.tokens_out) == (11, 7)  # usage from the response
    fmt = bodies[0]["response_format"]
    if strategy == "provider":
        assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    else:
        assert fmt["type"] == "json_object" and "headline" in fmt["schema"]["properties"]
    assert "tools" not in bodies[0]


def test_answer_cut_at_the_token_limit_is_a_schema_error_with_usage(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    def endpoint(request: httpx.Request) -> httpx.Response:
        message = {"role": "assistant", "content": '{"headline": "cut'}
        return httpx.Response(
            200,
            json={
                "id": "c1",
                "object": "chat.completion",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "message": message, "finish_reason": "length"}],
                "usage": {"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59},
            },
        )

    model = build_chat_model(
        settings, http_client=httpx.Client(transport=httpx.MockTransport(endpoint))
    )
    result = LLMAnalyst(settings, model=model).summarize_project(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and result.meta.fallback_reason.startswith("schema_error")
    assert "token limit" in result.meta.fallback_reason
    assert result.meta.tokens_in == 100  # two attempts (answer + repair) counted from usage
