"""`triage doctor`: check the Odoo connection, apps and the API user's rights."""

from __future__ import annotations

import json

import typer

from agent.config import get_settings
from agent.tools.doctor import render_text, run_doctor


def doctor(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
) -> None:
    """Check Odoo: version, transport, installed apps, and least-privilege rights.

    Exit code 0 when everything needed works, 1 when a problem must be fixed.
    """
    report = run_doctor(get_settings())
    if as_json:
        typer.echo(json.dumps({**report.model_dump(), "ok": report.ok}, indent=2))
    else:
        typer.echo(render_text(report))
    failed = not report.ok or (strict and any(c.status == "warn" for c in report.checks))
    raise typer.Exit(code=1 if failed else 0)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `triage` app."""
    app.command("doctor")(doctor)
