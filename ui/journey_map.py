"""The journey map: a life event's steps side by side, with the pain points observed at each.

Each step is a card (channel, owner, documents, fee, typical time) in a horizontal row that wraps
on a narrow screen; a badge on the card gives the number of pain points and the worst severity.
Below, a stacked bar per step shows the pain points by severity. Text the team typed is shown
as escaped Markdown: never as HTML.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from prototypes.repository import StepInfo
from prototypes.repository_journeys import StepPain
from ui.lang import _

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
CARD_WIDTH = 210
SEVERITY_COLORS = {1: "#9aa5b1", 2: "#f2c94c", 3: "#f2994a", 4: "#d64545"}
CHANNEL_ICONS = {
    "online": ":material/language:",
    "counter": ":material/storefront:",
    "phone": ":material/call:",
    "post": ":material/mail:",
}


def md(text: str) -> str:
    """Text a person typed, escaped so Markdown shows it literally (no links, images or maths)."""
    return _MARKDOWN.sub(r"\\\1", text.replace("\n", " "))


def channel_names() -> dict[str, str]:
    return {
        "online": _("Online"),
        "counter": _("Counter"),
        "phone": _("Phone"),
        "post": _("Post"),
    }


def severity_names() -> dict[int, str]:
    return {1: _("1 · cosmetic"), 2: _("2 · minor"), 3: _("3 · major"), 4: _("4 · blocker")}


def _badge(pain: StepPain | None) -> None:
    if pain is None or pain.count == 0:
        st.badge(_("no pain points"), icon=":material/check:", color="green")
        return
    color = {4: "red", 3: "orange", 2: "yellow"}.get(pain.worst or 0, "gray")
    with st.container(horizontal=True, gap="small"):
        st.badge(
            _("{count} pain points").format(count=pain.count),
            icon=":material/warning:",
            color=color,
        )
        if pain.worst:
            st.badge(_("worst {worst}").format(worst=pain.worst), color=color)


def _card(step: StepInfo, number: int, pain: StepPain | None, lang: str, show_pain: bool) -> None:
    with st.container(border=True, width=CARD_WIDTH, height="stretch"):
        st.markdown(f"**{number}. {md(step.name(lang))}**")
        st.caption(f"{CHANNEL_ICONS.get(step.channel, '')} {channel_names().get(step.channel, '')}")
        if step.owner:
            st.caption(f":material/account_balance: {md(step.owner)}")
        if step.documents:
            st.caption(f":material/description: {md(step.documents)}")
        facts = " · ".join(md(x) for x in (step.fee, step.typical_time) if x)
        if facts:
            st.caption(f":material/schedule: {facts}")
        if show_pain:
            _badge(pain)


def journey_map(
    steps: list[StepInfo], pains: dict[int, StepPain], lang: str, show_pain: bool = True
) -> None:
    """The steps as cards in a row, in journey order."""
    if not steps:
        st.info(_("This journey has no steps yet. Add the first one under “Edit the journey”."))
        return
    with st.container(horizontal=True, wrap=False, gap="small", key="journey_map"):
        for number, step in enumerate(steps, start=1):
            _card(step, number, pains.get(step.id), lang, show_pain)


def pain_chart(steps: list[StepInfo], pains: dict[int, StepPain], lang: str) -> None:
    """Pain points per step as stacked bars by severity, steps in journey order."""
    names = severity_names()
    rows = [
        {
            "step": f"{number}. {step.name(lang)}",
            "order": number,
            "severity": names[severity],
            "level": severity,
            "count": count,
        }
        for number, step in enumerate(steps, start=1)
        for severity, count in (pains[step.id].by_severity if step.id in pains else {}).items()
    ]
    if not rows:
        return
    frame = pd.DataFrame(rows)
    order = [f"{n}. {s.name(lang)}" for n, s in enumerate(steps, start=1)]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35, labelLimit=150)
            ),
            y=alt.Y("count:Q", title=_("Pain points"), stack=True),
            color=alt.Color(
                "severity:N",
                title=_("Severity"),
                legend=alt.Legend(orient="bottom", columns=2),
                scale=alt.Scale(
                    domain=[names[k] for k in sorted(names)],
                    range=[SEVERITY_COLORS[k] for k in sorted(names)],
                ),
            ),
            order=alt.Order("level:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("step:N", title=_("Step")),
                alt.Tooltip("severity:N", title=_("Severity")),
                alt.Tooltip("count:Q", title=_("Pain points")),
            ],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")
