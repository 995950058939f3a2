"""`triage demo`: the whole product on the built-in demo Odoo, in one command.

It starts the demo Odoo in-process, scans the portfolio and publishes notes, scans again
to show that unchanged data posts nothing, changes one task's hours to show that exactly
that project's note is superseded, and writes an HTML page that shows the posted notes
as the Odoo chatter would.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from agent import pipeline
from agent.config import Settings
from agent.pipeline import PipelineContext
from agent.retrieval import build_index_for_eval
from service.api import create_app
from service.chatter_page import write_chatter_page
from service.commands.analysis import console, run_scan, scan_table, ticket_table
from service.embedded import serve_in_thread


def _counts(rows: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def demo_settings(odoo: Any, workdir: Path) -> Settings:
    return Settings(
        ODOO_URL=odoo.url,
        ODOO_DB=odoo.db,
        ODOO_LOGIN="triage",
        ODOO_PASSWORD="triage",
        TRIAGE_LEDGER_URL=f"sqlite:///{workdir / 'ledger.sqlite3'}",
        TRIAGE_QUEUE_URL=f"sqlite:///{workdir / 'queue.sqlite3'}",
        TRIAGE_CHROMA_PATH=workdir / "chroma",
        TRIAGE_WEBHOOK_TOKEN=secrets.token_urlsafe(24),
        TRIAGE_LOG_LEVEL="WARNING",
    )


def change_one_task(odoo: Any, project_id: int) -> tuple[int, float, float]:
    """As an Odoo admin would: raise the hours budget of one open task of the project."""
    import odoorpc

    client = odoorpc.ODOO("127.0.0.1", port=odoo.port, timeout=30)
    client.login(odoo.db, "admin", "admin")
    tasks = client.env["project.task"].search_read(
        [("project_id", "=", project_id), ("state", "not in", ["1_done", "1_canceled"])],
        ["allocated_hours"],
        limit=1,
        order="id",
    )
    task = tasks[0]
    new = float(task["allocated_hours"]) + 16.0
    client.env["project.task"].write([task["id"]], {"allocated_hours": new})
    return int(task["id"]), float(task["allocated_hours"]), new


def register(app: typer.Typer) -> None:
    """Add `triage demo` to the app."""

    @app.command()
    def demo(
        serve: Annotated[
            bool, typer.Option("--serve", help="Keep the demo Odoo (and the API) running.")
        ] = False,
        scale: Annotated[int, typer.Option(help="Multiply the demo firm.")] = 1,
        seed: Annotated[int, typer.Option(help="Seed of the demo firm.")] = 7,
        workdir: Annotated[Path, typer.Option(help="Where the ledger and the page go.")] = Path(
            "var/demo"
        ),
        port: Annotated[int, typer.Option(help="Demo Odoo port (0: a free one).")] = 0,
        api_port: Annotated[int, typer.Option(help="API and dashboard port (0: free).")] = 0,
    ) -> None:
        """Run the product end to end on the built-in demo Odoo (no Odoo, no API key needed)."""
        from demo_odoo.runner import DemoOdoo

        workdir.mkdir(parents=True, exist_ok=True)
        for db in ("ledger", "queue"):  # the demo Odoo starts fresh each run, so do these
            for suffix in ("", "-wal", "-shm"):
                (workdir / f"{db}.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.rmtree(workdir / "chroma", ignore_errors=True)
        with DemoOdoo(version="18.0", seed=seed, scale=scale, port=port) as odoo:
            console.print(f"Demo Odoo at [bold]{odoo.url}[/] (database {odoo.db})")
            ctx = PipelineContext.from_settings(demo_settings(odoo, workdir))
            pipeline.set_default_context(ctx)
            t0 = time.perf_counter()
            ctx.retrieval = build_index_for_eval(ctx, workdir / "chroma")
            console.print(
                f"Indexed the Helpdesk history for similar tickets in "
                f"{time.perf_counter() - t0:.1f} s (offline MiniLM embeddings)"
            )
            t0 = time.perf_counter()
            first = run_scan(ctx, publish=True, dry_run=False, analyst="offline")
            console.print(scan_table(first))
            console.print(ticket_table(first, limit=12))
            console.print(
                f"1st scan: {len(first.projects)} projects, {len(first.tickets)} open tickets "
                f"in {time.perf_counter() - t0:.1f} s: {_counts(first.projects + first.tickets)}"
            )
            second = run_scan(ctx, publish=True, dry_run=False, analyst="offline", quiet=True)
            console.print(f"2nd scan, data unchanged: {_counts(second.projects + second.tickets)}")
            target = next(iter(sorted(first.projects, key=lambda r: r.res_id)), None)
            if target is not None:
                task_id, old, new = change_one_task(odoo, target.res_id)
                third = run_scan(ctx, publish=True, dry_run=False, analyst="offline", quiet=True)
                posted = [r.name for r in third.projects + third.tickets if r.status == "posted"]
                console.print(
                    f"Changed task {task_id} of '{target.name}' from {old:g} h to {new:g} h; "
                    f"3rd scan posted {len(posted)} new note(s), superseding the old one: {posted}"
                )
            page = write_chatter_page(ctx, workdir / "chatter.html")
            console.print(f"Chatter as Odoo shows it: [bold]{page.resolve()}[/]")
            if first.errors:
                console.print(f"[red]{len(first.errors)} errors[/]: {first.errors[:3]}")
            app = create_app(ctx.settings)
            app.state.pipeline = ctx
            with serve_in_thread(app, port=api_port) as api_url:
                logging.getLogger("huey").setLevel(logging.WARNING)
                _key, plain = app.state.services.keys.create(
                    "demo", frozenset({"read", "publish", "admin", "webhook"})
                )
                console.print(
                    f"Dashboard: [bold]{api_url}/ui[/] (log in with the API key "
                    f"[bold]{plain}[/]); API docs: {api_url}/docs"
                )
                if not serve:
                    console.print(
                        "Add --serve to keep the demo Odoo, the API and the dashboard up."
                    )
                    return
                console.print(
                    f"Serving the demo Odoo at {odoo.url} (login triage/triage, admin/admin). "
                    "Ctrl-C to stop."
                )
                try:
                    while True:
                        time.sleep(3600)
                except KeyboardInterrupt:
                    pass
