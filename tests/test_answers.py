"""The answer validator: each type, skip logic, required, 'other', and properties over any input."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import UserError
from surveys.answers import MAX_NUMBER, MAX_OTHER_LENGTH, OTHER, clean_answers, clean_text
from surveys.definition import (
    SCALES,
    Choice,
    Condition,
    Operator,
    Question,
    QuestionnaireDefinition,
    QuestionType,
)

CHOICES = (Choice("a", {"en": "A"}), Choice("b", {"en": "B"}))


def form(*questions: Question) -> QuestionnaireDefinition:
    return QuestionnaireDefinition({"en": "T"}, questions)


def one(question: Question, value: object, other: object = None):
    result = clean_answers(form(question), {question.name: value}, {question.name: other})
    return result.values.get(question.name), result.errors.get(question.name), result


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (QuestionType.LIKERT5, "4", 4),
        (QuestionType.LIKERT5, " 5,0 ", 5),
        (QuestionType.LIKERT7, 7.0, 7),
        (QuestionType.SEQ, "1", 1),
        (QuestionType.NPS, 0, 0),
        (QuestionType.NUMBER, "1 234,5", 1234.5),
        (QuestionType.NUMBER, "12", 12),
        (QuestionType.DATE, "14.03.2026", "2026-03-14"),
        (QuestionType.DATE, "2026-03-14", "2026-03-14"),
        (QuestionType.DATE, dt.datetime(2026, 3, 14, 10), "2026-03-14"),
        (QuestionType.SHORT_TEXT, "  здравей\x07 ", "здравей"),
    ],
)
def test_valid_values_are_typed(kind, value, expected):
    cleaned, error, _ = one(Question("q", kind, {"en": "Q"}), value)
    assert (cleaned, error) == (expected, None)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (QuestionType.LIKERT5, "6"),
        (QuestionType.LIKERT5, "4.5"),
        (QuestionType.LIKERT5, "inf"),
        (QuestionType.LIKERT7, "1e400"),
        (QuestionType.NPS, "nan"),
        (QuestionType.SEQ, "9" * 400),
        (QuestionType.NUMBER, "twelve"),
        (QuestionType.NUMBER, "1e999"),
        (QuestionType.NUMBER, str(MAX_NUMBER * 10)),
        (QuestionType.DATE, "31.02.2026"),
        (QuestionType.DATE, "tomorrow"),
        (QuestionType.SHORT_TEXT, "x" * 501),
    ],
)
def test_wrong_values_are_errors_not_exceptions(kind, value):
    cleaned, error, _ = one(Question("q", kind, {"en": "Q"}), value)
    assert cleaned is None and isinstance(error, UserError)
    assert error.render("bg") and str(value)[:20] not in error.render("en")


def test_number_bounds_and_text_limit():
    question = Question("n", QuestionType.NUMBER, {"en": "N"}, minimum=1, maximum=10)
    assert one(question, "0")[1] is not None and one(question, "10")[0] == 10
    assert one(Question("t", QuestionType.SHORT_TEXT, {"en": "T"}, max_length=3), "abcd")[1]
    with pytest.raises(UserError):
        clean_text("abcd", 3)


def test_choices_and_other():
    single = Question(
        "s", QuestionType.SINGLE_CHOICE, {"en": "S"}, choices=CHOICES, allow_other=True
    )
    assert one(single, "a")[0] == "a"
    assert one(single, ["a", "b"])[1] is not None
    assert one(single, "c")[1] is not None
    value, error, result = one(single, OTHER, "  синьо ")
    assert (value, error, result.others) == (OTHER, None, {"s": "синьо"})
    assert one(single, OTHER, "")[1] is not None
    assert one(single, OTHER, "x" * (MAX_OTHER_LENGTH + 1))[1] is not None
    multiple = Question("m", QuestionType.MULTIPLE_CHOICE, {"en": "M"}, choices=CHOICES)
    assert one(multiple, ["a", "b"])[0] == ["a", "b"]
    assert one(multiple, ["a", "a"])[1] is not None
    assert one(multiple, [OTHER])[1] is not None  # no 'other' allowed here


def test_sus_takes_ten_items():
    sus = Question("sus", QuestionType.SUS, {}, required=True)
    assert one(sus, [3] * 10)[0] == [3] * 10
    assert one(sus, [3] * 9)[1] is not None
    assert one(sus, [3] * 9 + [None])[1] is not None
    assert one(Question("sus", QuestionType.SUS, {}), [None] * 10)[1] is None
    assert one(sus, "3333333333")[1] is not None


def test_required_skip_logic_and_notes():
    definition = form(
        Question("intro", QuestionType.NOTE, {"en": "Hi"}),
        Question(
            "moved", QuestionType.SINGLE_CHOICE, {"en": "Moved?"}, choices=CHOICES, required=True
        ),
        Question(
            "where",
            QuestionType.SHORT_TEXT,
            {"en": "Where?"},
            required=True,
            show_when=(Condition("moved", Operator.EQUALS, "a"),),
        ),
        Question(
            "why",
            QuestionType.SHORT_TEXT,
            {"en": "Why?"},
            show_when=(
                Condition("moved", Operator.EQUALS, "a"),
                Condition("where", Operator.ANSWERED),
            ),
            show_when_any=True,
        ),
    )
    result = clean_answers(definition, {"intro": "x", "where": "Sofia", "why": "work"})
    assert set(result.errors) == {"moved"} and result.values == {}
    result = clean_answers(definition, {"moved": "b", "where": "Sofia", "why": "work"})
    assert result.ok and result.values == {"moved": "b"}
    result = clean_answers(definition, {"moved": "a", "where": "  "})
    assert set(result.errors) == {"where"}


# ---- properties ----------------------------------------------------------------------------------

ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["1", "5", "7", "10", "a", "b", OTHER, "2026-03-14", "3,5", " "]),
    lambda inner: st.lists(inner, max_size=11),
    max_leaves=15,
)


@st.composite
def questionnaires(draw) -> QuestionnaireDefinition:
    questions = []
    for position in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(list(QuestionType)))
        extra: dict = {"required": draw(st.booleans())}
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            extra.update(choices=CHOICES, allow_other=draw(st.booleans()))
        if kind is QuestionType.NUMBER:
            extra.update(
                minimum=draw(st.none() | st.floats(-10, 0)),
                maximum=draw(st.none() | st.floats(1, 100)),
            )
        if questions and draw(st.booleans()):
            earlier = draw(st.sampled_from(questions))
            operator = draw(st.sampled_from(list(Operator)))
            extra["show_when"] = (
                Condition(
                    earlier.name,
                    operator,
                    draw(ANY_VALUE.filter(lambda v: v is None or isinstance(v, str | float))),
                ),
            )
        questions.append(Question(f"q{position}", kind, {"en": "Q"}, **extra))
    return form(*questions)


@settings(max_examples=300, deadline=None)
@given(questionnaires(), st.data())
def test_clean_answers_never_raises_and_keeps_its_promises(definition, data):
    raw = {q.name: data.draw(ANY_VALUE) for q in definition.questions}
    others = {q.name: data.draw(ANY_VALUE) for q in definition.questions}
    result = clean_answers(definition, raw, others)
    assert not set(result.values) & set(result.errors)
    for name, value in result.values.items():
        question = definition.question(name)
        kind = question.type
        assert kind is not QuestionType.NOTE
        if kind in SCALES and kind is not QuestionType.SUS:
            low, high = SCALES[kind]
            assert isinstance(value, int) and low <= value <= high
        elif kind is QuestionType.SUS:
            assert len(value) == 10 and all(v is None or 1 <= v <= 5 for v in value)
        elif kind is QuestionType.NUMBER:
            assert math.isfinite(value) and abs(value) <= MAX_NUMBER
            assert question.minimum is None or value >= question.minimum
            assert question.maximum is None or value <= question.maximum
        elif kind is QuestionType.DATE:
            dt.date.fromisoformat(value)
        elif kind is QuestionType.SINGLE_CHOICE:
            assert value in {"a", "b"} or (value == OTHER and question.allow_other)
        elif kind is QuestionType.MULTIPLE_CHOICE:
            assert set(value) <= {"a", "b", OTHER} and len(set(value)) == len(value)
        else:
            assert isinstance(value, str) and value == value.strip()
            assert len(value) <= question.text_limit()
    for name in result.others:
        assert result.values[name] == OTHER or OTHER in result.values[name]
    for name, error in result.errors.items():
        assert definition.question(name).type is not QuestionType.NOTE
        assert error.render("bg") and error.render("en")
