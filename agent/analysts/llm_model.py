"""Build the chat model from Settings and classify endpoint errors.

One `ChatOpenAI` (or `AzureChatOpenAI`) covers OpenAI, Azure OpenAI, Ollama, vLLM and
llama.cpp servers: only `base_url` changes. The SDK's own retries are turned off
(`max_retries=0`) because `ModelRetryMiddleware` retries 429/5xx/timeouts with exponential
backoff and jitter, so retries are not multiplied and are visible to tests.
"""

from __future__ import annotations

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from pydantic import SecretStr

from agent.analysts.llm_errors import LLMNotConfigured
from agent.config import Settings

#: Sent when a local server (Ollama, vLLM, llama.cpp) needs no key: the SDK insists on one.
NO_KEY_PLACEHOLDER = "not-needed"


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for the configured endpoint; `LLMNotConfigured` if there is none."""
    if not settings.llm_configured:
        raise LLMNotConfigured()
    key = settings.llm_api_key or SecretStr(NO_KEY_PLACEHOLDER)
    if settings.azure_openai_endpoint:
        return AzureChatOpenAI(
            azure_endpoint=settings.azure_openai_endpoint,
            azure_deployment=settings.llm_model,
            api_version=settings.azure_openai_api_version or "2024-10-21",
            api_key=key,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=key,
        model=settings.llm_model,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=0,
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
