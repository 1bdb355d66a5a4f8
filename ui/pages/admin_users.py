"""Accounts and roles (admin only): add people, change roles, disable, unlock, reset passwords."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from research.repository_users import (
    ROLES,
    UserInfo,
    create_user,
    new_password,
    set_password,
    unlock,
    update_user,
    users,
)
from storage.db import StorageBusy
from storage.schema import utcnow
from ui import state
from ui.auth import ROLE_NAMES, require_role
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Accounts"), ":material/manage_accounts:", "accounts", order=90, roles=("admin",)
)


def _status(user: UserInfo) -> str:
    if user.disabled:
        return _("disabled")
    if user.locked_until is not None and user.locked_until > utcnow():
        return _("locked until {time}").format(time=user.locked_until.strftime("%H:%M UTC"))
    return _("active")


def _table(people: list[UserInfo]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("Username"): u.username,
                _("Name"): u.display_name,
                _("Role"): _(ROLE_NAMES[u.role]),
                _("Status"): _status(u),
                _("Signs in with"): _("password") if u.has_password else _("single sign-on"),
            }
            for u in people
        ]
    )


def _show_new_password() -> None:
    shown = st.session_state.pop(state.ADMIN_NEW_PASSWORD, None)
    if shown:
        st.success(
            _("Give this password to {username} in person; it is shown only once.").format(
                username=shown[0]
            )
        )
        st.code(shown[1], language=None)


def _add_form(actor: str) -> None:
    with st.form("admin_users.add", clear_on_submit=True):
        st.markdown("#### " + _("Add a person"))
        username = st.text_input(_("Username (or their e-mail address for single sign-on)"))
        display_name = st.text_input(_("Name"))
        role = st.selectbox(
            _("Role"),
            ROLES,
            index=ROLES.index("reviewer"),  # the least a person may see
            format_func=lambda r: _(ROLE_NAMES[r]),
        )
        with_password = st.checkbox(
            _("Create a password (leave off for single sign-on only)"), True
        )
        sent = st.form_submit_button(_("Add"), type="primary")
    if not sent:
        return
    password = new_password() if with_password else None
    try:
        with database().write() as session:
            create_user(session, username, role, password, display_name=display_name, actor=actor)
    except (UserError, StorageBusy) as err:
        st.error(err.render(current()))
        return
    if password:
        st.session_state[state.ADMIN_NEW_PASSWORD] = (username.strip(), password)
    st.rerun()


def _change_form(people: list[UserInfo], actor: str) -> None:
    st.markdown("#### " + _("Change an account"))
    by_id = {u.id: u for u in people}
    chosen = st.selectbox(
        _("Account"), list(by_id), format_func=lambda i: by_id[i].username, key="admin_users.pick"
    )
    user = by_id[chosen]
    with st.form("admin_users.change"):
        role = st.selectbox(
            _("Role"),
            ROLES,
            index=ROLES.index(user.role),
            format_func=lambda r: _(ROLE_NAMES[r]),
        )
        disabled = st.checkbox(_("Disabled (cannot sign in)"), user.disabled)
        saved = st.form_submit_button(_("Save"))
    cols = st.columns(2)
    reset = cols[0].button(_("Set a new password"), icon=":material/password:")
    unlocked = cols[1].button(_("Unlock"), icon=":material/lock_open:")
    try:
        if saved:
            with database().write() as session:
                update_user(session, user.id, actor=actor, role=role, disabled=disabled)
            st.rerun()
        if reset:
            password = new_password()
            with database().write() as session:
                set_password(session, user.id, password, actor=actor)
            st.session_state[state.ADMIN_NEW_PASSWORD] = (user.username, password)
            st.rerun()
        if unlocked:
            with database().write() as session:
                unlock(session, user.id, actor=actor)
            st.rerun()
    except (UserError, StorageBusy) as err:
        st.error(err.render(current()))


def render() -> None:
    me = require_role(PAGE.roles)
    st.title(_("Accounts"))
    st.caption(
        _(
            "Admins manage accounts; researchers see all research data; reviewers see the weekly "
            "review, reports and themes, but no personal data."
        )
    )
    _show_new_password()
    with database().read() as session:
        people = users(session)
    st.dataframe(_table(people), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        _add_form(me.username)
    with right:
        if people:
            _change_form(people, me.username)
