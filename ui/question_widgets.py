"""One input widget per question type, as a citizen sees it. Returns the raw value to validate.

Labels come from the questionnaire (written by researchers), never from citizens' answers; they are
shown as plain markdown, never as HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from surveys.answers import OTHER
from surveys.definition import (
    AGREEMENT_5,
    NPS_ANCHORS,
    SCALES,
    SEQ_ANCHORS,
    Question,
    QuestionType,
    label_in,
)
from ui import state
from ui.lang import _


def _scale_caption(low_label: str, high_label: str, low: int, high: int) -> str:
    return f"{low} = {low_label} · {high} = {high_label}"


def _rating(question: Question, lang: str, label: str, key: str, anchors: tuple[str, str]):
    low, high = SCALES[question.type]
    return st.radio(
        label,
        options=list(range(low, high + 1)),
        index=None,
        horizontal=True,
        key=key,
    ), _scale_caption(anchors[0], anchors[1], low, high)


KeyOf = Callable[..., str]


def _sus(question: Question, lang: str, error: str | None, key_of: KeyOf) -> list[int | None]:
    st.markdown(f"**{label_in(question.labels, lang)}**" + (" \\*" if question.required else ""))
    anchors = AGREEMENT_5.get(lang, AGREEMENT_5["en"])
    st.caption(_scale_caption(anchors[0], anchors[-1], 1, 5))
    values = []
    for i, statement in enumerate(question.item_labels(lang), start=1):
        values.append(
            st.radio(
                f"{i}. {statement}",
                options=[1, 2, 3, 4, 5],
                index=None,
                horizontal=True,
                key=key_of(question.name, i),
            )
        )
    if error:
        st.error(error)
    return values


def render_question(
    question: Question,
    lang: str,
    error: str | None = None,
    *,
    key_of: KeyOf = state.public_answer,
    other_key_of: KeyOf = state.public_other,
) -> object:
    """Draw the widget of one question and return what the citizen entered.

    `key_of(name, item=None)` and `other_key_of(name)` name the widgets' session-state keys (the
    builder's preview uses its own, so that it never touches a citizen's answers).
    """
    kind = question.type
    if kind is QuestionType.NOTE:
        st.markdown(label_in(question.labels, lang))
        return None
    if kind is QuestionType.SUS:
        return _sus(question, lang, error, key_of)
    label = label_in(question.labels, lang) + (" \\*" if question.required else "")
    hint = label_in(question.hints, lang) or None
    key = key_of(question.name)
    value: object
    if kind is QuestionType.SHORT_TEXT:
        value = st.text_input(label, max_chars=question.text_limit(), key=key)
    elif kind is QuestionType.LONG_TEXT:
        value = st.text_area(label, max_chars=question.text_limit(), key=key, height=100)
    elif kind in (QuestionType.SEQ, QuestionType.NPS, QuestionType.LIKERT7, QuestionType.LIKERT5):
        anchors = {QuestionType.SEQ: SEQ_ANCHORS, QuestionType.NPS: NPS_ANCHORS}.get(kind)
        agreement = AGREEMENT_5.get(lang, AGREEMENT_5["en"])
        pair = anchors.get(lang, anchors["en"]) if anchors else (agreement[0], agreement[-1])
        value, caption = _rating(question, lang, label, key, pair)
        st.caption(caption)
    elif kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        options = [c.value for c in question.choices]
        names = {c.value: label_in(c.labels, lang) for c in question.choices}
        if question.allow_other:
            options.append(OTHER)
            names[OTHER] = _("Other")
        if kind is QuestionType.SINGLE_CHOICE:
            value = st.radio(label, options, index=None, format_func=names.get, key=key)
        else:
            # toggle buttons in a labelled toolbar: big tap targets, no keyboard popping up
            value = st.pills(label, options, selection_mode="multi", format_func=names.get, key=key)
        if question.allow_other:
            st.text_input(_("If other, what?"), max_chars=200, key=other_key_of(question.name))
    elif kind is QuestionType.NUMBER:
        value = st.text_input(label, max_chars=30, key=key)
    elif kind is QuestionType.DATE:
        value = st.date_input(
            label,
            value=None,
            min_value=dt.date(1900, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="DD.MM.YYYY",
            key=key,
        )
    else:
        raise ValueError(f"no widget for {kind!r}")
    if hint:
        st.caption(hint)
    if error:
        st.error(error)
    return value
