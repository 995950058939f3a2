"""Similar and duplicate Helpdesk tickets over a local chromadb index, fully offline.

`TicketIndex` stores past tickets (plain, PII-redacted title + description) embedded with
an offline model by default (`MiniLMInt8Embedding`) or an OpenAI-compatible endpoint.
"""

from agent.retrieval.embeddings import (
    EmbeddingUnavailable,
    MiniLMInt8Embedding,
    OpenAIEmbedding,
    make_embedding,
)
from agent.retrieval.evaluation import build_index_for_eval, evaluate_duplicates
from agent.retrieval.index import (
    DEFAULT_DUPLICATE_THRESHOLD,
    IndexModelMismatch,
    IndexStats,
    LabelSuggestion,
    TicketIndex,
    duplicate_threshold,
)
from agent.retrieval.text import html_to_text, ticket_document


def open_index(rebuild: bool = False) -> TicketIndex:
    """The index configured by `TRIAGE_CHROMA_PATH` and `TRIAGE_EMBEDDING_MODEL`."""
    from agent.config import get_settings

    settings = get_settings()
    return TicketIndex(
        settings.chroma_path, make_embedding(settings.embedding_model), rebuild=rebuild
    )


__all__ = [
    "DEFAULT_DUPLICATE_THRESHOLD",
    "EmbeddingUnavailable",
    "IndexModelMismatch",
    "IndexStats",
    "LabelSuggestion",
    "MiniLMInt8Embedding",
    "OpenAIEmbedding",
    "TicketIndex",
    "build_index_for_eval",
    "duplicate_threshold",
    "evaluate_duplicates",
    "html_to_text",
    "make_embedding",
    "open_index",
    "ticket_document",
]
