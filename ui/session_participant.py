"""One participant: segment, consent history, a new consent or its withdrawal, contact details
(shown only on request, only when consent allows them), and erasure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from i18n import UserError
from research.interviews import SEGMENT_ATTRIBUTES
from research.repository import participants
from research.repository_gdpr import erase_participant
from research.repository_participants import (
    consents,
    participant_contact,
    record_consent,
    set_contact,
    update_segment,
    withdraw_consent,
)
from ui import state
from ui.database import database
from ui.lang import _, current
from ui.session_labels import actor, participant_kind_names, segment_label


def segment_inputs(prefix: str, current_values: dict[str, str], known: dict[str, list[str]]):
    """One box per segment attribute (known values offered, new ones accepted), plus new ones."""
    keys = list(dict.fromkeys([*SEGMENT_ATTRIBUTES, *known, *current_values]))
    values: dict[str, str] = {}
    columns = st.columns(3)
    for n, key in enumerate(keys):
        mine = {current_values[key]} if current_values.get(key) else set()
        options = sorted(set(known.get(key, [])) | mine)
        chosen = columns[n % 3].selectbox(
            segment_label(key),
            options,
            index=options.index(current_values[key]) if current_values.get(key) else None,
            accept_new_options=True,
            placeholder=_("Choose or type"),
            key=f"{prefix}.seg.{key}",
        )
        values[key] = chosen or ""
    extra = st.text_input(
        _("Another attribute (name = value)"),
        key=f"{prefix}.seg.extra",
        placeholder=_("e.g. device = tablet"),
        help=_("The team can add any attribute; it becomes a filter in the lists."),
    )
    if "=" in extra:
        name, _sep, value = extra.partition("=")
        if name.strip():
            values[name.strip()] = value.strip()
    return values


def _write(action, *args, **kwargs) -> bool:
    try:
        with database().write() as session:
            action(session, *args, **kwargs)
    except UserError as err:
        st.error(err.render(current()))
        return False
    return True


def _consent_section(participant_id: int) -> bool:
    """The consent history and the forms to change it; True when contact details are allowed."""
    with database().read() as session:
        history = consents(session, participant_id)
    valid = [c for c in history if c.withdrawn_at is None]
    if history:
        yes = {True: "✓", False: "—"}
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        _("Given on"): c.given_on,
                        _("Notes"): yes[c.notes],
                        _("Audio"): yes[c.audio],
                        _("Quotes"): yes[c.quotes],
                        _("Anonymous metrics"): yes[c.metrics],
                        _("Contact"): yes[c.contact],
                        _("Keep until"): c.retention_until,
                        _("Withdrawn"): c.withdrawn_at.strftime("%Y-%m-%d")
                        if c.withdrawn_at
                        else "",
                    }
                    for c in history
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    c1, c2 = st.columns(2)
    with (
        c1.popover(_("Record a new consent"), icon=":material/assignment_turned_in:"),
        st.form(f"participants.consent.{participant_id}"),
    ):
        given_on = st.date_input(_("Date of consent"), value=dt.date.today())
        until = st.date_input(
            _("Keep the data until"), value=dt.date.today() + dt.timedelta(days=365)
        )
        audio = st.checkbox(_("Consent to record audio"))
        quotes = st.checkbox(_("Consent to quote in reports"))
        metrics = st.checkbox(
            _("Task results may stay, anonymised, after the participant is erased"),
            value=True,
        )
        contact = st.checkbox(_("Consent to keep contact details"))
        if st.form_submit_button(_("Record consent"), type="primary") and _write(
            record_consent,
            participant_id,
            given_on,
            until,
            audio=audio,
            quotes=quotes,
            metrics=metrics,
            contact=contact,
            actor=actor()[0],
        ):
            st.rerun()
    if valid:
        with c2.popover(_("Withdraw consent"), icon=":material/block:"):
            st.caption(
                _(
                    "No new session can be logged with this participant; their contact details "
                    "are deleted now. Erase the participant to remove everything else."
                )
            )
            if st.button(_("Withdraw"), type="primary", key="participants.withdraw") and _write(
                withdraw_consent, participant_id, actor=actor()[0]
            ):
                st.rerun()
    return any(c.contact for c in valid)


def _contact_section(participant_id: int) -> None:
    if not st.toggle(_("Show contact details"), key=f"participants.contact.{participant_id}"):
        st.caption(_("Contact details are kept apart and never exported or shown to reviewers."))
        return
    with database().read() as session:
        contact = participant_contact(session, participant_id)
    with st.form(f"participants.contact_form.{participant_id}"):
        name = st.text_input(_("Name"), value=contact.name if contact else "", max_chars=200)
        email = st.text_input(_("E-mail"), value=contact.email if contact else "", max_chars=200)
        phone = st.text_input(_("Phone"), value=contact.phone if contact else "", max_chars=50)
        if st.form_submit_button(_("Save contact details")) and _write(
            set_contact,
            participant_id,
            name=name,
            email=email,
            phone=phone,
            actor=actor()[0],
        ):
            st.success(_("Contact details saved."))


def _erase_section(participant_id: int, code: str) -> None:
    with st.popover(_("Erase this participant"), icon=":material/person_remove:"):
        st.markdown(
            _(
                "Their code, segment, consent, contact details, observations, notes, transcripts "
                "and drafts are deleted. Task results stay under a new anonymous code only if "
                "their consent allowed it. This cannot be undone."
            )
        )
        typed = st.text_input(
            _("Type the code {code} to confirm").format(code=code),
            key=f"participants.erase_confirm.{participant_id}",
        )
        if st.button(_("Erase"), type="primary", key="participants.erase"):
            if typed.strip() != code:
                st.error(_("Type the participant's code exactly to confirm."))
                return
            try:
                with database().write() as session:
                    # the full erasure: rows no foreign key reaches too, then a scan for leftovers
                    summary = erase_participant(session, participant_id, actor=actor()[0]).summary
            except UserError as err:
                st.error(err.render(current()))
                return
            st.session_state.pop(state.PARTICIPANTS_SELECTED, None)
            st.toast(
                _("Erased. Sessions kept anonymously: {kept}; deleted: {deleted}.").format(
                    kept=summary.sessions_kept, deleted=summary.sessions_deleted
                )
            )
            st.rerun()


def render_detail(participant_id: int, known: dict[str, list[str]]) -> None:
    with database().read() as session:
        info = next((p for p in participants(session) if p.id == participant_id), None)
    if info is None:
        st.info(_("This participant no longer exists; someone may have erased them."))
        return
    kinds = participant_kind_names()
    with st.container(border=True):
        st.markdown(f"#### {info.code} · {kinds.get(info.kind, info.kind)}")
        with (
            st.expander(_("Segment"), icon=":material/tune:"),
            st.form(f"participants.segment.{participant_id}"),
        ):
            segment = segment_inputs(f"participants.edit.{participant_id}", info.segment, known)
            if st.form_submit_button(_("Save segment")) and _write(
                update_segment, participant_id, segment
            ):
                st.rerun()
        st.markdown("**" + _("Consent") + "**")
        if _consent_section(participant_id):
            _contact_section(participant_id)
        _erase_section(participant_id, info.code)
