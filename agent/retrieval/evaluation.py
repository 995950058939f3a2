"""Duplicate-detection quality of a `TicketIndex` on labelled pairs (evals, benchmarks).

Every evaluated ticket asks the index for its nearest other tickets, reusing the stored
vectors (nothing is embedded again); a pair is predicted as `probable_duplicate` would:
the nearest ticket of the same customer at or above the threshold. Precision and recall
are over unordered pairs. A sweep over thresholds gives the one that maximises F1: how
the policy default was calibrated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from agent.retrieval.index import TicketIndex, duplicate_threshold
from agent.tools.records import Ticket

if TYPE_CHECKING:
    from agent.pipeline import PipelineContext

Pair = frozenset[int]


Neighbours = dict[int, tuple[int, list[tuple[int, float, int]]]]
"""ticket id -> (its partner, [(neighbour id, similarity, neighbour partner), best first])."""


def _neighbours(index: TicketIndex, ids: list[str], k: int = 5, batch: int = 256) -> Neighbours:
    """Each ticket's `k` nearest others, from the stored vectors (nothing re-embedded)."""
    collection = index._collection
    out: Neighbours = {}
    for start in range(0, len(ids), batch):
        stored = collection.get(ids=ids[start : start + batch], include=["embeddings", "metadatas"])
        vectors = stored["embeddings"]
        if vectors is None or len(stored["ids"]) == 0:
            continue
        found = collection.query(
            query_embeddings=vectors,
            n_results=min(k + 1, index.count()),
            include=["distances", "metadatas"],
        )
        for own, own_meta, hits, dists, metas in zip(
            stored["ids"],
            stored["metadatas"] or [],
            found["ids"],
            found["distances"] or [],
            found["metadatas"] or [],
            strict=True,
        ):
            near = [
                (int(hit), 1.0 - float(dist), int(cast(int, (meta or {}).get("partner_id", -1))))
                for hit, dist, meta in zip(hits, dists, metas, strict=True)
                if hit != own
            ]
            out[int(own)] = (int(cast(int, (own_meta or {}).get("partner_id", -1))), near[:k])
    return out


def _flagged(near: Neighbours, threshold: float) -> set[Pair]:
    """What `probable_duplicate` flags: the nearest same-customer ticket over the threshold."""
    pairs: set[Pair] = set()
    for own, (partner, hits) in near.items():
        for other, sim, other_partner in hits:
            if sim >= threshold and (partner < 0 or other_partner == partner):
                pairs.add(frozenset((own, other)))
                break
    return pairs


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(near: Neighbours, truth: set[Pair], threshold: float) -> tuple[float, float, int]:
    predicted = _flagged(near, threshold)
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
    near = _neighbours(index, ids)
    precision, recall, flagged = _scores(near, truth, limit)
    found_first = {frozenset((a, hits[0][0])) for a, (_, hits) in near.items() if hits} & truth
    best_f1, best_t = 0.0, limit
    for t in np.linspace(0.40, 0.99, 60).tolist():
        p, r, _ = _scores(near, truth, t)
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
