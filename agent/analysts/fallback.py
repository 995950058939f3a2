"""The offline analyst standing in for an LLM that cannot be used, saying why on every output."""

from __future__ import annotations

from typing import Literal

from agent.analysts.base import AnalystResult, T
from agent.analysts.offline import OfflineAnalyst
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.schemas import EscalationDraft, RiskAssessment, StatusSummary, TicketTriage


class OfflineFallback:
    """Asked for the LLM analyst, gives the offline one, with `fallback_reason` set."""

    name: Literal["offline"] = "offline"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self._offline = OfflineAnalyst()

    def _stamp(self, result: AnalystResult[T]) -> AnalystResult[T]:
        meta = result.meta.model_copy(update={"fallback_reason": self.reason})
        return result.model_copy(update={"meta": meta})

    def summarize_project(self, facts: ProjectFacts) -> AnalystResult[StatusSummary]:
        return self._stamp(self._offline.summarize_project(facts))

    def summarize_task(self, facts: TaskFacts) -> AnalystResult[StatusSummary]:
        return self._stamp(self._offline.summarize_task(facts))

    def assess_risks(self, facts: ProjectFacts) -> AnalystResult[RiskAssessment]:
        return self._stamp(self._offline.assess_risks(facts))

    def draft_escalation(
        self, facts: ProjectFacts, assessment: RiskAssessment
    ) -> AnalystResult[EscalationDraft]:
        return self._stamp(self._offline.draft_escalation(facts, assessment))

    def triage_ticket(self, facts: TicketFacts) -> AnalystResult[TicketTriage]:
        return self._stamp(self._offline.triage_ticket(facts))
