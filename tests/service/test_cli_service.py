"""`triage keys` and `triage deadletters` against a real queue database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.config import get_settings
from service.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRIAGE_QUEUE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_keys_create_prints_the_key_once_and_list_never_shows_it(runner: CliRunner) -> None:
    created = runner.invoke(app, ["keys", "create", "--name", "n8n", "--scopes", "read,publish"])
    assert created.exit_code == 0, created.output
    plain = created.stdout.strip().splitlines()[0]
    assert plain.startswith("trg_")
    listed = runner.invoke(app, ["keys", "list"])
    assert "n8n" in listed.stdout and "publish,read" in listed.stdout
    assert plain not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", "n8n"]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).stdout


def test_keys_create_refuses_unknown_scope(runner: CliRunner) -> None:
    result = runner.invoke(app, ["keys", "create", "--name", "x", "--scopes", "root"])
    assert result.exit_code == 2
    assert "choose from read, publish, admin, webhook" in result.output


def test_deadletters_replay_of_unknown_id_says_where_to_look(runner: CliRunner) -> None:
    assert "no dead letters" in runner.invoke(app, ["deadletters", "list"]).stdout
    result = runner.invoke(app, ["deadletters", "replay", "7"])
    assert result.exit_code == 2 and "triage deadletters list" in result.output
