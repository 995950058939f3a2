"""Merging model prose into code's skeleton: ids are parsed strictly, code's values win."""

from __future__ import annotations

import pytest

from agent.analysts.llm_merge import merge, parse_evidence_id
from agent.analysts.llm_schemas import StatusProse, TriageProse
from agent.analysts.offline import OfflineAnalyst
from agent.facts import ProjectFacts


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("project.task:42", ("project.task", 42)),
        ("helpdesk.ticket#7", ("helpdesk.ticket", 7)),
        ("task 42", None),
        ("project.task:abc", None),
        ("42", None),
    ],
)
def test_evidence_ids_are_parsed_strictly(raw: str, expected: tuple[str, int] | None) -> None:
    assert parse_evidence_id(raw) == expected


def test_merge_keeps_figures_and_rag_and_adds_cited_refs(project_facts: ProjectFacts) -> None:
    skeleton = OfflineAnalyst().summarize_project(project_facts).output
    prose = StatusProse(
        headline="H", highlights=[" a ", ""], blockers=[], evidence_ids=["res.users:5"]
    )
    merged = merge(skeleton, prose, project_facts.read_refs)
    assert merged.violations == []
    assert merged.output.figures == skeleton.figures and merged.output.rag == skeleton.rag
    assert merged.output.highlights == ["a"]
    assert ("res.users", 5) in {r.key for r in merged.output.evidence}


def test_empty_headline_is_a_violation(project_facts: ProjectFacts) -> None:
    skeleton = OfflineAnalyst().summarize_project(project_facts).output
    prose = StatusProse(headline="  ", highlights=[], blockers=[], evidence_ids=[])
    assert merge(skeleton, prose, project_facts.read_refs).violations == ["headline is empty"]


def test_mismatched_prose_type_is_refused(project_facts: ProjectFacts) -> None:
    skeleton = OfflineAnalyst().summarize_project(project_facts).output
    prose = TriageProse(
        summary="s", sentiment="neutral", category_reason="", priority_reason="", evidence_ids=[]
    )
    with pytest.raises(TypeError):
        merge(skeleton, prose, project_facts.read_refs)
