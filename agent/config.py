"""The one place configuration is read: environment variables and an optional `.env` file.

Odoo connection settings use Odoo's own names (`ODOO_*`) so they match what customers
already have in their automation; everything of ours is prefixed `TRIAGE_`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "password"}


class Settings(BaseSettings):
    """Runtime configuration. Every field documents its environment variable name."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- Odoo ---------------------------------------------------------------------
    odoo_url: str | None = Field(
        default=None,
        validation_alias="ODOO_URL",
        description="Base URL of the Odoo server, e.g. https://erp.example.com.",
    )
    odoo_db: str = Field(default="demo", validation_alias="ODOO_DB")
    odoo_login: str = Field(default="triage", validation_alias="ODOO_LOGIN")
    odoo_password: SecretStr | None = Field(default=None, validation_alias="ODOO_PASSWORD")
    odoo_api_key: SecretStr | None = Field(default=None, validation_alias="ODOO_API_KEY")
    odoo_transport: Literal["jsonrpc", "json2"] = Field(
        default="jsonrpc", validation_alias="ODOO_TRANSPORT"
    )
    odoo_timeout_s: float = Field(default=30.0, validation_alias="ODOO_TIMEOUT")
    odoo_retries: int = Field(default=3, validation_alias="TRIAGE_ODOO_RETRIES")

    # --- storage -------------------------------------------------------------------
    ledger_url: str = Field(
        default="sqlite:///var/triage-ledger.sqlite3", validation_alias="TRIAGE_LEDGER_URL"
    )
    queue_url: str = Field(
        default="sqlite:///var/triage-queue.sqlite3",
        validation_alias="TRIAGE_QUEUE_URL",
        description="sqlite:///path (one machine) or postgresql://user@host/db (replicas).",
    )
    chroma_path: Path = Field(default=Path("var/chroma"), validation_alias="TRIAGE_CHROMA_PATH")
    policy_file: Path | None = Field(default=None, validation_alias="TRIAGE_POLICY_FILE")

    # --- service -------------------------------------------------------------------
    webhook_token: SecretStr | None = Field(default=None, validation_alias="TRIAGE_WEBHOOK_TOKEN")
    webhook_hmac_secret: SecretStr | None = Field(
        default=None, validation_alias="TRIAGE_WEBHOOK_HMAC_SECRET"
    )
    public_url: str = Field(default="http://127.0.0.1:8000", validation_alias="TRIAGE_PUBLIC_URL")
    ui_session_secret: SecretStr | None = Field(
        default=None, validation_alias="TRIAGE_UI_SESSION_SECRET"
    )
    rate_limit: str = Field(default="120/minute", validation_alias="TRIAGE_RATE_LIMIT")
    log_level: str = Field(default="INFO", validation_alias="TRIAGE_LOG_LEVEL")
    reconcile_interval_s: float = Field(
        default=300.0,
        validation_alias="TRIAGE_RECONCILE_INTERVAL",
        description="Seconds between the worker's reads of review activities (0: off).",
    )
    worker: Literal["inline", "off"] = Field(
        default="inline",
        validation_alias="TRIAGE_WORKER",
        description="inline: queue worker threads start with the API; off: run `triage worker`.",
    )
    worker_threads: int = Field(default=2, validation_alias="TRIAGE_WORKER_THREADS")
    dedupe_window_s: float = Field(default=60.0, validation_alias="TRIAGE_DEDUPE_WINDOW")
    job_max_attempts: int = Field(default=5, validation_alias="TRIAGE_JOB_MAX_ATTEMPTS")
    job_retry_base_s: float = Field(default=2.0, validation_alias="TRIAGE_JOB_RETRY_BASE")

    # --- LLM -----------------------------------------------------------------------
    llm_base_url: str | None = Field(default=None, validation_alias="TRIAGE_LLM_BASE_URL")
    llm_model: str = Field(default="gpt-4o-mini", validation_alias="TRIAGE_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TRIAGE_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_temperature: float = Field(default=0.0, validation_alias="TRIAGE_LLM_TEMPERATURE")
    llm_timeout_s: float = Field(default=60.0, validation_alias="TRIAGE_LLM_TIMEOUT")
    llm_max_retries: int = Field(default=2, validation_alias="TRIAGE_LLM_MAX_RETRIES")
    llm_max_tool_calls: int = Field(default=6, validation_alias="TRIAGE_LLM_MAX_TOOL_CALLS")
    llm_max_model_calls: int = Field(default=8, validation_alias="TRIAGE_LLM_MAX_MODEL_CALLS")
    llm_context_tokens: int = Field(default=6000, validation_alias="TRIAGE_LLM_CONTEXT_TOKENS")
    llm_max_tokens: int | None = Field(
        default=None,
        validation_alias="TRIAGE_LLM_MAX_TOKENS",
        description="Cap on each answer's tokens (set it for local servers, which otherwise "
        "generate until the context is full).",
    )
    llm_output_strategy: Literal["provider", "tool", "json_object"] = Field(
        default="provider",
        validation_alias="TRIAGE_LLM_OUTPUT_STRATEGY",
        description="provider: json_schema strict (OpenAI, Azure, vLLM); tool: a forced "
        "output tool; json_object: JSON mode with a schema (llama.cpp servers).",
    )
    llm_circuit_cooldown_s: float = Field(
        default=60.0, validation_alias="TRIAGE_LLM_CIRCUIT_COOLDOWN"
    )
    azure_openai_endpoint: str | None = Field(
        default=None, validation_alias="AZURE_OPENAI_ENDPOINT"
    )
    azure_openai_api_version: str | None = Field(
        default=None, validation_alias="OPENAI_API_VERSION"
    )
    embedding_model: str = Field(
        default="minilm-int8",
        validation_alias="TRIAGE_EMBEDDING_MODEL",
        description="minilm-int8 (offline, shipped) or openai:<model> (OpenAI-compatible).",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        for name in ("webhook_token", "webhook_hmac_secret"):
            value: SecretStr | None = getattr(self, name)
            if value is not None and value.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"{name.upper()} is a placeholder ({value.get_secret_value()!r}): "
                    "set a long random value, e.g. "
                    "`python -c 'import secrets;print(secrets.token_urlsafe(32))'`"
                )
        return self

    @property
    def odoo_secret(self) -> str | None:
        """The password or API key for Odoo (an API key works wherever a password does)."""
        secret = self.odoo_api_key or self.odoo_password
        return secret.get_secret_value() if secret else None

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key or self.azure_openai_endpoint)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
