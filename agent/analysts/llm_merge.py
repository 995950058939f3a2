"""Fold the model's prose into code's skeleton output; report every claim code disagrees with.

The skeleton is the offline analyst's output for the same facts: it already carries the
figures, severities, evidence, reviewer roles and dates computed by code. The model only
replaces prose fields. Evidence ids and severities the model echoes are checked here
(an invented id or a changed severity is a violation, never silently dropped), so a bad
answer goes to the repair/fallback path instead of being published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agent.analysts.llm_schemas import (
    EscalationProse,
    ProseModel,
    RiskProse,
    StatusProse,
    TriageProse,
)
from agent.schemas import (
    EscalationDraft,
    EvidenceRef,
    RiskAssessment,
    RiskFinding,
    StatusSummary,
    TicketTriage,
)

_ID = re.compile(r"^\s*(?P<model>[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+)\s*[:#/]\s*(?P<id>\d+)\s*$")


@dataclass
class MergeResult:
    output: StatusSummary | RiskAssessment | EscalationDraft | TicketTriage
    violations: list[str] = field(default_factory=list)


def parse_evidence_id(raw: str) -> tuple[str, int] | None:
    """`project.task:42` (also `#`/`/` separators) -> ("project.task", 42); None if malformed."""
    m = _ID.match(raw)
    return (m.group("model"), int(m.group("id"))) if m else None


def _resolve(
    ids: Iterable[str],
    allowed: frozenset[tuple[str, int]],
    known: dict[tuple[str, int], EvidenceRef],
    where: str,
    violations: list[str],
) -> list[EvidenceRef]:
    refs: list[EvidenceRef] = []
    for raw in ids:
        key = parse_evidence_id(raw)
        if key is None:
            violations.append(f"{where}: evidence id {raw!r} is not written model:id")
        elif key not in allowed:
            violations.append(f"{where}: evidence id {raw!r} was not read in this run")
        else:
            refs.append(known.get(key) or EvidenceRef(model=key[0], id=key[1]))
    return refs


def _union(base: list[EvidenceRef], extra: list[EvidenceRef]) -> list[EvidenceRef]:
    seen = {r.key for r in base}
    out = list(base)
    for r in extra:
        if r.key not in seen:
            seen.add(r.key)
            out.append(r)
    return out


def _known_refs(output: Any) -> dict[tuple[str, int], EvidenceRef]:
    """Every EvidenceRef inside the skeleton, so cited ids get their display names."""
    found: dict[tuple[str, int], EvidenceRef] = {}

    def walk(value: Any) -> None:
        if isinstance(value, EvidenceRef):
            found.setdefault(value.key, value)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif hasattr(value, "__pydantic_fields__"):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    walk(output)
    return found


def _require(text: str, where: str, violations: list[str]) -> str:
    if not text.strip():
        violations.append(f"{where} is empty")
    return text.strip()


def merge(
    skeleton: StatusSummary | RiskAssessment | EscalationDraft | TicketTriage,
    prose: ProseModel,
    allowed_refs: frozenset[tuple[str, int]],
) -> MergeResult:
    """Return the skeleton with the model's prose, plus the claims that contradict code."""
    v: list[str] = []
    known = _known_refs(skeleton)
    allowed = allowed_refs | frozenset(known)
    if isinstance(skeleton, StatusSummary) and isinstance(prose, StatusProse):
        cited = _resolve(prose.evidence_ids, allowed, known, "evidence_ids", v)
        out: Any = skeleton.model_copy(
            update={
                "headline": _require(prose.headline, "headline", v),
                "highlights": [h.strip() for h in prose.highlights if h.strip()][:5],
                "blockers": [b.strip() for b in prose.blockers if b.strip()][:3],
                "evidence": _union(skeleton.evidence, cited),
            }
        )
    elif isinstance(skeleton, RiskAssessment) and isinstance(prose, RiskProse):
        out = skeleton.model_copy(
            update={"findings": _merge_findings(skeleton, prose, allowed, known, v)}
        )
    elif isinstance(skeleton, EscalationDraft) and isinstance(prose, EscalationProse):
        cited = _resolve(prose.evidence_ids, allowed, known, "evidence_ids", v)
        out = skeleton.model_copy(
            update={
                "subject_line": _require(prose.subject_line, "subject_line", v)[:150],
                "body": _require(prose.body, "body", v),
                "asks": [a.strip() for a in prose.asks if a.strip()][:3] or skeleton.asks,
                "evidence": _union(skeleton.evidence, cited),
            }
        )
    elif isinstance(skeleton, TicketTriage) and isinstance(prose, TriageProse):
        cited = _resolve(prose.evidence_ids, allowed, known, "evidence_ids", v)
        out = skeleton.model_copy(
            update={
                "summary": _require(prose.summary, "summary", v),
                "sentiment": prose.sentiment,
                "category_reason": prose.category_reason.strip() or skeleton.category_reason,
                "priority_reason": prose.priority_reason.strip() or skeleton.priority_reason,
                "evidence": _union(skeleton.evidence, cited),
            }
        )
    else:
        raise TypeError(f"cannot merge {type(prose).__name__} into {type(skeleton).__name__}")
    # model_copy(update=) skips validation: validate the result explicitly.
    validated = type(skeleton).model_validate(out.model_dump())
    return MergeResult(output=validated, violations=v)


def _merge_findings(
    skeleton: RiskAssessment,
    prose: RiskProse,
    allowed: frozenset[tuple[str, int]],
    known: dict[tuple[str, int], EvidenceRef],
    v: list[str],
) -> list[RiskFinding]:
    by_index: dict[int, RiskFinding] = dict(enumerate(skeleton.findings))
    merged = list(skeleton.findings)
    seen: set[int] = set()
    for item in prose.findings:
        where = f"findings[{item.index}]"
        code = by_index.get(item.index)
        if code is None:
            v.append(f"{where}: there is no finding with this index (0..{len(merged) - 1})")
            continue
        if item.index in seen:
            v.append(f"{where}: explained twice")
            continue
        seen.add(item.index)
        if item.severity != code.severity:
            v.append(
                f"{where}: severity {item.severity.value!r} differs from code's "
                f"{code.severity.value!r}; severities are set by policy, copy them"
            )
        cited = _resolve(item.evidence_ids, allowed, known, where, v)
        merged[item.index] = code.model_copy(
            update={
                "title": item.title.strip()[:120] or code.title,
                "explanation": _require(item.explanation, f"{where}.explanation", v),
                "recommended_action": item.recommended_action.strip() or code.recommended_action,
                "evidence": _union(code.evidence, cited),
            }
        )
    missing = sorted(set(by_index) - seen)
    if missing:
        v.append(f"findings {missing} were not explained; return one item per finding")
    return merged
