"""One change, one write transaction: run it, show a refusal in the person's words, or confirm.

A confirmation survives the rerun that follows a change: it is kept under the page's flash key in
session state and shown once.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from i18n import UserError
from ui import state
from ui.database import database
from ui.lang import current


def flash(message: str, key: str = state.LIFE_EVENTS_FLASH) -> None:
    """A confirmation shown once, after the rerun that follows a change."""
    st.session_state[key] = message


def show_flash(key: str = state.LIFE_EVENTS_FLASH) -> None:
    message = st.session_state.pop(key, None)
    if message:
        st.success(message)


def act(
    change: Callable,
    done: str,
    key: str = state.LIFE_EVENTS_FLASH,
    then: Callable[[object], None] | None = None,
) -> None:
    """Runs `change(session)` in a write transaction. A refusal is shown and nothing changes;
    otherwise `then(result)` runs (to select what was made), `done` is kept to show after the
    rerun, and the page reruns."""
    try:
        with database().write() as session:
            result = change(session)
    except UserError as err:
        st.error(err.render(current()))
        return
    if then is not None:
        then(result)
    flash(done, key)
    st.rerun()
