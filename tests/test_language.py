"""Language detection on short answers, mixed scripts, other languages and non-text."""

from __future__ import annotations

import random

import pytest

from research.language import LANGUAGES, detect_language, detect_languages

SHORT_ANSWERS = [
    ("ok", "en"),
    ("OK", "en"),
    ("fine", "en"),
    ("добре", "bg"),
    ("Добре", "bg"),
    ("ОК", "bg"),
    ("не", "bg"),
    ("Благодаря", "bg"),
    ("Не работи", "bg"),
    ("Не можах да вляза с КЕП", "bg"),
    ("The upload failed twice", "en"),
    ("not working", "en"),
    ("Excellent service", "en"),
    ("The page is slow", "en"),
]


@pytest.mark.parametrize(("text", "expected"), SHORT_ANSWERS)
def test_short_answers(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "👍", "👍👍🙂", "123 456", "?!...", "😡 !!!", "Καλημέρα", "你好"]
)
def test_no_latin_or_cyrillic_letters_is_other(text: str) -> None:
    assert detect_language(text) == "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Не работи upload-ът", "bg"),  # Cyrillic dominant
        ("OK, благодаря", "bg"),
        ("Формулярът is fine, but the PDF upload fails every time", "en"),  # Latin dominant
        ("ok 👍", "en"),
        ("Добре 🙂", "bg"),
    ],
)
def test_mixed_scripts_follow_the_dominant_script(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Das Formular funktioniert nicht",
        "Guten Tag, wie geht es",
        "merci beaucoup",
        "Привет, как дела? Это не работает",  # Russian letters э/ы
        "Спасибо большое, всё хорошо",  # ё
        "Ова е многу добро, ѓаволски",  # Macedonian ѓ
        "Дякую, все працює",  # Ukrainian є/ї/і
    ],
)
def test_other_languages(text: str) -> None:
    assert detect_language(text) == "other"


def test_cyrillic_without_foreign_letters_counts_as_bulgarian() -> None:
    # Documented choice: for a Sofia audience ambiguous Cyrillic is Bulgarian.
    assert detect_language("Здраво, како си") == "bg"
    assert detect_language("Щом свършиш, пиши ми! Всичко е наред.") == "bg"
    assert detect_language("Льо ми хареса") == "bg"  # "ьо" is Bulgarian spelling


def test_bulk_equals_single_and_keeps_order() -> None:
    texts = [t for t, _ in SHORT_ANSWERS] + ["", "👍", "Das Formular funktioniert nicht", "ok"]
    assert detect_languages(texts) == [detect_language(t) for t in texts]
    assert set(detect_languages(texts)) <= set(LANGUAGES)
    assert detect_languages([]) == []


def test_type_errors() -> None:
    with pytest.raises(TypeError):
        detect_language(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        detect_languages(["ok", 3])  # type: ignore[list-item]


def test_bulk_matches_one_at_a_time() -> None:
    """Speed is measured in benchmarks/sentiment_benchmark.py; here, bulk equals single."""
    # A Sofia week: mostly Bulgarian, some English, rarely anything else; many exact repeats.
    rng = random.Random(0)
    base = [
        *("ok", "добре", "Не работи", "Не можах да вляза с КЕП", "👍", "Благодаря"),
        *("Формулярът е ясен, но качването на декларацията не става", "Бавно зарежда"),
        *("The upload fails every time", "Great, thanks", "Excellent service"),
    ]
    rare = ["Das Formular funktioniert nicht", "merci beaucoup", "Спасибо, всё хорошо"]
    texts = [
        (rng.choice(rare) if rng.random() < 0.01 else rng.choice(base))
        + f" {rng.randint(0, 5000)}" * (rng.random() < 0.5)
        for _ in range(5_000)
    ]
    found = detect_languages(texts)
    assert found == [detect_language(text) for text in texts]
