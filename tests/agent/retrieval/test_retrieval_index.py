"""TicketIndex: duplicates, similar tickets, label votes, persistence, model identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from retrieval_helpers import (
    UNRELATED,
    CountingMiniLM,
    corpus_tickets,
    duplicate_tickets,
    make_ticket,
)

from agent.retrieval.embeddings import MiniLMInt8Embedding
from agent.retrieval.evaluation import evaluate_duplicates
from agent.retrieval.index import DEFAULT_DUPLICATE_THRESHOLD, IndexModelMismatch, TicketIndex
from agent.retrieval.text import html_to_text, ticket_document


@pytest.fixture
def index(tmp_path: Path, minilm: MiniLMInt8Embedding) -> TicketIndex:
    idx = TicketIndex(tmp_path / "chroma", minilm)
    idx.index(corpus_tickets())
    return idx


THRESHOLDS = pytest.mark.parametrize(
    "threshold", [None, DEFAULT_DUPLICATE_THRESHOLD], ids=["policy", "calibrated-default"]
)


@THRESHOLDS
def test_planted_near_duplicates_are_top1_and_above_threshold(
    index: TicketIndex, threshold: float | None
) -> None:
    for ticket, source_id in duplicate_tickets():
        best = index.query_similar(ticket, k=3)
        assert best[0].ticket.id == source_id, (ticket.name, best)
        duplicate = index.probable_duplicate(ticket, threshold=threshold)
        assert duplicate is not None and duplicate.ticket.id == source_id, ticket.name


@THRESHOLDS
def test_unrelated_tickets_are_not_flagged_as_duplicates(
    index: TicketIndex, threshold: float | None
) -> None:
    for n, title in enumerate(UNRELATED):
        assert index.probable_duplicate(make_ticket(200 + n, title), threshold=threshold) is None


def test_a_ticket_never_matches_itself(index: TicketIndex) -> None:
    own = corpus_tickets()[0]
    assert own.id not in [s.ticket.id for s in index.query_similar(own, k=8)]
    assert index.query_similar(own.name, k=1)[0].ticket.id == own.id  # plain text: no exclusion


def test_similar_ticket_carries_metadata_for_the_triage_note(index: TicketIndex) -> None:
    hit = index.query_similar("Refund for order SO1234 not received", k=1)[0]
    assert (hit.number, hit.category, hit.team, hit.closed) == (
        "HT00004",
        "Billing",
        "Finance",
        True,
    )
    assert hit.resolution_hours == 5.0
    assert hit.ticket.model == "helpdesk.ticket"


def test_suggest_labels_votes_with_the_neighbours_as_evidence(index: TicketIndex) -> None:
    suggestion = index.suggest_labels("My VPN and the office Wi-Fi keep dropping", k=3)
    assert suggestion.category == "Network"
    assert suggestion.team == "IT"
    assert 0.0 < suggestion.confidence <= 1.0
    assert {ref.id for ref in suggestion.evidence} <= {1, 2}
    assert suggestion.evidence


def test_incremental_indexing_only_embeds_changed_tickets(tmp_path: Path) -> None:
    counting = CountingMiniLM()
    idx = TicketIndex(tmp_path / "chroma", counting)
    tickets = corpus_tickets()
    assert idx.index(tickets).embedded == len(tickets)
    before = counting.embedded

    again = idx.index(tickets)
    assert (again.embedded, again.skipped_unchanged) == (0, len(tickets))
    assert counting.embedded == before

    edited = make_ticket(
        3, "Invoice shows the wrong VAT rate again", category="Billing", write_offset_h=48
    )
    stats = idx.index([*tickets[:2], edited])
    assert (stats.embedded, counting.embedded - before) == (1, 1)
    assert idx.high_water_mark == edited.write_date
    assert idx.count() == len(tickets)


def test_reopened_persisted_collection_answers_the_same(tmp_path: Path) -> None:
    first = TicketIndex(tmp_path / "chroma", MiniLMInt8Embedding(threads=1))
    first.index(corpus_tickets())
    expected = [s.ticket.id for s in first.query_similar("wrong tax on the bill", k=3)]
    mark = first.high_water_mark
    del first

    reopened = TicketIndex(tmp_path / "chroma", MiniLMInt8Embedding(threads=1))
    assert reopened.count() == len(corpus_tickets())
    assert reopened.high_water_mark == mark
    assert [s.ticket.id for s in reopened.query_similar("wrong tax on the bill", k=3)] == expected


def test_chromadb_rebuilds_the_registered_embedding_from_the_persisted_config(
    index: TicketIndex,
) -> None:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(
        path=str(index.path), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.get_collection("helpdesk_tickets")  # no embedding function passed
    result = collection.query(query_texts=["VPN drops hourly"], n_results=1)
    assert result["ids"][0] == ["1"]


class _OtherVersion(MiniLMInt8Embedding):
    @property
    def model_version(self) -> str:
        return "all-MiniLM-L6-v2-onnx-int8@retrained"


def test_index_built_with_another_model_raises_until_rebuilt(index: TicketIndex) -> None:
    with pytest.raises(IndexModelMismatch, match="triage index --rebuild"):
        TicketIndex(index.path, _OtherVersion(threads=1))

    rebuilt = TicketIndex(index.path, _OtherVersion(threads=1), rebuild=True)
    assert rebuilt.count() == 0
    assert rebuilt.high_water_mark is None
    with pytest.raises(IndexModelMismatch):
        TicketIndex(index.path, MiniLMInt8Embedding(threads=1))  # now the old one mismatches


def test_documents_are_plain_text_without_pii(index: TicketIndex) -> None:
    ticket = make_ticket(
        50,
        "Printer jam",
        "Call me on +31 6 1234 5678 or mail jan.jansen@example.com<br>Floor&nbsp;3"
        "<script>alert(1)</script>",
    )
    document = ticket_document(ticket)
    assert "<" not in document and "alert" not in document
    assert "jan.jansen@example.com" not in document
    assert "1234 5678" not in document
    assert "Floor 3" in document.replace("\xa0", " ")
    assert html_to_text("<p>a</p><p>b</p>") == "a\nb"


def test_stage_change_updates_metadata_without_embedding_again(tmp_path: Path) -> None:
    counting = CountingMiniLM()
    idx = TicketIndex(tmp_path / "chroma", counting)
    title, desc, category, team = "Two-factor code is always rejected", "Refused.", "Access", "IT"
    idx.index([make_ticket(8, title, desc, category, team)])
    before = counting.embedded

    moved = make_ticket(8, title, desc, category, "Security", write_offset_h=2, closed=True)
    stats = idx.index([moved])
    assert (stats.embedded, stats.metadata_only, counting.embedded) == (0, 1, before)
    hit = idx.query_similar(title, k=1)[0]
    assert (hit.team, hit.closed) == ("Security", True)


def test_tickets_without_write_date_are_compared_by_text(tmp_path: Path) -> None:
    counting = CountingMiniLM()
    idx = TicketIndex(tmp_path / "chroma", counting)
    undated = [t.model_copy(update={"write_date": None}) for t in corpus_tickets()]
    idx.index(undated)
    before = counting.embedded
    assert idx.index(undated).skipped_unchanged == len(undated)
    edited = undated[0].model_copy(update={"name": "VPN disconnects every ten minutes"})
    assert idx.index([edited]).embedded == 1
    assert counting.embedded == before + 1
    assert idx.high_water_mark is None


def test_neighbours_already_queried_are_reused_for_duplicate_and_vote(
    index: TicketIndex,
) -> None:
    ticket, source_id = duplicate_tickets()[0]
    similar = index.query_similar(ticket, k=4)
    duplicate = index.probable_duplicate(similar)
    assert duplicate is not None and duplicate.ticket.id == source_id
    assert index.suggest_labels(similar) == index.suggest_labels(ticket, k=4)
    assert index.probable_duplicate(similar, threshold=0.999) is None


def test_evaluate_duplicates_scores_planted_pairs(
    tmp_path: Path, minilm: MiniLMInt8Embedding
) -> None:
    idx = TicketIndex(tmp_path / "chroma", minilm)
    dups = duplicate_tickets()
    idx.index([*corpus_tickets(), *(t for t, _ in dups)])
    pairs = [(t.id, source) for t, source in dups]

    report = evaluate_duplicates(idx, None, pairs, threshold=0.85)
    assert (report["precision"], report["recall"], report["top1_recall"]) == (1.0, 1.0, 1.0)
    assert report["flagged"] == len(pairs)

    wrong = [(1, 3), (2, 4)]  # labelled pairs that are not duplicates
    bad = evaluate_duplicates(idx, None, wrong, threshold=0.85)
    assert bad["recall"] == 0.0 and bad["precision"] == 0.0


def test_a_similar_ticket_from_another_customer_is_not_a_duplicate(index: TicketIndex) -> None:
    ticket, source_id = duplicate_tickets()[0]
    other_customer = ticket.model_copy(update={"partner_id": 99})
    assert index.query_similar(other_customer, k=1)[0].ticket.id == source_id  # still similar
    assert index.probable_duplicate(other_customer) is None
    assert index.probable_duplicate(ticket.name) is not None  # plain text: no customer known
    similar = index.query_similar(ticket, k=3)
    assert index.probable_duplicate(similar, partner_id=99) is None
    assert index.probable_duplicate(similar, partner_id=7) is not None
