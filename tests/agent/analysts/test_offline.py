"""The offline analyst on the demo firm's real fact sheets: deterministic, readable prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from agent import pipeline
from agent.analysts.offline import OfflineAnalyst
from agent.facts import ProjectFacts, TicketFacts
from agent.pipeline import PipelineContext
from agent.schemas import EscalationDraft, RiskAssessment, StatusSummary, TicketTriage
from agent.tools import readers
from demo_odoo.runner import DemoOdoo
from service.commands.demo import demo_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sheets(
    demo_firm: DemoOdoo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[ProjectFacts], list[TicketFacts]]]:
    """The fact sheets of every active project and of a dozen open tickets."""
    ctx = PipelineContext.from_settings(demo_settings(demo_firm, tmp_path_factory.mktemp("o")))
    projects = [
        pipeline._project_facts(ctx, p.id) for p in readers.list_active_projects(ctx.gateway)
    ]
    tickets = [
        pipeline._ticket_facts(ctx, t.id) for t in readers.list_open_tickets(ctx.gateway)[:12]
    ]
    yield projects, tickets
    ctx.gateway.close()


def _outputs(
    analyst: OfflineAnalyst, projects: list[ProjectFacts], tickets: list[TicketFacts]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for facts in projects:
        risks = analyst.assess_risks(facts)
        out += [
            analyst.summarize_project(facts).model_dump(mode="json"),
            risks.model_dump(mode="json"),
            analyst.draft_escalation(facts, risks.output).model_dump(mode="json"),
        ]
    out += [analyst.triage_ticket(t).model_dump(mode="json") for t in tickets]
    return out


def test_same_facts_give_identical_outputs(
    sheets: tuple[list[ProjectFacts], list[TicketFacts]],
) -> None:
    projects, tickets = sheets
    assert projects and tickets
    first = _outputs(OfflineAnalyst(), projects, tickets)
    assert _outputs(OfflineAnalyst(), projects, tickets) == first
    assert _outputs(OfflineAnalyst(), list(projects), list(tickets)) == first


def test_same_data_read_twice_gives_the_same_recommendation(pipeline_ctx: PipelineContext) -> None:
    pid = readers.list_active_projects(pipeline_ctx.gateway)[0].id
    one = pipeline.assess_risks(pid, ctx=pipeline_ctx).recommendation
    two = pipeline.assess_risks(pid, ctx=pipeline_ctx).recommendation
    assert one.output == two.output
    assert one.provenance.input_hash == two.provenance.input_hash


def _prose(projects: list[ProjectFacts], tickets: list[TicketFacts]) -> list[str]:
    """Every sentence a person reads in a note, from every output kind."""
    analyst = OfflineAnalyst()
    texts: list[str] = []
    for facts in projects:
        summary = analyst.summarize_project(facts).output
        risks = analyst.assess_risks(facts).output
        draft = analyst.draft_escalation(facts, risks).output
        assert isinstance(summary, StatusSummary) and isinstance(risks, RiskAssessment)
        assert isinstance(draft, EscalationDraft)
        texts += [summary.headline, *summary.highlights, *summary.blockers]
        texts += [t for f in risks.findings for t in (f.title, f.explanation)]
        texts += [draft.subject_line, draft.body, *draft.asks]
    for sheet in tickets:
        triage = analyst.triage_ticket(sheet).output
        assert isinstance(triage, TicketTriage)
        texts += [triage.summary, triage.category_reason, triage.priority_reason]
        texts += [f.title for f in triage.findings]
    return [t for t in texts if t]


def test_prose_names_no_signal_keys_or_raw_values(
    sheets: tuple[list[ProjectFacts], list[TicketFacts]],
) -> None:
    projects, tickets = sheets
    keys = {f.key for s in [*projects, *tickets] for f in s.figures}
    keys |= {k for s in [*projects, *tickets] for f in s.findings for k in f.metrics}
    assert "budget.consumed_ratio" in keys  # the check below looks for real keys
    enums = {"timesheet_compliance", "client_satisfaction", "delivery_lead", "helpdesk_lead"}
    for text in _prose(projects, tickets):
        assert not [k for k in keys if k in text], text
        assert not [e for e in enums if e in text], text
        assert not re.search(r"\d\.\d{4,}", text), f"unrounded number in: {text}"
        assert "None" not in text and "{" not in text, text


def test_headline_states_rag_in_words_and_counts_findings(
    sheets: tuple[list[ProjectFacts], list[TicketFacts]],
) -> None:
    analyst = OfflineAnalyst()
    for facts in sheets[0]:
        summary = analyst.summarize_project(facts).output
        assert summary.headline.startswith(facts.subject.display_name)
        words = {"green": "on track", "amber": "at risk", "red": "off track"}
        assert words[summary.rag.value] in summary.headline
        counted = re.findall(r"(\d+) (?:low|medium|high|critical)\b", summary.headline)
        hygiene = re.findall(r"timesheets of (\d+) team member", summary.headline)
        total = sum(int(n) for n in counted) + sum(int(n) for n in hygiene)
        assert total == len(facts.findings), summary.headline
        if not facts.findings:
            assert "no risk above the policy thresholds" in summary.headline


def test_every_finding_keeps_its_evidence_and_an_action(
    sheets: tuple[list[ProjectFacts], list[TicketFacts]],
) -> None:
    analyst = OfflineAnalyst()
    for facts in sheets[0]:
        risks = analyst.assess_risks(facts).output
        assert len(risks.findings) == len(facts.findings)
        for finding in risks.findings:
            assert finding.evidence, finding.title
            assert finding.recommended_action, finding.title
