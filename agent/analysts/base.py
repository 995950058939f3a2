"""The analyst interface shared by the offline (deterministic) and LLM analysts."""

from __future__ import annotations

from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel

from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.schemas import EscalationDraft, RiskAssessment, StatusSummary, TicketTriage

T = TypeVar("T", StatusSummary, RiskAssessment, EscalationDraft, TicketTriage)


class AnalystMeta(BaseModel):
    """How an output was produced; copied into the recommendation's provenance."""

    analyst: Literal["offline", "llm"]
    model: str | None = None
    prompt_version: str | None = None
    fallback_reason: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0


class AnalystResult(BaseModel, Generic[T]):
    output: T
    meta: AnalystMeta


class Analyst(Protocol):
    @property
    def name(self) -> Literal["offline", "llm"]: ...

    def summarize_project(self, facts: ProjectFacts) -> AnalystResult[StatusSummary]: ...

    def summarize_task(self, facts: TaskFacts) -> AnalystResult[StatusSummary]: ...

    def assess_risks(self, facts: ProjectFacts) -> AnalystResult[RiskAssessment]: ...

    def draft_escalation(
        self, facts: ProjectFacts, assessment: RiskAssessment
    ) -> AnalystResult[EscalationDraft]: ...

    def triage_ticket(self, facts: TicketFacts) -> AnalystResult[TicketTriage]: ...
