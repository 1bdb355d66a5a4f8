"""The sign-in page: what an anonymous visitor to the team's address sees, and nothing else."""

from __future__ import annotations

import streamlit as st

from research.repository_users import authenticate, user_count
from ui import state
from ui.auth import sso_configured, start_session
from ui.database import open_database
from ui.lang import N_, _, language_switch

FORM = "signin.form"


def _first_run_hint() -> None:
    with open_database().read() as session:
        empty = user_count(session) == 0
    if empty:
        st.info(
            _(
                "Nobody has an account yet. In a terminal on the server, run `opit create-admin` "
                "to create the first admin account (`make run` creates demo accounts and prints "
                "their passwords)."
            ),
            icon=":material/key:",
        )


def _check(username: str, password: str) -> None:
    if not username or not password:
        st.session_state[state.AUTH_NOTICE] = N_("Enter your username and password.")
        return
    with open_database().write() as session:
        outcome = authenticate(session, username, password)
    if outcome.user is not None:
        start_session(outcome.user)
        return
    if outcome.locked:
        st.session_state[state.AUTH_NOTICE] = N_(
            "Too many wrong passwords: this account is locked for a while. Try again later, "
            "or ask an admin to unlock it."
        )
    else:
        st.session_state[state.AUTH_NOTICE] = N_("The username or password is not right.")


def render() -> None:
    language_switch(st.container())
    st.title(_("Sign in to Opit"))
    st.caption(_("For the research team. Citizens answer questionnaires through their link."))
    if notice := st.session_state.get(state.AUTH_NOTICE):
        st.warning(_(notice), icon=":material/info:")
    if sso_configured():
        if st.button(_("Sign in with your organisation's account"), type="primary"):
            st.login()
        st.divider()
    with st.form(FORM, enter_to_submit=True, border=True):
        username = st.text_input(_("Username"), autocomplete="username", max_chars=100)
        password = st.text_input(
            _("Password"), type="password", autocomplete="current-password", max_chars=1000
        )
        sent = st.form_submit_button(_("Sign in"), type="primary", width="stretch")
    if sent:
        _check(username.strip(), password)
        st.rerun()
    _first_run_hint()
