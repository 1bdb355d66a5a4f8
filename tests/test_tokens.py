"""Normalisation, lemmatised content tokens, scikit-learn use, sentences, and offline operation."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from research.tokens import (
    analyzer,
    lemma,
    normalize,
    sentences,
    stop_words,
    tokenize,
    tokenize_detected,
    tokenize_many,
)

REPO = Path(__file__).resolve().parents[1]


def test_normalize() -> None:
    text = (
        "  „Формулярът“ — ЯСЕН!  Виж https://sofia.bg/a?b=1 и www.example.com, [ЕГН] a.b@mail.bg "
    )
    assert normalize(text) == '"формулярът" - ясен! виж и'
    assert normalize("ﬁle “x” ‘y’ – z") == "file \"x\" 'y' - z"  # NFKC ligature, quotes, dash
    assert normalize("<PERSON> живее на {адрес} [ТЕЛЕФОН]") == "живее на"


def test_bulgarian_lemmas() -> None:
    assert tokenize("Формулярът", "bg") == ["формуляр"]
    assert tokenize("Формулярът беше объркващ!", "bg") == ["формуляр", "объркващ"]
    tokens = tokenize("Качих декларацията на собственика, но документите не се виждат.", "bg")
    assert {"кача", "декларация", "собственик", "документ"} <= set(tokens)
    assert "не" not in tokens and "на" not in tokens


def test_bulgarian_keeps_compounds_and_foreign_words() -> None:
    tokens = tokenize("Е-идентичност и PDF upload-ът не работят", "bg")
    assert "е-идентичност" in tokens
    assert "pdf" in tokens and "upload" in tokens


def test_english_lemmas_and_stop_words() -> None:
    tokens = tokenize("The forms were confusing and I uploaded the documents twice", "en")
    assert tokens == ["form", "confuse", "upload", "document", "twice"]
    assert "clear" in tokenize("The form is clear", "en")  # not a stop word here


def test_letters_only_no_digits_no_one_letter_words() -> None:
    assert tokenize("3 пъти x 12.50 лв", "bg") == ["лв"]
    assert tokenize("", "bg") == []
    assert tokenize("👍👍", "en") == []


def test_negations_only_kept_on_request() -> None:
    assert "не" not in tokenize("Не работи", "bg")
    assert tokenize("Не работи", "bg", keep_negations=True)[0] == "не"
    assert "not" in tokenize("does not work", "en", keep_negations=True)


def test_stop_word_lists() -> None:
    assert {"не", "много", "на"} <= stop_words("bg")
    assert "време" not in stop_words("bg")
    assert {"the", "not"} <= stop_words("en")
    assert stop_words("other") == frozenset()


def test_other_language_is_not_lemmatised() -> None:
    assert tokenize("Das Formular funktioniert nicht", "other") == [
        "das",
        "formular",
        "funktioniert",
        "nicht",
    ]
    assert lemma("формулярът", "other") == "формулярът"


def test_detected_and_sklearn_analyzer() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    assert tokenize_detected("Формулярът е объркващ") == ["формуляр", "объркващ"]
    docs = ["Формулярът е ясен", "The forms are clear", "Формулярите са ясни"]
    vec = TfidfVectorizer(analyzer=tokenize_detected).fit(docs)
    assert {"формуляр", "form", "clear"} <= set(vec.get_feature_names_out())
    fixed = TfidfVectorizer(analyzer=analyzer(lambda _text: "bg")).fit(docs)
    assert "формуляр" in fixed.get_feature_names_out()


def test_tokenize_many() -> None:
    texts = ["Формулярът е объркващ", "The forms are confusing", "Формулярът е объркващ"]
    assert tokenize_many(texts) == [tokenize_detected(t) for t in texts]
    assert tokenize_many(texts, ["bg", "en", "bg"])[1] == ["form", "confuse"]
    with pytest.raises(ValueError):
        tokenize_many(texts, ["bg"])


def test_sentences() -> None:
    text = "Формулярът е ясен. Но качването на декларацията не става! Опитах 3 пъти, напр. с PDF."
    assert sentences(text, "bg") == [
        "Формулярът е ясен.",
        "Но качването на декларацията не става!",
        "Опитах 3 пъти, напр. с PDF.",
    ]
    assert sentences("It works. Mostly!", "en") == ["It works.", "Mostly!"]
    assert sentences("Eins. Zwei!", "other") == ["Eins.", "Zwei!"]
    assert sentences("   ", "bg") == []


def test_tokenize_many_matches_one_at_a_time() -> None:
    """The bulk path (deduplicated, cached) gives exactly what tokenize gives text by text.

    Its speed is measured in benchmarks/sentiment_benchmark.py, not here.
    """
    rng = random.Random(1)
    words = [
        *("формулярът", "декларацията", "собственика", "качих", "платих", "таксата", "опашка"),
        *("чаках", "бавно", "ясно", "удобно", "грешка", "срив", "системата", "адресна"),
        *("регистрация", "кеп", "е-идентичност", "лична", "карта", "потвърждение", "имейл"),
        *("кметство", "район", "не", "много"),
    ]
    texts = [" ".join(rng.choice(words) for _ in range(10)) for _ in range(2_000)]
    bulk = tokenize_many(texts, ["bg"] * len(texts))
    assert bulk == [tokenize(text, "bg") for text in texts]


OFFLINE_SCRIPT = """
import socket, nltk
def refuse(*a, **k):
    raise RuntimeError("network or download attempted")
nltk.download = refuse
socket.socket.connect = refuse
socket.create_connection = refuse
from research.language import detect_languages
from research.tokens import tokenize_many, sentences
texts = ["Формулярът е объркващ", "ok", "The forms are confusing", "Не е лесно", "👍"]
langs = detect_languages(texts)
assert langs == ["bg", "en", "en", "bg", "other"], langs
assert tokenize_many(texts, langs)[0] == ["формуляр", "объркващ"]
assert len(sentences("Едно. Две.", "bg")) == 2
print("offline ok")
"""


def test_works_offline_without_nltk_data(tmp_path: Path) -> None:
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    env.pop("HTTP_PROXY", None)
    env.pop("HTTPS_PROXY", None)
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
