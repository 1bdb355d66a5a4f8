"""The sections of the weekly review page: each renders one part of a `Scorecard`, with its own
clear state when there is nothing to show."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prototypes.comparison import Comparison
from prototypes.comparison_text import plain_language
from prototypes.repository_decisions import STATUS_NAMES, DecisionInfo
from prototypes.review import IterationSummary, Scorecard, WeeklyReview
from prototypes.review_parts import MOVEMENT_NAMES, SEGMENT_FIELDS, SEGMENT_NAMES
from prototypes.statistics import Proportion
from ui.context import iteration_label
from ui.lang import _, current


def _interval(low: float | None, high: float | None, scale: float = 1.0, digits: int = 0) -> str:
    if low is None or high is None:
        return "—"
    return f"{low * scale:.{digits}f}–{high * scale:.{digits}f}"


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _share(p: Proportion | None) -> str:
    return "—" if p is None or p.p is None else f"{100 * p.p:.0f}%"


def metric_row(card: Scorecard) -> None:
    now, before = card.current, card.previous
    cols = st.columns(5)
    cols[0].metric(
        _("Responses"),
        now.responses,
        delta=_difference(now.responses, before.responses if before else None),
    )
    cols[1].metric(
        _("Interviews"),
        now.sessions,
        delta=_difference(now.sessions, before.sessions if before else None),
    )
    sus_delta = _difference(now.sus.mean, before.sus.mean if before else None)
    cols[2].metric(
        _("SUS mean"),
        "—" if now.sus.mean is None else f"{now.sus.mean:.1f}",
        delta=None if sus_delta is None else f"{sus_delta:+.1f}",
        help=_("95% interval: {interval}").format(interval=_interval(now.sus.low, now.sus.high))
        + (f" · n = {now.sus.n}" if now.sus.n else ""),
    )
    p_now = now.completion.p
    completion_delta = _difference(p_now, before.completion.p if before else None)
    cols[3].metric(
        _("Task completion"),
        "—" if p_now is None else f"{100 * p_now:.0f}%",
        delta=None if completion_delta is None else f"{100 * completion_delta:+.0f} pp",
        help=_("95% interval: {interval}").format(
            interval=_interval(now.completion.low, now.completion.high, 100)
        )
        + (f" · n = {now.completion.n}" if now.completion.n else ""),
    )
    cols[4].metric(
        _("SUS grade"),
        now.grade.grade if now.grade else "—",
        help=_("Sauro–Lewis curved grading scale")
        + (
            " · "
            + _("percentiles {low}–{high}").format(
                low=now.grade.percentile_low, high=now.grade.percentile_high
            )
            if now.grade
            else ""
        ),
    )
    notes = []
    if now.sus_incomplete:
        notes.append(
            _("{count} responses left SUS items unanswered and were not scored.").format(
                count=now.sus_incomplete
            )
        )
    if now.sus.n == 1 or now.completion.n == 1:
        notes.append(_("With a single answer there is no interval: the spread is unknown."))
    for note in notes:
        st.caption(note)


def comparisons(card: Scorecard) -> None:
    if card.previous is None:
        st.caption(_("This is the first iteration: there is nothing to compare it with yet."))
        return
    if not card.comparisons:
        st.caption(_("Neither iteration measured anything that can be compared."))
        return
    st.markdown("#### " + _("Against the previous iteration"))
    for comparison in card.comparisons:
        st.markdown("- " + plain_language(comparison, current()))


def _verdict(comparison: Comparison | None) -> str:
    names = {
        "better": _("better"),
        "worse": _("worse"),
        "no_change": _("no detectable change"),
        "insufficient_data": _("not enough data"),
    }
    return "—" if comparison is None else names[comparison.verdict]


def tasks(card: Scorecard) -> None:
    st.markdown("#### " + _("Tasks"))
    if not card.current.tasks:
        st.info(_("No task results in this iteration yet."))
        return
    lang = current()
    rows = []
    for row in card.tasks:
        now, before = row.current, row.previous
        rows.append(
            {
                _("Task"): f"{row.key} · {row.title.get(lang) or row.title.get('bg', '')}",
                _("Completion"): (
                    f"{now.completion.successes}/{now.completion.n}"
                    + (f" · {100 * now.completion.p:.0f}%" if now.completion.p is not None else "")
                    if now
                    else _("not in this iteration")
                ),
                _("95% interval"): (
                    _interval(now.completion.low, now.completion.high, 100) if now else "—"
                ),
                _("Previous"): (
                    f"{before.completion.successes}/{before.completion.n}" if before else "—"
                ),
                _("Time on task (s)"): (
                    None
                    if now is None or now.time.geometric_mean is None
                    else round(now.time.geometric_mean)
                ),
                _("Time 95% interval"): _interval(now.time.low, now.time.high) if now else "—",
                _("Previous time (s)"): (
                    None
                    if before is None or before.time.geometric_mean is None
                    else round(before.time.geometric_mean)
                ),
                _("Completion: verdict"): _verdict(row.completion),
                _("Time: verdict"): _verdict(row.time),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    untimed = sum(row.current.untimed for row in card.tasks if row.current)
    if untimed:
        st.caption(
            _(
                "{count} successful attempts had no time recorded (or zero) and are left out of "
                "the times."
            ).format(count=untimed)
        )
    sentences = [
        (row, c) for row in card.tasks for c in (row.completion, row.time) if c is not None
    ]
    if sentences:
        with st.expander(_("Each task against the previous iteration")):
            for row, comparison in sentences:
                st.markdown(f"- **{row.key}** — " + plain_language(comparison, current()))


def heatmap(chart: dict | None) -> None:
    st.markdown("#### " + _("Where in the journey the problems are"))
    if chart is None:
        st.info(_("No pain points were noted in this iteration."))
        return
    st.caption(_("Pain points observed in the interviews, by journey step and severity."))
    st.vega_lite_chart(spec=chart, width="stretch")


def sentiment(card: Scorecard) -> None:
    st.markdown("#### " + _("Sentiment of the open answers"))
    shares = card.sentiment
    if not shares.n:
        st.info(_("No open answers in this iteration yet."))
        return
    before = card.sentiment_previous
    rows = []
    for name, label in (
        ("negative", _("Negative answers")),
        ("neutral", _("Neutral answers")),
        ("positive", _("Positive answers")),
    ):
        p = getattr(shares, name)
        p_before = getattr(before, name) if before is not None and before.n else None
        rows.append(
            {
                _("Sentiment"): label,
                _("This iteration"): _share(p),
                _("95% interval"): _interval(p.low, p.high, 100),
                _("Previous iteration"): _share(p_before),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(_("{count} open answers, scored automatically.").format(count=shares.n))


def themes(card: Scorecard) -> None:
    st.markdown("#### " + _("Theme movement"))
    if not card.themes_found:
        st.info(_("No themes yet for this prototype."))
        return
    if not card.themes:
        st.info(_("No theme has feedback in this iteration or the previous one."))
        return
    rows = [
        {
            _("Theme"): m.label,
            _("Movement"): _(MOVEMENT_NAMES[m.status]),
            _("This iteration"): m.current,
            _("Previous iteration"): m.previous,
            _("Share this iteration (%)"): None if m.share is None else round(100 * m.share, 1),
        }
        for m in card.themes
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def segments(card: Scorecard) -> None:
    st.markdown("#### " + _("Who took part"))
    report = card.segments
    if not report.participants:
        st.info(_("Nobody has been interviewed in this iteration yet."))
        return
    st.caption(
        _("{total} participants: {citizens} citizens, {staff} staff.").format(
            total=report.participants,
            citizens=report.kinds.get("citizen", 0),
            staff=report.kinds.get("staff", 0),
        )
    )
    if report.missing:
        st.warning(
            _("Missing this week: {segment}.").format(
                segment="; ".join(_(s.label) for s in report.missing)
            )
        )
    rows = [
        {_("Segment"): _(SEGMENT_NAMES[name]), _("Value"): value or "—", _("Participants"): n}
        for name in SEGMENT_FIELDS
        for value, n in report.fields.get(name, [])
    ]
    with st.expander(_("Participants by segment")):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def decisions(items: list[DecisionInfo]) -> None:
    st.markdown("#### " + _("Decisions"))
    if not items:
        st.caption(_("No decision recorded yet."))
    for d in items:
        owner = f" — {d.owner}" if d.owner else ""
        st.markdown(f"- {d.title}{owner} · *{_(STATUS_NAMES.get(d.status, d.status))}*")
    st.caption(_("Record and update decisions on the Decisions page."))


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
                _("SUS grade"): s.grade.grade if s.grade else "—",
                _("Task completion"): (
                    None if s.completion.p is None else round(100 * s.completion.p)
                ),
                _("Completion 95% interval"): _interval(s.completion.low, s.completion.high, 100),
            }
        )
    return pd.DataFrame(rows)


def trends(review: WeeklyReview, charts: dict[str, dict | None]) -> None:
    st.markdown("#### " + _("All iterations"))
    st.dataframe(_table(review), hide_index=True, width="stretch")
    if charts.get("trend") is None:
        st.info(_("No figures yet to draw a trend."))
        return
    st.markdown("#### " + _("Trend"))
    left, right = st.columns(2)
    left.caption(_("SUS and task completion, with 95% intervals"))
    left.vega_lite_chart(spec=charts["trend"], width="stretch", height=380)
    if charts.get("tasks") is not None:
        right.caption(_("Completion of each task (hover for details)"))
        right.vega_lite_chart(spec=charts["tasks"], width="stretch", height=380)


def empty_state(now: IterationSummary) -> None:
    if now.empty:
        st.info(
            _(
                "No responses or interviews for this iteration yet. Share the questionnaire link "
                "or log an interview, and the scorecard fills in."
            )
        )
