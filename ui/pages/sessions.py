"""Interview sessions: log one while it happens, find it in the list, see its summary.

With `?draft=<key>` in the address the page shows that draft's logging workspace, so a reload or
a closed browser brings back everything typed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from prototypes.repository import tasks
from research.repository import participants, researchers, sessions_of_iteration
from research.repository_drafts import create_draft, drafts
from research.repository_participants import segment_values
from ui import state
from ui.context import WorkContext, choose_context
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec
from ui.session_labels import actor, kind_and_segment_filters, participant_kind_names
from ui.session_logging import render_workspace
from ui.session_saving import DRAFT_PARAM, open_draft
from ui.session_summary import render_summary

PAGE = PageSpec(
    N_("Interviews"),
    ":material/record_voice_over:",
    "interviews",
    order=40,
    roles=("admin", "researcher"),
)


def _drafts(context: WorkContext) -> None:
    with database().read() as session:
        waiting = drafts(session, context.iteration.id)
    if not waiting:
        return
    st.markdown("#### " + _("Unfinished drafts"))
    for draft in waiting:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        what = (
            _("Session with {code}") if draft.interview_session_id is None else _("Edit of {code}")
        ).format(code=draft.participant_code or "—")
        c1.markdown(
            f"{what} · "
            + _("last change {time}").format(time=draft.updated_at.strftime("%Y-%m-%d %H:%M"))
            + (f" · {draft.author}" if draft.author else "")
        )
        if c2.button(_("Resume"), key=f"sessions.resume.{draft.key}", width="stretch"):
            open_draft(draft.key)
            st.rerun()


def _start(context: WorkContext) -> None:
    with database().read() as session:
        people = participants(session, with_consent=True)
        script = tasks(session, context.iteration.id)
    st.markdown("#### " + _("Log a session"))
    if not people:
        st.info(_("Add a participant with consent first, on the Participants page."))
        return
    kinds = participant_kind_names()
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    participant_id = c1.selectbox(
        _("Participant"),
        [p.id for p in people],
        format_func={p.id: f"{p.code} · {kinds.get(p.kind, p.kind)}" for p in people}.get,
        index=None,
        placeholder=_("Choose a participant with consent"),
        key="sessions.start_participant",
    )
    if c2.button(_("Start session"), type="primary", width="stretch", key="sessions.start"):
        if participant_id is None:
            st.error(_("Choose a participant."))
            return
        try:
            with database().write() as session:
                draft = create_draft(
                    session,
                    context.iteration.id,
                    participant_id,
                    [t.id for t in script],
                    actor()[0],
                )
        except UserError as err:
            st.error(err.render(current()))
            return
        open_draft(draft.key)
        st.rerun()


def _filters() -> dict:
    with database().read() as session:
        values = segment_values(session)
        people = researchers(session)
    columns = st.columns(4)
    filters = kind_and_segment_filters(columns, values, "sessions")
    names = dict(people)
    researcher = columns[3].selectbox(
        _("Researcher"),
        list(names),
        format_func=names.get,
        index=None,
        placeholder=_("All"),
        key="sessions.filter_researcher",
    )
    return {**filters, "researcher_id": researcher}


def _session_list(context: WorkContext) -> int | None:
    st.markdown("#### " + _("Sessions of this iteration"))
    filters = _filters()
    with database().read() as session:
        rows = sessions_of_iteration(session, context.iteration.id, **filters)
    if not rows:
        st.info(_("No interview logged for this iteration yet."))
        return None
    kinds = participant_kind_names()
    frame = pd.DataFrame(rows)
    frame["kind"] = frame["kind"].map(lambda k: kinds.get(k, k))
    frame = frame.rename(
        columns={
            "held_at": _("Held"),
            "participant": _("Participant"),
            "kind": _("Kind"),
            "tasks": _("Tasks"),
            "successes": _("Successes"),
            "observations": _("Observations"),
            "researcher": _("Researcher"),
        }
    )
    event = st.dataframe(
        frame.drop(columns=["id", "version"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="sessions.table",
    )
    chosen = event.selection.rows if event is not None else []
    if chosen:
        return int(rows[chosen[0]]["id"])
    selected = st.session_state.get(state.SESSION_SELECTED)
    return selected if any(r["id"] == selected for r in rows) else None


def render() -> None:
    st.title(_("Interviews"))
    context = choose_context()
    if context is None:
        return
    draft_key = st.query_params.get(DRAFT_PARAM)
    if draft_key:
        render_workspace(draft_key)
        return
    if st.session_state.pop(state.SESSION_SAVED, False):
        st.success(_("Session saved."))
    _drafts(context)
    _start(context)
    selected = _session_list(context)
    if selected is not None:
        render_summary(selected, context.prototype.id)
    else:
        st.caption(_("Choose a row to see the session's summary."))
