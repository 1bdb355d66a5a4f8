"""A passage of a transcript becomes an observation of its session (its text redacted first)."""

from __future__ import annotations

import streamlit as st

from i18n import UserError
from prototypes.repository import journey_steps
from research.interviews import OBSERVATION_KINDS
from research.repository_tags import load_codebook
from research.repository_transcripts import observation_from_passage, passage_of
from ui.context import WorkContext
from ui.database import database
from ui.lang import _, current
from ui.session_labels import kind_names, severity_names
from ui.session_redaction import findings_review


def render_passage(transcript_id: int, first: int, last: int, context: WorkContext) -> None:
    lang = current()
    prefix = f"transcripts.passage.{transcript_id}.{first}.{last}"
    with database().read() as session:
        try:
            text = passage_of(session, transcript_id, first, last)
        except UserError as err:
            st.error(err.render(lang))
            return
        steps = journey_steps(session, context.prototype.life_event_id)
        book = load_codebook(session)
    with st.container(border=True):
        st.markdown(
            "**"
            + _("Turns {first} to {last} as an observation").format(first=first + 1, last=last + 1)
            + "**"
        )
        body = st.text_area(_("Passage"), value=text, height=160, key=f"{prefix}.text")
        keep, _found = findings_review([("passage", _("Passage"), body)], f"{prefix}.keep")
        kinds = kind_names()
        c1, c2 = st.columns(2)
        kind = c1.segmented_control(
            _("Kind"),
            OBSERVATION_KINDS,
            format_func=kinds.get,
            default="quote",
            key=f"{prefix}.kind",
        )
        severity = c2.segmented_control(
            _("Severity (pain points)"),
            (1, 2, 3, 4),
            format_func=severity_names().get,
            key=f"{prefix}.severity",
        )
        step_names = {s.id: f"{n}. {s.name(lang)}" for n, s in enumerate(steps, start=1)}
        c3, c4 = st.columns(2)
        step = c3.selectbox(
            _("Journey step"),
            list(step_names),
            format_func=step_names.get,
            index=None,
            placeholder=_("Choose"),
            key=f"{prefix}.step",
        )
        tags = c4.multiselect(
            _("Tags"),
            [book.path(t.key) for t in book if t.codable],
            accept_new_options=True,
            placeholder=_("Choose or type a new tag"),
            key=f"{prefix}.tags",
        )
        if st.button(_("Add as observation"), type="primary", key=f"{prefix}.add"):
            try:
                with database().write() as session:
                    observation_from_passage(
                        session,
                        transcript_id,
                        first,
                        last,
                        kind=kind or "quote",
                        text=body,
                        keep=keep.get("passage", ()),
                        journey_step_id=step,
                        severity=severity,
                        tags=tags,
                    )
            except UserError as err:
                st.error(err.render(lang))
                return
            st.success(_("Observation added to the session."))
