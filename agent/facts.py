"""Fact sheets: what code computed from Odoo records, handed to an analyst.

An analyst (offline or LLM) only turns a fact sheet into prose and structure; every
number in its output must come from `figures` (checked by the grounding guardrail), and
every evidence ref from `read_refs`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agent.schemas import EvidenceRef, Figure, Rag, RiskFinding, SimilarTicket, SlaStatus
from agent.tools.records import ProjectBundle, Task, TicketBundle


class UntrustedText(BaseModel):
    """Free text written by people (or attackers) in Odoo: data, never instructions."""

    model_config = ConfigDict(frozen=True)
    source: EvidenceRef
    field: str  # description, body, name...
    text: str


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    subject: EvidenceRef
    figures: tuple[Figure, ...] = ()
    findings: tuple[RiskFinding, ...] = ()  # classified by code with the policy
    read_refs: frozenset[tuple[str, int]] = frozenset()  # every (model, id) read this run
    untrusted: tuple[UntrustedText, ...] = ()
    odoo_base_url: str = ""
    odoo_version: int = 18  # decides the shape of record links

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


class ProjectFacts(_Facts):
    bundle: ProjectBundle
    rag: Rag = Rag.GREEN
    pm_status: str | None = None
    pm_status_divergent: bool = False


class TaskFacts(_Facts):
    bundle: ProjectBundle  # the task's project, for context
    task: Task
    rag: Rag = Rag.GREEN


class TicketFacts(_Facts):
    bundle: TicketBundle
    sla_status: SlaStatus = SlaStatus.OK
    sla_hours_left: float | None = None
    age_hours: float = 0.0
    sentiment: str = "neutral"  # code's estimate; an LLM may refine it
    category_guess: str | None = None
    category_reason: str = ""
    priority_guess: str = "1"
    priority_reason: str = ""
    team_guess: EvidenceRef | None = None
    assignee_guess: EvidenceRef | None = None
    similar: tuple[SimilarTicket, ...] = ()
    probable_duplicate_of: EvidenceRef | None = None
    injection_detected: bool = False
    extra: dict[str, float] = Field(default_factory=dict)
