"""Editing a journey: add a step, change what a step says, move it, archive or delete it.

Every action is one domain call in one write transaction; a refusal (a step with observations
cannot be deleted, say) is shown as the domain words it, and nothing changes.
"""

from __future__ import annotations

import streamlit as st

from prototypes.repository import CHANNELS, StepInfo, StepInput, journey_steps
from prototypes.repository_journeys import (
    add_step,
    delete_step,
    move_step,
    set_step_archived,
    step_use,
    update_step,
)
from ui.database import database
from ui.journey_actions import act
from ui.journey_map import channel_names, md
from ui.lang import _, current


def _fields(prefix: str, step: StepInfo | None = None) -> StepInput:
    names = channel_names()
    c1, c2 = st.columns(2)
    name_bg = c1.text_input(
        _("Name (Bulgarian)"), value=step.name_bg if step else "", max_chars=200, key=f"{prefix}.bg"
    )
    name_en = c2.text_input(
        _("Name (English)"), value=step.name_en if step else "", max_chars=200, key=f"{prefix}.en"
    )
    c3, c4 = st.columns(2)
    channel = c3.selectbox(
        _("Channel"),
        CHANNELS,
        index=CHANNELS.index(step.channel) if step else 0,
        format_func=names.get,
        key=f"{prefix}.channel",
    )
    owner = c4.text_input(
        _("Municipal unit or agency"),
        value=step.owner if step else "",
        max_chars=200,
        key=f"{prefix}.owner",
    )
    documents = st.text_area(
        _("Documents needed"),
        value=step.documents if step else "",
        max_chars=5000,
        height=80,
        key=f"{prefix}.documents",
    )
    c5, c6 = st.columns(2)
    fee = c5.text_input(
        _("Fee"), value=step.fee if step else "", max_chars=100, key=f"{prefix}.fee"
    )
    typical = c6.text_input(
        _("Typical time"),
        value=step.typical_time if step else "",
        max_chars=100,
        key=f"{prefix}.time",
    )
    return StepInput(
        step.key if step else "", name_bg, name_en, channel, owner, documents, fee, typical
    )


def add_step_form(life_event_id: int) -> None:
    with st.form(f"life_events.add_step.{life_event_id}", clear_on_submit=True):
        st.markdown("**" + _("Add a step") + "**")
        step = _fields(f"life_events.new_step.{life_event_id}")
        if st.form_submit_button(_("Add the step"), type="primary"):
            act(
                lambda s: add_step(s, life_event_id, step),
                _("Step “{name}” added.").format(name=step.name_bg.strip()),
            )


def _step_editor(step: StepInfo, number: int, count: int) -> None:
    lang = current()
    title = f"{number}. {md(step.name(lang))} · {channel_names().get(step.channel, '')}"
    with st.expander(title):
        with st.form(f"life_events.step.{step.id}"):
            edited = _fields(f"life_events.step.{step.id}", step)
            st.caption(
                _("Key: {key} (stays the same, so tasks keep their step)").format(key=step.key)
            )
            if st.form_submit_button(_("Save the step")):
                act(lambda s: update_step(s, step.id, edited), _("Step saved."))
        cols = st.columns(4)
        if cols[0].button(
            _("Move earlier"),
            key=f"life_events.up.{step.id}",
            disabled=number == 1,
            icon=":material/arrow_back:",
        ):
            act(lambda s: move_step(s, step.id, -1), _("Step moved."))
        if cols[1].button(
            _("Move later"),
            key=f"life_events.down.{step.id}",
            disabled=number == count,
            icon=":material/arrow_forward:",
        ):
            act(lambda s: move_step(s, step.id, 1), _("Step moved."))
        if cols[2].button(
            _("Archive"), key=f"life_events.archive.{step.id}", icon=":material/archive:"
        ):
            act(lambda s: set_step_archived(s, step.id, True), _("Step archived."))
        if cols[3].button(
            _("Delete"), key=f"life_events.delete.{step.id}", icon=":material/delete:"
        ):
            act(lambda s: delete_step(s, step.id), _("Step deleted."))


def _archived_step(step: StepInfo) -> None:
    lang = current()
    with database().read() as session:
        use = step_use(session, step.id)
    cols = st.columns([3, 1, 1])
    cols[0].markdown(
        f"~~{md(step.name(lang))}~~ · "
        + _("{observations} observations, {tasks} tasks").format(
            observations=use.observations, tasks=use.tasks
        )
    )
    if cols[1].button(_("Restore"), key=f"life_events.restore.{step.id}"):
        act(lambda s: set_step_archived(s, step.id, False), _("Step restored."))
    if cols[2].button(_("Delete"), key=f"life_events.delete.{step.id}", disabled=use.used):
        act(lambda s: delete_step(s, step.id), _("Step deleted."))


def journey_editor(life_event_id: int) -> None:
    """The steps in order, each editable in its own expander; archived steps below."""
    with database().read() as session:
        steps = journey_steps(session, life_event_id, with_archived=True)
    active = [s for s in steps if not s.archived]
    st.caption(
        _(
            "Moving a step keeps its tasks and observations; a step with tasks or observations "
            "is archived rather than deleted."
        )
    )
    for number, step in enumerate(active, start=1):
        _step_editor(step, number, len(active))
    add_step_form(life_event_id)
    archived = [s for s in steps if s.archived]
    if archived:
        st.markdown("**" + _("Archived steps") + "**")
        for step in archived:
            _archived_step(step)
