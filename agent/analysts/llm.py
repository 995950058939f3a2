"""The LLM analyst: a LangChain 1.x agent that writes prose over code's facts, checked twice.

Flow per job: the offline analyst builds the skeleton (figures, severities, evidence,
roles: code's numbers); the agent (`create_agent` + read-only tools + call caps + retry
+ refusal middleware, structured output with `strict: true`) returns prose only;
`llm_merge` folds it in and flags contradictions; `grounding.check_output` checks the
result. Any violation gets one repair round (the violations are sent back); a second
failure, a refusal, an endpoint failure or an open circuit returns the offline output
with `meta.fallback_reason`. Nothing unchecked is returned.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import openai
from langchain.agents import create_agent
from langchain.agents.middleware import (
    AgentMiddleware,
    ModelCallLimitMiddleware,
    ModelRefusalMiddleware,
    ModelRetryMiddleware,
    ToolCallLimitMiddleware,
)
from langchain.agents.middleware.model_call_limit import ModelCallLimitExceededError
from langchain.agents.middleware.tool_call_limit import ToolCallLimitExceededError
from langchain.agents.structured_output import (
    ProviderStrategy,
    StructuredOutputError,
    StructuredOutputValidationError,
    ToolStrategy,
)
from langchain_core.exceptions import ModelRefusalError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, ValidationError

from agent.analysts.base import AnalystMeta, AnalystResult
from agent.analysts.llm_context import Facts, Skeleton, build_context
from agent.analysts.llm_errors import (
    GroundingFailed,
    LLMCallLimitReached,
    LLMEndpointError,
    LLMError,
    LLMNotConfigured,
    LLMRefused,
    LLMSchemaError,
    LLMUnexpectedError,
)
from agent.analysts.llm_merge import merge
from agent.analysts.llm_model import ENDPOINT_ERRORS, build_chat_model, is_retryable
from agent.analysts.llm_schemas import (
    EscalationProse,
    ProseModel,
    RiskProse,
    StatusProse,
    TriageProse,
)
from agent.analysts.offline import OfflineAnalyst
from agent.analysts.resilience import DEFAULT_FAILURES, EndpointBreaker
from agent.config import Settings
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.guardrails import grounding
from agent.guardrails.budget import count_tokens, estimate_cost
from agent.guardrails.readonly import ToolNotAllowedError, assert_tool_allowed
from agent.guardrails.spotlight import Spotlighter
from agent.prompts import load_prompt
from agent.schemas import EscalationDraft, RiskAssessment, StatusSummary, TicketTriage
from agent.tools.langchain import ReadGateway, ReadOnlyToolbox

__all__ = ["LLMAnalyst", "LLMNotConfigured", "get_analyst"]

_log = logging.getLogger(__name__)
_security = logging.getLogger("triage.security")

T = TypeVar("T", StatusSummary, RiskAssessment, EscalationDraft, TicketTriage)
P = TypeVar("P", bound=BaseModel)

#: provider: OpenAI `json_schema` + `strict` (OpenAI, Azure, vLLM, Ollama >= 0.5);
#: tool: a forced output tool; json_object: `{"type": "json_object", "schema": ...}` for
#: servers without `json_schema` (llama-cpp-python's server), parsed and validated here.
OutputStrategy = Literal["provider", "tool", "json_object"]
GroundingCheck = Callable[[Skeleton, Facts], list[str]]


class ReadOnlyToolGuard(AgentMiddleware[Any, Any, Any]):
    """Refuse any tool call outside this run's read tools, before it can execute.

    The gateway refuses writes too; this fence means a talked-into `write`/`unlink`/
    `message_post` call never reaches code that could forward it.
    """

    def __init__(self, allowed: Sequence[str]) -> None:
        super().__init__()
        self.allowed = frozenset(allowed)
        self.refused: list[str] = []

    def wrap_tool_call(self, request: Any, handler: Any) -> Any:
        name = str(request.tool_call.get("name", ""))
        try:
            assert_tool_allowed(name, allowed=self.allowed)
        except ToolNotAllowedError as exc:
            self.refused.append(name)
            _security.warning("refused tool call %r from the model", name)
            return ToolMessage(
                content=f"Refused: {exc}. Only these read tools exist: {sorted(self.allowed)}.",
                tool_call_id=request.tool_call.get("id") or "",
                name=name,
                status="error",
            )
        return handler(request)


class JsonObjectFormat(AgentMiddleware[Any, Any, Any]):
    """Ask for schema-constrained JSON mode on every model call (llama.cpp style)."""

    def __init__(self, schema: type[BaseModel]) -> None:
        super().__init__()
        self.response_format = {"type": "json_object", "schema": schema.model_json_schema()}

    def wrap_model_call(self, request: Any, handler: Any) -> Any:
        if getattr(request, "tools", None):
            # With tools bound, ChatOpenAI would try to convert a response_format dict into
            # a tool; the raw request field goes through the client's extra_body instead.
            extra = {
                **request.model_settings.get("extra_body", {}),
                "response_format": self.response_format,
            }
            settings = {**request.model_settings, "extra_body": extra}
        else:
            settings = {**request.model_settings, "response_format": self.response_format}
        return handler(request.override(model_settings=settings))


@dataclass
class _Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    model_calls: int = 0

    def add_completion(self, completion: Any) -> None:
        """Usage of a raw OpenAI completion that LangChain never turned into a message."""
        self.model_calls += 1
        if getattr(completion, "usage", None) is not None:
            self.tokens_in += int(completion.usage.prompt_tokens or 0)
            self.tokens_out += int(completion.usage.completion_tokens or 0)

    def add(self, messages: Sequence[AnyMessage]) -> None:
        for m in messages:
            if isinstance(m, AIMessage):
                self.model_calls += 1
                if m.usage_metadata:
                    self.tokens_in += int(m.usage_metadata.get("input_tokens", 0))
                    self.tokens_out += int(m.usage_metadata.get("output_tokens", 0))


def _refusal(message: AIMessage | None) -> str | None:
    if message is None:
        return None
    raw = message.additional_kwargs.get("refusal")
    if raw:
        return str(raw)
    for block in message.content_blocks:
        if block.get("type") == "refusal":
            return str(block.get("refusal") or block.get("text") or "refused")
    return None


def _grounding_violations(output: Skeleton, facts: Facts) -> list[str]:
    """`agent.guardrails.grounding.check_output` against code's figures, refs and findings."""
    report = grounding.check_output(
        output,
        read_refs=facts.read_refs,
        figures=facts.figures,
        expected_findings=facts.findings if isinstance(output, RiskAssessment) else None,
        code_findings=facts.findings,
        secret_texts=(load_prompt("system").text,),
    )
    return [f"{v.kind}: {v.detail}" for v in report.violations]


class LLMAnalyst:
    """`Analyst` backed by an OpenAI-compatible endpoint, falling back to offline."""

    name: Literal["llm"] = "llm"

    def __init__(
        self,
        settings: Settings,
        *,
        model: BaseChatModel | None = None,
        gateway: ReadGateway | None = None,
        fallback: OfflineAnalyst | None = None,
        breaker: EndpointBreaker | None = None,
        output_strategy: OutputStrategy = "provider",
        retry_initial_delay_s: float = 1.0,
        grounding: GroundingCheck | None = None,
        spotlighter_factory: Callable[[], Spotlighter] = Spotlighter,
    ) -> None:
        self.settings = settings
        self.model = model if model is not None else build_chat_model(settings)
        self.model_name = settings.llm_model
        self.gateway = gateway
        self.fallback = fallback or OfflineAnalyst()
        self.breaker = breaker or EndpointBreaker(DEFAULT_FAILURES, settings.llm_circuit_cooldown_s)
        self.output_strategy = output_strategy
        self.retry_initial_delay_s = retry_initial_delay_s
        self.grounding = grounding or _grounding_violations
        self.spotlighter_factory = spotlighter_factory  # fixed boundary for cassette replay
        self.last_refused_tools: list[str] = []
        self._guard_refused: list[str] = []

    # -- the five jobs -------------------------------------------------------------
    def summarize_project(self, facts: ProjectFacts) -> AnalystResult[StatusSummary]:
        return self._run(
            "summarize_project", facts, self.fallback.summarize_project(facts), StatusProse
        )

    def summarize_task(self, facts: TaskFacts) -> AnalystResult[StatusSummary]:
        return self._run("summarize_task", facts, self.fallback.summarize_task(facts), StatusProse)

    def assess_risks(self, facts: ProjectFacts) -> AnalystResult[RiskAssessment]:
        return self._run("assess_risks", facts, self.fallback.assess_risks(facts), RiskProse)

    def draft_escalation(
        self, facts: ProjectFacts, assessment: RiskAssessment
    ) -> AnalystResult[EscalationDraft]:
        skeleton = self.fallback.draft_escalation(facts, assessment)
        return self._run("draft_escalation", facts, skeleton, EscalationProse)

    def triage_ticket(self, facts: TicketFacts) -> AnalystResult[TicketTriage]:
        return self._run("triage_ticket", facts, self.fallback.triage_ticket(facts), TriageProse)

    # -- the shared run ---------------------------------------------------------------
    def _run(
        self, job: str, facts: Facts, offline: AnalystResult[T], schema: type[ProseModel]
    ) -> AnalystResult[T]:
        started = time.perf_counter()
        spot = self.spotlighter_factory()
        system, job_prompt = load_prompt("system"), load_prompt(job)
        system_text = f"{system.text}\n{spot.system_notice()}\n\n{job_prompt.text}"
        ctx = build_context(
            job,
            facts,
            offline.output,
            system_text=system_text,
            spotlighter=spot,
            model=self.model_name,
            context_tokens=self.settings.llm_context_tokens,
        )
        toolbox = ReadOnlyToolbox(self.gateway, spotlighter=spot) if self.gateway else None
        usage = _Usage()
        prompt_version = f"{system.version}+{job_prompt.version}"
        last_text = ""
        try:
            feedback: list[AnyMessage] = []
            violations: list[str] = []
            for attempt in (1, 2):
                messages: list[AnyMessage] = [HumanMessage(ctx.text), *feedback]
                try:
                    prose = self.breaker.call(
                        partial(self._ask, system_text, messages, schema, toolbox, usage)
                    )
                except LLMSchemaError as exc:
                    if attempt == 2:
                        raise
                    feedback = [
                        AIMessage(exc.raw_text or "(no usable answer)"),
                        HumanMessage(
                            f"Your answer was rejected: {exc}. Answer again with only a JSON "
                            "object matching the schema, every field present."
                        ),
                    ]
                    continue
                last_text = prose.model_dump_json()
                allowed = facts.read_refs | frozenset(toolbox.read_refs if toolbox else ())
                merged = merge(offline.output, prose, allowed)
                checked_facts = facts.model_copy(update={"read_refs": allowed})
                violations = merged.violations + self.grounding(merged.output, checked_facts)
                if not violations:
                    meta = self._meta(prompt_version, usage, ctx.tokens, last_text, started)
                    return AnalystResult[Any](output=merged.output, meta=meta)
                _log.info("%s: %d violation(s) on attempt %d", job, len(violations), attempt)
                feedback = [
                    AIMessage(last_text),
                    HumanMessage(
                        "Your answer was rejected by the fact checker:\n- "
                        + "\n- ".join(violations)
                        + "\nAnswer again: copy numbers, ids and severities exactly from "
                        "the FACT SHEET, or leave them out."
                    ),
                ]
            raise GroundingFailed(violations)
        except LLMError as exc:
            _log.warning("%s: LLM output not used (%s): %s", job, exc.reason, exc)
            meta = self._meta(prompt_version, usage, ctx.tokens, last_text, started)
            fallback_meta = offline.meta.model_copy(
                update={
                    "fallback_reason": f"{exc.reason}: {exc}"[:500],
                    "model": self.model_name,
                    "tokens_in": meta.tokens_in,
                    "tokens_out": meta.tokens_out,
                    "cost_usd": meta.cost_usd,
                    "latency_ms": meta.latency_ms,
                }
            )
            return AnalystResult[Any](output=offline.output, meta=fallback_meta)
        finally:
            self.last_refused_tools = list(self._guard_refused)

    def _meta(
        self, version: str, usage: _Usage, prompt_tokens: int, answer: str, started: float
    ) -> AnalystMeta:
        tokens_in, tokens_out = usage.tokens_in, usage.tokens_out
        if tokens_in == 0 and tokens_out == 0 and usage.model_calls:
            # The endpoint reported no usage: count what we sent and got with tiktoken.
            tokens_in = prompt_tokens * usage.model_calls
            tokens_out = count_tokens(answer, self.model_name) if answer else 0
        return AnalystMeta(
            analyst="llm",
            model=self.model_name,
            prompt_version=version,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=estimate_cost(self.model_name, tokens_in, tokens_out).usd,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    # -- one agent invocation ------------------------------------------------------------

    def _middleware(self, tool_names: Sequence[str]) -> list[AgentMiddleware[Any, Any, Any]]:
        guard = ReadOnlyToolGuard(tool_names)
        self._guard_refused = guard.refused
        return [
            ModelCallLimitMiddleware(
                run_limit=self.settings.llm_max_model_calls, exit_behavior="end"
            ),
            ToolCallLimitMiddleware(
                run_limit=self.settings.llm_max_tool_calls, exit_behavior="continue"
            ),
            guard,
            ModelRetryMiddleware(
                max_retries=self.settings.llm_max_retries,
                retry_on=is_retryable,
                on_failure="error",
                initial_delay=self.retry_initial_delay_s,
                max_delay=30.0,
            ),
            ModelRefusalMiddleware(),
        ]

    def _ask(
        self,
        system_text: str,
        messages: list[AnyMessage],
        schema: type[P],
        toolbox: ReadOnlyToolbox | None,
        usage: _Usage,
    ) -> P:
        tools = toolbox.tools() if toolbox else []
        middleware = self._middleware([t.name for t in tools])
        response_format: Any = None
        if self.output_strategy == "provider":
            response_format = ProviderStrategy(schema, strict=True)
        elif self.output_strategy == "tool":
            response_format = ToolStrategy(schema, handle_errors=False)
        else:
            middleware.append(JsonObjectFormat(schema))
        agent = create_agent(
            self.model,
            tools,
            system_prompt=system_text,
            middleware=middleware,
            response_format=response_format,
        )
        limit = 2 * (self.settings.llm_max_model_calls + self.settings.llm_max_tool_calls) + 10
        try:
            result = agent.invoke({"messages": messages}, config={"recursion_limit": limit})
        except ModelRefusalError as exc:
            raise LLMRefused(f"the model refused: {exc}") from exc
        except StructuredOutputValidationError as exc:
            refusal = _refusal(exc.ai_message)
            if refusal:
                raise LLMRefused(f"the model refused: {refusal}") from exc
            raw = exc.ai_message.text if exc.ai_message else ""
            raise LLMSchemaError(
                f"answer does not match {schema.__name__}: {exc.source}", raw
            ) from exc
        except StructuredOutputError as exc:
            raise LLMSchemaError(f"structured output failed: {exc}") from exc
        except (ModelCallLimitExceededError, ToolCallLimitExceededError) as exc:
            raise LLMCallLimitReached(str(exc)) from exc
        except openai.LengthFinishReasonError as exc:
            usage.add_completion(exc.completion)
            raise LLMSchemaError(
                "the answer was cut at the completion token limit before the JSON was complete"
            ) from exc
        except openai.ContentFilterFinishReasonError as exc:
            raise LLMRefused("the endpoint's content filter stopped the answer") from exc
        except ENDPOINT_ERRORS as exc:
            raise LLMEndpointError(f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # a bug or an unexpected library error: never crash the job
            _log.exception("unexpected error in the LLM agent")
            raise LLMUnexpectedError(f"{type(exc).__name__}: {exc}") from exc
        out_messages: list[AnyMessage] = list(result.get("messages", []))
        usage.add(out_messages[len(messages) :])
        last_ai = next((m for m in reversed(out_messages) if isinstance(m, AIMessage)), None)
        refusal = _refusal(last_ai)
        if refusal:
            raise LLMRefused(f"the model refused: {refusal}")
        structured = result.get("structured_response")
        if structured is None and response_format is None and last_ai and not last_ai.tool_calls:
            try:
                return schema.model_validate_json(last_ai.text)
            except ValidationError as exc:
                raise LLMSchemaError(
                    f"answer does not match {schema.__name__}: {exc}", last_ai.text
                ) from exc
        if structured is None:
            if usage.model_calls >= self.settings.llm_max_model_calls or (
                last_ai is not None and last_ai.tool_calls
            ):
                raise LLMCallLimitReached(
                    f"no final answer within {self.settings.llm_max_model_calls} model calls / "
                    f"{self.settings.llm_max_tool_calls} tool calls (TRIAGE_LLM_MAX_MODEL_CALLS, "
                    "TRIAGE_LLM_MAX_TOOL_CALLS)"
                )
            raise LLMSchemaError(
                "the model answered without the structured output", last_ai.text if last_ai else ""
            )
        try:
            return schema.model_validate(structured)
        except ValidationError as exc:
            raise LLMSchemaError(f"missing or invalid fields: {exc}", str(structured)) from exc


def get_analyst(name: str, settings: Settings, **kwargs: Any) -> OfflineAnalyst | LLMAnalyst:
    """`offline` or `llm`; `llm` without an endpoint logs a warning and returns offline.

    The CLI should print: "LLM analyst not configured (set TRIAGE_LLM_BASE_URL and/or
    TRIAGE_LLM_API_KEY/OPENAI_API_KEY, and TRIAGE_LLM_MODEL): using the offline analyst."
    """
    if name == "offline":
        return OfflineAnalyst()
    if name != "llm":
        raise ValueError(f"unknown analyst {name!r}: use 'offline' or 'llm'")
    try:
        return LLMAnalyst(settings, **kwargs)
    except LLMNotConfigured as exc:
        _log.warning("%s; using the offline analyst", exc)
        return OfflineAnalyst()
