"""Turn Odoo HTML into plain words for keyword signals (sentiment, category, priority)."""

from __future__ import annotations

import html
import re

import nh3

_WORD = re.compile(r"[\w']+|!+", re.UNICODE)


def plain_text(value: str | None) -> str:
    """HTML stripped of tags (via nh3) and entities, whitespace collapsed."""
    if not value:
        return ""
    stripped = nh3.clean(value, tags=set())
    return " ".join(html.unescape(stripped).split())


def tokens(text: str) -> list[str]:
    """Lower-case words (apostrophes kept: "don't") and runs of '!' as tokens."""
    return [t.lower() for t in _WORD.findall(text)]


def phrase_hits(text: str, phrases: tuple[str, ...]) -> list[str]:
    """The phrases (lower case, whole words) that occur in `text`, in the given order."""
    lowered = " " + " ".join(tokens(text)) + " "
    return [p for p in phrases if f" {p} " in lowered]
