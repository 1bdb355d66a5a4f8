"""Curation on the themes page: a dialog to rename, pin, merge, split a theme or move its
feedback, and a form to place feedback that is in no theme. Every change survives re-analysis."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from i18n import UserError
from prototypes.repository_feedback import FeedbackItem
from prototypes.repository_theme_board import ThemeBoard
from prototypes.repository_theme_curation import (
    merge_themes,
    move_feedback,
    pin_theme,
    rename_theme,
    split_theme,
)
from prototypes.theme_views import quote
from ui import state
from ui.database import database
from ui.lang import _, current
from ui.session_redaction import escape

LABEL_CHARS = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _apply(change: Callable, done: str) -> None:
    """Run one curation change in a write transaction, then show `done` and reload the page."""
    try:
        with database().write() as session:
            change(session)
    except UserError as err:
        st.error(err.render(current()))
        return
    st.session_state[state.ANALYSIS_FLASH] = done
    st.rerun()


def _theme_names(board: ThemeBoard, present: set[int]) -> dict[int, str]:
    """Themes of this iteration first (by name), then those of other weeks."""
    order = sorted(board.themes.values(), key=lambda t: (t.id not in present, t.label.casefold()))
    return {
        t.id: t.label if t.id in present else _("{label} (other weeks)").format(label=t.label)
        for t in order
    }


def edit_dialog(
    board: ThemeBoard, items: Sequence[FeedbackItem], theme_id: int, actor: str
) -> None:
    theme = board.themes.get(theme_id)
    if theme is None:
        return

    @st.dialog(_("Edit theme"), width="large")
    def dialog() -> None:
        members = {k for k in board.members(theme_id)}
        mine = [i for i in items if i.key in members]
        by_key = {i.key: i for i in mine}
        names = _theme_names(board, set(p.theme_id for p in board.placements.values()))
        others = {k: v for k, v in names.items() if k != theme_id}
        with st.form("analysis.rename"):
            label = st.text_input(_("Name"), value=theme.label, max_chars=200)
            if st.form_submit_button(_("Save the name"), type="primary"):
                _apply(
                    lambda s: rename_theme(s, theme_id, label, actor=actor),
                    _("The theme was renamed."),
                )
        left, right = st.columns(2)
        if theme.label_edited and left.button(_("Use the analysis' name")):
            _apply(lambda s: rename_theme(s, theme_id, None, actor=actor), _("Name restored."))
        pin_label = _("Unpin") if theme.pinned else _("Pin")
        if right.button(pin_label, icon=":material/push_pin:"):
            _apply(
                lambda s: pin_theme(s, theme_id, not theme.pinned, actor=actor),
                _("Unpinned.") if theme.pinned else _("Pinned: the theme stays when re-analysed."),
            )
        st.divider()
        _move_form(
            "analysis.move", by_key, others, actor, _("Move"), _("Move feedback to another theme")
        )
        with st.form("analysis.split"):
            st.markdown("**" + _("Split off a new theme") + "**")
            picked = st.multiselect(
                _("Feedback for the new theme"),
                list(by_key),
                format_func=lambda k: _short(by_key[k].text),
                placeholder=_("Choose feedback"),
            )
            name = st.text_input(_("Name of the new theme"), max_chars=200)
            if st.form_submit_button(_("Split off")):
                _apply(
                    lambda s: split_theme(
                        s, theme_id, board.iteration_id, picked, name, actor=actor
                    ),
                    _("A new theme was split off."),
                )
        with st.form("analysis.merge"):
            st.markdown("**" + _("Merge into another theme") + "**")
            into = st.selectbox(
                _("Theme to merge into"), list(others), format_func=others.get, index=None
            )
            st.caption(_("All weeks' feedback of this theme moves there; its name is kept."))
            if st.form_submit_button(_("Merge")):
                if into is None:
                    st.error(_("Choose the theme to merge into."))
                else:
                    _apply(
                        lambda s: merge_themes(s, theme_id, into, actor=actor),
                        _("The themes were merged."),
                    )

    dialog()


def place_loose(
    board: ThemeBoard, loose: Sequence[FeedbackItem], actor: str, editable: bool
) -> None:
    """Feedback in no theme (no content word, or arrived since): listed, and placeable by hand."""
    if not loose:
        return
    with st.expander(_("In no theme ({n})").format(n=len(loose))):
        for item in loose[:50]:
            st.markdown("- " + (escape(quote(item.text)) or "—"))
        if len(loose) > 50:
            st.caption(_("… and {n} more.").format(n=len(loose) - 50))
        if not editable or not board.themes:
            return
        by_key = {i.key: i for i in loose}
        present = {p.theme_id for p in board.placements.values()}
        names = _theme_names(board, present)
        _move_form("analysis.place", by_key, names, actor, _("Place"))


def _move_form(
    key: str,
    by_key: dict[str, FeedbackItem],
    themes: dict[int, str],
    actor: str,
    button: str,
    heading: str | None = None,
) -> None:
    """A form that moves the chosen feedback into one of `themes` (id → name)."""
    with st.form(key):
        if heading:
            st.markdown("**" + heading + "**")
        chosen = st.multiselect(
            _("Feedback"),
            list(by_key),
            format_func=lambda k: _short(by_key[k].text),
            placeholder=_("Choose feedback"),
        )
        target = st.selectbox(_("Into the theme"), list(themes), format_func=themes.get, index=None)
        if st.form_submit_button(button):
            if not chosen or target is None:
                st.error(_("Choose the feedback and the theme to move it to."))
            else:
                _apply(
                    lambda s: [move_feedback(s, k, target, actor=actor) for k in chosen],
                    _("Feedback moved: {n}.").format(n=len(chosen)),
                )
