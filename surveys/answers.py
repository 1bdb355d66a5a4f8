"""Validate a respondent's answers against a questionnaire: types, ranges, choices, lengths.

Everything a citizen sends is untrusted. `clean_answers` takes the raw values (from the public form
or an imported file), drops the answers to questions that skip logic hides, and returns typed values
with one error per question, in a form the page renders in the citizen's language.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from i18n import N_, UserError
from surveys.definition import (
    CHOICE_TYPES,
    TEXT_TYPES,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    is_shown,
)

#: The value a choice answer carries when the respondent wrote their own "other" option.
OTHER = "other"
MAX_OTHER_LENGTH = 200
MAX_NUMBER = 1e12


@dataclass(frozen=True)
class CleanAnswers:
    values: dict[str, object] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)
    errors: dict[str, UserError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value: object, limit: int) -> str:
    """Text with control characters removed and whitespace trimmed; raises when over `limit`."""
    if not isinstance(value, str):
        value = str(value)
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in value
    ).strip()
    if len(text) > limit:
        raise UserError(
            N_("Please shorten the answer to {limit} characters (it has {length})."),
            limit=limit,
            length=len(text),
        )
    return text


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple):
        return all(_is_blank(v) for v in value)
    return isinstance(value, float) and math.isnan(value)


def _whole_number(value: object, low: int, high: int) -> int:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise UserError(N_("Choose a whole number from {low} to {high}."), low=low, high=high)
    return int(number)


def _number(question: Question, value: object) -> float:
    try:
        number = float(str(value).strip().replace(" ", "").replace(",", "."))
    except ValueError:
        raise UserError(N_("Enter a number, for example 12 or 3.5.")) from None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise UserError(N_("Enter a number, for example 12 or 3.5."))
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise UserError(
            N_("Enter a number from {low} to {high}."),
            low="−∞" if low is None else f"{low:g}",
            high="∞" if high is None else f"{high:g}",
        )
    return int(number) if number == int(number) else number


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise UserError(N_("Enter a date as DD.MM.YYYY, for example 14.03.2026."))


def _choices(question: Question, value: object, other_text: object) -> tuple[object, str | None]:
    allowed = {c.value for c in question.choices}
    picked = list(value) if isinstance(value, list | tuple) else [value]
    picked = [str(v) for v in picked if not _is_blank(v)]
    if question.type is QuestionType.SINGLE_CHOICE and len(picked) > 1:
        raise UserError(N_("Choose only one option."))
    other = None
    for item in picked:
        if item == OTHER and question.allow_other and OTHER not in allowed:
            other = clean_text(other_text or "", MAX_OTHER_LENGTH)
            if not other:
                raise UserError(N_("You chose “other”: please say what it is."))
        elif item not in allowed:
            raise UserError(N_("Choose one of the options shown."))
    if len(set(picked)) != len(picked):
        raise UserError(N_("Each option can be chosen once."))
    if question.type is QuestionType.SINGLE_CHOICE:
        return picked[0], other
    return picked, other


def _sus(question: Question, value: object) -> list[int | None]:
    if not isinstance(value, list | tuple) or len(value) != 10:
        raise UserError(N_("Answer the ten statements on a scale from 1 to 5."))
    items = [None if _is_blank(v) else _whole_number(v, 1, 5) for v in value]
    if question.required and None in items:
        raise UserError(N_("Please answer all ten statements."))
    return items


def clean_value(
    question: Question, value: object, other_text: object = None
) -> tuple[object, str | None]:
    """One answer as a typed value (and the 'other' text, for choices); raises UserError."""
    kind = question.type
    if kind in TEXT_TYPES:
        return clean_text(value, question.text_limit()), None
    if kind in CHOICE_TYPES:
        return _choices(question, value, other_text)
    if kind is QuestionType.SUS:
        return _sus(question, value), None
    scale = question.scale()
    if scale is not None:
        return _whole_number(value, *scale), None
    if kind is QuestionType.NUMBER:
        return _number(question, value), None
    if kind is QuestionType.DATE:
        return _date(value), None
    raise ValueError(f"question type {kind!r} takes no answer")


def _missing(question: Question) -> UserError:
    if question.type is QuestionType.SUS:
        return UserError(N_("Please answer all ten statements."))
    return UserError(N_("This question needs an answer."))


def clean_answers(
    definition: QuestionnaireDefinition,
    raw: Mapping[str, object],
    others: Mapping[str, object] | None = None,
) -> CleanAnswers:
    """Typed answers to the questions shown, and an error per question that needs fixing."""
    result = CleanAnswers()
    others = others or {}
    for question in definition.questions:
        if question.type is QuestionType.NOTE:
            continue
        if not is_shown(question, result.values):
            continue
        value = raw.get(question.name)
        if _is_blank(value):
            if question.required:
                result.errors[question.name] = _missing(question)
            continue
        try:
            cleaned, other = clean_value(question, value, others.get(question.name))
        except UserError as err:
            result.errors[question.name] = err
            continue
        if (
            cleaned == ""
            or cleaned == []
            or (isinstance(cleaned, list) and all(v is None for v in cleaned))
        ):
            if question.required:
                result.errors[question.name] = _missing(question)
            continue
        result.values[question.name] = cleaned
        if other:
            result.others[question.name] = other
    return result
