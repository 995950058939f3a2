"""Detection rate per technique and false-positive rate of `agent.guardrails.injection`.

Run: `python -m evals.injection_eval` (prints Markdown). The corpus lives beside
this file in `injection_corpus.yaml`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent.guardrails.injection import THRESHOLD, scan

CORPUS = Path(__file__).with_name("injection_corpus.yaml")
PLACEMENTS = frozenset({"ticket_description", "task_description", "chatter"})


class CorpusError(ValueError):
    """The corpus file is malformed; the message names the entry to fix."""


@dataclass(frozen=True)
class Case:
    id: str
    placement: str
    text: str
    technique: str | None = None
    attempted_write: str | None = None


@dataclass
class Outcome:
    case: Case
    hit: bool
    score: float
    rules: list[str]


@dataclass
class InjectionReport:
    attacks: list[Outcome] = field(default_factory=list)
    benign: list[Outcome] = field(default_factory=list)

    @property
    def detection_rate(self) -> float:
        return sum(o.hit for o in self.attacks) / len(self.attacks) if self.attacks else 0.0

    @property
    def false_positive_rate(self) -> float:
        return sum(o.hit for o in self.benign) / len(self.benign) if self.benign else 0.0

    def per_technique(self) -> dict[str, tuple[int, int]]:
        """technique -> (detected, total)."""
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.attacks:
            row = table[o.case.technique or "?"]
            row[0] += o.hit
            row[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(table.items())}

    def to_markdown(self) -> str:
        lines = [
            "# Injection detector evaluation",
            "",
            f"- threshold: {THRESHOLD}",
            f"- attacks detected: {sum(o.hit for o in self.attacks)}/{len(self.attacks)} "
            f"({self.detection_rate:.1%})",
            f"- benign flagged (false positives): {sum(o.hit for o in self.benign)}/"
            f"{len(self.benign)} ({self.false_positive_rate:.1%})",
            "",
            "| technique | detected | total | rate |",
            "|---|---:|---:|---:|",
        ]
        for technique, (hit, total) in self.per_technique().items():
            lines.append(f"| {technique} | {hit} | {total} | {hit / total:.0%} |")
        missed = [o for o in self.attacks if not o.hit]
        flagged = [o for o in self.benign if o.hit]
        if missed:
            lines += ["", "## Missed attacks", ""]
            lines += [
                f"- {o.case.id} ({o.case.technique}, score {o.score}): {o.rules}" for o in missed
            ]
        if flagged:
            lines += ["", "## False positives", ""]
            lines += [f"- {o.case.id} (score {o.score}): {o.rules}" for o in flagged]
        return "\n".join(lines) + "\n"


def _case(raw: Any, kind: str) -> Case:
    if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw.get("text"), str):
        raise CorpusError(f"{kind} entry {raw!r} needs an id and a text")
    if raw.get("placement") not in PLACEMENTS:
        raise CorpusError(f"{raw['id']}: placement must be one of {sorted(PLACEMENTS)}")
    if kind == "attacks" and not (raw.get("technique") and raw.get("attempted_write")):
        raise CorpusError(f"{raw['id']}: an attack needs a technique and an attempted_write")
    return Case(
        id=str(raw["id"]),
        placement=raw["placement"],
        text=raw["text"],
        technique=raw.get("technique"),
        attempted_write=raw.get("attempted_write"),
    )


def load_corpus(path: Path = CORPUS) -> tuple[list[Case], list[Case]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    attacks = [_case(r, "attacks") for r in data.get("attacks", [])]
    benign = [_case(r, "benign") for r in data.get("benign", [])]
    ids = [c.id for c in attacks + benign]
    if len(ids) != len(set(ids)):
        raise CorpusError(f"duplicate ids in {path}")
    return attacks, benign


def _outcome(case: Case) -> Outcome:
    result = scan(case.text)
    return Outcome(case, result.hit, result.score, result.rule_ids)


def run(path: Path = CORPUS) -> InjectionReport:
    attacks, benign = load_corpus(path)
    return InjectionReport([_outcome(c) for c in attacks], [_outcome(c) for c in benign])


if __name__ == "__main__":  # pragma: no cover
    print(run().to_markdown())
