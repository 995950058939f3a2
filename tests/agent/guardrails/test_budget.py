import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agent.guardrails import budget
from agent.guardrails.budget import (
    EXPECTED_CACHE_KEYS,
    BudgetPart,
    count_tokens,
    encoding_name_for_model,
    ensure_offline_encodings,
    estimate_cost,
    trim_to_budget,
)


def test_cache_keys_are_sha1_of_tiktoken_download_urls() -> None:
    for name, key in EXPECTED_CACHE_KEYS.items():
        source = budget._source_for(name)
        assert source.url.endswith(f"/{name}.tiktoken")
        assert hashlib.sha1(source.url.encode()).hexdigest() == key == source.cache_key


def test_seeding_writes_files_tiktoken_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    assert ensure_offline_encodings() == tmp_path
    for name, key in EXPECTED_CACHE_KEYS.items():
        data = (tmp_path / key).read_bytes()
        assert hashlib.sha256(data).hexdigest() == budget._source_for(name).expected_sha256


def test_empty_cache_env_var_is_replaced_by_default_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ensure_offline_encodings() == tmp_path / "odoo-triage" / "tiktoken"
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path / "odoo-triage" / "tiktoken")


def test_unwritable_cache_dir_raises_a_helpful_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(blocker / "sub"))
    with pytest.raises(budget.OfflineEncodingError, match="TIKTOKEN_CACHE_DIR"):
        ensure_offline_encodings()


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-4.1-nano", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("o3-mini", "o200k_base"),
        ("openai/gpt-4o", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("llama3.1:8b", "cl100k_base"),
    ],
)
def test_encoding_choice_by_model(model: str, encoding: str) -> None:
    assert encoding_name_for_model(model) == encoding


def test_count_tokens_matches_known_ids() -> None:
    # "hello world" is [15339, 1917] in cl100k_base and [24912, 2375] in o200k_base.
    assert count_tokens("hello world", "gpt-4") == 2
    assert count_tokens("hello world", "gpt-4o") == 2
    assert count_tokens("<|endoftext|>", "gpt-4o") > 1  # special tokens are plain text


def test_trim_keeps_highest_priority_and_truncates_at_token_boundary() -> None:
    parts = [
        BudgetPart(1, "low " * 200, "chatter"),
        BudgetPart(5, "high " * 50, "facts"),
        BudgetPart(3, "mid " * 100, "description"),
    ]
    out = trim_to_budget(parts, 120, "gpt-4o")
    assert [p.label for p in out] == ["facts", "description"]  # original order kept
    assert out[0].text == parts[1].text
    assert out[1].text.endswith(budget.TRUNCATION_MARK)
    assert out.truncated == "description"
    assert out.dropped == ["chatter"]
    assert out.tokens == sum(count_tokens(p.text, "gpt-4o") for p in out)
    assert out.tokens <= 120
    assert "dropped chatter" in out.report


def test_trim_when_everything_fits() -> None:
    parts = [BudgetPart(1, "a b c", "x")]
    out = trim_to_budget(parts, 100, "gpt-4")
    assert list(out) == parts and out.report == "everything fit"


def test_trim_drops_part_when_too_little_room_to_truncate() -> None:
    out = trim_to_budget([BudgetPart(2, "one two", "a"), BudgetPart(1, "x " * 50, "b")], 5, "gpt-4")
    assert [p.label for p in out] == ["a"] and out.dropped == ["b"] and out.truncated is None


def test_trim_does_not_leave_a_broken_multibyte_character() -> None:
    out = trim_to_budget([BudgetPart(1, "é€😀 " * 100, "emoji")], 30, "gpt-4")
    assert "\ufffd" not in out[0].text


def test_cost_from_price_table_and_unknown_models_flagged() -> None:
    cost = estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000)
    assert cost.known_model and cost.usd == pytest.approx(0.15 + 0.60)
    dated = estimate_cost("gpt-4o-2024-08-06", 2_000, 1_000)
    assert dated.usd == pytest.approx((2_000 * 2.50 + 1_000 * 10.00) / 1e6)
    unknown = estimate_cost("llama3.1:8b", 1_000, 1_000)
    assert unknown.usd == 0.0 and not unknown.known_model


_OFFLINE_SCRIPT = textwrap.dedent(
    """
    import os, socket, sys
    try:
        socket.create_connection(("1.1.1.1", 443), timeout=2)
        sys.exit("network is reachable: the test would prove nothing")
    except OSError:
        pass
    cache = os.environ["TIKTOKEN_CACHE_DIR"]
    assert os.listdir(cache) == [], "cache must start empty"
    from agent.guardrails.budget import count_tokens, ensure_offline_encodings
    ensure_offline_encodings()
    print(count_tokens("hello world", "gpt-4o"), count_tokens("hello world", "gpt-4"))
    from langchain_core.messages import HumanMessage
    from langchain_openai import ChatOpenAI
    chat = ChatOpenAI(model="gpt-4o", api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    print(chat.get_num_tokens_from_messages([HumanMessage("hello world")]))
    """
)


def test_counting_and_chatopenai_work_with_network_unplugged(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("util-linux `unshare` is not installed: cannot unplug the network")
    cmd = [unshare, "-n"] if os.geteuid() == 0 else [unshare, "-rn"]
    probe = subprocess.run([*cmd, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare cannot create a network namespace here: {probe.stderr!r}")
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [*cmd, sys.executable, "-c", _OFFLINE_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    counts, chat_count = result.stdout.strip().splitlines()
    assert counts == "2 2"
    assert int(chat_count) > 2  # message framing tokens on top of the text
    assert sorted(os.listdir(cache)) == sorted(EXPECTED_CACHE_KEYS.values())
