"""Output models: what an analyst (offline or LLM) produces and the publisher posts.

Both analysts fill exactly these models, so everything downstream (grounding checks,
publisher, ledger, API, evals) is indifferent to which one ran.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RiskCategory(StrEnum):
    BUDGET = "budget"
    SCHEDULE = "schedule"
    STAFFING = "staffing"
    TIMESHEET_COMPLIANCE = "timesheet_compliance"
    SCOPE = "scope"
    BILLING = "billing"
    SLA = "sla"
    CLIENT_SATISFACTION = "client_satisfaction"
    SECURITY = "security"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return ["low", "medium", "high", "critical"].index(self.value)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class ReviewerRole(StrEnum):
    PM = "pm"
    DELIVERY_LEAD = "delivery_lead"
    FINANCE = "finance"
    HELPDESK_LEAD = "helpdesk_lead"


class Kind(StrEnum):
    STATUS_SUMMARY = "status_summary"
    RISK_ASSESSMENT = "risk_assessment"
    ESCALATION = "escalation"
    TICKET_TRIAGE = "ticket_triage"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceRef(_Out):
    """A pointer to the Odoo record a claim came from."""

    model: str = Field(description="Odoo model, e.g. project.task")
    id: int
    display_name: str = ""
    url: str | None = Field(default=None, description="Link into the Odoo backend")

    @property
    def key(self) -> tuple[str, int]:
        return (self.model, self.id)


class Figure(_Out):
    """A number computed by code (never by a model), shown with its label and unit."""

    key: str = Field(description="Stable signal key, e.g. budget.consumed_ratio")
    label: str
    value: float
    unit: str = ""  # h, %, days, EUR, ratio
    evidence: list[EvidenceRef] = Field(default_factory=list)


class RiskFinding(_Out):
    category: RiskCategory
    severity: Severity
    title: str
    explanation: str
    metrics: dict[str, float] = Field(
        default_factory=dict, description="Signal values that triggered the finding"
    )
    evidence: list[EvidenceRef] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, default=0.8)
    recommended_action: str = ""
    reviewer_role: ReviewerRole = ReviewerRole.PM
    subject: EvidenceRef | None = Field(
        default=None, description="The record the finding is about (project, task, ticket)"
    )


class MilestoneLine(_Out):
    name: str
    deadline: date | None = None
    is_reached: bool = False
    overdue_days: int = 0
    evidence: EvidenceRef | None = None


class StatusSummary(_Out):
    kind: Literal["status_summary"] = "status_summary"
    subject: EvidenceRef
    rag: Rag
    headline: str
    figures: list[Figure] = Field(default_factory=list)
    highlights: list[str] = Field(default_factory=list)
    blockers: list[str] = Field(default_factory=list)
    next_milestones: list[MilestoneLine] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(default_factory=list)


class RiskAssessment(_Out):
    kind: Literal["risk_assessment"] = "risk_assessment"
    subject: EvidenceRef
    rag: Rag
    findings: list[RiskFinding] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    pm_status: str | None = Field(default=None, description="PM's last_update_status")
    pm_status_divergent: bool = False

    @property
    def max_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)


class EscalationDraft(_Out):
    kind: Literal["escalation"] = "escalation"
    subject: EvidenceRef
    audience_role: ReviewerRole
    recipients: list[EvidenceRef] = Field(default_factory=list, description="res.users to address")
    subject_line: str
    body: str
    asks: list[str] = Field(default_factory=list)
    due_date: date | None = None
    severity: Severity = Severity.MEDIUM
    evidence: list[EvidenceRef] = Field(default_factory=list)


class SimilarTicket(_Out):
    ticket: EvidenceRef
    number: str | None = None
    title: str = ""
    team: str | None = None
    category: str | None = None
    resolution_hours: float | None = None
    similarity: float = Field(ge=-1.0, le=1.0)
    closed: bool = False


class SlaStatus(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    CLOSED = "closed"


class TicketTriage(_Out):
    kind: Literal["ticket_triage"] = "ticket_triage"
    subject: EvidenceRef
    category: str | None = None
    category_reason: str = ""
    suggested_priority: str = Field(description="Odoo priority '0'..'3'")
    priority_reason: str = ""
    sentiment: Literal["positive", "neutral", "negative", "angry"] = "neutral"
    sla_status: SlaStatus = SlaStatus.OK
    sla_hours_left: float | None = None
    age_hours: float = 0.0
    suggested_team: EvidenceRef | None = None
    suggested_assignee: EvidenceRef | None = None
    similar: list[SimilarTicket] = Field(default_factory=list)
    probable_duplicate_of: EvidenceRef | None = None
    injection_detected: bool = False
    findings: list[RiskFinding] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, default=0.7)
    summary: str = ""
    evidence: list[EvidenceRef] = Field(default_factory=list)


AnalysisOutput = StatusSummary | RiskAssessment | EscalationDraft | TicketTriage


class Provenance(_Out):
    analyst: Literal["offline", "llm"]
    model: str | None = None
    prompt_version: str | None = None
    input_hash: str
    data_as_of: datetime
    fallback_reason: str | None = Field(
        default=None, description="Why the offline analyst replaced the LLM, if it did"
    )
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0


class RecommendationStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Recommendation(_Out):
    """The envelope stored in the ledger and posted to Odoo for a human to approve."""

    id: int | None = None
    kind: Kind
    subject: EvidenceRef
    output: StatusSummary | RiskAssessment | EscalationDraft | TicketTriage = Field(
        discriminator="kind"
    )
    provenance: Provenance
    reviewer_role: ReviewerRole
    severity: Severity | None = None
    status: RecommendationStatus = RecommendationStatus.PROPOSED
    message_id: int | None = None
    activity_id: int | None = None
    supersedes_id: int | None = None
    published: bool = False
    created_at: datetime | None = None
