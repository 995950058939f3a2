"""`triage demo-odoo`: run the embedded demo Odoo in the foreground."""

from __future__ import annotations

from pathlib import Path

import typer

from demo_odoo.fields import SUPPORTED_VERSIONS


def demo_odoo(
    port: int = typer.Option(8069, help="TCP port (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    version: str = typer.Option("18.0", help=f"Odoo version to imitate: {SUPPORTED_VERSIONS}."),
    scale: int = typer.Option(1, min=1, help="Dataset size multiplier (generator only)."),
    seed: int = typer.Option(7, help="Generator seed."),
    data: Path | None = typer.Option(None, help="Dataset JSON file ({model: [records]})."),
) -> None:
    """Serve a demo Odoo (JSON-RPC, web session, JSON-2 for 19.0) until Ctrl-C."""
    from demo_odoo.runner import load_dataset_file, serve

    if version not in SUPPORTED_VERSIONS:
        raise typer.BadParameter(
            f"use one of {', '.join(SUPPORTED_VERSIONS)}", param_hint="--version"
        )
    dataset = load_dataset_file(data) if data else None
    serve(version=version, host=host, port=port, dataset=dataset, seed=seed, scale=scale)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `triage` app."""
    app.command("demo-odoo")(demo_odoo)
