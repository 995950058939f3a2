"""`triage index [--rebuild]`: bring the similar-ticket index up to date from Odoo.

Incremental by default: only tickets written since the index's high-water mark are read,
and only those whose `write_date` changed are embedded again. `--rebuild` drops the index
(needed after changing `TRIAGE_EMBEDDING_MODEL`) and reads every ticket.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import islice

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agent.config import Settings, get_settings
from agent.retrieval import IndexModelMismatch, IndexStats, TicketIndex, make_embedding
from agent.retrieval.embeddings import EmbeddingUnavailable
from agent.tools.records import Ticket

console = Console(stderr=True)
# Odoo write_date has one-second resolution: re-read that second, unchanged rows are skipped.
_OVERLAP = timedelta(seconds=1)


def _chunks(tickets: list[Ticket], size: int) -> Iterator[list[Ticket]]:
    it = iter(tickets)
    while chunk := list(islice(it, size)):
        yield chunk


def run_index(settings: Settings, rebuild: bool = False, show_progress: bool = True) -> IndexStats:
    """Read changed tickets through the read-only gateway and index them."""
    from agent.tools.odoo import OdooGateway
    from agent.tools.readers import read_tickets_for_index

    index = TicketIndex(
        settings.chroma_path, make_embedding(settings.embedding_model), rebuild=rebuild
    )
    mark = index.high_water_mark
    gateway = OdooGateway.from_settings(settings).connect()
    tickets = read_tickets_for_index(gateway, None if mark is None else mark - _OVERLAP)
    seen = embedded = skipped = relabelled = 0
    progress = Progress(
        TextColumn("indexing tickets"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("index", total=len(tickets))
        for chunk in _chunks(tickets, index.batch_size):
            stats = index.index(chunk)
            seen, embedded = seen + stats.seen, embedded + stats.embedded
            skipped += stats.skipped_unchanged
            relabelled += stats.metadata_only
            progress.advance(task, len(chunk))
    return IndexStats(seen, embedded, skipped, index.high_water_mark, relabelled)


def index(
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Drop the index and re-embed every ticket (after a model change)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Index Helpdesk tickets for similar-ticket and duplicate detection (incremental)."""
    from agent.tools.errors import OdooError

    settings = get_settings()
    try:
        stats = run_index(settings, rebuild=rebuild, show_progress=not quiet)
    except IndexModelMismatch as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    except (EmbeddingUnavailable, OdooError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    mark = stats.high_water_mark.isoformat(sep=" ") if stats.high_water_mark else "none"
    typer.echo(
        f"read {stats.seen} tickets, embedded {stats.embedded}, metadata only "
        f"{stats.metadata_only}, unchanged {stats.skipped_unchanged}; "
        f"up to date to {mark} ({settings.chroma_path})"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `triage` app."""
    app.command("index")(index)
