"""The evaluation on the default demo firm (seed 7): the issue's "Done when" for analysis.

Every planted situation must be found by the offline analyst and no finding may be a false
`critical`. When this fails, the assertion message lists the misses precisely.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.analysts.base import AnalystMeta
from agent.pipeline import PipelineContext
from demo_odoo.runner import DemoOdoo
from evals.runner import (
    CategoryScore,
    EvalReport,
    evaluate,
    fallback_kind,
    percentile,
    render_markdown,
    usage_figures,
)
from service.commands.demo import demo_settings

pytestmark = pytest.mark.integration

SEED = 7


@pytest.fixture(scope="module")
def firm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoOdoo, PipelineContext]]:
    with DemoOdoo(version="18.0", seed=SEED) as odoo:
        ctx = PipelineContext.from_settings(demo_settings(odoo, tmp_path_factory.mktemp("eval")))
        yield odoo, ctx
        ctx.gateway.close()


@pytest.fixture(scope="module")
def report(firm: tuple[DemoOdoo, PipelineContext]) -> EvalReport:
    odoo, ctx = firm
    return evaluate(ctx, odoo.labels, analyst="offline", seed=SEED, scale=1)


def _risk_situations(labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in labels["situations"] if s["category"] != "retrieval"]


def test_every_planted_situation_is_found(
    report: EvalReport, firm: tuple[DemoOdoo, PipelineContext]
) -> None:
    planted = _risk_situations(firm[0].labels)
    assert planted, "the default demo firm plants situations"
    assert report.misses == [], f"missed {len(report.misses)} of {len(planted)}: {report.misses}"


def test_no_false_critical(report: EvalReport) -> None:
    assert report.false_criticals == []


def test_every_label_is_scored_once(
    report: EvalReport, firm: tuple[DemoOdoo, PipelineContext]
) -> None:
    planted = _risk_situations(firm[0].labels)
    scored = sum(c.tp + c.fn for c in report.categories)
    assert scored == len(planted)
    risk_categories = {s["category"] for s in planted if s["situation"] != "pm_status_divergent"}
    assert risk_categories <= {c.category for c in report.categories}


def test_a_finding_without_a_label_is_a_false_alarm(
    report: EvalReport, firm: tuple[DemoOdoo, PipelineContext]
) -> None:
    """The scorer can fail: drop one planted situation and its finding becomes a false alarm."""
    odoo, ctx = firm
    situations = _risk_situations(odoo.labels)
    dropped = next(s for s in situations if s["category"] == "security")
    labels = {**odoo.labels, "situations": [s for s in odoo.labels["situations"] if s != dropped]}

    fewer = evaluate(ctx, labels, analyst="offline", seed=SEED)

    assert any("security" in a and f"#{dropped['id']}" in a for a in fewer.false_alarms)
    security = next(c for c in fewer.categories if c.category == "security")
    before = next(c for c in report.categories if c.category == "security")
    assert (security.tp, security.fp) == (before.tp - 1, before.fp + 1)


def test_ticket_accuracy_is_measured_on_the_labelled_open_tickets(report: EvalReport) -> None:
    assert report.tickets_labelled == report.tickets > 0
    assert report.ticket_category_accuracy is not None
    assert 0.0 < report.ticket_category_accuracy <= 1.0
    assert report.ticket_priority_accuracy is not None


def test_markdown_report_prints_per_category_figures(report: EvalReport) -> None:
    text = render_markdown([report])
    assert "| category | TP | FP | FN | precision | recall | F1 |" in text
    for c in report.categories:
        row = f"| {c.category} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.2f} | {c.recall:.2f}"
        assert row in text
    assert f"### Misses ({len(report.misses)})" in text
    assert f"False criticals: {len(report.false_criticals)}" in text


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "precision", "recall", "f1"),
    [(3, 1, 2, 0.75, 0.6, 2 * 0.75 * 0.6 / 1.35), (0, 0, 0, 1.0, 1.0, 1.0), (0, 2, 1, 0, 0, 0)],
)
def test_category_score_formulas(
    tp: int, fp: int, fn: int, precision: float, recall: float, f1: float
) -> None:
    score = CategoryScore(category="budget", tp=tp, fp=fp, fn=fn)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.f1 == pytest.approx(f1)


def test_eval_command_writes_the_markdown_report(
    report: EvalReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import service.commands.evals as evals_cmd
    from service.cli import app

    calls: list[tuple[list[str], int, int, int | None]] = []

    def fake_run(
        analysts: list[str], *, seed: int, scale: int, limit: int | None = None
    ) -> list[EvalReport]:
        calls.append((analysts, seed, scale, limit))
        return [report]

    monkeypatch.setattr(evals_cmd, "run_on_demo", fake_run)
    out = tmp_path / "report.md"

    result = CliRunner().invoke(app, ["eval", "--seed", "7", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert calls == [(["offline"], 7, 1, None)]
    assert out.read_text(encoding="utf-8") == render_markdown([report])
    assert "| category | TP | FP | FN |" in result.output


def test_llm_and_offline_share_one_side_by_side_table(report: EvalReport) -> None:
    llm = report.model_copy(update={"analyst": "llm", "fallback_reasons": {"schema_error": 2}})
    text = render_markdown([report, llm])
    assert "| figure | offline | llm |" in text
    assert text.count("| figure |") == 1
    assert "| fallback: schema_error | 0 | 2 |" in text
    security = next(c for c in report.categories if c.category == "security")
    cell = f"{security.f1:.2f} ({security.tp}/{security.fp}/{security.fn})"
    assert f"| F1 security (TP/FP/FN) | {cell} | {cell} |" in text


def test_llm_without_endpoint_counts_every_output_as_a_fallback(
    firm: tuple[DemoOdoo, PipelineContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No model needed: an unconfigured `llm` is the offline analyst saying why, per output."""
    for name in ("TRIAGE_LLM_BASE_URL", "TRIAGE_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    odoo, _ = firm
    ctx = PipelineContext.from_settings(demo_settings(odoo, tmp_path))
    try:
        llm = evaluate(ctx, odoo.labels, analyst="llm", seed=SEED, limit=2)
    finally:
        ctx.gateway.close()

    assert llm.jobs == 4
    assert llm.fallbacks == 4
    assert list(llm.fallback_reasons.values()) == [4]
    assert llm.grounding_failures == 0
    assert llm.misses == []


def test_limit_scopes_the_labels_to_the_evaluated_records(
    report: EvalReport, firm: tuple[DemoOdoo, PipelineContext]
) -> None:
    odoo, ctx = firm
    limited = evaluate(ctx, odoo.labels, analyst="offline", seed=SEED, limit=3)

    assert (limited.projects, limited.tickets, limited.jobs, limited.limit) == (3, 3, 6, 3)
    assert limited.misses == [], "labels on records outside the limit must not count as misses"
    assert limited.false_alarms == []
    scored = sum(c.tp + c.fn for c in limited.categories)
    assert 0 < scored < sum(c.tp + c.fn for c in report.categories)
    assert "timesheet_compliance" not in {c.category for c in limited.categories}
    assert "Limited run (`--limit 3`)" in render_markdown([limited])


def test_grounding_failures_and_reasons_come_from_the_fallback_reasons() -> None:
    metas = [
        AnalystMeta(analyst="offline", fallback_reason="grounding_failed: 3 numbers differ"),
        AnalystMeta(analyst="offline", fallback_reason="grounding_failed: unknown ref"),
        AnalystMeta(analyst="offline", fallback_reason="schema_error: missing summary"),
        AnalystMeta(analyst="llm", tokens_in=900, tokens_out=100, cost_usd=0.002),
    ]

    figures = usage_figures(metas, [10.0, 20.0, 30.0, 40.0])

    assert figures["fallbacks"] == 3
    assert figures["grounding_failures"] == 2
    assert figures["fallback_reasons"] == {"grounding_failed": 2, "schema_error": 1}
    assert (figures["tokens_in"], figures["tokens_out"]) == (900, 100)
    assert (figures["latency_p50_ms"], figures["latency_p95_ms"]) == (20.0, 40.0)
    report = EvalReport.model_validate(
        {
            "analyst": "llm",
            "seed": 1,
            "scale": 1,
            "generated_at": "2026-12-04T00:00:00Z",
            "wall_s": 1.0,
            "projects": 2,
            "tickets": 2,
            "categories": [],
            "misses": [],
            "false_alarms": [],
            "false_criticals": [],
            "severity_too_low": [],
            **figures,
        }
    )
    assert report.tokens_per_output == 250.0
    assert report.cost_per_output_usd == pytest.approx(0.0005)


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("endpoint_error: OpenAITimeoutError: Request timed out.", "endpoint_error"),
        ("circuit_open: retry in 30 s", "circuit_open"),
        ("refused", "refused"),
    ],
)
def test_fallback_kind_is_the_typed_reason_before_the_colon(reason: str, kind: str) -> None:
    assert fallback_kind(reason) == kind


def test_percentile_is_a_measured_value() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([5.0], 50) == 5.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


def test_eval_command_passes_the_limit_and_writes_json(
    report: EvalReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import service.commands.evals as evals_cmd
    from service.cli import app

    calls: list[tuple[list[str], int | None]] = []

    def fake_run(
        analysts: list[str], *, seed: int, scale: int, limit: int | None = None
    ) -> list[EvalReport]:
        calls.append((analysts, limit))
        return [report]

    monkeypatch.setattr(evals_cmd, "run_on_demo", fake_run)
    out, js = tmp_path / "r.md", tmp_path / "r.json"
    args = ["eval", "--analyst", "both", "--limit", "2", "--out", str(out), "--json", str(js)]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert calls == [(["offline", "llm"], 2)]
    assert EvalReport.model_validate(json.loads(js.read_text())[0]) == report


def test_eval_command_refuses_an_unknown_analyst() -> None:
    from service.cli import app

    result = CliRunner().invoke(app, ["eval", "--analyst", "gpt"])

    assert result.exit_code != 0
