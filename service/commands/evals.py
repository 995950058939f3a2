"""`triage eval`: the pipeline against the planted labels of the demo firm."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from agent.pipeline import PipelineContext
from evals.runner import EvalReport, evaluate, render_markdown
from service.commands.analysis import console


def run_on_demo(analysts: list[str], *, seed: int, scale: int) -> list[EvalReport]:
    """Start a fresh demo Odoo and evaluate each analyst on it."""
    from demo_odoo.runner import DemoOdoo
    from service.commands.demo import demo_settings

    reports = []
    with (
        DemoOdoo(version="18.0", seed=seed, scale=scale) as odoo,
        tempfile.TemporaryDirectory() as tmp,
    ):
        ctx = PipelineContext.from_settings(demo_settings(odoo, Path(tmp)))
        try:
            from agent.retrieval import build_index_for_eval

            ctx.retrieval = build_index_for_eval(ctx, Path(tmp) / "chroma")
        except ImportError:
            ctx.retrieval = None
        for name in analysts:
            reports.append(evaluate(ctx, odoo.labels, analyst=name, seed=seed, scale=scale))  # type: ignore[arg-type]
    return reports


def register(app: typer.Typer) -> None:
    """Add `triage eval`."""

    @app.command("eval")
    def eval_(
        analyst: Annotated[
            str, typer.Option(help="offline, llm, or both (side by side).")
        ] = "offline",
        seed: Annotated[int, typer.Option(help="Seed of the demo firm.")] = 7,
        scale: Annotated[int, typer.Option(help="Size of the demo firm.")] = 1,
        out: Annotated[Path, typer.Option(help="Markdown report path.")] = Path(
            "evals/reports/latest.md"
        ),
    ) -> None:
        """Compare the pipeline's findings with the planted labels; write a Markdown report."""
        names = ["offline", "llm"] if analyst == "both" else [analyst]
        if analyst == "llm":
            names = ["offline", "llm"]
        reports = run_on_demo(names, seed=seed, scale=scale)
        text = render_markdown(reports)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        console.print(text, markup=False, highlight=False)
        console.print(f"Report written to {out}")
