"""What a questionnaire is, as plain data: question types, labels per language, choices, skip logic.

Importers (XLSForm, LimeSurvey) produce a `QuestionnaireDefinition`; the builder edits one; the
repository stores one; the public form renders one; `surveys.answers` validates answers against one.
Nothing here touches a file or a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from i18n import N_, UserError

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
MAX_TEXT_LENGTH = {"short_text": 500, "long_text": 5000}


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    LIKERT5 = "likert5"
    LIKERT7 = "likert7"
    SUS = "sus"
    SEQ = "seq"
    NPS = "nps"
    NUMBER = "number"
    DATE = "date"
    NOTE = "note"


#: The scale of each rating type (inclusive); SUS items are 1–5 each.
SCALES: dict[QuestionType, tuple[int, int]] = {
    QuestionType.LIKERT5: (1, 5),
    QuestionType.LIKERT7: (1, 7),
    QuestionType.SUS: (1, 5),
    QuestionType.SEQ: (1, 7),
    QuestionType.NPS: (0, 10),
}

TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT})
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})

#: The ten standard SUS items (Brooke 1996) and a Bulgarian wording of each, in order.
SUS_ITEMS: tuple[dict[str, str], ...] = (
    {
        "en": "I think that I would like to use this system frequently.",
        "bg": "Мисля, че бих искал(а) да използвам тази система често.",
    },
    {
        "en": "I found the system unnecessarily complex.",
        "bg": "Системата ми се стори ненужно сложна.",
    },
    {
        "en": "I thought the system was easy to use.",
        "bg": "Системата ми се стори лесна за използване.",
    },
    {
        "en": "I think that I would need the support of a technical person to be able to use "
        "this system.",
        "bg": "Мисля, че ще ми трябва помощ от технически специалист, за да мога да използвам "
        "тази система.",
    },
    {
        "en": "I found the various functions in this system were well integrated.",
        "bg": "Различните функции на системата ми се сториха добре свързани помежду си.",
    },
    {
        "en": "I thought there was too much inconsistency in this system.",
        "bg": "Стори ми се, че в системата има твърде много несъответствия.",
    },
    {
        "en": "I would imagine that most people would learn to use this system very quickly.",
        "bg": "Предполагам, че повечето хора биха се научили да използват системата много бързо.",
    },
    {
        "en": "I found the system very cumbersome to use.",
        "bg": "Системата ми се стори много тромава за използване.",
    },
    {
        "en": "I felt very confident using the system.",
        "bg": "Чувствах се много уверено, докато използвах системата.",
    },
    {
        "en": "I needed to learn a lot of things before I could get going with this system.",
        "bg": "Трябваше да науча много неща, преди да мога да започна работа със системата.",
    },
)

#: Anchor labels of the agreement scales (SUS and Likert 5).
AGREEMENT_5: dict[str, tuple[str, ...]] = {
    "bg": (
        "Напълно несъгласен",
        "Несъгласен",
        "Нито съгласен, нито несъгласен",
        "Съгласен",
        "Напълно съгласен",
    ),
    "en": (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
}
SEQ_ANCHORS: dict[str, tuple[str, str]] = {
    "bg": ("Много трудно", "Много лесно"),
    "en": ("Very difficult", "Very easy"),
}
NPS_ANCHORS: dict[str, tuple[str, str]] = {
    "bg": ("Изобщо не е вероятно", "Изключително вероятно"),
    "en": ("Not at all likely", "Extremely likely"),
}


class Operator(StrEnum):
    EQUALS = "="
    NOT_EQUALS = "!="
    GREATER = ">"
    GREATER_OR_EQUAL = ">="
    LESS = "<"
    LESS_OR_EQUAL = "<="
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    ANSWERED = "answered"
    NOT_ANSWERED = "not_answered"


@dataclass(frozen=True)
class Condition:
    """One test on an earlier answer: `question` names it, `value` is what it is compared with."""

    question: str
    operator: Operator
    value: str | float | None = None


@dataclass(frozen=True)
class Choice:
    value: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Section:
    key: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    name: str
    type: QuestionType
    labels: Mapping[str, str]
    hints: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    choices: tuple[Choice, ...] = ()
    allow_other: bool = False
    #: shown only when these conditions hold (all of them, or any when `show_when_any`)
    show_when: tuple[Condition, ...] = ()
    show_when_any: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    section: str | None = None

    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.type)

    def text_limit(self) -> int:
        return self.max_length or MAX_TEXT_LENGTH.get(self.type.value, 500)

    def item_labels(self, lang: str) -> tuple[str, ...]:
        """The ten item statements of a SUS block in one language."""
        return tuple(label_in(item, lang) for item in SUS_ITEMS)


@dataclass(frozen=True)
class QuestionnaireDefinition:
    title: Mapping[str, str]
    questions: tuple[Question, ...]
    languages: tuple[str, ...] = ("bg", "en")
    sections: tuple[Section, ...] = ()
    description: Mapping[str, str] = field(default_factory=dict)

    def question(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)


def label_in(labels: Mapping[str, str], lang: str) -> str:
    """The label in `lang`, else Bulgarian, else English, else any that exists."""
    for candidate in (lang, "bg", "en"):
        if labels.get(candidate):
            return labels[candidate]
    return next((text for text in labels.values() if text), "")


def check_definition(definition: QuestionnaireDefinition) -> None:
    """Raise UserError when the definition cannot be stored or answered as it stands."""
    if not any(definition.title.values()):
        raise UserError(N_("The questionnaire needs a title."))
    seen: set[str] = set()
    sections = {s.key for s in definition.sections}
    for position, question in enumerate(definition.questions, start=1):
        if not NAME_PATTERN.match(question.name):
            raise UserError(
                N_(
                    "Question {position}: the name '{name}' must start with a letter and use only "
                    "letters, digits, '_', '-' or '.' (at most 64 characters)."
                ),
                position=position,
                name=question.name[:64],
            )
        if question.name in seen:
            raise UserError(
                N_("Question {position}: the name '{name}' is used twice; names must be unique."),
                position=position,
                name=question.name,
            )
        if question.type is not QuestionType.SUS and not any(question.labels.values()):
            raise UserError(
                N_("Question '{name}' has no label in any language."), name=question.name
            )
        if question.type in CHOICE_TYPES and not question.choices:
            raise UserError(
                N_("Question '{name}' is a choice question but has no choices."),
                name=question.name,
            )
        values = [c.value for c in question.choices]
        if len(values) != len(set(values)):
            raise UserError(
                N_("Question '{name}' lists the same choice value twice."), name=question.name
            )
        for condition in question.show_when:
            if condition.question not in seen:
                raise UserError(
                    N_(
                        "Question '{name}' is shown depending on '{other}', which is not an "
                        "earlier question."
                    ),
                    name=question.name,
                    other=condition.question,
                )
        if question.section is not None and sections and question.section not in sections:
            raise UserError(
                N_("Question '{name}' belongs to an unknown section '{section}'."),
                name=question.name,
                section=question.section,
            )
        seen.add(question.name)


def is_shown(question: Question, answers: Mapping[str, object]) -> bool:
    """Whether skip logic shows `question`, given the answers to earlier questions."""
    if not question.show_when:
        return True
    results = (
        _holds(condition, answers.get(condition.question)) for condition in question.show_when
    )
    return any(results) if question.show_when_any else all(results)


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _holds(condition: Condition, value: object) -> bool:
    op = condition.operator
    if op is Operator.ANSWERED:
        return not _is_empty(value)
    if op is Operator.NOT_ANSWERED:
        return _is_empty(value)
    if _is_empty(value):
        return False
    if op in (Operator.SELECTED, Operator.NOT_SELECTED):
        chosen = value if isinstance(value, list | tuple) else [value]
        inside = str(condition.value) in {str(v) for v in chosen}
        return inside if op is Operator.SELECTED else not inside
    if isinstance(value, list | tuple):
        return False
    left, right = _comparable(value, condition.value)
    if op is Operator.EQUALS:
        return left == right
    if op is Operator.NOT_EQUALS:
        return left != right
    try:
        if op is Operator.GREATER:
            return left > right  # type: ignore[operator]
        if op is Operator.GREATER_OR_EQUAL:
            return left >= right  # type: ignore[operator]
        if op is Operator.LESS:
            return left < right  # type: ignore[operator]
        if op is Operator.LESS_OR_EQUAL:
            return left <= right  # type: ignore[operator]
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op!r}")


def _comparable(value: object, other: object) -> tuple[object, object]:
    """Compare numbers as numbers and everything else as text."""
    try:
        return float(value), float(other)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value), str(other)
