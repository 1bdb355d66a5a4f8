"""Transcripts of interview sessions: import a .txt, .vtt, .srt or .docx file with pseudonymous
speakers and redacted text, read it, and turn a passage into an observation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import settings
from i18n import UserError
from research.repository import sessions_of_iteration
from research.repository_transcripts import (
    delete_transcript,
    import_transcript,
    transcript_turns,
    transcripts_of_session,
)
from research.transcript_import import stored_turns
from research.transcripts import Transcript, read_transcript
from ui import state
from ui.context import WorkContext, choose_context
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec
from ui.session_labels import actor
from ui.session_passage import render_passage
from ui.session_redaction import findings_review

PAGE = PageSpec(
    N_("Transcripts"),
    ":material/subtitles:",
    "transcripts",
    order=42,
    roles=("admin", "researcher"),
)
MB = 1024 * 1024


@st.cache_data(max_entries=4, show_spinner=False)
def _read(data: bytes, name: str, max_bytes: int) -> Transcript:
    return read_transcript(data, name, max_bytes=max_bytes)


def _choose_session(context: WorkContext) -> dict | None:
    with database().read() as session:
        rows = sessions_of_iteration(session, context.iteration.id)
    if not rows:
        st.info(_("No interview logged for this iteration yet."))
        return None
    by_id = {r["id"]: r for r in rows}
    chosen = st.session_state.get(state.TRANSCRIPTS_SESSION)
    session_id = st.selectbox(
        _("Session"),
        list(by_id),
        index=list(by_id).index(chosen) if chosen in by_id else 0,
        format_func=lambda i: f"{by_id[i]['participant']} · {by_id[i]['held_at']:%Y-%m-%d %H:%M}",
    )
    st.session_state[state.TRANSCRIPTS_SESSION] = session_id
    return by_id[session_id]


def _pseudonyms(transcript: Transcript, code: str, prefix: str) -> dict[str, str]:
    st.markdown("**" + _("Who is speaking?") + "**")
    st.caption(
        _(
            "Speaker names in exports are often real names; only the pseudonyms you choose here "
            "are stored."
        )
    )
    options = [code, _("Interviewer"), _("Observer")]
    chosen: dict[str, str] = {}
    columns = st.columns(3)
    for n, speaker in enumerate(transcript.speakers, start=1):
        default = _("Speaker {number}").format(number=n)
        value = columns[(n - 1) % 3].selectbox(
            _("Speaker {number}: {name}").format(number=n, name=speaker),
            [*options, default],
            index=3,
            accept_new_options=True,
            key=f"{prefix}.speaker.{n}",
        )
        chosen[speaker] = value or default
    return chosen


def _import(row: dict) -> None:
    limit = settings.get_int("OPIT_MAX_UPLOAD_MB") * MB
    upload = st.file_uploader(
        _("Transcript file (.txt, .vtt, .srt or .docx)"),
        type=["txt", "vtt", "srt", "docx"],
        key=f"transcripts.upload.{row['id']}",
    )
    if upload is None:
        return
    lang = current()
    try:
        transcript = _read(upload.getvalue(), upload.name, limit)
    except UserError as err:
        st.error(err.render(lang), icon=":material/error:")
        return
    st.success(
        _("Read {turns} turns from {speakers} speakers.").format(
            turns=len(transcript.turns), speakers=len(transcript.speakers)
        )
    )
    prefix = f"transcripts.import.{row['id']}.{upload.file_id}"
    title = st.text_input(_("Title"), value="", max_chars=200, key=f"{prefix}.title")
    pseudonyms = _pseudonyms(transcript, row["participant"], prefix)
    st.markdown("**" + _("Personal data found") + "**")
    items = [
        (str(t.index), _("Turn {number}").format(number=t.index + 1), t.text)
        for t in transcript.turns
    ]
    with st.container(height=320):
        keep, found = findings_review(items, f"{prefix}.keep", limit=100)
        if not found:
            st.caption(_("No personal data found."))
    keep_by_turn = {int(where): indices for where, indices in keep.items()}
    try:
        preview = stored_turns(transcript, pseudonyms, keep_by_turn)[:20]
    except UserError as err:
        st.error(err.render(lang))
        return
    st.caption(_("The first turns as they will be stored:"))
    st.dataframe(
        pd.DataFrame([{_("Speaker"): t.speaker, _("Text"): t.text} for t in preview]),
        hide_index=True,
        width="stretch",
    )
    if st.button(_("Import transcript"), type="primary", key=f"{prefix}.go"):
        try:
            with database().write() as session:
                import_transcript(
                    session,
                    row["id"],
                    transcript,
                    pseudonyms,
                    keep=keep_by_turn,
                    title=title or upload.name.rsplit(".", 1)[0],
                    actor=actor()[0],
                )
        except UserError as err:
            st.error(err.render(lang))
            return
        st.toast(_("Transcript imported."))
        st.rerun()


def _show(row: dict, context: WorkContext) -> None:
    with database().read() as session:
        found = transcripts_of_session(session, row["id"])
    if not found:
        st.caption(_("This session has no transcript yet."))
        return
    by_id = {t.id: t for t in found}
    transcript_id = st.radio(
        _("Transcript"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].title or by_id[i].format} · {by_id[i].turns}",
        horizontal=True,
        key=f"transcripts.open.{row['id']}",
    )
    with database().read() as session:
        turns = transcript_turns(session, transcript_id)
    frame = pd.DataFrame(
        [
            {
                "#": t.index + 1,
                _("Speaker"): t.speaker or "",
                _("Start"): ""
                if t.start is None
                else f"{int(t.start // 60)}:{int(t.start % 60):02d}",
                _("Text"): t.text,
            }
            for t in turns
        ]
    )
    st.caption(_("Select the turns of a passage (click the first and the last row)."))
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=min(400, 36 * (len(turns) + 1) + 2),
        on_select="rerun",
        selection_mode="multi-row",
        key=f"transcripts.turns.{transcript_id}",
    )
    rows = sorted(event.selection.rows) if event is not None else []
    if rows:
        render_passage(transcript_id, rows[0], rows[-1], context)
    with st.popover(_("Delete this transcript"), icon=":material/delete:"):
        st.caption(_("Observations made from it stay."))
        if st.button(_("Delete"), type="primary", key=f"transcripts.delete.{transcript_id}"):
            with database().write() as session:
                delete_transcript(session, transcript_id)
            st.rerun()


def render() -> None:
    st.title(_("Transcripts"))
    context = choose_context()
    if context is None:
        return
    row = _choose_session(context)
    if row is None:
        return
    with st.expander(_("Import a transcript"), icon=":material/upload_file:"):
        _import(row)
    _show(row, context)
