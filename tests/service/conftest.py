"""Fixtures: a live API on a loopback port with a recording job handler."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from service_test_support import Live, RecordingHandler, make_settings, serve_in_thread


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings = make_settings(tmp_path, rate_limit="1000/minute")
    handler = RecordingHandler(
        tmp_path / "calls.sqlite3", plan={404: "permanent", 503: "transient:2"}
    )
    with (
        serve_in_thread(settings, handler) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        yield Live(url, handler, settings, client)
