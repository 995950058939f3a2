"""Fixtures for the analysis-and-publishing tests: the demo firm over real HTTP.

`demo_firm` is one generated demo Odoo 18 (seed 7, with planted situations) per test
module: the publishing tests write notes and change hours, so modules must not share it.
`pipeline_ctx` is a `PipelineContext` on that Odoo with a fresh SQLite ledger per test;
`admin_rpc` is an odoorpc client logged in as admin (a human in the Odoo UI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from agent.pipeline import PipelineContext
from demo_odoo.runner import DemoOdoo
from service.commands.demo import demo_settings


@pytest.fixture(scope="module")
def demo_firm() -> Iterator[DemoOdoo]:
    """The default demo firm on a free 127.0.0.1 port."""
    with DemoOdoo(version="18.0") as odoo:
        yield odoo


@pytest.fixture
def pipeline_ctx(demo_firm: DemoOdoo, tmp_path: Path) -> Iterator[PipelineContext]:
    """A pipeline logged in as the `triage` API user, with its own empty ledger."""
    ctx = PipelineContext.from_settings(demo_settings(demo_firm, tmp_path))
    yield ctx
    ctx.gateway.close()
    ctx.ledger.engine.dispose()


@pytest.fixture(scope="module")
def admin_rpc(demo_firm: DemoOdoo) -> Any:
    """What a human does in the Odoo UI, done through odoorpc as admin."""
    client = odoorpc.ODOO("127.0.0.1", port=demo_firm.port, timeout=30)
    client.login(demo_firm.db, "admin", "admin")
    return client


class OdooView:
    """Reads back what Odoo stores, as admin: the proof that a note or activity exists."""

    def __init__(self, rpc: Any) -> None:
        self.rpc = rpc

    def messages(self, model: str, res_id: int | None = None) -> int:
        """mail.message rows on a record (or on a whole model)."""
        domain: list[Any] = [("model", "=", model)]
        if res_id is not None:
            domain.append(("res_id", "=", res_id))
        return int(self.rpc.env["mail.message"].search_count(domain))

    def activities(self, model: str, res_id: int | None = None) -> int:
        """mail.activity rows on a record (or on a whole model)."""
        domain: list[Any] = [("res_model", "=", model)]
        if res_id is not None:
            domain.append(("res_id", "=", res_id))
        return int(self.rpc.env["mail.activity"].search_count(domain))

    def read(self, model: str, record_id: int, fields: list[str]) -> dict[str, Any]:
        rows = self.rpc.execute_kw(model, "read", [[record_id], fields])
        assert rows, f"{model} #{record_id} is not in the demo Odoo"
        row: dict[str, Any] = rows[0]
        return row


@pytest.fixture(scope="module")
def odoo_view(admin_rpc: Any) -> OdooView:
    return OdooView(admin_rpc)
