"""The weekly review: this iteration's scorecard beside the last, the trend, and the reports.

The figures are computed once per data fingerprint (`st.cache_data`); theme movement and decisions
are read fresh on every run, since researchers change them without adding data.
"""

from __future__ import annotations

import streamlit as st

from i18n import UserError
from prototypes.reports import FORMATS, build_report, report_filename
from prototypes.reports.charts import review_charts
from prototypes.reports.fonts import report_font
from prototypes.repository_decisions import decisions_of_iteration
from prototypes.repository_metrics import data_fingerprint, theme_counts
from prototypes.review import ReviewBundle, build_scorecard, load_bundle
from storage.db import Database
from ui import review_sections as sections
from ui.context import WorkContext, choose_context, iteration_label
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(N_("Weekly review"), ":material/monitoring:", "review", order=10, default=True)


@st.cache_data(show_spinner=False, max_entries=32)
def _bundle(prototype_id: int, iteration_id: int, fingerprint: tuple) -> ReviewBundle:
    with database().read() as session:
        return load_bundle(session, prototype_id, iteration_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _charts(
    prototype_id: int, iteration_id: int, fingerprint: tuple, lang: str
) -> dict[str, dict | None]:
    """The Vega-Lite specs of the page's charts (building them costs more than drawing them)."""
    bundle = _bundle(prototype_id, iteration_id, fingerprint)
    return review_charts(bundle, iteration_id, lang)


def _maker(db: Database, prototype_id: int, iteration_id: int, fmt: str, lang: str):
    """The report's bytes, made only when the button is pressed (on Streamlit's own thread)."""

    def make() -> bytes:
        with db.read() as session:
            return build_report(session, prototype_id, iteration_id, fmt, lang)

    return make


def _downloads(context: WorkContext) -> None:
    db, lang = database(), current()
    ids = (context.prototype.id, context.iteration.id)
    left, right = st.columns(2)
    left.download_button(
        _("Excel report (.xlsx)"),
        data=_maker(db, *ids, "xlsx", lang),
        file_name=report_filename(context.prototype, context.iteration, "xlsx"),
        mime=FORMATS["xlsx"],
        icon=":material/table_view:",
        on_click="ignore",
        key="review.download_xlsx",
        width="stretch",
    )
    try:
        report_font()
    except UserError as err:
        right.caption(err.render(lang))
        return
    right.download_button(
        _("PDF for the board"),
        data=_maker(db, *ids, "pdf", lang),
        file_name=report_filename(context.prototype, context.iteration, "pdf"),
        mime=FORMATS["pdf"],
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="review.download_pdf",
        width="stretch",
    )


def render() -> None:
    st.title(_("Weekly review"))
    context = choose_context()
    if context is None:
        return
    prototype_id, iteration_id = context.prototype.id, context.iteration.id
    with database().read() as session:
        fingerprint = data_fingerprint(session, prototype_id)
        themes = theme_counts(session, prototype_id)
        decided = decisions_of_iteration(session, iteration_id)
    bundle = _bundle(prototype_id, iteration_id, fingerprint)
    card = build_scorecard(bundle, iteration_id, themes)
    charts = _charts(prototype_id, iteration_id, fingerprint, current())

    head, buttons = st.columns([1, 1], vertical_alignment="bottom")
    head.subheader(context.prototype.name(current()))
    head.caption(
        iteration_label(context.iteration)
        + (
            " · " + _("compared with {previous}").format(previous=iteration_label(context.previous))
            if context.previous
            else ""
        )
    )
    with buttons:
        _downloads(context)
    sections.empty_state(card.current)
    sections.metric_row(card)
    if context.iteration.change_log:
        with st.expander(_("What changed in this iteration")):
            st.text(context.iteration.change_log)
    sections.comparisons(card)
    sections.tasks(card)
    left, right = st.columns([3, 2])
    with left:
        sections.heatmap(charts["heatmap"])
    with right:
        sections.sentiment(card)
        sections.segments(card)
    left, right = st.columns([3, 2])
    with left:
        sections.themes(card)
    with right:
        sections.decisions(decided)
    sections.trends(bundle.review, charts)
