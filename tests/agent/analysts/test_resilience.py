"""Endpoint failures: retried with backoff, then the circuit opens and offline takes over."""

from __future__ import annotations

import pytest
from llm_fakes import STATUS_ANSWER, answer, http_error, no_violations, scripted

from agent.analysts.llm import LLMAnalyst
from agent.analysts.resilience import CircuitOpen, EndpointBreaker, LLMEndpointError
from agent.config import Settings
from agent.facts import ProjectFacts


def test_429_is_retried_and_then_succeeds(settings: Settings, project_facts: ProjectFacts) -> None:
    model = scripted(http_error(429), answer(STATUS_ANSWER))
    analyst = LLMAnalyst(settings, model=model, grounding=no_violations, retry_initial_delay_s=0.0)
    result = analyst.summarize_project(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert len(model.seen) == 2


def test_4xx_other_than_429_is_not_retried(settings: Settings, project_facts: ProjectFacts) -> None:
    model = scripted(http_error(400), answer(STATUS_ANSWER))
    analyst = LLMAnalyst(settings, model=model, grounding=no_violations, retry_initial_delay_s=0.0)
    result = analyst.summarize_project(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and result.meta.fallback_reason.startswith("endpoint_error")
    assert len(model.seen) == 1


def test_repeated_5xx_opens_the_circuit_and_later_jobs_skip_the_endpoint(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    errors = [http_error(500) for _ in range(20)]
    model = scripted(*errors)
    breaker = EndpointBreaker(failures=2, cooldown_s=3600)
    analyst = LLMAnalyst(
        settings, model=model, grounding=no_violations, breaker=breaker, retry_initial_delay_s=0.0
    )
    reasons = [analyst.summarize_project(project_facts).meta.fallback_reason for _ in range(3)]
    assert [r.split(":")[0] if r else None for r in reasons] == [
        "endpoint_error",
        "endpoint_error",
        "circuit_open",
    ]
    calls_when_open = len(model.seen)
    analyst.summarize_project(project_facts)
    assert len(model.seen) == calls_when_open  # open circuit: the endpoint is not called
    assert breaker.state == "open"


def test_half_open_trial_success_closes_the_circuit(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(http_error(503), http_error(503), answer(STATUS_ANSWER))
    breaker = EndpointBreaker(failures=1, cooldown_s=0.0)  # cool-down already over
    analyst = LLMAnalyst(
        settings.model_copy(update={"llm_max_retries": 0}),
        model=model,
        grounding=no_violations,
        breaker=breaker,
        retry_initial_delay_s=0.0,
    )
    first = analyst.summarize_project(project_facts)
    assert first.meta.fallback_reason and first.meta.fallback_reason.startswith("endpoint_error")
    second = analyst.summarize_project(project_facts)  # trial call fails: opens again
    assert second.meta.analyst == "offline"
    third = analyst.summarize_project(project_facts)  # trial call succeeds
    assert third.meta.analyst == "llm", third.meta.fallback_reason
    assert breaker.state == "closed"


def test_non_endpoint_errors_do_not_count_towards_the_circuit() -> None:
    breaker = EndpointBreaker(failures=1, cooldown_s=3600)

    def bad_answer() -> None:
        raise ValueError("schema problem, endpoint is fine")

    with pytest.raises(ValueError):
        breaker.call(bad_answer)
    assert breaker.state == "closed"

    def down() -> None:
        raise LLMEndpointError("connection refused")

    with pytest.raises(LLMEndpointError):
        breaker.call(down)
    with pytest.raises(CircuitOpen, match="offline analyst"):
        breaker.call(lambda: None)
