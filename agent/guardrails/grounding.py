"""Output grounding: an analyst's output may only cite what was read and state what code computed.

Checked before anything is published (DESIGN section 6); any violation means retry
or fall back to the offline analyst, never publish.

Number rule (what counts as a claim in prose):
- every number in prose fields (headline, highlights, blockers, finding title /
  explanation / recommended action, escalation subject / body / asks, triage
  reasons and summary) must equal a figure value, at the precision it is written
  ("1,234.6" matches 1234.56; "37%" matches 0.37 or 37 with unit %; "€20k"
  matches 20000 +/- 500; the sign is ignored: "over by 1,200" matches -1200);
- not claims, hence ignored: dates (2026-12-04, 04/12/2026, "4 March"), times
  (10:30), years 1900-2100 written bare, numbers glued to letters or `#`/`/`
  (HT00012, SO1234, INV/2026/0042, #12, 2nd), numbers right after a record word
  (task, ticket, project, milestone, order, invoice, phase, sprint, step, level,
  priority, version, id, no.), and bare integers 0-3 (ordinals, "1 of", "2 people").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel

from agent.schemas import (
    AnalysisOutput,
    EscalationDraft,
    EvidenceRef,
    Figure,
    RiskFinding,
    Severity,
    StatusSummary,
    TicketTriage,
)

SMALL_INT_MAX: Final = 3
PROSE_FIELDS: Final[dict[type[BaseModel], tuple[str, ...]]] = {
    StatusSummary: ("headline", "highlights", "blockers"),
    RiskFinding: ("title", "explanation", "recommended_action"),
    EscalationDraft: ("subject_line", "body", "asks"),
    TicketTriage: ("category_reason", "priority_reason", "summary"),
}
_RECORD_WORDS = (
    r"(?:task|ticket|project|milestone|order|invoice|phase|sprint|step|level|priority|"
    r"version|release|id|no\.?|number|week|stage|line|item|row|page)"
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NOT_CLAIMS = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:\s+\d{{4}})?"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b{_RECORD_WORDS}\s*#?\s*\d+\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?P<cur>[€$£]\s?)?"
    r"(?<![\w#/.,])(?P<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
    r"(?P<suffix>\s?%|\s?(?:percent|per cent|pct)\b|k\b|K\b)?"
    r"(?![\w/#]|\.\d|,\d{3})"
)
_UNIT_GLUE = re.compile(r"\d(?:h|hrs|d|x|pp)\b")


@dataclass(frozen=True)
class Violation:
    kind: str  # unknown_evidence, ungrounded_number, figure_mismatch, invented_finding, ...
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass
class GroundingReport:
    ok: bool
    violations: list[Violation] = field(default_factory=list)

    def summary(self) -> str:
        """Short text for the retry prompt or the fallback reason."""
        return "grounded" if self.ok else "; ".join(map(str, self.violations))


@dataclass(frozen=True)
class NumberClaim:
    text: str
    value: float
    tolerance: float
    percent: bool
    unit: str | None = None  # "money", "hours", "days" when the text says so


_UNIT_WORDS: Final = (
    ("money", re.compile(r"\s?(?:eur|usd|gbp|chf|euros?|dollars?)\b", re.I)),
    ("hours", re.compile(r"\s?(?:h|hrs?|hours?)\b", re.I)),
    ("days", re.compile(r"\s?(?:d|days?|working days|business days)\b", re.I)),
)
_FIGURE_UNITS: Final = {
    "money": frozenset({"EUR", "USD", "GBP", "CHF", "eur", "usd", "gbp", "€", "$", "£"}),
    "hours": frozenset({"h", "hours", "hrs"}),
    "days": frozenset({"days", "d", "day"}),
}


def _unit_after(text: str, end: int) -> str | None:
    for unit, pattern in _UNIT_WORDS:
        if pattern.match(text, end):
            return unit
    return None


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _walk(item, f"{path}[{key!r}]")


def _prose(output: BaseModel) -> Iterator[tuple[str, str]]:
    for path, node in _walk(output, ""):
        for cls, names in PROSE_FIELDS.items():
            if isinstance(node, cls):
                for name in names:
                    value = getattr(node, name)
                    texts = value if isinstance(value, list) else [value]
                    for i, text in enumerate(texts):
                        where = f"{path}.{name}" if path else name
                        yield (f"{where}[{i}]" if isinstance(value, list) else where), text


def extract_numbers(text: str) -> list[NumberClaim]:
    """Numbers in `text` that are claims (see the module docstring for the rule)."""
    cleaned = _NOT_CLAIMS.sub(lambda m: " " * len(m.group(0)), text)
    claims = []
    for m in _NUMBER.finditer(cleaned):
        raw = m.group("num")
        suffix = (m.group("suffix") or "").strip().lower()
        currency = bool(m.group("cur"))
        digits = raw.replace(",", "")
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        tolerance = 0.5 * 10**-decimals + 1e-9
        percent = suffix in ("%", "percent", "per cent", "pct")
        if suffix == "k":
            value, tolerance = value * 1000, tolerance * 1000
        bare_int = decimals == 0 and not suffix and not currency
        if bare_int and (abs(value) <= SMALL_INT_MAX or 1900 <= value <= 2100):
            continue
        unit = "money" if currency else None if percent else _unit_after(cleaned, m.end())
        claims.append(NumberClaim(m.group(0).strip(), value, tolerance, percent, unit))
    for m in _UNIT_GLUE.finditer(cleaned):  # "36h", "5d": the number is glued to a unit
        start = m.start()
        while start > 0 and (cleaned[start - 1].isdigit() or cleaned[start - 1] in ".,"):
            start -= 1
        raw = cleaned[start : m.start() + 1].replace(",", "")
        if raw and not (start > 0 and cleaned[start - 1].isalpha()):
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            unit = (
                "hours"
                if cleaned[m.start() + 1] == "h"
                else "days"
                if m.group(0)[1] == "d"
                else None
            )
            claims.append(NumberClaim(raw, float(raw), 0.5 * 10**-decimals + 1e-9, False, unit))
    return claims


def _matches(claim: NumberClaim, figure: Figure) -> bool:
    if claim.unit and figure.unit and figure.unit not in _FIGURE_UNITS[claim.unit]:
        return False  # "12 days" is not the 12 % progress figure
    v = abs(figure.value)
    n = abs(claim.value)
    is_ratio = figure.unit == "ratio" or figure.key.endswith("ratio")
    if claim.percent:
        if figure.unit == "%":
            return abs(n - v) <= claim.tolerance
        return abs(n - v * 100) <= claim.tolerance
    if abs(n - v) <= claim.tolerance:
        return True
    # A ratio may be shown as a percentage without the sign ("37 percent" handled above).
    return is_ratio and abs(n - v * 100) <= claim.tolerance


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def check_output(
    output: AnalysisOutput,
    *,
    read_refs: frozenset[tuple[str, int]],
    figures: Sequence[Figure],
    expected_findings: Sequence[RiskFinding] | None = None,
    policy_severity: Callable[[RiskFinding], Severity | None] | None = None,
    code_findings: Sequence[RiskFinding] = (),
    secret_texts: Sequence[str] = (),
) -> GroundingReport:
    """Check refs, numbers, metrics and findings of `output` against what code produced.

    `policy_severity(finding)` returns the severity the policy file gives that finding's
    metrics (or None when the policy has no rule for it). The metrics of `code_findings`
    (and of `expected_findings`) count as computed values too: a key may hold several
    values (one per employee, say). `secret_texts` (the system prompt) must not be quoted.
    Prose may not claim that something was done in Odoo: the agent never acts.
    """
    violations: list[Violation] = []
    figures = [*figures, *_metric_figures([*code_findings, *(expected_findings or ())], figures)]
    by_key = {f.key: f for f in figures}
    values_by_key: dict[str, list[float]] = {}
    for f in figures:
        values_by_key.setdefault(f.key, []).append(f.value)

    for path, node in _walk(output, ""):
        if isinstance(node, EvidenceRef) and node.key not in read_refs:
            violations.append(
                Violation(
                    "unknown_evidence",
                    f"{path} cites {node.model}#{node.id}, which was not read in this run",
                )
            )

    for i, fig in enumerate(getattr(output, "figures", [])):
        if fig.key not in by_key:
            violations.append(
                Violation(
                    "unknown_figure", f"figures[{i}] key {fig.key!r} is not a computed signal"
                )
            )
        elif not any(_same(fig.value, v) for v in values_by_key[fig.key]):
            violations.append(
                Violation(
                    "figure_mismatch",
                    f"figures[{i}] {fig.key}={fig.value} but code computed {by_key[fig.key].value}",
                )
            )

    for where, text in _prose(output):
        for claim_text in _action_claims(text):
            violations.append(
                Violation(
                    "action_claim",
                    f"{where} claims {claim_text!r}; the agent changes nothing in Odoo",
                )
            )
        for secret in secret_texts:
            leaked = _quoted_passage(secret, text)
            if leaked:
                violations.append(
                    Violation("prompt_leak", f"{where} quotes the instructions: {leaked!r}")
                )
        for claim in extract_numbers(text):
            if not any(_matches(claim, f) for f in figures):
                violations.append(
                    Violation(
                        "ungrounded_number",
                        f"{where} states {claim.text!r}, which equals no computed figure",
                    )
                )

    findings: list[RiskFinding] = list(getattr(output, "findings", []))
    for i, finding in enumerate(findings):
        for key, value in finding.metrics.items():
            if key not in by_key:
                violations.append(
                    Violation("unknown_metric", f"findings[{i}].metrics[{key!r}] is not a signal")
                )
            elif not any(_same(value, v) for v in values_by_key[key]):
                violations.append(
                    Violation(
                        "metric_mismatch",
                        f"findings[{i}].metrics[{key!r}]={value} but code computed "
                        f"{by_key[key].value}",
                    )
                )
        if policy_severity is not None:
            wanted = policy_severity(finding)
            if wanted is not None and wanted != finding.severity:
                violations.append(
                    Violation(
                        "policy_severity",
                        f"findings[{i}] ({finding.category}) is {finding.severity} but the "
                        f"policy gives {wanted}",
                    )
                )

    if expected_findings is not None:
        violations += _compare_findings(findings, expected_findings)
    return GroundingReport(ok=not violations, violations=violations)


def _metric_figures(findings: Sequence[RiskFinding], figures: Sequence[Figure]) -> list[Figure]:
    """Code's finding metrics as figures (the unit of a same-key figure when there is one)."""
    units = {f.key: f.unit for f in figures}
    return [
        Figure(key=key, label=key, value=value, unit=units.get(key, ""))
        for finding in findings
        for key, value in finding.metrics.items()
    ]


_ACTION_CLAIM = re.compile(
    r"\b(?:(?:I|we)(?:'ve| have)?|(?:it|this|the \w+) (?:has|have) been)\s+"
    r"(?:(?:now|already|just)\s+)?"
    r"(?:closed|changed|set|updated|assigned|reassigned|deleted|removed|moved|posted|"
    r"escalated|resolved|cancel(?:l)?ed|archived|raised|lowered|marked)\b",
    re.IGNORECASE,
)


def _action_claims(text: str) -> list[str]:
    """First-person or passive claims that a change was made ("I closed this ticket")."""
    return [m.group(0) for m in _ACTION_CLAIM.finditer(text)]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _quoted_passage(secret: str, text: str, run: int = 8) -> str | None:
    """A run of `run` consecutive words of `secret` that appears in `text`, if any."""
    source = _words(secret)
    target = " " + " ".join(_words(text)) + " "
    for i in range(len(source) - run + 1):
        passage = " ".join(source[i : i + run])
        if f" {passage} " in target:
            return passage
    return None


def _finding_key(f: RiskFinding) -> tuple[str, tuple[str, int] | None]:
    return (f.category.value, f.subject.key if f.subject else None)


def _compare_findings(
    got: Sequence[RiskFinding], expected: Sequence[RiskFinding]
) -> list[Violation]:
    """Same (category, subject) set and the same severities as the code-classified findings."""
    out: list[Violation] = []
    wanted = {_finding_key(f): f for f in expected}
    wanted_by_cat: dict[str, list[RiskFinding]] = {}
    for f in expected:
        wanted_by_cat.setdefault(f.category.value, []).append(f)
    matched: set[tuple[str, tuple[str, int] | None]] = set()
    for i, finding in enumerate(got):
        key = _finding_key(finding)
        ref = wanted.get(key)
        if ref is None and finding.subject is None and len(wanted_by_cat.get(key[0], [])) == 1:
            ref = wanted_by_cat[key[0]][0]  # no subject given: the only finding of that category
        if ref is None:
            out.append(
                Violation(
                    "invented_finding",
                    f"findings[{i}] ({finding.category}, {finding.title!r}) was not found by code",
                )
            )
            continue
        matched.add(_finding_key(ref))
        if ref.severity != finding.severity:
            out.append(
                Violation(
                    "severity_changed",
                    f"findings[{i}] ({finding.category}) is {finding.severity}; code says "
                    f"{ref.severity}",
                )
            )
    for key, ref in wanted.items():
        if key not in matched:
            out.append(
                Violation(
                    "omitted_finding",
                    f"code found {ref.category} ({ref.severity}) {ref.title!r}; output drops it",
                )
            )
    return out
