from __future__ import annotations

import pytest

from agent.signals.sentiment import analyze


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Thanks, great work!", "positive"),
        ("This is not good at all", "negative"),
        ("Honestly not bad", "neutral"),
        ("I get an error when saving the form", "neutral"),  # a problem, not a feeling
        ("This is unacceptable, we pay for support", "angry"),
        ("I am not angry, just asking", "neutral"),
        ("Ce n'est pas parfait, je suis déçu", "negative"),
        ("Das ist inakzeptabel", "angry"),
        ("Very disappointed and frustrated, this is terrible!!", "angry"),
        ("Merci, c'est parfait", "positive"),
    ],
)
def test_lexicon_labels_with_negation(text: str, label: str) -> None:
    assert analyze(text).label == label


def test_score_and_words_explain_the_label() -> None:
    result = analyze("Not helpful. Disappointed.")
    assert result.score == -2
    assert result.words == ("not helpful", "disappointed")
    assert result.reason == "not helpful, disappointed"
