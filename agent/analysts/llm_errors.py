"""Typed errors of the LLM analyst; each says what to do next.

All derive from `LLMError`, so the analyst's single fallback path catches every one and
records `reason` in `meta.fallback_reason`.
"""

from __future__ import annotations

from agent.analysts.resilience import CircuitOpen, LLMEndpointError, LLMError

__all__ = [
    "CircuitOpen",
    "GroundingFailed",
    "LLMCallLimitReached",
    "LLMEndpointError",
    "LLMError",
    "LLMNotConfigured",
    "LLMRefused",
    "LLMSchemaError",
    "LLMUnexpectedError",
]


class LLMNotConfigured(LLMError):
    """No endpoint is configured, so the LLM analyst cannot be built."""

    reason = "not_configured"

    def __init__(self) -> None:
        super().__init__(
            "no LLM endpoint configured: set TRIAGE_LLM_BASE_URL (OpenAI-compatible server, "
            "e.g. http://127.0.0.1:11434/v1 for Ollama) and/or TRIAGE_LLM_API_KEY "
            "(or OPENAI_API_KEY), and TRIAGE_LLM_MODEL; for Azure OpenAI set "
            "AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION and TRIAGE_LLM_MODEL (the deployment)"
        )


class LLMRefused(LLMError):
    """The model declined to answer (OpenAI `refusal`); retrying the same prompt won't help."""

    reason = "refused"


class LLMSchemaError(LLMError):
    """The answer was not valid JSON for the schema, or a required field was missing."""

    reason = "schema_error"

    def __init__(self, message: str, raw_text: str = "") -> None:
        super().__init__(message)
        self.raw_text = raw_text


class LLMCallLimitReached(LLMError):
    """No final answer within TRIAGE_LLM_MAX_MODEL_CALLS / TRIAGE_LLM_MAX_TOOL_CALLS."""

    reason = "call_limit"


class GroundingFailed(LLMError):
    """The answer contradicted the facts (numbers, evidence ids, severities) after a repair."""

    reason = "grounding_failed"

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        shown = "; ".join(violations[:5])
        more = f" (+{len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"output failed grounding after one repair: {shown}{more}")


class LLMUnexpectedError(LLMError):
    """An error the analyst did not anticipate (logged with its traceback); report it as a bug."""

    reason = "unexpected_error"
