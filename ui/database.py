"""The app's door to the database: one migrated `Database` per process, and a clear stop if not."""

from __future__ import annotations

import logging

import streamlit as st

from i18n import UserError
from storage.db import Database, connect, database_url
from storage.migrate import upgrade
from ui.lang import current

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> Database:
    database = connect(url)
    upgrade(database)
    return database


def database() -> Database:
    """The migrated database of this process; stops the page with a message when unreachable."""
    try:
        return _migrated(database_url())
    except UserError as err:
        st.error(err.render(current()))
        st.stop()
        raise  # unreachable: st.stop() ends the script run
