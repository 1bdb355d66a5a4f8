"""The themes page's heatmap (themes × journey steps) and its export to Excel."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from prototypes.repository import StepInfo
from prototypes.theme_views import BoardView, export_table, step_counts
from surveys.exports import to_xlsx
from ui.lang import _, current

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def step_heatmap(view: BoardView, steps: Sequence[StepInfo]) -> None:
    """Interview feedback of each theme at each journey step; themes biggest first."""
    counts = step_counts(view.cards)
    if not counts:
        st.info(_("No theme holds interview observations noted at a journey step."))
        return
    lang = current()
    names = {s.key: f"{s.position}. {s.name(lang)}" for s in steps}
    step_order = [names[s.key] for s in steps if any(k[1] == s.key for k in counts)]
    labels = {c.theme.id: c.theme.label for c in view.cards}
    theme_order = list(
        dict.fromkeys(
            labels[c.theme.id] for c in view.cards if any(k[0] == c.theme.id for k in counts)
        )
    )
    frame = pd.DataFrame(
        [
            {
                "theme": labels[theme_id],
                "step": names.get(step_key, step_key),
                "count": n,
            }
            for (theme_id, step_key), n in counts.items()
        ]
    )
    theme_title, step_title, count_title = _("Theme"), _("Journey step"), _("Observations")
    base = alt.Chart(frame).encode(
        x=alt.X(
            "step:N",
            title=step_title,
            sort=step_order,
            axis=alt.Axis(labelAngle=-30, labelLimit=220, labelOverlap=False, orient="top"),
        ),
        y=alt.Y(
            "theme:N",
            title=theme_title,
            sort=theme_order,
            axis=alt.Axis(labelLimit=340, labelOverlap=False),
        ),
    )
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color("count:Q", title=count_title, scale=alt.Scale(scheme="blues", domainMin=0)),
        tooltip=[
            alt.Tooltip("theme:N", title=theme_title),
            alt.Tooltip("step:N", title=step_title),
            alt.Tooltip("count:Q", title=count_title),
        ],
    )
    text = base.mark_text(fontSize=12).encode(
        text="count:Q",
        color=alt.condition("datum.count >= 4", alt.value("white"), alt.value("#333")),
    )
    chart = alt.layer(heat, text).properties(height=alt.Step(30))
    st.altair_chart(chart, width="stretch", height=30 * len(theme_order) + 180)
    st.caption(
        _("Answers to the questionnaire have no journey step: only observations are counted here.")
    )


def export_button(view: BoardView, steps: Sequence[StepInfo], file_name: str) -> None:
    lang = current()
    names = {s.key: s.name(lang) for s in steps}

    def make() -> bytes:
        return to_xlsx(export_table(view, lang, names), _("Themes"))

    st.download_button(
        _("Export to Excel (.xlsx)"),
        data=make,
        file_name=file_name,
        mime=XLSX,
        icon=":material/table_view:",
        on_click="ignore",
        key="analysis.export",
        help=_("The themes shown, with their feedback: one row a piece of feedback."),
    )
