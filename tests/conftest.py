"""Shared fixtures.

`demo_odoo`: one demo Odoo 18 server for the whole test session, loaded with the small
hand-written sample (`demo_odoo.sample`, task 1 "Office planning"...). It yields the running
`demo_odoo.runner.DemoOdoo`: use `.url`, `.port`, `.db` ("demo"), `.api_key` (the `triage`
user's key) and `.database` (the in-memory db). Users: admin/admin, triage/triage,
noaccess/noaccess, portal/portal. Tests that write should create their own records or use
their own `DemoOdoo(...)` so they do not disturb others.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo_odoo import sample
from demo_odoo.runner import DemoOdoo


@pytest.fixture(scope="session")
def demo_odoo() -> Iterator[DemoOdoo]:
    """A running demo Odoo 18 on a free 127.0.0.1 port."""
    with DemoOdoo(version="18.0", dataset=sample.dataset()) as odoo:
        yield odoo
