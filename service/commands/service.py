"""`triage` sub-commands for the service: serve, worker, keys, deadletters."""

from __future__ import annotations

import json
import signal
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer

from agent.config import get_settings
from service.keys import KeyError_, KeyStore, parse_scopes
from service.queue import QueueStore, make_engine

keys_app = typer.Typer(
    help="API keys with scopes (read, publish, admin, webhook).", no_args_is_help=True
)
dead_app = typer.Typer(help="Events whose job failed for good.", no_args_is_help=True)


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind; 0.0.0.0 to expose it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="uvicorn processes (each runs the inline worker if enabled).")
    ] = 1,
) -> None:
    """Run the HTTP API (webhooks, dead letters, health, metrics) with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "service.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        log_level=settings.log_level.lower(),
    )


def worker(
    threads: Annotated[
        int | None, typer.Option(help="Worker threads (TRIAGE_WORKER_THREADS).")
    ] = None,
) -> None:
    """Consume the webhook queue in this process (run the API with TRIAGE_WORKER=off)."""
    from service.logging import configure_logging
    from service.worker import EventProcessor, Worker, pipeline_handler, reconcile_decisions

    settings = get_settings()
    configure_logging(settings.log_level)
    store = QueueStore(settings.queue_url, dedupe_window_s=settings.dedupe_window_s)
    processor = EventProcessor(
        store,
        pipeline_handler,
        max_attempts=settings.job_max_attempts,
        retry_base_s=settings.job_retry_base_s,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    Worker(
        store,
        processor,
        threads=threads or settings.worker_threads,
        reconcile=reconcile_decisions,
        reconcile_every_s=settings.reconcile_interval_s,
    ).run_forever(stop.is_set)
    store.close()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who uses the key, e.g. n8n.")],
    scopes: Annotated[
        str, typer.Option("--scopes", help="Comma-separated: read,publish,admin,webhook")
    ],
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    store = KeyStore(make_engine(get_settings().queue_url))
    try:
        record, plain = store.create(name, parse_scopes(scopes))
    except KeyError_ as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(plain)
    typer.echo(
        f"key {record.name!r} ({record.id}) scopes {','.join(sorted(record.scopes))}: "
        "store it now, it is not shown again",
        err=True,
    )


@keys_app.command("list")
def keys_list() -> None:
    """List keys (never their values)."""
    store = KeyStore(make_engine(get_settings().queue_url))
    for key in store.list():
        state = f"revoked {_when(key.revoked_at)}" if key.revoked_at else "active"
        typer.echo(
            f"{key.id}  {key.name:<20} {','.join(sorted(key.scopes)):<28} "
            f"created {_when(key.created_at)}  {state}"
        )


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="Key name or id.")]) -> None:
    """Revoke a key at once."""
    store = KeyStore(make_engine(get_settings().queue_url))
    try:
        key = store.revoke(name)
    except KeyError_ as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"revoked {key.name!r} ({key.id})")


def _store() -> QueueStore:
    settings = get_settings()
    return QueueStore(settings.queue_url, dedupe_window_s=settings.dedupe_window_s)


@dead_app.command("list")
def dead_list(
    all_: Annotated[bool, typer.Option("--all", help="Include replayed ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show dead letters: the job, the record, the error and how many attempts were made."""
    letters = _store().list_dead_letters(include_replayed=all_)
    if as_json:
        typer.echo(json.dumps(letters, indent=2, default=str))
        return
    if not letters:
        typer.echo("no dead letters")
    for d in letters:
        replay = f" replayed as {d['replay_event_id']}" if d["replayed_at"] else ""
        typer.echo(
            f"#{d['id']} {_when(d['dead_at'])} {d['job']} {d['model']}:{d['res_id']} "
            f"attempts={d['attempts']} {d['error']}{replay}"
        )


@dead_app.command("replay")
def dead_replay(dead_letter_id: Annotated[int, typer.Argument(help="Id from `list`.")]) -> None:
    """Queue a dead letter's event again (the worker picks it up)."""
    try:
        event_id = _store().replay(dead_letter_id, request_id=None)
    except KeyError as exc:
        typer.echo(
            f"error: no dead letter {dead_letter_id}: see `triage deadletters list`", err=True
        )
        raise typer.Exit(2) from exc
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"queued as event {event_id}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `triage` app."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.add_typer(keys_app, name="keys")
    app.add_typer(dead_app, name="deadletters")
