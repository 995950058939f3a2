"""The `triage` command. Each command group lives in `service/commands/` and registers itself."""

from __future__ import annotations

import typer

from service.commands import analysis, demo, demo_odoo, doctor, evals, index, service

app = typer.Typer(
    name="triage",
    help="Odoo Triage Agent: read-only analysis of Odoo projects and Helpdesk tickets.",
    no_args_is_help=True,
    add_completion=False,
)

for module in (demo, demo_odoo, doctor, analysis, evals, service, index):
    module.register(app)


if __name__ == "__main__":
    app()
