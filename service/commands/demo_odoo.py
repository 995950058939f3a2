"""`triage demo-odoo`: run the embedded demo Odoo in the foreground."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demo_odoo.fields import SUPPORTED_VERSIONS


def demo_odoo(
    port: Annotated[int, typer.Option(help="TCP port (0 picks a free one).")] = 8069,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    version: Annotated[str, typer.Option(help=f"Odoo version: {SUPPORTED_VERSIONS}.")] = "18.0",
    scale: Annotated[int, typer.Option(min=1, help="Dataset size multiplier.")] = 1,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    data: Annotated[Path | None, typer.Option(help="Dataset JSON file.")] = None,
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
