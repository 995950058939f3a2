"""LLMAnalyst with scripted models: happy paths, repair, refusal, grounding fallback, caps."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from llm_fakes import STATUS_ANSWER, ScriptedChatModel, answer, no_violations, scripted

from agent.analysts.llm import LLMAnalyst
from agent.analysts.offline import OfflineAnalyst
from agent.config import Settings
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.schemas import Severity


def make(settings: Settings, model: ScriptedChatModel, **kw: Any) -> LLMAnalyst:
    kw.setdefault("grounding", no_violations)
    return LLMAnalyst(settings, model=model, retry_initial_delay_s=0.0, **kw)


STATUS = STATUS_ANSWER


def risk_answer(severities: list[str], evidence: str = "project.task:71") -> dict[str, Any]:
    return {
        "findings": [
            {
                "index": i,
                "severity": sev,
                "title": f"Finding {i}",
                "explanation": "Explained from the fact sheet.",
                "recommended_action": "Meet the PM.",
                "evidence_ids": [evidence],
            }
            for i, sev in enumerate(severities)
        ]
    }


def test_summarize_project_takes_model_prose_and_keeps_code_figures(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(answer(STATUS))
    result = make(settings, model).summarize_project(project_facts)
    offline = OfflineAnalyst().summarize_project(project_facts).output
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert result.meta.fallback_reason is None
    assert result.output.headline == STATUS["headline"]
    assert result.output.figures == offline.figures
    assert result.output.rag == offline.rag
    assert result.meta.prompt_version == "system.v1+summarize_project.v1"
    assert result.meta.tokens_in > 0 and result.meta.tokens_out > 0


def test_summarize_task_uses_model_headline(settings: Settings, task_facts: TaskFacts) -> None:
    result = make(settings, scripted(answer(STATUS))).summarize_task(task_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert result.output.headline == STATUS["headline"]


def test_assess_risks_keeps_code_severities_and_takes_explanations(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    offline = OfflineAnalyst().assess_risks(project_facts).output
    sevs = [f.severity.value for f in offline.findings]
    result = make(settings, scripted(answer(risk_answer(sevs)))).assess_risks(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert [f.severity for f in result.output.findings] == [f.severity for f in offline.findings]
    assert [f.reviewer_role for f in result.output.findings] == [
        f.reviewer_role for f in offline.findings
    ]
    assert result.output.findings[0].explanation == "Explained from the fact sheet."


def test_draft_escalation_takes_body_and_keeps_severity_and_recipients(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    offline = OfflineAnalyst()
    assessment = offline.assess_risks(project_facts).output
    expected = offline.draft_escalation(project_facts, assessment).output
    prose = {
        "subject_line": "ERP rollout ACME needs a budget decision",
        "body": "Budget consumed is 82 % at 40 % progress. Please decide.",
        "asks": ["Approve a re-estimate"],
        "evidence_ids": ["project.project:7"],
    }
    result = make(settings, scripted(answer(prose))).draft_escalation(project_facts, assessment)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert result.output.body == prose["body"]
    assert result.output.severity == expected.severity
    assert result.output.recipients == expected.recipients
    assert result.output.due_date == expected.due_date


def test_triage_ticket_takes_sentiment_judgement_and_keeps_code_priority(
    settings: Settings, ticket_facts: TicketFacts
) -> None:
    prose = {
        "summary": "The customer needs their October invoices; route to billing.",
        "sentiment": "angry",
        "category_reason": "Mentions invoices.",
        "priority_reason": "SLA at risk.",
        "evidence_ids": ["helpdesk.ticket:501", "mail.message:9001"],
    }
    result = make(settings, scripted(answer(prose))).triage_ticket(ticket_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert result.output.sentiment == "angry"
    assert result.output.suggested_priority == ticket_facts.priority_guess
    assert result.output.sla_status == ticket_facts.sla_status
    assert result.output.injection_detected is True


def test_unparseable_answer_gets_one_repair_then_succeeds(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(AIMessage(content="Sure! Here is the summary: all fine."), answer(STATUS))
    result = make(settings, model).summarize_project(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    repair_prompt = model.seen[-1][-1].text
    assert "rejected" in repair_prompt and "StatusProse" in repair_prompt


def test_unparseable_twice_falls_back_to_offline_with_reason(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    model = scripted(AIMessage(content="not json"), AIMessage(content='{"headline": 3}'))
    result = make(settings, model).summarize_project(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and result.meta.fallback_reason.startswith("schema_error")
    assert result.output == OfflineAnalyst().summarize_project(project_facts).output


def test_missing_required_field_is_a_schema_error(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    incomplete = {k: v for k, v in STATUS.items() if k != "headline"}
    model = scripted(answer(incomplete), answer(incomplete))
    result = make(settings, model).summarize_project(project_facts)
    assert result.meta.fallback_reason and "headline" in result.meta.fallback_reason


def test_refusal_falls_back_without_repair(settings: Settings, project_facts: ProjectFacts) -> None:
    refusal = AIMessage(content="", additional_kwargs={"refusal": "I can't help with that."})
    model = scripted(refusal, answer(STATUS))
    result = make(settings, model).summarize_project(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and result.meta.fallback_reason.startswith("refused")
    assert len(model.seen) == 1  # no repair round for a refusal


def test_changed_severity_is_repaired_once_then_falls_back(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    offline = OfflineAnalyst().assess_risks(project_facts).output
    wrong = ["critical" if f.severity != Severity.CRITICAL else "low" for f in offline.findings]
    model = scripted(answer(risk_answer(wrong)), answer(risk_answer(wrong)))
    result = make(settings, model).assess_risks(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and "severity" in result.meta.fallback_reason
    assert result.output == offline
    assert "fact checker" in model.seen[-1][-1].text  # the violations were sent back


def test_changed_severity_fixed_by_repair_is_accepted(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    offline = OfflineAnalyst().assess_risks(project_facts).output
    right = [f.severity.value for f in offline.findings]
    wrong = ["critical"] * len(right)
    model = scripted(answer(risk_answer(wrong)), answer(risk_answer(right)))
    result = make(settings, model).assess_risks(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason


def test_invented_evidence_id_falls_back(settings: Settings, project_facts: ProjectFacts) -> None:
    bad = {**STATUS, "evidence_ids": ["project.task:999999"]}
    result = make(settings, scripted(answer(bad), answer(bad))).summarize_project(project_facts)
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and "project.task:999999" in result.meta.fallback_reason


def test_grounding_violation_from_the_guardrail_falls_back(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    seen: list[Any] = []

    def grounding(output: Any, facts: Any) -> list[str]:
        seen.append(output)
        return ["number 95 not in figures"]

    result = make(settings, scripted(answer(STATUS), answer(STATUS)), grounding=grounding)
    out = result.summarize_project(project_facts)
    assert out.meta.analyst == "offline"
    assert out.meta.fallback_reason and "95" in out.meta.fallback_reason
    assert len(seen) == 2  # checked after the answer and after the repair


def test_real_grounding_accepts_prose_that_quotes_figures_exactly(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    analyst = LLMAnalyst(settings, model=scripted(answer(STATUS)), retry_initial_delay_s=0.0)
    result = analyst.summarize_project(project_facts)
    assert result.meta.analyst == "llm", result.meta.fallback_reason


def test_real_grounding_rejects_an_invented_number_and_falls_back(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    invented = {**STATUS, "headline": "Budget consumed is 95 % already."}
    model = scripted(answer(invented), answer(invented))
    result = LLMAnalyst(settings, model=model, retry_initial_delay_s=0.0).summarize_project(
        project_facts
    )
    assert result.meta.analyst == "offline"
    assert result.meta.fallback_reason and "95" in result.meta.fallback_reason
    assert result.meta.fallback_reason.startswith("grounding_failed")
    assert "95" in model.seen[-1][-1].text  # the repair round named the bad number


def test_invented_number_fixed_by_repair_is_accepted(
    settings: Settings, project_facts: ProjectFacts
) -> None:
    invented = {**STATUS, "headline": "Budget consumed is 95 % already."}
    model = scripted(answer(invented), answer(STATUS))
    result = LLMAnalyst(settings, model=model, retry_initial_delay_s=0.0).summarize_project(
        project_facts
    )
    assert result.meta.analyst == "llm", result.meta.fallback_reason
    assert result.output.headline == STATUS["headline"]
