"""The app's door to the database: one migrated `Database` per process, and a clear stop if not."""

from __future__ import annotations

import logging

import streamlit as st

from i18n import UserError
from storage.audit_trail import set_actor
from storage.db import Database, connect, database_url
from storage.migrate import upgrade
from ui.lang import current

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> Database:
    database = connect(url)
    upgrade(database)
    return database


def open_database() -> Database:
    """The migrated database, with no role check: for the sign-in page and the public form."""
    try:
        return _migrated(database_url())
    except UserError as err:
        st.error(err.render(current()))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def database() -> Database:
    """The migrated database of this process; stops the page with a message when unreachable.

    Called from a staff page (a module of ui/pages/), it first checks that the signed-in person's
    role may open that page (`ui.auth.require_page_role`): no page hands data to anyone else.
    """
    from ui.auth import current_user, require_page_role

    require_page_role()
    user = current_user()
    set_actor(user.username if user is not None else "unknown")  # for the audit log
    return open_database()
