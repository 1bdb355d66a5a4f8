"""How the public form is cut into screens, and what of a citizen's answers a draft may keep.

Skip logic cannot react inside one submitted form, so the form is shown a screen at a time: a
screen ends where a section ends, and before any question whose skip logic depends on a question of
the same screen, so that every condition is decided by answers already sent. On a phone each
question gets its own screen (a note stays with the question after it). Which screens are shown
follows the answers: a screen whose questions are all hidden is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from surveys.answers import OTHER
from surveys.definition import (
    CHOICE_TYPES,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    is_shown,
)

MAX_DRAFT_TEXT = 6000
MAX_DRAFT_ITEMS = 120


@dataclass(frozen=True)
class Screen:
    """The questions of one screen, by name, and the section they belong to."""

    names: tuple[str, ...]
    section: str | None = None


def plan_screens(
    definition: QuestionnaireDefinition, one_per_screen: bool = False
) -> tuple[Screen, ...]:
    """The screens of a questionnaire, in order; the same for every respondent."""
    screens: list[Screen] = []
    names: list[str] = []
    section: str | None = None
    waiting_note = False
    for question in definition.questions:
        depends = any(c.question in names for c in question.show_when)
        new_section = bool(names) and question.section != section
        alone = one_per_screen and bool(names) and not waiting_note
        if names and (depends or new_section or alone):
            screens.append(Screen(tuple(names), section))
            names = []
        names.append(question.name)
        section = question.section
        waiting_note = question.type is QuestionType.NOTE
    if names:
        screens.append(Screen(tuple(names), section))
    return tuple(screens)


def visible(
    definition: QuestionnaireDefinition, screen: Screen, answers: Mapping[str, object]
) -> list[Question]:
    """The questions of `screen` that skip logic shows, given the cleaned answers so far.

    Pass `surveys.answers.clean_answers(...).values`: answers to questions that are hidden
    themselves must not show later questions.
    """
    shown = [definition.question(name) for name in screen.names]
    shown = [q for q in shown if is_shown(q, answers)]
    if all(q.type is QuestionType.NOTE for q in shown):
        return []
    return shown


def shown_screens(
    definition: QuestionnaireDefinition,
    screens: tuple[Screen, ...],
    answers: Mapping[str, object],
) -> list[int]:
    """Indexes of the screens that have at least one question to show."""
    return [i for i, screen in enumerate(screens) if visible(definition, screen, answers)]


def may_continue(
    definition: QuestionnaireDefinition,
    screens: tuple[Screen, ...],
    current: int,
    answers: Mapping[str, object],
) -> bool:
    """Whether a screen may follow `current`: one is shown now, or its skip logic waits for
    answers on the current screen (so the button says Next rather than Send)."""
    pending = set(screens[current].names)
    for screen in screens[current + 1 :]:
        if visible(definition, screen, answers):
            return True
        for name in screen.names:
            if any(c.question in pending for c in definition.question(name).show_when):
                return True
    return False


def step(shown: list[int], current: int, direction: int) -> int | None:
    """The shown screen after (direction 1) or before (-1) `current`, or None."""
    if direction > 0:
        return next((i for i in shown if i > current), None)
    return next((i for i in reversed(shown) if i < current), None)


def settle(shown: list[int], current: int) -> int:
    """`current` if shown, else the nearest shown screen before it (else the first)."""
    if current in shown or not shown:
        return current if shown else 0
    earlier = [i for i in shown if i < current]
    return earlier[-1] if earlier else shown[0]


# ---- drafts --------------------------------------------------------------------------------


def draft_values(
    definition: QuestionnaireDefinition, answers: Mapping[str, object]
) -> dict[str, object]:
    """Answers reduced to small JSON values for a draft: known questions only, bounded sizes."""
    known = {q.name: q for q in definition.questions if q.type is not QuestionType.NOTE}
    kept: dict[str, object] = {}
    for name, value in answers.items():
        if name in known:
            safe = _json_value(value)
            if safe is not None:
                kept[name] = safe
    return kept


def draft_texts(definition: QuestionnaireDefinition, others: Mapping[str, object]) -> dict:
    names = {q.name for q in definition.questions if q.allow_other}
    return {
        name: str(text)[:MAX_DRAFT_TEXT]
        for name, text in others.items()
        if name in names and isinstance(text, str) and text
    }


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value[:MAX_DRAFT_TEXT] if value else None
    if isinstance(value, list | tuple):
        items = [_json_value(v) for v in list(value)[:MAX_DRAFT_ITEMS]]
        return items if any(v is not None for v in items) else None
    return None


def widget_value(question: Question, stored: object) -> object:
    """A draft's stored value as the question's widget takes it, or None when it no longer fits
    (the questionnaire was edited since the draft was saved)."""
    kind = question.type
    if kind is QuestionType.DATE:
        try:
            return dt.date.fromisoformat(stored) if isinstance(stored, str) else None
        except ValueError:
            return None
    if kind in CHOICE_TYPES:
        allowed = {c.value for c in question.choices} | ({OTHER} if question.allow_other else set())
        if kind is QuestionType.SINGLE_CHOICE:
            return stored if isinstance(stored, str) and stored in allowed else None
        kept = [v for v in stored if v in allowed] if isinstance(stored, list) else []
        return kept or None
    if kind is QuestionType.SUS:
        return None  # restored item by item with `scale_value`
    if question.scale() is not None:
        return scale_value(question, stored)
    return stored if isinstance(stored, str) else None


def scale_value(question: Question, stored: object) -> int | None:
    """A stored rating (or SUS item) if it is a whole number on the question's scale."""
    low, high = question.scale() or (0, -1)
    if isinstance(stored, int) and not isinstance(stored, bool) and low <= stored <= high:
        return stored
    return None
