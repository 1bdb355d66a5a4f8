"""The weekly review: this iteration beside the last, with intervals, and the trend across weeks."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from prototypes.comparison_text import plain_language
from prototypes.repository_metrics import data_fingerprint, iteration_data
from prototypes.review import IterationSummary, WeeklyReview, build_review, trend_rows
from ui.context import choose_context, iteration_label
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(N_("Weekly review"), ":material/monitoring:", "review", order=10, default=True)


@st.cache_data(show_spinner=False, max_entries=32)
def _review(prototype_id: int, fingerprint: tuple) -> WeeklyReview:
    with database().read() as session:
        return build_review(iteration_data(session, prototype_id))


def load_review(prototype_id: int) -> WeeklyReview:
    with database().read() as session:
        fingerprint = data_fingerprint(session, prototype_id)
    return _review(prototype_id, fingerprint)


def _interval(low: float | None, high: float | None, scale: float = 1.0, digits: int = 0) -> str:
    if low is None or high is None:
        return "—"
    return f"{low * scale:.{digits}f}–{high * scale:.{digits}f}"


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _metric_row(now: IterationSummary, before: IterationSummary | None) -> None:
    cols = st.columns(4)
    cols[0].metric(
        _("Responses"),
        now.responses,
        delta=_difference(now.responses, before.responses if before else None),
    )
    sus_delta = _difference(now.sus.mean, before.sus.mean if before else None)
    cols[1].metric(
        _("SUS mean"),
        "—" if now.sus.mean is None else f"{now.sus.mean:.1f}",
        delta=None if sus_delta is None else f"{sus_delta:+.1f}",
        help=_("95% interval: {interval}").format(interval=_interval(now.sus.low, now.sus.high)),
    )
    p_now = now.completion.p
    p_before = before.completion.p if before else None
    completion_delta = _difference(p_now, p_before)
    cols[2].metric(
        _("Task completion"),
        "—" if p_now is None else f"{100 * p_now:.0f}%",
        delta=None if completion_delta is None else f"{100 * completion_delta:+.0f} pp",
        help=_("95% interval: {interval}").format(
            interval=_interval(now.completion.low, now.completion.high, 100)
        ),
    )
    cols[3].metric(
        _("SUS grade"),
        now.grade.grade if now.grade else "—",
        help=_("Sauro–Lewis curved grading scale"),
    )


def _table(review: WeeklyReview) -> pd.DataFrame:
    rows = []
    for s in review.summaries:
        rows.append(
            {
                _("Iteration"): iteration_label(s.iteration),
                _("Responses"): s.responses,
                _("Interviews"): s.sessions,
                _("SUS mean"): None if s.sus.mean is None else round(s.sus.mean, 1),
                _("SUS 95% interval"): _interval(s.sus.low, s.sus.high),
                _("Task completion"): (
                    None if s.completion.p is None else round(100 * s.completion.p)
                ),
                _("Completion 95% interval"): _interval(s.completion.low, s.completion.high, 100),
            }
        )
    return pd.DataFrame(rows)


def trend_chart(review: WeeklyReview) -> alt.LayerChart | None:
    rows = trend_rows(review)
    if not rows:
        return None
    names = {"sus": _("SUS mean"), "completion": _("Task completion (%)")}
    frame = pd.DataFrame(rows)
    frame["metric"] = frame["metric"].map(names)
    base = alt.Chart(frame).encode(
        x=alt.X("week:O", title=_("Week"), axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "metric:N",
            title=None,
            legend=alt.Legend(orient="bottom"),
            scale=alt.Scale(range=["#0b5cab", "#d9730d"]),
        ),
    )
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("low:Q", title="0–100", scale=alt.Scale(domain=[0, 100])), y2="high:Q"
    )
    line = base.mark_line(point=True).encode(
        y="value:Q",
        tooltip=[
            alt.Tooltip("week:O", title=_("Week")),
            alt.Tooltip("metric:N", title=_("Metric")),
            alt.Tooltip("value:Q", title=_("Value"), format=".1f"),
            alt.Tooltip("low:Q", title=_("Lower bound"), format=".1f"),
            alt.Tooltip("high:Q", title=_("Upper bound"), format=".1f"),
        ],
    )
    return (band + line).properties(height=280)


def render() -> None:
    st.title(_("Weekly review"))
    context = choose_context()
    if context is None:
        return
    review = load_review(context.prototype.id)
    now = review.summary(context.iteration.id)
    before = review.summary(context.previous.id) if context.previous else None
    st.subheader(context.prototype.name(current()))
    st.caption(
        iteration_label(context.iteration)
        + (
            " · " + _("compared with {previous}").format(previous=iteration_label(context.previous))
            if context.previous
            else ""
        )
    )
    _metric_row(now, before)
    if context.iteration.change_log:
        with st.expander(_("What changed in this iteration")):
            st.text(context.iteration.change_log)
    comparisons = review.comparisons.get(context.iteration.id, ())
    if comparisons:
        st.markdown("#### " + _("Against the previous iteration"))
        for comparison in comparisons:
            st.markdown("- " + plain_language(comparison, current()))
    st.markdown("#### " + _("All iterations"))
    st.dataframe(_table(review), hide_index=True, width="stretch")
    chart = trend_chart(review)
    if chart is not None:
        st.markdown("#### " + _("Trend"))
        st.altair_chart(chart, width="stretch")
