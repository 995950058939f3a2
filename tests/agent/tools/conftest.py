"""Fixtures for gateway tests: a gateway on a recording transport, and one on the demo Odoo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.tools.odoo import OdooGateway
from demo_odoo.runner import DemoOdoo
from tests.agent.tools.fakes import RecordingTransport


@pytest.fixture
def recording() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def fake_gw(recording: RecordingTransport) -> OdooGateway:
    return OdooGateway(
        "http://odoo.invalid", "db", "triage", "secret", transport=recording, backoff=0
    )


@pytest.fixture
def triage_gw(demo_odoo: DemoOdoo) -> Iterator[OdooGateway]:
    """The agent's least-privilege user on the shared demo Odoo 18 (sample data)."""
    gw = OdooGateway(demo_odoo.url, demo_odoo.db, "triage", "triage", retries=0)
    yield gw
    gw.close()
