"""`triage` commands that run the analysis jobs (summarize, risks, escalate, ticket, scan)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from agent import pipeline
from agent.pipeline import AnalystName, JobResult, PipelineContext, ScanResult

console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
PublishOpt = Annotated[
    bool, typer.Option("--publish", help="Post the note and review activity to Odoo.")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Render what would be posted; write nothing.")
]
AnalystOpt = Annotated[
    str, typer.Option("--analyst", help="offline (deterministic) or llm (needs TRIAGE_LLM_*).")
]

_SEV_STYLE = {"critical": "bold white on red", "high": "red", "medium": "yellow", "low": "cyan"}
_RAG_STYLE = {"red": "bold red", "amber": "yellow", "green": "green"}


def _cell(text: str, style: str | None) -> Text:
    return Text(text, style=style or "")


def _analyst(name: str) -> AnalystName:
    if name not in ("offline", "llm"):
        raise typer.BadParameter("use --analyst offline or --analyst llm")
    return name  # type: ignore[return-value]


def _context() -> PipelineContext:
    return pipeline.default_context()


def print_job(result: JobResult, as_json: bool) -> None:
    if as_json:
        console.print_json(result.model_dump_json(exclude={"html"}))
        return
    rec = result.recommendation
    out = rec.output
    console.print(
        f"[bold]{out.kind.replace('_', ' ').title()}[/] for {escape(out.subject.display_name)} "
        f"({out.subject.model} #{out.subject.id}) - analyst: [bold]{result.analyst}[/]"
        + (f" (fallback: {result.fallback_reason})" if result.fallback_reason else "")
        + f" - {result.status}"
        + (f", recommendation #{rec.id}" if rec.id else "")
    )
    data: dict[str, Any] = out.model_dump(mode="json", exclude={"subject", "evidence"})
    for key in ("headline", "summary", "subject_line", "body"):
        if data.get(key):
            console.print(data[key])
    for f in data.get("findings", []):
        style = _SEV_STYLE.get(f["severity"], "")
        line = Text("  ")
        line.append(f"{f['severity']:>8}", style=style)
        line.append(f" {f['category']}: {f['title']}")
        console.print(line)
    if result.html and result.status == "dry_run":
        console.print("[dim]--- note that would be posted (HTML) ---[/]")
        console.print(result.html, markup=False, highlight=False)


def scan_table(result: ScanResult) -> Table:
    cats = sorted({c for row in result.projects for c in row.categories})
    table = Table(title=f"Portfolio scan {result.scan_id}", show_lines=False)
    table.add_column("Project")
    table.add_column("RAG")
    table.add_column("Worst")
    for c in cats:
        table.add_column(c.replace("_", " "), justify="center")
    table.add_column("Note")
    for row in sorted(
        result.projects, key=lambda r: (-(r.max_severity.rank if r.max_severity else -1), r.name)
    ):
        rag = row.rag.value if row.rag else "-"
        worst = row.max_severity.value if row.max_severity else "-"
        table.add_row(
            row.name,
            _cell(rag, _RAG_STYLE.get(rag)),
            _cell(worst, _SEV_STYLE.get(worst)),
            *[
                _cell(row.categories.get(c, ""), _SEV_STYLE.get(row.categories.get(c, "")))
                for c in cats
            ],
            row.status,
        )
    return table


def ticket_table(result: ScanResult, limit: int = 25) -> Table:
    table = Table(title=f"Open tickets ({len(result.tickets)}; worst {limit} shown)")
    table.add_column("Ticket")
    table.add_column("Worst")
    table.add_column("Findings")
    table.add_column("Note")
    rows = sorted(
        result.tickets, key=lambda r: (-(r.max_severity.rank if r.max_severity else -1), r.name)
    )
    for row in rows[:limit]:
        worst = row.max_severity.value if row.max_severity else "-"
        table.add_row(
            row.name[:60],
            _cell(worst, _SEV_STYLE.get(worst)),
            ", ".join(f"{k}:{v}" for k, v in row.categories.items()),
            row.status,
        )
    return table


def run_scan(
    ctx: PipelineContext, *, publish: bool, dry_run: bool, analyst: AnalystName, quiet: bool = False
) -> ScanResult:
    with Progress(
        TextColumn("[bold]scan[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("", total=None)

        def tick(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=name[:40])

        return pipeline.scan_portfolio(
            ctx=ctx, publish=publish, dry_run=dry_run, analyst=analyst, progress=tick
        )


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the `triage` app."""

    @app.command()
    def summarize(
        project: Annotated[int | None, typer.Option("--project", help="project.project id")] = None,
        task: Annotated[int | None, typer.Option("--task", help="project.task id")] = None,
        publish: PublishOpt = False,
        dry_run: DryRunOpt = False,
        analyst: AnalystOpt = "offline",
        as_json: JsonOpt = False,
    ) -> None:
        """Status summary of a project or a task."""
        if (project is None) == (task is None):
            raise typer.BadParameter("give exactly one of --project ID or --task ID")
        ctx = _context()
        if project is not None:
            result = pipeline.summarize_project(
                project, ctx=ctx, publish=publish, dry_run=dry_run, analyst=_analyst(analyst)
            )
        else:
            assert task is not None
            result = pipeline.summarize_task(
                task, ctx=ctx, publish=publish, dry_run=dry_run, analyst=_analyst(analyst)
            )
        print_job(result, as_json)

    @app.command()
    def risks(
        project: Annotated[int, typer.Option("--project", help="project.project id")],
        publish: PublishOpt = False,
        dry_run: DryRunOpt = False,
        analyst: AnalystOpt = "offline",
        as_json: JsonOpt = False,
    ) -> None:
        """Risk findings of a project, classified by the policy."""
        result = pipeline.assess_risks(
            project, ctx=_context(), publish=publish, dry_run=dry_run, analyst=_analyst(analyst)
        )
        print_job(result, as_json)

    @app.command()
    def escalate(
        project: Annotated[int, typer.Option("--project", help="project.project id")],
        publish: PublishOpt = False,
        dry_run: DryRunOpt = False,
        analyst: AnalystOpt = "offline",
        as_json: JsonOpt = False,
    ) -> None:
        """Escalation draft for a project's high and critical risks."""
        result = pipeline.draft_escalation(
            project, ctx=_context(), publish=publish, dry_run=dry_run, analyst=_analyst(analyst)
        )
        print_job(result, as_json)

    @app.command()
    def ticket(
        ticket_id: Annotated[int, typer.Argument(help="helpdesk.ticket id")],
        publish: PublishOpt = False,
        dry_run: DryRunOpt = False,
        analyst: AnalystOpt = "offline",
        as_json: JsonOpt = False,
    ) -> None:
        """Triage of a Helpdesk ticket: category, priority, SLA, similar tickets."""
        ctx = _context()
        _attach_index(ctx)
        result = pipeline.triage_ticket(
            ticket_id, ctx=ctx, publish=publish, dry_run=dry_run, analyst=_analyst(analyst)
        )
        print_job(result, as_json)

    @app.command()
    def scan(
        publish: PublishOpt = False,
        dry_run: DryRunOpt = False,
        analyst: AnalystOpt = "offline",
        as_json: JsonOpt = False,
    ) -> None:
        """Assess every active project and triage every open ticket."""
        ctx = _context()
        _attach_index(ctx)
        result = run_scan(
            ctx, publish=publish, dry_run=dry_run, analyst=_analyst(analyst), quiet=as_json
        )
        if as_json:
            console.print_json(result.model_dump_json())
            return
        console.print(scan_table(result))
        console.print(ticket_table(result))
        _print_counts(result)

    @app.command()
    def reconcile(as_json: JsonOpt = False) -> None:
        """Record the decisions reviewers made on review activities inside Odoo."""
        from agent.reconcile import reconcile as run

        report = run(_context())
        if as_json:
            console.print_json(report.model_dump_json())
        else:
            console.print(
                f"checked {report.checked}: approved {len(report.approved)}, "
                f"rejected {len(report.rejected)}, still pending {report.still_pending}"
            )


def _print_counts(result: ScanResult) -> None:
    counts: dict[str, int] = {}
    for row in [*result.projects, *result.tickets]:
        counts[row.status] = counts.get(row.status, 0) + 1
    console.print(
        f"{len(result.projects)} projects, {len(result.tickets)} tickets: "
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    )
    for e in result.errors:
        err.print(f"[red]error[/] {e}")


def _attach_index(ctx: PipelineContext) -> None:
    """Use the similar-ticket index when one was built (`triage index`)."""
    if ctx.retrieval is not None:
        return
    path = ctx.settings.chroma_path
    if not path.is_dir() or not any(path.iterdir()):
        return  # no index yet: triage works without similar tickets
    try:
        from agent.retrieval import TicketIndex, make_embedding

        ctx.retrieval = TicketIndex(path, make_embedding(ctx.settings.embedding_model))
    except Exception as exc:  # the index is an extra; a broken one must not stop triage
        err.print(
            f"[yellow]similar-ticket index at {escape(str(path))} not used[/]: "
            f"{escape(f'{type(exc).__name__}: {exc}')} (rebuild it with `triage index --rebuild`)"
        )
