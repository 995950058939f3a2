"""`triage` sub-commands: analysis."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `triage` app."""
