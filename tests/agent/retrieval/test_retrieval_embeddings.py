"""Embedding functions: the offline model really works with no network; OpenAI when set."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest

from agent.config import get_settings
from agent.retrieval.embeddings import (
    EmbeddingUnavailable,
    MiniLMInt8Embedding,
    OpenAIEmbedding,
    make_embedding,
)

REPO = Path(__file__).resolve().parents[3]


def test_minilm_vectors_are_unit_length_and_rank_paraphrases_first(
    minilm: MiniLMInt8Embedding,
) -> None:
    texts = [
        "The printer on the third floor is jammed",
        "Printer jam on floor three",
        "Our invoice shows the wrong VAT rate",
    ]
    vectors = np.asarray(minilm(texts))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.7 > 0.3 > sims[0, 2]


def test_minilm_batches_give_the_same_vectors_as_single_texts(
    minilm: MiniLMInt8Embedding,
) -> None:
    texts = ["short", "a much longer ticket description that forces padding in the batch"]
    batched = np.asarray(minilm(texts))
    single = np.asarray([minilm([t])[0] for t in texts])
    assert np.allclose(batched, single, atol=1e-4)


def test_minilm_config_round_trips_through_chromadb_registry() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    ef = MiniLMInt8Embedding(threads=2)
    cls = known_embedding_functions[MiniLMInt8Embedding.name()]
    rebuilt = cls.build_from_config(ef.get_config())
    assert isinstance(rebuilt, MiniLMInt8Embedding)
    assert rebuilt.get_config() == ef.get_config()
    assert known_embedding_functions[OpenAIEmbedding.name()] is OpenAIEmbedding


def test_index_and_query_work_with_no_network_interface(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("util-linux `unshare` is not installed: cannot cut the network here")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"`unshare -n` is not permitted here: {probe.stderr.decode().strip()}")
    script = textwrap.dedent(
        f"""
        import socket
        try:
            socket.create_connection(("1.1.1.1", 443), timeout=2)
            raise SystemExit("network is reachable: the test proves nothing")
        except OSError:
            pass
        from agent.retrieval import MiniLMInt8Embedding, TicketIndex
        from agent.tools.records import Ticket
        from datetime import datetime
        idx = TicketIndex({str(tmp_path / "chroma")!r}, MiniLMInt8Embedding(threads=1))
        titles = ["VPN drops every hour", "Invoice has the wrong VAT", "Printer is jammed"]
        idx.index(Ticket(id=i, name=t, write_date=datetime(2026, 1, i + 1))
                  for i, t in enumerate(titles))
        print(idx.query_similar("my vpn keeps disconnecting", k=1)[0].ticket.id)
        """
    )
    done = subprocess.run(
        [unshare, "-n", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "0"


class _FakeEmbeddings(BaseHTTPRequestHandler):
    """An OpenAI-compatible /embeddings endpoint: a vector from the text length."""

    seen: list[dict[str, object]] = []  # noqa: RUF012 - test capture

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), 1.0, 0.0]}
            for i, text in enumerate(body["input"])
        ]
        payload = json.dumps(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}/v1"
    monkeypatch.setenv("TRIAGE_LLM_BASE_URL", base_url)
    monkeypatch.setenv("TRIAGE_LLM_API_KEY", "sk-test-embeddings")
    monkeypatch.setenv("TRIAGE_EMBEDDING_MODEL", "openai:text-embedding-3-small")
    get_settings.cache_clear()
    _FakeEmbeddings.seen.clear()
    yield base_url
    server.shutdown()
    get_settings.cache_clear()


def test_openai_embedding_calls_the_configured_endpoint_without_tiktoken(
    fake_openai: str,
) -> None:
    ef = make_embedding()
    assert ef.model_id == "openai:text-embedding-3-small"
    vectors = np.asarray(ef(["abc", "abcdef"]))
    assert vectors.shape == (2, 3)
    request = _FakeEmbeddings.seen[-1]
    assert request["path"] == "/v1/embeddings"
    assert request["auth"] == "Bearer sk-test-embeddings"
    assert request["input"] == ["abc", "abcdef"]  # raw text, not tiktoken token ids
    assert "sk-test" not in json.dumps(
        OpenAIEmbedding.build_from_config({"model": "m", "base_url": fake_openai}).get_config()
    )


def test_unknown_embedding_model_names_the_accepted_values() -> None:
    with pytest.raises(EmbeddingUnavailable, match="minilm-int8"):
        make_embedding("word2vec")
