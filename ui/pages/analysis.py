"""Themes in the iteration's feedback: open answers and interview observations, grouped, curated,
followed from week to week.

The feedback (with its language and sentiment) is cached by a fingerprint of the data; themes are
found only when that fingerprint differs from the last analysis' (for researchers, automatically,
with a progress bar), never on a mere rerun. Curation changes are read fresh on every run.
"""

from __future__ import annotations

import streamlit as st

from i18n import UserError
from prototypes.repository import journey_steps
from prototypes.repository_feedback import FeedbackItem, collect_feedback, feedback_fingerprint
from prototypes.repository_theme_board import AnalysisInfo, theme_board, theme_history
from prototypes.repository_themes import analyse_iteration
from prototypes.theme_views import board_view
from ui import analysis_cards, analysis_charts, analysis_curation, analysis_filters, state
from ui.auth import current_user
from ui.context import WorkContext, choose_context, iteration_label
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(N_("Themes"), ":material/bubble_chart:", "themes", order=11)
EDITORS = ("admin", "researcher")
STEPS = {
    "read": N_("Reading the feedback…"),
    "cluster": N_("Grouping it into themes…"),
    "save": N_("Saving the themes…"),
    "done": N_("Done."),
}


@st.cache_data(show_spinner=False, max_entries=16)
def _feedback(iteration_id: int, fingerprint: str) -> list[FeedbackItem]:
    with database().read() as session:
        return collect_feedback(session, iteration_id)


def _analyse(
    context: WorkContext,
    collected: tuple[str, list[FeedbackItem]] | None,
    actor: str,
    *,
    fresh: bool = False,
    n_themes: int | None = None,
) -> AnalysisInfo | None:
    with st.status(_("Finding themes…"), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(step: str, fraction: float) -> None:
            bar.progress(fraction, text=_(STEPS.get(step, step)))

        try:
            info = analyse_iteration(
                database(),
                context.iteration.id,
                n_themes=n_themes,
                fresh=fresh,
                actor=actor,
                collected=collected,
                progress=progress,
            )
        except UserError as err:
            status.update(label=err.render(current()), state="error")
            return None
        status.update(
            label=_("Themes found in {seconds:.1f} s.").format(seconds=info.seconds),
            state="complete",
            expanded=False,
        )
    return info


def _reanalyse_form(context: WorkContext, actor: str) -> None:
    with st.expander(_("Find the themes again")):
        st.caption(
            _(
                "Groups again the feedback the analysis placed itself. Renamed, pinned, split or "
                "merged themes and feedback placed by hand stay as they are."
            )
        )
        with st.form("analysis.again"):
            wanted = st.number_input(
                _("Number of themes (0: chosen from the data)"),
                min_value=0,
                max_value=40,
                value=0,
                step=1,
                key=state.ANALYSIS_THEMES_WANTED,
            )
            again = st.form_submit_button(_("Find the themes again"))
        if again and _analyse(context, None, actor, fresh=True, n_themes=int(wanted) or None):
            st.session_state[state.ANALYSIS_FLASH] = _("The themes were found again.")
            st.rerun()


def _history(prototype_id: int) -> None:
    with database().read() as session:
        edits = theme_history(session, prototype_id, limit=30)
    if not edits:
        st.caption(_("Nobody has curated the themes yet."))
        return
    names = {
        "rename": _("renamed"),
        "pin": _("pinned"),
        "unpin": _("unpinned"),
        "merge": _("merged"),
        "split": _("split"),
        "move": _("moved feedback"),
    }
    rows = [
        {
            _("When"): e.at.strftime("%Y-%m-%d %H:%M"),
            _("Who"): e.actor,
            _("What"): names.get(e.action, e.action),
            _("Details"): " → ".join(
                str(e.detail[k]) for k in ("from", "to", "into") if k in e.detail
            ),
            _("Pieces of feedback"): e.members or None,
        }
        for e in edits
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def render() -> None:
    st.title(_("Themes"))
    context = choose_context()
    if context is None:
        return
    user = current_user()
    editor = user is not None and user.role in EDITORS
    actor = user.username if user else ""
    iteration_id = context.iteration.id
    with database().read() as session:
        fingerprint = feedback_fingerprint(session, iteration_id)
        board = theme_board(session, context.prototype.id, iteration_id)
        steps = journey_steps(session, context.prototype.life_event_id)
    items = _feedback(iteration_id, fingerprint)
    st.caption(iteration_label(context.iteration))
    if not items:
        st.info(_("No open answers or interview observations in this iteration yet."))
        return
    if board.analysis is None or board.analysis.fingerprint != fingerprint:
        if editor:
            if _analyse(context, (fingerprint, items), actor) is not None:
                with database().read() as session:
                    board = theme_board(session, context.prototype.id, iteration_id)
        elif board.analysis is None:
            st.info(_("Nobody has looked for themes in this iteration yet."))
            return
        else:
            st.info(
                _("New feedback arrived since the themes were found; a researcher can update them.")
            )
    flash = st.session_state.pop(state.ANALYSIS_FLASH, None)
    if flash:
        st.success(flash)
    chosen = analysis_filters.filters(items, steps)
    view = board_view(items, board, chosen)
    counts = st.columns(4)
    counts[0].metric(_("Pieces of feedback"), view.shown if chosen.active else view.total)
    counts[1].metric(_("Themes"), len(view.cards))
    counts[2].metric(_("In no theme"), len(view.unplaced))
    new = sum(1 for c in view.cards if c.move and c.move.status == "new")
    counts[3].metric(_("New this week"), new)
    cards_tab, steps_tab, history_tab = st.tabs(
        [_("Themes"), _("By journey step"), _("Curation history")]
    )
    with cards_tab:
        analysis_charts.export_button(view, steps, _file_name(context))
        analysis_cards.theme_cards(view, steps, editor)
        analysis_curation.place_loose(board, view.unplaced, actor, editor)
    with steps_tab:
        analysis_charts.step_heatmap(view, steps)
    with history_tab:
        _history(context.prototype.id)
    if editor:
        _reanalyse_form(context, actor)
        editing = st.session_state.pop(state.ANALYSIS_EDIT, None)
        if editing is not None:
            analysis_curation.edit_dialog(board, items, editing, actor)


def _file_name(context: WorkContext) -> str:
    it = context.iteration
    return f"opit-themes-{context.prototype.slug}-{it.number:02d}-{it.week_label}.xlsx"
