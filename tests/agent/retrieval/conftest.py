"""One loaded MiniLM model for the whole retrieval test session."""

from __future__ import annotations

import pytest

from agent.retrieval.embeddings import MiniLMInt8Embedding


@pytest.fixture(scope="session")
def minilm() -> MiniLMInt8Embedding:
    return MiniLMInt8Embedding(threads=1)
