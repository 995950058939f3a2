"""Duplicate-detection quality of a `TicketIndex` on labelled pairs (evals, benchmarks).

Every evaluated ticket asks the index for its nearest other ticket, reusing the stored
vectors (nothing is embedded again); a pair is predicted when that neighbour reaches the
threshold. Precision and recall are over unordered pairs. The sweep over the same top-1
similarities gives the threshold that maximises F1: how the policy default was calibrated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agent.retrieval.index import TicketIndex, duplicate_threshold
from agent.tools.records import Ticket

if TYPE_CHECKING:
    from agent.pipeline import PipelineContext

Pair = frozenset[int]


def _top1(index: TicketIndex, ids: list[str], batch: int = 256) -> dict[int, tuple[int, float]]:
    """ticket id -> (nearest other ticket id, similarity), from the stored vectors."""
    collection = index._collection
    out: dict[int, tuple[int, float]] = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        stored = collection.get(ids=chunk, include=["embeddings"])
        vectors = stored["embeddings"]
        if vectors is None or len(stored["ids"]) == 0:
            continue
        found = collection.query(
            query_embeddings=vectors, n_results=min(2, index.count()), include=["distances"]
        )
        for own, hits, dists in zip(
            stored["ids"], found["ids"], found["distances"] or [], strict=True
        ):
            for hit, dist in zip(hits, dists, strict=True):
                if hit != own:
                    out[int(own)] = (int(hit), 1.0 - float(dist))
                    break
    return out


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(
    top1: dict[int, tuple[int, float]], truth: set[Pair], threshold: float
) -> tuple[float, float, int]:
    predicted = {frozenset((a, b)) for a, (b, sim) in top1.items() if sim >= threshold}
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, len(predicted)


def evaluate_duplicates(
    index: TicketIndex,
    tickets: Iterable[Ticket] | None,
    pairs: Iterable[Sequence[int]],
    threshold: float | None = None,
) -> dict[str, float]:
    """Precision/recall of `probable_duplicate` on planted pairs, and the best threshold.

    `tickets`: the tickets to query (None: every indexed ticket). Returned keys: precision,
    recall, f1, threshold, top1_recall (pairs whose members find each other first,
    whatever the threshold), best_threshold and best_f1, pairs, flagged.
    """
    limit = duplicate_threshold() if threshold is None else threshold
    truth = {frozenset((int(a), int(b))) for a, b in pairs}
    if tickets is None:
        ids = [str(i) for i in index._collection.get(include=[])["ids"]]
    else:
        ids = [str(t.id) for t in tickets]
    top1 = _top1(index, ids)
    precision, recall, flagged = _scores(top1, truth, limit)
    found_first = {frozenset((a, b)) for a, (b, _) in top1.items()} & truth
    candidates = sorted({round(sim, 4) for _, sim in top1.values()})
    best_f1, best_t = 0.0, limit
    for t in np.linspace(0.5, 0.99, 50).tolist() + candidates:
        p, r, _ = _scores(top1, truth, t)
        if _f1(p, r) > best_f1:
            best_f1, best_t = _f1(p, r), float(t)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_f1(precision, recall), 4),
        "threshold": limit,
        "top1_recall": round(len(found_first) / len(truth), 4) if truth else 1.0,
        "best_threshold": round(best_t, 4),
        "best_f1": round(best_f1, 4),
        "pairs": float(len(truth)),
        "flagged": float(flagged),
    }


def build_index_for_eval(ctx: PipelineContext, path: Path) -> TicketIndex:
    """A fresh index of every ticket the context's gateway can read (evals, demo)."""
    from agent.retrieval.embeddings import make_embedding
    from agent.tools.readers import read_tickets_for_index

    index = TicketIndex(path, make_embedding(ctx.settings.embedding_model), rebuild=True)
    gateway: Any = ctx.gateway
    if hasattr(gateway, "connect"):
        gateway.connect()
    index.index(read_tickets_for_index(ctx.gateway))
    return index
