"""`research.sentiment.textblob_may_score`: skipping TextBlob must never change a polarity.

TextBlob is only skipped for a text in which it would find nothing to score. These tests compare
the shortcut with TextBlob itself on real texts (the VADER ground-truth sets) and on generated
texts built to break it: lexicon words glued by punctuation, "n't" contractions, emoticons spread
over spaces ("= D"), sarcasm marks, capitals and non-ASCII letters.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from research.sentiment import _textblob_cues, textblob_may_score, textblob_polarity

textblob_en = pytest.importorskip("textblob.en")


def textblob_finds_something(text: str) -> bool:
    return bool(textblob_en.sentiment(text).assessments)


@pytest.mark.parametrize(
    "text",
    [
        "Congrats!!!  = D",
        "great",
        "GREAT",
        "--great--",
        "*good*",
        "a light-hearted page",
        "(!) sure",
        "( ! )",
        "it was not bad",
        "Love it <3",
        ":D",
    ],
)
def test_texts_textblob_scores_are_never_skipped(text: str) -> None:
    assert textblob_finds_something(text), text  # the examples are meant to score
    assert textblob_may_score(text)


@pytest.mark.parametrize("text", ["How do I change my address?", "where is the form", "", "123"])
def test_texts_without_cues_are_skipped_and_score_zero(text: str) -> None:
    assert not textblob_may_score(text)
    assert textblob_polarity(text) == 0.0
    assert textblob_en.sentiment(text)[0] == 0.0


def test_vader_ground_truth_texts(shared_data: Path) -> None:
    folder = shared_data / "vader-groundtruth"
    texts = []
    for path in sorted(folder.glob("*GroundTruth*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                texts.append(parts[2])
    if not texts:
        pytest.skip("VADER ground-truth texts absent")
    skipped = [t for t in texts if not textblob_may_score(t)]
    assert len(skipped) > len(texts) // 10  # the shortcut is taken
    wrong = [t for t in skipped if textblob_finds_something(t)]
    assert wrong == []


def test_generated_texts_built_to_break_the_shortcut() -> None:
    from textblob._text import EMOTICONS

    words = sorted(_textblob_cues()[0])
    faces = sorted({face for group in EMOTICONS.values() for face in group})
    fillers = ["hello", "form", "cant", "don", "ca", "wo", "the", "2nd", "é", "İ", "\u212a"]
    marks = ["'", '"', "n't", "-", "*", ".", "!", "(", ")", " ", "\n\n", "\t", ":", "=", "…", "’"]
    rng = random.Random(0)
    skipped = 0
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            draw = rng.random()
            if draw < 0.15:
                word = rng.choice(words)
                parts.append(word.upper() if rng.random() < 0.2 else word)
            elif draw < 0.3:
                face = rng.choice(faces)
                parts.append(" ".join(face) if rng.random() < 0.3 else face)
            elif draw < 0.5:
                parts.append(rng.choice(fillers))
            else:
                parts.append(rng.choice(marks))
        text = rng.choice(["", " ", "-", "*"]).join(parts)
        if not textblob_may_score(text):
            skipped += 1
            assert not textblob_finds_something(text), repr(text)
            assert textblob_polarity(text) == 0.0
    assert skipped > 1_000
