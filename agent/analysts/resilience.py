"""Circuit breaker for the LLM endpoint: after N consecutive endpoint failures, stop calling.

While the circuit is open every job goes straight to the offline analyst (saying so in
`meta.fallback_reason`) instead of waiting for timeouts and retries on a dead endpoint;
after the cool-down one trial call is let through (half-open) and a success closes it.
Built on `pybreaker`; only endpoint failures (`LLMEndpointError`) count, never a refusal,
a schema error or a grounding violation, which say nothing about the endpoint's health.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pybreaker

R = TypeVar("R")

DEFAULT_FAILURES = 3
DEFAULT_COOLDOWN_S = 60.0


class LLMError(Exception):
    """Base of every LLM analyst error; the analyst falls back to offline on any of them."""

    reason = "llm_error"


class LLMEndpointError(LLMError):
    """The endpoint could not be reached or answered 429/5xx/4xx after retries."""

    reason = "endpoint_error"


class CircuitOpen(LLMError):
    """The breaker is open: the endpoint failed repeatedly and is being given a rest."""

    reason = "circuit_open"


class EndpointBreaker:
    """Counts consecutive `LLMEndpointError`s; opens after `failures`, for `cooldown_s`."""

    def __init__(
        self,
        failures: int = DEFAULT_FAILURES,
        cooldown_s: float = DEFAULT_COOLDOWN_S,
        name: str = "llm-endpoint",
    ) -> None:
        if failures < 1:
            raise ValueError("failures must be >= 1")
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._cb = pybreaker.CircuitBreaker(
            fail_max=failures,
            reset_timeout=cooldown_s,
            exclude=[lambda exc: not isinstance(exc, LLMEndpointError)],
            name=name,
            throw_new_error_on_trip=False,
        )

    @property
    def state(self) -> str:
        """`closed`, `open` or `half-open`."""
        return str(self._cb.current_state)

    @property
    def consecutive_failures(self) -> int:
        return int(self._cb.fail_counter)

    def call(self, fn: Callable[[], R]) -> R:
        """Run `fn` unless the circuit is open; raise `CircuitOpen` if it is."""
        try:
            return self._cb.call(fn)
        except pybreaker.CircuitBreakerError as exc:
            raise CircuitOpen(
                f"LLM endpoint failed {self.failures} times in a row; using the offline "
                f"analyst for {self.cooldown_s:.0f}s before trying it again "
                "(check TRIAGE_LLM_BASE_URL / the endpoint's health)"
            ) from exc

    def reset(self) -> None:
        self._cb.close()
