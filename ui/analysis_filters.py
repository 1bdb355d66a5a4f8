"""The filters of the themes page: source, language, sentiment, journey step and a search."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from prototypes.repository import StepInfo
from prototypes.repository_feedback import FeedbackItem
from prototypes.theme_views import SENTIMENT_NAMES, SOURCE_NAMES, Filters
from ui import state
from ui.lang import N_, _, current

LANGUAGE_NAMES = {"bg": N_("Bulgarian"), "en": N_("English"), "other": N_("other")}


def filters(items: Sequence[FeedbackItem], steps: Sequence[StepInfo]) -> Filters:
    """The filter widgets. Their options stay the same from week to week (a choice kept in the
    session must stay among them), whatever this week's feedback holds."""
    sources = list(SOURCE_NAMES)
    languages = list(LANGUAGE_NAMES)
    step_names = {s.key: f"{s.position}. {s.name(current())}" for s in steps}
    for item in items:  # a step archived since, or one of another journey
        if item.step_key and item.step_key not in step_names:
            step_names[item.step_key] = item.step_key
    options = [None, *step_names]
    _keep_valid(state.ANALYSIS_STEP, options)
    search_col, source_col, language_col, sentiment_col, step_col = st.columns(
        [3, 2, 2, 2, 3], vertical_alignment="bottom"
    )
    search = search_col.text_input(
        _("Search"),
        key=state.ANALYSIS_SEARCH,
        placeholder=_("A word in the feedback or a theme's name"),
        max_chars=100,
    )
    chosen_sources = source_col.multiselect(
        _("Source"),
        sources,
        key=state.ANALYSIS_SOURCES,
        format_func=lambda s: _(SOURCE_NAMES[s]),
        placeholder=_("All"),
    )
    chosen_languages = language_col.multiselect(
        _("Language"),
        languages,
        key=state.ANALYSIS_LANGUAGES,
        format_func=lambda lang: _(LANGUAGE_NAMES[lang]),
        placeholder=_("All"),
    )
    chosen_sentiments = sentiment_col.multiselect(
        _("Sentiment"),
        list(SENTIMENT_NAMES),
        key=state.ANALYSIS_SENTIMENTS,
        format_func=lambda s: _(SENTIMENT_NAMES[s]),
        placeholder=_("All"),
    )
    step = step_col.selectbox(
        _("Journey step"),
        options,
        key=state.ANALYSIS_STEP,
        format_func=lambda k: _("All steps") if k is None else step_names.get(k, k),
        help=_("Only interview observations are noted at a journey step."),
    )
    return Filters(
        tuple(chosen_sources),
        tuple(chosen_languages),
        tuple(chosen_sentiments),
        step if step in step_names else None,
        search or "",
    )


def _keep_valid(key: str, options: list) -> None:
    """Forget a remembered choice that is no longer offered (another prototype's step)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
