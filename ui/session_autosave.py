"""Autosave of the session draft: every widget change is written to the server at once.

Widgets of the draft call `change(draft_key, scope, fn)` from their `on_change` callback; `fn` is
a pure change of `research.session_drafts`. A value the domain refuses leaves the draft as it was
and shows its message next to the widgets of `scope`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from i18n import UserError
from research.repository_drafts import change_draft
from ui import state
from ui.database import database
from ui.lang import _, current


def change(draft_key: str, scope: str, fn: Callable[[dict], dict]) -> bool:
    """Apply `fn` to the stored draft; True when saved."""
    errors = st.session_state.setdefault(state.SESSION_ERROR, {})
    try:
        with database().write() as session:
            info = change_draft(session, draft_key, fn)
    except UserError as err:
        errors[scope] = err.render(current())
        return False
    errors.pop(scope, None)
    st.session_state[state.SESSION_DRAFT_DATA] = info.data
    st.session_state[state.SESSION_DRAFT_SAVED_AT] = dt.datetime.now().strftime("%H:%M:%S")
    return True


def show_error(scope: str) -> None:
    message = st.session_state.get(state.SESSION_ERROR, {}).get(scope)
    if message:
        st.error(message, icon=":material/error:")


def saved_note() -> None:
    """ "Saved at 10:32:05": the last autosave of this browser tab."""
    at = st.session_state.get(state.SESSION_DRAFT_SAVED_AT)
    if at:
        st.caption(_("Draft saved at {time}.").format(time=at))


def data() -> dict:
    return st.session_state.get(state.SESSION_DRAFT_DATA) or {}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
