"""Sentiment: signs on clear examples, negation, boosters, contrast, range, determinism, data."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from research import sentiment_bg
from research.sentiment import (
    NEUTRAL_BELOW,
    Sentiment,
    label_of,
    score,
    score_many,
)

REPO = Path(__file__).resolve().parents[1]
BG_SET = REPO / "benchmarks" / "data" / "bg_sentiment_labelled.csv"


@pytest.mark.parametrize(
    "text",
    [
        "Много лесно, справих се за 10 минути.",
        "Всичко мина гладко, благодаря!",
        "Добре",
        "Формулярът е ясен и удобен.",
        "Браво!",
        "Няма проблеми.",
        "Не срещнах никакви трудности.",
        "Няма от какво да се оплача.",
        "Малко бавно, но иначе добре.",
        "Изключително бърза услуга.",
    ],
)
def test_bulgarian_positive(text: str) -> None:
    assert score(text, "bg").label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Не работи",
        "Не е лесно",
        "Никак не е ясно какво трябва да кача.",
        "Сайтът блокира при плащането.",
        "Ужасно бавно зарежда.",
        "Грешка 500",
        "Нямаше потвърждение.",
        "Прекалено много стъпки.",
        "Формулярът е ясен, но качването на декларацията не става.",
        "Нищо не работи!",
    ],
)
def test_bulgarian_negative(text: str) -> None:
    assert score(text, "bg").label == "negative"


@pytest.mark.parametrize(
    "text", ["Подадох заявлението във вторник.", "Използвах КЕП.", "Става.", "Нищо.", "", "-"]
)
def test_bulgarian_neutral(text: str) -> None:
    assert score(text, "bg").label == "neutral"


def test_bulgarian_negation() -> None:
    assert score("лесно", "bg").polarity > 0 > score("не е лесно", "bg").polarity
    assert score("трудно", "bg").polarity < 0 < score("не беше трудно", "bg").polarity
    # a reversed negative is weaker than the plain positive
    assert score("не беше трудно", "bg").polarity < score("беше лесно", "bg").polarity
    # negative concord is one negation: "никак не е ясно" stays negative
    assert score("никак не е ясно", "bg").polarity < score("не е ясно", "bg").polarity < 0
    # a complement clause is outside the negation
    assert score("Не съм очаквал да е толкова просто.", "bg").label == "positive"


def test_bulgarian_boosters_and_exclamation() -> None:
    plain = score("удобно", "bg").polarity
    assert score("много удобно", "bg").polarity > plain
    assert score("изключително удобно", "bg").polarity > score("много удобно", "bg").polarity
    assert 0 < score("малко удобно", "bg").polarity < plain
    assert score("удобно!!", "bg").polarity > plain
    assert score("много бавно", "bg").polarity < score("бавно", "bg").polarity < 0
    assert score("по-добре", "bg").polarity > score("добре", "bg").polarity


def test_stop_words_that_matter_are_kept() -> None:
    # "не" and "много" are in the stopwordsiso list; sentiment must still see them
    assert score("не е ясно", "bg").polarity < 0
    assert score("много ясно", "bg").polarity > score("ясно", "bg").polarity


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The form was very easy and quick, thanks!", "positive"),
        ("Great service :)", "positive"),
        ("It does not work", "negative"),
        ("The upload keeps crashing, terrible.", "negative"),
        ("The page is slow and confusing", "negative"),
        ("not easy at all", "negative"),
        ("I moved from Plovdiv in May.", "neutral"),
    ],
)
def test_english_signs(text: str, label: str) -> None:
    assert score(text, "en").label == label


def test_english_intensifier_and_negation() -> None:
    assert score("The form is very easy", "en").polarity > score("The form is easy", "en").polarity
    assert score("The form is not easy", "en").polarity < 0
    assert score("GREAT!!!", "en").polarity > score("great", "en").polarity


def test_language_detected_when_not_given() -> None:
    assert score("Не е лесно").language == "bg"
    assert score("It does not work").language == "en"
    assert score("👍") == Sentiment(score("👍").polarity, "positive", "other")
    assert score("👎").label == "negative"
    assert score("Das Formular ist gut").label == "neutral"  # other languages: emoji only
    assert score("Добре 🙂").polarity > score("Добре").polarity


def test_range_labels_and_determinism() -> None:
    texts = [
        "Ужасно!!!! УЖАСНО бавно, кошмар, безобразие, срив, грешка, отвратително!!!!",
        "Супер, супер, перфектно, прекрасно, благодаря!!!! 😍😍😍",
        "The WORST, most HORRIBLE, awful, disgusting site ever!!!! 😡😡",
        "ok",
        "",
    ]
    first = score_many(texts)
    assert first == score_many(texts) == [score(t) for t in texts]
    for s in first:
        assert -1.0 <= s.polarity <= 1.0
        assert s.label == label_of(s.polarity)
        assert isinstance(s, tuple) and s[0] == s.polarity
    assert first[0].polarity < -0.9 and first[1].polarity > 0.9 and first[2].polarity < -0.8


def test_label_thresholds() -> None:
    assert label_of(0.0) == "neutral"
    assert label_of(NEUTRAL_BELOW) == "positive"
    assert label_of(-NEUTRAL_BELOW) == "negative"
    assert label_of(NEUTRAL_BELOW / 2) == "neutral"


def test_score_many_dedupes_and_checks() -> None:
    texts = ["Не работи", "ok", "Не работи"] * 1000
    result = score_many(texts)
    assert len(result) == len(texts) and result[0] is result[2]
    assert score_many(texts[:2], ["bg", "en"])[0].label == "negative"
    with pytest.raises(ValueError):
        score_many(texts, ["bg"])
    with pytest.raises(TypeError):
        score(None)  # type: ignore[arg-type]


def test_lexicon_is_well_formed() -> None:
    lex = sentiment_bg.lexicon()
    assert len(lex) >= 400
    for term, (weight, kind) in lex.items():
        assert term == term.lower()
        assert -3.0 <= weight <= 3.0 and weight != 0
        assert kind in ("", "want")
    lines = [
        line.split("\t")[0]
        for line in sentiment_bg.LEXICON_PATH.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(lines) == len(set(lines)), "duplicate terms in the lexicon"
    provenance = sentiment_bg.LEXICON_PATH.with_name("PROVENANCE.md")
    assert "licence" in provenance.read_text(encoding="utf-8").lower()


def test_labelled_set_shape() -> None:
    with BG_SET.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300
    assert {r["split"] for r in rows} == {"dev", "test"}
    assert {r["label"] for r in rows} == {"negative", "neutral", "positive"}
    assert len({r["text"] for r in rows}) == len(rows)
    for split in ("dev", "test"):
        counts = [
            sum(r["split"] == split and r["label"] == lab for r in rows)
            for lab in ("negative", "neutral", "positive")
        ]
        assert min(counts) >= 0.8 * max(counts), counts


def test_bulgarian_quality_on_held_out_half() -> None:
    from sklearn.metrics import balanced_accuracy_score

    with BG_SET.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "test"]
    predicted = [s.label for s in score_many([r["text"] for r in rows], ["bg"] * len(rows))]
    assert balanced_accuracy_score([r["label"] for r in rows], predicted) >= 0.80


def test_english_correlation_on_vader_tweets(shared_data: Path) -> None:
    import numpy as np

    path = shared_data / "vader-groundtruth" / "tweets_GroundTruth.txt"
    if not path.exists():
        pytest.skip("VADER tweets absent")
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r) >= 3]
    human = np.array([float(r[1]) for r in rows])
    ours = np.array([s.polarity for s in score_many([r[2] for r in rows], ["en"] * len(rows))])
    r = float(np.corrcoef(human, ours)[0, 1])
    assert r >= 0.80, r
    assert not math.isnan(r)


OFFLINE_SCRIPT = """
import socket, nltk
def refuse(*a, **k):
    raise RuntimeError("network or download attempted")
nltk.download = refuse
socket.socket.connect = refuse
socket.create_connection = refuse
from research.sentiment import score_many
texts = ["Формулярът е объркващ", "ok", "The forms are confusing", "Не е лесно", "👍"]
s = score_many(texts)
assert [x.language for x in s] == ["bg", "en", "en", "bg", "other"], s
assert s[0].label == "negative" and s[2].label == "negative" and s[3].label == "negative", s
assert s[4].label == "positive", s
print("offline ok")
"""


def test_sentiment_works_offline_without_nltk_data(tmp_path: Path) -> None:
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "offline ok" in done.stdout
