"""LLMAnalyst with scripted models: happy paths, repair, refusal, grounding fallback, caps."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from agent.analysts.llm import LLMAnalyst
from agent.analysts.offline import OfflineAnalyst
from agent.analysts.resilience import EndpointBreaker
from agent.config import Settings
from agent.facts import ProjectFacts, TaskFacts, TicketFacts
from agent.schemas import Severity

from llm_fakes import ScriptedChatModel, answer, no_violations, scripted, tool_call


def make(settings: Settings, model: ScriptedChatModel, **kw: Any) -> LLMAnalyst:
    kw.setdefault("grounding", no_violations)
    return LLMAnalyst(settings, model=model, retry_initial_delay_s=0.0, **kw)


STATUS = {
    "headline": "The rollout is at risk: budget consumed 82 % at 40 % progress.",
    "highlights": ["Budget consumed 82 % while progress is 40 %."],
    "blockers": ["Data migration is overdue."],
    "evidence_ids": ["project.task:71"],
}


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
