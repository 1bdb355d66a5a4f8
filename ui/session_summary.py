"""One logged session at a glance: who, when, each task's result, the observations, transcripts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from prototypes.repository import journey_steps, prototypes, tasks
from research.interviews import format_duration
from research.repository_drafts import draft_for_session
from research.repository_sessions import delete_session, session_detail
from research.repository_transcripts import transcripts_of_session
from ui import state
from ui.database import database
from ui.lang import _, current
from ui.session_labels import (
    actor,
    kind_names,
    outcome_names,
    participant_kind_names,
    segment_label,
)
from ui.session_saving import open_draft


def render_summary(session_id: int, prototype_id: int) -> None:
    lang = current()
    try:
        with database().read() as session:
            detail = session_detail(session, session_id)
            script = {t.id: t for t in tasks(session, detail.iteration_id)}
            proto = next((p for p in prototypes(session) if p.id == prototype_id), None)
            steps = {s.id: s for s in journey_steps(session, proto.life_event_id)} if proto else {}
            transcripts = transcripts_of_session(session, session_id)
    except UserError as err:
        st.info(err.render(lang))
        return
    kinds = participant_kind_names()
    with st.container(border=True):
        st.markdown(
            "#### "
            + _("Session with {code}").format(code=detail.participant_code)
            + f" · {kinds.get(detail.participant_kind, detail.participant_kind)}"
        )
        facts = [detail.held_at.strftime("%Y-%m-%d %H:%M")]
        if detail.researcher:
            facts.append(_("researcher: {name}").format(name=detail.researcher))
        facts += [f"{segment_label(k)}: {v}" for k, v in detail.segment.items() if v]
        st.caption(" · ".join(facts))
        outcomes = outcome_names()
        if detail.results:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            _("Task"): script[r.task_id].title(lang) if r.task_id in script else "",
                            _("Outcome"): outcomes.get(r.outcome, r.outcome),
                            _("Time"): format_duration(r.seconds),
                            _("SEQ"): r.seq or "",
                            _("Errors"): r.errors,
                            _("Note"): r.note,
                        }
                        for r in detail.results
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        observation_kinds = kind_names()
        if detail.observations:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            _("Kind"): observation_kinds.get(o.kind, o.kind),
                            _("What happened"): o.text,
                            _("Severity"): o.severity or "",
                            _("Journey step"): steps[o.journey_step_id].name(lang)
                            if o.journey_step_id in steps
                            else "",
                            _("Tags"): ", ".join(o.tags),
                        }
                        for o in detail.observations
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        if detail.notes:
            st.markdown("**" + _("Session notes") + "**")
            st.text(detail.notes)
        if transcripts:
            st.caption(
                _("Transcripts: {names}").format(
                    names=", ".join(f"{t.title or t.format} ({t.turns})" for t in transcripts)
                )
            )
        c1, c2 = st.columns([1, 3])
        if c1.button(_("Edit this session"), icon=":material/edit:", key="sessions.edit"):
            with database().write() as session:
                draft = draft_for_session(session, session_id, actor()[0])
            open_draft(draft.key)
            st.rerun()
        with c2.popover(_("Delete this session"), icon=":material/delete:"):
            st.caption(
                _("The session, its task results, observations and transcripts are deleted.")
            )
            if st.button(_("Delete"), type="primary", key="sessions.delete"):
                try:
                    with database().write() as session:
                        delete_session(session, session_id, detail.version)
                except UserError as err:
                    st.error(err.render(lang))
                    return
                st.session_state.pop(state.SESSION_SELECTED, None)
                st.rerun()
