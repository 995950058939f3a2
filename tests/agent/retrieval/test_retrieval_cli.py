"""`triage index` against the demo Odoo on loopback: incremental, and the mismatch exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.config import Settings, get_settings
from service.cli import app
from service.commands.index import run_index

pytestmark = pytest.mark.integration


@pytest.fixture
def odoo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    from demo_odoo import sample
    from demo_odoo.runner import DemoOdoo

    odoo = DemoOdoo(dataset=sample.dataset()).start()  # small: the generator is for evals
    env = {
        "ODOO_URL": odoo.url,
        "ODOO_DB": odoo.db,
        "ODOO_LOGIN": "triage",
        "ODOO_PASSWORD": "triage",
        "TRIAGE_CHROMA_PATH": str(tmp_path / "chroma"),
        "TRIAGE_EMBEDDING_MODEL": "minilm-int8",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield get_settings()
    odoo.stop()
    get_settings.cache_clear()


def test_index_command_embeds_once_then_only_changes(odoo_env: Settings) -> None:
    first = run_index(odoo_env, show_progress=False)
    assert first.seen > 0 and first.embedded == first.seen
    second = run_index(odoo_env, show_progress=False)
    assert second.embedded == 0
    result = CliRunner().invoke(app, ["index", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "embedded 0" in result.output


def test_index_command_refuses_a_model_change_until_rebuild(
    odoo_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_index(odoo_env, show_progress=False)
    monkeypatch.setenv("TRIAGE_EMBEDDING_MODEL", "openai:text-embedding-3-small")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["index", "--quiet"])
    assert result.exit_code == 2
    assert "--rebuild" in result.output
