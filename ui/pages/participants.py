"""Participants: pseudonymous codes, segment attributes, consent and its withdrawal, contact details
kept apart, and erasure. Researchers and admins only: reviewers never see this page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from i18n import UserError
from research.repository import add_participant, participants
from research.repository_participants import retention_overdue, segment_values
from ui import state
from ui.auth import require_page_role
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec
from ui.session_labels import kind_and_segment_filters, participant_kind_names, segment_label
from ui.session_participant import render_detail, segment_inputs

PAGE = PageSpec(
    N_("Participants"),
    ":material/group:",
    "participants",
    order=41,
    roles=("admin", "researcher"),
)


def _add_form(known: dict[str, list[str]]) -> None:
    kinds = participant_kind_names()
    with (
        st.expander(_("Add a participant"), icon=":material/person_add:"),
        st.form("participants.add", clear_on_submit=True),
    ):
        kind = st.radio(_("Kind"), ["citizen", "staff"], format_func=kinds.get, horizontal=True)
        segment = segment_inputs("participants.add", {}, known)
        st.markdown("**" + _("Consent") + "**")
        c1, c2 = st.columns(2)
        consent = c1.checkbox(_("Written consent to take notes was given"))
        given_on = c1.date_input(_("Date of consent"), value=dt.date.today(), format="YYYY-MM-DD")
        until = c2.date_input(
            _("Keep the data until"),
            value=dt.date.today() + dt.timedelta(days=365),
            format="YYYY-MM-DD",
        )
        audio = c1.checkbox(_("Consent to record audio"))
        quotes = c1.checkbox(_("Consent to quote in reports"))
        metrics = c2.checkbox(
            _("Task results may stay, anonymised, after the participant is erased"), value=True
        )
        contact = c2.checkbox(_("Consent to keep contact details"))
        if not st.form_submit_button(_("Add participant"), type="primary"):
            return
    if not consent:
        st.error(_("Record the participant's consent before logging anything about them."))
        return
    try:
        with database().write() as session:
            info = add_participant(
                session,
                kind,
                segment,
                consent_on=given_on,
                retention_until=until,
                audio=audio,
                quotes=quotes,
                metrics=metrics,
                contact=contact,
            )
    except UserError as err:
        st.error(err.render(current()))
        return
    st.session_state[state.PARTICIPANTS_ADDED] = info.code
    st.session_state[state.PARTICIPANTS_SELECTED] = info.id
    st.rerun()


def _filters(known: dict[str, list[str]]) -> dict:
    columns = st.columns(4)
    filters = kind_and_segment_filters(columns, known, "participants")
    consent = columns[3].selectbox(
        _("Consent"),
        [True, False],
        format_func={True: _("valid"), False: _("withdrawn or none")}.get,
        index=None,
        placeholder=_("All"),
        key="participants.filter_consent",
    )
    return {**filters, "with_consent": consent}


def _list(known: dict[str, list[str]]) -> int | None:
    filters = _filters(known)
    with database().read() as session:
        people = participants(session, **filters)
    if not people:
        st.info(_("No participant matches."))
        return None
    kinds = participant_kind_names()
    frame = pd.DataFrame(
        [
            {
                _("Code"): p.code,
                _("Kind"): kinds.get(p.kind, p.kind),
                _("Segment"): ", ".join(f"{segment_label(k)}: {v}" for k, v in p.segment.items()),
                _("Consent"): "✓" if p.has_consent else "—",
                _("Keep until"): p.retention_until,
                _("Sessions"): p.sessions,
            }
            for p in people
        ]
    )
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="participants.table",
    )
    if event is not None and event.selection.rows:
        return people[event.selection.rows[0]].id
    selected = st.session_state.get(state.PARTICIPANTS_SELECTED)
    return selected if any(p.id == selected for p in people) else None


def render() -> None:
    st.title(_("Participants"))
    require_page_role()
    added = st.session_state.pop(state.PARTICIPANTS_ADDED, None)
    if added:
        st.success(_("Participant {code} added.").format(code=added))
    with database().read() as session:
        known = segment_values(session)
        overdue = retention_overdue(session)
    if overdue:
        st.warning(
            _(
                "Consent is withdrawn or past its retention date for: {codes}. Erase these "
                "participants."
            ).format(codes=", ".join(code for _id, code in overdue)),
            icon=":material/gpp_maybe:",
        )
    _add_form(known)
    selected = _list(known)
    if selected is None:
        st.caption(_("Choose a row to see the participant's consent and details."))
        return
    render_detail(selected, known)
