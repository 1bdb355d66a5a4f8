"""Interview sessions of the chosen iteration: the list, and a form to log one with its tasks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from i18n import UserError
from prototypes.repository import journey_steps, tasks
from research.repository import (
    OBSERVATION_KINDS,
    OUTCOMES,
    ObservationInput,
    TaskResultInput,
    add_participant,
    log_session,
    participants,
    sessions_of_iteration,
)
from ui import state
from ui.context import WorkContext, choose_context
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Interviews"),
    ":material/record_voice_over:",
    "interviews",
    order=40,
    roles=("admin", "researcher"),
)


def outcome_names() -> dict[str, str]:
    return {
        "success": _("Success"),
        "partial": _("Partial"),
        "fail": _("Fail"),
        "abandoned": _("Abandoned"),
    }


def kind_names() -> dict[str, str]:
    return {
        "pain_point": _("Pain point"),
        "quote": _("Quote"),
        "idea": _("Idea"),
        "positive": _("Positive"),
    }


def _session_list(context: WorkContext) -> None:
    with database().read() as session:
        rows = sessions_of_iteration(session, context.iteration.id)
    if not rows:
        st.info(_("No interview logged for this iteration yet."))
        return
    frame = pd.DataFrame(rows).rename(
        columns={
            "held_at": _("Held"),
            "participant": _("Participant"),
            "kind": _("Kind"),
            "tasks": _("Tasks"),
            "successes": _("Successes"),
            "observations": _("Observations"),
        }
    )
    st.dataframe(frame.drop(columns=["id"]), hide_index=True, width="stretch")


def _add_participant_form() -> None:
    with st.expander(_("Add a participant")), st.form("sessions.add_participant"):
        kind = st.radio(
            _("Kind"),
            ["citizen", "staff"],
            format_func={"citizen": _("Citizen"), "staff": _("Municipal staff")}.get,
            horizontal=True,
        )
        age = st.selectbox(_("Age band"), ["18–29", "30–44", "45–64", "65+"], index=None)
        district = st.text_input(_("District"), max_chars=60)
        consent = st.checkbox(_("Written consent to take notes was given today"))
        quotes = st.checkbox(_("Consent to quote in reports"))
        if st.form_submit_button(_("Add participant")):
            if not consent:
                st.error(_("Record the participant's consent before logging anything about them."))
                return
            with database().write() as session:
                info = add_participant(
                    session,
                    kind,
                    {"age_band": age or "", "district": district.strip()},
                    consent_on=dt.date.today(),
                    quotes=quotes,
                )
            st.success(_("Participant {code} added.").format(code=info.code))


def _log_form(context: WorkContext) -> None:
    lang = current()
    with database().read() as session:
        script = tasks(session, context.iteration.id)
        steps = journey_steps(session, context.prototype.life_event_id)
        people = [p for p in participants(session) if p.has_consent]
    if not people:
        st.info(_("Add a participant with consent first."))
        return
    step_names = {s.id: s.name(lang) for s in steps}
    with st.form(state.SESSION_FORM):
        participant_id = st.selectbox(
            _("Participant"),
            [p.id for p in people],
            format_func={p.id: f"{p.code} · {p.kind}" for p in people}.get,
        )
        results = []
        for task in script:
            st.markdown(f"**{task.key}. {task.title(lang)}**")
            c1, c2, c3, c4 = st.columns(4)
            outcome = c1.selectbox(
                _("Outcome"), OUTCOMES, format_func=outcome_names().get, key=f"sessions.o.{task.id}"
            )
            seconds = c2.number_input(
                _("Time (s)"),
                min_value=0,
                max_value=6 * 3600,
                value=None,
                key=f"sessions.t.{task.id}",
            )
            seq = c3.selectbox(_("SEQ (1–7)"), range(1, 8), index=None, key=f"sessions.s.{task.id}")
            errors = c4.number_input(
                _("Errors"), min_value=0, max_value=1000, value=0, key=f"sessions.e.{task.id}"
            )
            results.append((task, outcome, seconds, seq, errors))
        st.markdown("**" + _("Observations") + "**")
        edited = st.data_editor(
            pd.DataFrame(
                {
                    "kind": pd.Series(dtype="object"),
                    "step": pd.Series(dtype="object"),
                    "severity": pd.Series(dtype="Int64"),
                    "text": pd.Series(dtype="object"),
                }
            ),
            num_rows="dynamic",
            width="stretch",
            column_config={
                "kind": st.column_config.SelectboxColumn(
                    _("Kind"), options=list(OBSERVATION_KINDS), required=True
                ),
                "step": st.column_config.SelectboxColumn(
                    _("Journey step"), options=list(step_names.values())
                ),
                "severity": st.column_config.SelectboxColumn(
                    _("Severity (1–4)"), options=[1, 2, 3, 4]
                ),
                "text": st.column_config.TextColumn(_("What happened"), max_chars=5000),
            },
            key="sessions.observations",
        )
        notes = st.text_area(_("Session notes"), max_chars=5000)
        submitted = st.form_submit_button(_("Save session"), type="primary")
    if not submitted:
        return
    step_ids = {name: sid for sid, name in step_names.items()}
    observations = [
        ObservationInput(
            kind=row["kind"],
            text=str(row["text"] or ""),
            journey_step_id=step_ids.get(row["step"]),
            severity=None if pd.isna(row["severity"]) else int(row["severity"]),
        )
        for _i, row in edited.iterrows()
        if isinstance(row["kind"], str)
    ]
    try:
        with database().write() as session:
            log_session(
                session,
                context.iteration.id,
                participant_id,
                [
                    TaskResultInput(task.id, outcome, seconds, seq, int(errors))
                    for task, outcome, seconds, seq, errors in results
                ],
                observations,
                notes=notes,
            )
    except UserError as err:
        st.error(err.render(lang))
        return
    st.session_state[state.SESSION_SAVED] = True
    st.rerun()


def render() -> None:
    st.title(_("Interviews"))
    context = choose_context()
    if context is None:
        return
    if st.session_state.pop(state.SESSION_SAVED, False):
        st.success(_("Session saved."))
    _session_list(context)
    st.markdown("#### " + _("Log a session"))
    _add_participant_form()
    _log_form(context)
