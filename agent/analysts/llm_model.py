"""Build the chat model from Settings and classify endpoint errors.

One `ChatOpenAI` (or `AzureChatOpenAI`) covers OpenAI, Azure OpenAI, Ollama, vLLM and
llama.cpp servers: only `base_url` changes. The SDK's own retries are turned off
(`max_retries=0`) because `ModelRetryMiddleware` retries 429/5xx/timeouts with exponential
backoff and jitter, so retries are not multiplied and are visible to tests.
"""

from __future__ import annotations

from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from pydantic import SecretStr

from agent.analysts.llm_errors import LLMNotConfigured
from agent.config import Settings

#: Sent when a local server (Ollama, vLLM, llama.cpp) needs no key: the SDK insists on one.
NO_KEY_PLACEHOLDER = "not-needed"


def _drop_empty_tools(payload: dict[str, Any]) -> dict[str, Any]:
    """`create_agent` binds `tools=[]` when a run has no tools; OpenAI rejects an empty
    array (400 "empty array. Expected an array with minimum length 1"), so omit it."""
    if not payload.get("tools"):
        for key in ("tools", "tool_choice", "parallel_tool_calls"):
            payload.pop(key, None)
    return payload


class TriageChatOpenAI(ChatOpenAI):
    """`ChatOpenAI` that never sends an empty `tools` array."""

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return _drop_empty_tools(super()._get_request_payload(input_, stop=stop, **kwargs))


class TriageAzureChatOpenAI(AzureChatOpenAI):
    """`AzureChatOpenAI` that never sends an empty `tools` array."""

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return _drop_empty_tools(super()._get_request_payload(input_, stop=stop, **kwargs))


def build_chat_model(
    settings: Settings, *, http_client: httpx.Client | None = None
) -> BaseChatModel:
    """The chat model for the configured endpoint; `LLMNotConfigured` if there is none.

    `http_client` lets callers add a proxy, custom CA or (in tests) a mock transport.
    """
    if not settings.llm_configured:
        raise LLMNotConfigured()
    key = settings.llm_api_key or SecretStr(NO_KEY_PLACEHOLDER)
    if settings.azure_openai_endpoint:
        return TriageAzureChatOpenAI(
            azure_endpoint=settings.azure_openai_endpoint,
            azure_deployment=settings.llm_model,
            api_version=settings.azure_openai_api_version or "2024-10-21",
            api_key=key,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=0,
            max_tokens=settings.llm_max_tokens,
            http_client=http_client,
        )
    return TriageChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=key,
        model=settings.llm_model,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        max_tokens=settings.llm_max_tokens,
        http_client=http_client,
    )


ENDPOINT_ERRORS: tuple[type[BaseException], ...] = (
    openai.APIError,
    httpx.HTTPError,
    TimeoutError,
    ConnectionError,
)


def is_retryable(exc: BaseException) -> bool:
    """429, 5xx, timeouts and connection failures are worth another try; 4xx are not."""
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return True  # includes APITimeoutError
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, TimeoutError | ConnectionError)
