"""Client sentiment from text with a small lexicon (English plus a few French and German words).

Rule: the lexicon holds feelings, not problem words. Each word scores +1 (positive),
-1 (negative) or -2 (angry). A negation ("not", "no", "never", "n't", "pas", "nicht",
"kein"...) up to three words before a word in the same clause flips a positive word to
-1 and cancels a negative or angry one. Label:
angry when any un-negated angry word is found, or the score is <= -3 with shouting
("!!" or a fully upper-case word of 4+ letters); negative when the score is < 0;
positive when > 0; neutral otherwise. The LLM may refine this; code gives a floor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agent.signals.text import tokens

Label = Literal["positive", "neutral", "negative", "angry"]

POSITIVE = frozenset(
    [
        "thanks",
        "thank",
        "great",
        "good",
        "excellent",
        "appreciate",
        "appreciated",
        "perfect",
        "helpful",
        "resolved",
        "works",
        "working",
        "happy",
        "pleased",
        "love",
        "awesome",
        "merci",
        "parfait",
        "bien",
        "excellent",
        "super",
        "danke",
        "gut",
        "toll",
    ]
)
# Feelings, not problem words: "error" or "crash" describe a bug, not the client's mood.
NEGATIVE = frozenset(
    [
        "bad",
        "poor",
        "terrible",
        "awful",
        "horrible",
        "disappointed",
        "disappointing",
        "disappointment",
        "frustrated",
        "frustrating",
        "frustration",
        "annoying",
        "annoyed",
        "unhappy",
        "upset",
        "dissatisfied",
        "unsatisfied",
        "worried",
        "concerned",
        "tired",
        "waste",
        "wasted",
        "déçu",
        "décevant",
        "mécontent",
        "agacé",
        "inquiet",
        "enttäuscht",
        "verärgert",
        "ärgerlich",
        "unzufrieden",
    ]
)
ANGRY = frozenset(
    [
        "unacceptable",
        "ridiculous",
        "furious",
        "outraged",
        "outrageous",
        "disgusting",
        "worst",
        "useless",
        "incompetent",
        "scandal",
        "scandalous",
        "joke",
        "lawyer",
        "lawyers",
        "terminate",
        "angry",
        "inadmissible",
        "inacceptable",
        "honteux",
        "scandaleux",
        "inakzeptabel",
        "unverschämt",
        "unmöglich",
        "frechheit",
    ]
)
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "none",
        "neither",
        "nor",
        "without",
        "isn't",
        "wasn't",
        "don't",
        "doesn't",
        "didn't",
        "can't",
        "cannot",
        "won't",
        "aren't",
        "haven't",
        "hasn't",
        "pas",
        "jamais",
        "ne",
        "nicht",
        "kein",
        "keine",
        "nie",
    ]
)
_NEGATION_REACH = 3
_CLAUSE = re.compile(r"[.!?;,:\n]+")  # a negation does not reach past a clause
_SHOUT = re.compile(r"\b[A-ZÄÖÜÉÈ]{4,}\b")


@dataclass(frozen=True)
class Sentiment:
    label: Label
    score: int
    words: tuple[str, ...]  # the lexicon words that counted (negated ones prefixed "not ")

    @property
    def reason(self) -> str:
        return ", ".join(self.words) if self.words else "no sentiment words"


def analyze(text: str) -> Sentiment:
    """The sentiment of plain `text` (see the module docstring for the rule)."""
    score = 0
    angry = False
    words: list[str] = []
    for clause in _CLAUSE.split(text):
        toks = tokens(clause)
        for i, tok in enumerate(toks):
            if tok not in POSITIVE and tok not in NEGATIVE and tok not in ANGRY:
                continue
            window = toks[max(0, i - _NEGATION_REACH) : i]
            negated = any(w in NEGATORS or w.endswith("n't") for w in window)
            if tok in POSITIVE:
                score += -1 if negated else 1
            elif not negated:
                score += -2 if tok in ANGRY else -1
                angry = angry or tok in ANGRY
            words.append(f"not {tok}" if negated else tok)
    shouting = "!!" in text or bool(_SHOUT.search(text))
    label: Label
    if angry or (score <= -3 and shouting):
        label = "angry"
    elif score < 0:
        label = "negative"
    elif score > 0:
        label = "positive"
    else:
        label = "neutral"
    return Sentiment(label=label, score=score, words=tuple(words))
