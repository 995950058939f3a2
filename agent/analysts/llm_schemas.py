"""What the model is asked to return: prose only, never numbers, severities or roles.

These are deliberately smaller than `agent/schemas.py`: code keeps ownership of figures,
severities, evidence and reviewer roles, and `llm_merge` folds this prose into the real
output models. Every field is required and extra keys are forbidden so the JSON schema is
valid for OpenAI's strict structured outputs (`strict: true`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.schemas import Severity


class _Prose(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatusProse(_Prose):
    """Prose for a project or task status summary."""

    headline: str = Field(description="One sentence: overall state and main reason")
    highlights: list[str] = Field(description="Up to 5 short bullets")
    blockers: list[str] = Field(description="Up to 3 short bullets, empty if none")
    evidence_ids: list[str] = Field(description="Cited ids, written model:id")


class FindingProse(_Prose):
    index: int = Field(description="The finding's index in the fact sheet")
    severity: Severity = Field(description="Copied exactly from the fact sheet")
    title: str
    explanation: str
    recommended_action: str
    evidence_ids: list[str] = Field(description="Cited ids, written model:id")


class RiskProse(_Prose):
    """Explanations of code-classified findings, one item per finding."""

    findings: list[FindingProse]


class EscalationProse(_Prose):
    subject_line: str
    body: str
    asks: list[str] = Field(description="Up to 3 concrete requests")
    evidence_ids: list[str] = Field(description="Cited ids, written model:id")


class TriageProse(_Prose):
    summary: str = Field(description="The customer's intent and the suggested handling")
    sentiment: Literal["positive", "neutral", "negative", "angry"]
    category_reason: str
    priority_reason: str
    evidence_ids: list[str] = Field(description="Cited ids, written model:id")


ProseModel = StatusProse | RiskProse | EscalationProse | TriageProse
