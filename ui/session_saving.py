"""Saving a session draft: review the personal data found, save, or meet someone else's edit.

On a conflict (someone saved the session after this edit began) nothing is written and the draft
stays; the researcher can open the other version in a new draft and copy what they need.
"""

from __future__ import annotations

import streamlit as st

from i18n import UserError
from research.repository_drafts import DraftInfo, discard_draft, draft_for_session, save_draft
from research.repository_sessions import SessionChanged
from research.session_drafts import text_fields
from ui import session_autosave as autosave
from ui import state
from ui.database import database
from ui.lang import _, current
from ui.session_labels import actor, kind_names
from ui.session_redaction import findings_review

DRAFT_PARAM = "draft"


def open_draft(key: str) -> None:
    st.query_params[DRAFT_PARAM] = key
    st.session_state[state.SESSION_DRAFT] = key


def close_draft() -> None:
    st.query_params.pop(DRAFT_PARAM, None)
    st.session_state.pop(state.SESSION_DRAFT, None)
    st.session_state.pop(state.SESSION_REVIEW, None)
    st.session_state.pop(state.SESSION_CONFLICT, None)


def _labels(data: dict, titles: dict[int, str]) -> dict[str, str]:
    kinds = kind_names()
    labels = {"notes": _("Session notes")}
    for task_id in data.get("tasks", {}):
        title = titles.get(int(task_id), task_id)
        labels[f"task:{task_id}"] = _("Note on task {task}").format(task=title)
    for n, item in enumerate(data.get("observations", []), start=1):
        labels[f"obs:{item['uid']}"] = _("Observation {number} ({kind})").format(
            number=n, kind=kinds.get(item["kind"], "")
        )
    return labels


def _conflict(draft: DraftInfo) -> None:
    st.error(SessionChanged().render(current()), icon=":material/sync_problem:")
    c1, c2 = st.columns(2)
    if c1.button(_("Open their version in a new draft"), icon=":material/refresh:"):
        with database().write() as session:
            fresh = draft_for_session(session, draft.interview_session_id, actor()[0])
        open_draft(fresh.key)
        st.rerun()
    c2.caption(
        _(
            "This draft stays in the list of drafts until you discard it, so you can copy your "
            "changes into their version."
        )
    )


def _save(draft: DraftInfo, titles: dict[int, str], keep: dict[str, list[int]]) -> None:
    try:
        with database().write() as session:
            session_id = save_draft(session, draft.key, titles, keep, researcher_id=actor()[1])
    except SessionChanged:
        st.session_state[state.SESSION_CONFLICT] = draft.key
        st.session_state.pop(state.SESSION_REVIEW, None)
        st.rerun()
    except UserError as err:
        st.error(err.render(current()), icon=":material/error:")
        return
    close_draft()
    st.session_state[state.SESSION_SAVED] = True
    st.session_state[state.SESSION_SELECTED] = session_id
    st.rerun()


def render_save(draft: DraftInfo, titles: dict[int, str]) -> None:
    st.divider()
    if st.session_state.get(state.SESSION_CONFLICT) == draft.key:
        _conflict(draft)
    if st.session_state.get(state.SESSION_REVIEW) != draft.key:
        c1, c2, c3 = st.columns([2, 2, 3])
        if c1.button(_("Review and save"), type="primary", icon=":material/fact_check:"):
            st.session_state[state.SESSION_REVIEW] = draft.key
            st.rerun()
        if c2.button(_("Leave; keep the draft"), icon=":material/logout:"):
            close_draft()
            st.rerun()
        with c3.popover(_("Discard this draft"), icon=":material/delete:"):
            st.caption(_("Everything typed in this draft is deleted. A saved session stays."))
            if st.button(_("Discard"), type="primary", key="sessions.discard"):
                with database().write() as session:
                    discard_draft(session, draft.key)
                close_draft()
                st.rerun()
        return
    data = autosave.data()
    labels = _labels(data, titles)
    st.markdown("#### " + _("Check the personal data found before saving"))
    items = [(where, labels.get(where, where), text) for where, text in text_fields(data)]
    keep, found = findings_review(items, state.session_widget(draft.key, "keep"))
    if not found:
        st.success(_("No personal data found in what you typed."), icon=":material/verified:")
    else:
        st.caption(
            _(
                "Found personal data is replaced by a placeholder such as [ТЕЛЕФОН]. Tick a "
                "finding only if it is not personal data."
            )
        )
    c1, c2 = st.columns([2, 5])
    if c1.button(_("Save session"), type="primary", icon=":material/save:"):
        _save(draft, titles, keep)
    if c2.button(_("Back to editing")):
        st.session_state.pop(state.SESSION_REVIEW, None)
        st.rerun()
