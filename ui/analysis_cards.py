"""Themes as cards: name, movement, counts and quotes, and the feedback behind them.

Everything citizens or researchers wrote is shown literally: quotes go through `escape` into
markdown (no links, images or formatting) and the full feedback into a data frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from prototypes.repository import StepInfo
from prototypes.repository_feedback import FeedbackItem
from prototypes.review_parts import MOVEMENT_NAMES
from prototypes.theme_views import (
    SENTIMENT_NAMES,
    SOURCE_NAMES,
    STANCE_NAMES,
    BoardView,
    ThemeCard,
)
from ui import state
from ui.lang import _, current
from ui.session_redaction import escape

#: badge colour of each movement
MOVEMENT_COLOURS = {
    "new": "blue",
    "growing": "orange",
    "recurring": "gray",
    "fading": "green",
    "gone": "violet",
}


def _edit(theme_id: int) -> None:
    st.session_state[state.ANALYSIS_EDIT] = theme_id


def feedback_frame(items: Sequence[FeedbackItem], steps: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("Feedback"): i.text,
                _("Source"): _(SOURCE_NAMES[i.source]),
                _("Journey step"): steps.get(i.step_key or "", ""),
                _("Language"): i.language,
                _("Sentiment"): _(SENTIMENT_NAMES.get(i.sentiment, i.sentiment)),
            }
            for i in items
        ]
    )


def _badges(card: ThemeCard) -> str:
    parts = []
    if card.move is not None:
        colour = MOVEMENT_COLOURS[card.move.status]
        parts.append(f":{colour}-badge[{_(MOVEMENT_NAMES[card.move.status])}]")
    if card.theme.stance:
        icon = "thumb_up" if card.theme.stance == "positive" else "report"
        parts.append(f":gray-badge[:material/{icon}: {_(STANCE_NAMES[card.theme.stance])}]")
    if card.theme.pinned:
        parts.append(f":red-badge[:material/push_pin: {_('pinned')}]")
    return " ".join(parts)


def _counts(card: ThemeCard) -> str:
    shown = len(card.items)
    parts = [
        _("Feedback: {n}").format(n=shown)
        if shown == card.total
        else _("Feedback: {shown} of {total}").format(shown=shown, total=card.total)
    ]
    if card.move is not None and card.move.status != "new":
        parts.append(_("last week: {n}").format(n=card.move.previous))
    answers, observations = card.sources.get("answer", 0), card.sources.get("observation", 0)
    if answers and observations:
        parts.append(
            _("answers: {answers}, observations: {observations}").format(
                answers=answers, observations=observations
            )
        )
    if card.negative_share is not None:
        parts.append(_("negative: {share}%").format(share=round(100 * card.negative_share)))
    if card.languages:
        total = sum(card.languages.values())
        parts.append(
            " ".join(
                f"{lang} {round(100 * n / total)}%"
                for lang, n in sorted(card.languages.items(), key=lambda x: -x[1])
            )
        )
    return " · ".join(parts)


def theme_card(card: ThemeCard, steps: dict[str, str], editable: bool) -> None:
    with st.container(border=True):
        head, side = st.columns([5, 1], vertical_alignment="top")
        head.markdown(f"##### {escape(card.theme.label)}")
        badges = _badges(card)
        if badges:
            head.markdown(badges)
        head.caption(_counts(card))
        if card.theme.label_edited and card.theme.auto_label:
            head.caption(_("Found as: {label}").format(label=escape(card.theme.auto_label)))
        if editable:
            side.button(
                _("Edit"),
                key=f"analysis.edit_button.{card.theme.id}",
                icon=":material/edit:",
                on_click=_edit,
                args=(card.theme.id,),
                width="stretch",
            )
        for text in card.quotes:
            st.markdown("> " + escape(text))
        if not card.quotes and card.items:
            st.caption(_("No quote: the observations' participants did not consent to quotes."))
        with st.expander(_("All feedback ({n})").format(n=len(card.items))):
            st.dataframe(feedback_frame(card.items, steps), hide_index=True, width="stretch")


def theme_cards(view: BoardView, steps: Sequence[StepInfo], editable: bool) -> None:
    names = {s.key: s.name(current()) for s in steps}
    if not view.cards:
        st.info(_("No theme matches the filters."))
    for card in view.cards:
        theme_card(card, names, editable)
    if view.gone:
        st.caption(
            _("Gone since last week: {themes}.").format(
                themes="; ".join(escape(m.label) for m in view.gone)
            )
        )
