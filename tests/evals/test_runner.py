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

from agent.pipeline import PipelineContext
from demo_odoo.runner import DemoOdoo
from evals.runner import CategoryScore, EvalReport, evaluate, render_markdown
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

    calls: list[tuple[list[str], int, int]] = []

    def fake_run(analysts: list[str], *, seed: int, scale: int) -> list[EvalReport]:
        calls.append((analysts, seed, scale))
        return [report]

    monkeypatch.setattr(evals_cmd, "run_on_demo", fake_run)
    out = tmp_path / "report.md"

    result = CliRunner().invoke(app, ["eval", "--seed", "7", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert calls == [(["offline"], 7, 1)]
    assert out.read_text(encoding="utf-8") == render_markdown([report])
    assert "| category | TP | FP | FN |" in result.output
