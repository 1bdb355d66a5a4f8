"""The review's charts as Altair specs, shared by the page and the PDF report.

Every label is translated here (`lang` "bg" or "en"), so the same spec renders in the browser and,
through vl-convert, as a PNG in the report.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from i18n import N_, translate
from prototypes.review import ReviewBundle, WeeklyReview, task_trend_rows, trend_rows
from prototypes.review_parts import SEVERITY_NAMES, HeatCell, heatmap_cells

BLUE, ORANGE = "#0b5cab", "#d9730d"


def spec(chart) -> dict | None:
    """The chart as a Vega-Lite dict (None for no chart), for caching and `st.vega_lite_chart`.

    Not validated against the schema here, which takes longer than building the chart; the tests
    validate every chart.
    """
    return None if chart is None else chart.to_dict(validate=False)


def _t(message: str, lang: str) -> str:
    return translate(message, lang)


def trend_chart(review: WeeklyReview, lang: str, width: int | str = "container"):
    """Mean SUS and task completion (%) per week, each with its 95% interval as a band."""
    rows = trend_rows(review)
    if not rows:
        return None
    names = {"sus": _t(N_("SUS mean"), lang), "completion": _t(N_("Task completion (%)"), lang)}
    frame = pd.DataFrame(rows)
    frame["metric"] = frame["metric"].map(names)
    week = _t(N_("Week"), lang)
    base = alt.Chart(frame).encode(
        x=alt.X("week:O", title=week, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
        color=alt.Color(
            "metric:N",
            title=None,
            legend=alt.Legend(orient="bottom", symbolOpacity=1, symbolType="circle"),
            scale=alt.Scale(domain=list(names.values()), range=[BLUE, ORANGE]),
        ),
    )
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("low:Q", title="0–100", scale=alt.Scale(domain=[0, 100])),
        y2="high:Q",
    )
    line = base.mark_line(point=True).encode(
        y="value:Q",
        tooltip=[
            alt.Tooltip("week:O", title=week),
            alt.Tooltip("metric:N", title=_t(N_("Metric"), lang)),
            alt.Tooltip("value:Q", title=_t(N_("Value"), lang), format=".1f"),
            alt.Tooltip("low:Q", title=_t(N_("Lower bound"), lang), format=".1f"),
            alt.Tooltip("high:Q", title=_t(N_("Upper bound"), lang), format=".1f"),
            alt.Tooltip("n:Q", title="n"),
        ],
    )
    return (band + line).properties(height=260, width=width)


def task_chart(review: WeeklyReview, lang: str, width: int | str = "container"):
    """Completion of each task (matched by key) per week; hover for the interval and the time."""
    rows = task_trend_rows(review, lang)
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame["label"] = frame["task"] + " · " + frame["title"]
    week = _t(N_("Week"), lang)
    base = alt.Chart(frame).encode(
        x=alt.X("week:O", title=week, axis=alt.Axis(labelAngle=0)),
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
    )
    hover = alt.selection_point(fields=["label"], on="pointerover", clear="pointerout")
    lines = base.mark_line(point=True).encode(
        y=alt.Y(
            "completion:Q",
            title=_t(N_("Task completion (%)"), lang),
            scale=alt.Scale(domain=[0, 100]),
        ),
        opacity=alt.condition(hover, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("week:O", title=week),
            alt.Tooltip("label:N", title=_t(N_("Task"), lang)),
            alt.Tooltip("completion:Q", title=_t(N_("Completion (%)"), lang), format=".0f"),
            alt.Tooltip("low:Q", title=_t(N_("Lower bound"), lang), format=".0f"),
            alt.Tooltip("high:Q", title=_t(N_("Upper bound"), lang), format=".0f"),
            alt.Tooltip("attempts:Q", title=_t(N_("Attempts"), lang)),
            alt.Tooltip("time:Q", title=_t(N_("Time on task (s)"), lang), format=".0f"),
        ],
    )
    return lines.add_params(hover).properties(height=260, width=width)


def heatmap_chart(cells: Sequence[HeatCell], lang: str, width: int | str = "container"):
    """Pain points of the iteration: journey steps (rows) × severity (columns), counts in cells."""
    if not cells or not any(c.count for c in cells):
        return None
    severity_title = _t(N_("Severity"), lang)
    step_title = _t(N_("Journey step"), lang)
    frame = pd.DataFrame(
        [
            {
                "step": f"{c.step_position:02d}. {c.step_name(lang)}"
                if c.step_key is not None
                else c.step_name(lang),
                "position": c.step_position,
                "level": c.severity,
                "severity": f"{c.severity} · {_t(SEVERITY_NAMES[c.severity], lang)}",
                "count": c.count,
                "previous": c.previous if c.previous is not None else "—",
            }
            for c in cells
        ]
    )
    order = list(dict.fromkeys(frame.sort_values("position")["step"]))
    base = alt.Chart(frame).encode(
        x=alt.X(
            "level:O",
            title=severity_title
            + " (1 "
            + _t(SEVERITY_NAMES[1], lang)
            + " … 4 "
            + _t(SEVERITY_NAMES[4], lang)
            + ")",
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y("step:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
    )
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "count:Q",
            scale=alt.Scale(scheme="oranges", domainMin=0),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("step:N", title=step_title),
            alt.Tooltip("severity:O", title=severity_title),
            alt.Tooltip("count:Q", title=_t(N_("This iteration"), lang)),
            alt.Tooltip("previous:N", title=_t(N_("Previous iteration"), lang)),
        ],
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("count:Q"),
        color=alt.condition("datum.count >= 3", alt.value("white"), alt.value("#333")),
    )
    return (heat + labels).properties(height=max(120, 34 * len(order)), width=width)


def review_charts(bundle: ReviewBundle, iteration_id: int, lang: str) -> dict[str, dict | None]:
    """The review page's three charts as Vega-Lite dicts: "heatmap", "trend" and "tasks"."""
    now = bundle.review.summary(iteration_id)
    before = bundle.review.previous(iteration_id)
    cells = heatmap_cells(
        bundle.steps,
        now.pain_points if now is not None else {},
        before.pain_points if before is not None else None,
    )
    return {
        "heatmap": spec(heatmap_chart(cells, lang)),
        "trend": spec(trend_chart(bundle.review, lang)),
        "tasks": spec(task_chart(bundle.review, lang)),
    }
