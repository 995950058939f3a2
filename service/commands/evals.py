"""`triage eval`: the pipeline against the planted labels of the demo firm."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, cast

import typer

from agent.pipeline import AnalystName, PipelineContext
from evals.runner import EvalReport, evaluate, render_markdown
from service.commands.analysis import console


def run_on_demo(
    analysts: list[str], *, seed: int, scale: int, limit: int | None = None
) -> list[EvalReport]:
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
            chosen = cast(AnalystName, name)
            reports.append(
                evaluate(ctx, odoo.labels, analyst=chosen, seed=seed, scale=scale, limit=limit)
            )
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
        limit: Annotated[
            int | None,
            typer.Option(
                min=1,
                help="Evaluate only the first N projects and N open tickets (slow endpoints); "
                "labels are scoped to them and the report says so.",
            ),
        ] = None,
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Also write the reports as JSON here.")
        ] = None,
        out: Annotated[Path, typer.Option(help="Markdown report path.")] = Path(
            "evals/reports/latest.md"
        ),
    ) -> None:
        """Compare the pipeline's findings with the planted labels; write a Markdown report."""
        if analyst not in ("offline", "llm", "both"):
            raise typer.BadParameter("use offline, llm or both", param_hint="--analyst")
        # The LLM is always measured beside the offline analyst it falls back to.
        names = ["offline"] if analyst == "offline" else ["offline", "llm"]
        reports = run_on_demo(names, seed=seed, scale=scale, limit=limit)
        text = render_markdown(reports)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        if json_out is not None:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            payload = [r.model_dump(mode="json") for r in reports]
            json_out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        console.print(text, markup=False, highlight=False)
        console.print(f"Report written to {out}")
