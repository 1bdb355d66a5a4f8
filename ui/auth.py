"""Who is signed in, for how long, and what their role lets them open. The one place pages ask.

- `current_user()` — the signed-in account, re-read from the database on every run (a disabled
  account or a changed role takes effect at once), or None once the sign-in has expired.
- `require_role(roles)` — called before a page renders anything: shows the sign-in page, or a
  refusal, and stops the script unless the person's role is among `roles`. app.py calls it before
  every page; `ui.database.database()` calls `require_page_role()`, which finds the calling page's
  `PAGE` spec, so a page rendered on its own (tests) gets no data either.
- Single sign-on: when `.streamlit/secrets.toml` has an `[auth]` section, Streamlit's `st.login`
  signs people in; the account whose username is their e-mail address gives their role.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import settings
from research.repository_audit import record_audit
from research.repository_users import UserInfo, sign_in_with_identity, user_by_id
from surveys.rate_limit import SubmissionLimiter, client_address
from ui import state
from ui.database import open_database
from ui.lang import N_, _
from ui.page_spec import ROLES, PageSpec

log = logging.getLogger(__name__)

#: set while a page's role is being checked (the check itself reads the database)
_checking = threading.local()

ROLE_NAMES = {"admin": N_("admin"), "researcher": N_("researcher"), "reviewer": N_("reviewer")}
EXPIRED = N_("Your session has expired. Please sign in again.")


def sso_configured() -> bool:
    try:
        return st.secrets.load_if_toml_exists() and "auth" in st.secrets
    except Exception:  # an unreadable secrets file means no single sign-on, not a crash
        return False


def _clear() -> None:
    for key in (state.AUTH_USER_ID, state.AUTH_SIGNED_IN_AT, state.AUTH_LAST_SEEN):
        st.session_state.pop(key, None)


def start_session(user: UserInfo) -> None:
    """Remember who signed in; a new sign-in starts a new expiry clock."""
    now = time.time()
    st.session_state[state.AUTH_USER_ID] = user.id
    st.session_state[state.AUTH_SIGNED_IN_AT] = now
    st.session_state[state.AUTH_LAST_SEEN] = now
    st.session_state.pop(state.AUTH_NOTICE, None)


def _expired(now: float) -> bool:
    signed_in = st.session_state.setdefault(state.AUTH_SIGNED_IN_AT, now)
    last_seen = st.session_state.setdefault(state.AUTH_LAST_SEEN, now)
    idle = settings.get_int("OPIT_SESSION_IDLE_MINUTES") * 60
    longest = settings.get_int("OPIT_SESSION_MAX_HOURS") * 3600
    return now - last_seen > idle or now - signed_in > longest


def _sso_user() -> UserInfo | None:
    if not sso_configured() or not st.user.is_logged_in:
        return None
    with open_database().write() as session:
        user = sign_in_with_identity(session, str(st.user.get("email") or ""))
    if user is None:
        st.session_state[state.AUTH_NOTICE] = N_(
            "Your sign-on worked, but no Opit account has your e-mail address. Ask an admin."
        )
        st.logout()
        return None
    start_session(user)
    return user


def current_user() -> UserInfo | None:
    """The signed-in, enabled account of this browser session, or None."""
    user_id = st.session_state.get(state.AUTH_USER_ID)
    if user_id is None:
        return _sso_user()
    now = time.time()
    if _expired(now):
        _clear()
        st.session_state[state.AUTH_NOTICE] = EXPIRED
        return None
    with open_database().read() as session:
        user = user_by_id(session, int(user_id))
    if user is None or user.disabled:
        _clear()
        return None
    st.session_state[state.AUTH_LAST_SEEN] = now
    return user


def sign_out(user: UserInfo) -> None:
    with open_database().write() as session:
        record_audit(session, user.username, "sign_out", "user", user.id)
    _clear()
    if sso_configured() and st.user.is_logged_in:
        st.logout()


def require_role(roles: tuple[str, ...] = ROLES) -> UserInfo:
    """The signed-in user when their role is among `roles`; otherwise stop the page here."""
    user = current_user()
    if user is None:
        from ui import signin

        signin.render()
        st.stop()
    if user.role not in roles:
        st.error(_("Your role does not allow this page."), icon=":material/block:")
        st.stop()
    return user


def _calling_page() -> PageSpec | None:
    """The `PAGE` of the ui/pages/ module whose code is running (None outside a staff page)."""
    frame = sys._getframe(1)
    while frame is not None:
        spec = frame.f_globals.get("PAGE")
        if isinstance(spec, PageSpec) and frame.f_globals.get("__name__", "").startswith(
            "ui.pages."
        ):
            return spec
        frame = frame.f_back
    return None


def require_page_role() -> UserInfo | None:
    """Inside a staff page, `require_role` with that page's roles; elsewhere nothing to check.

    `ui.database.database()` calls it, so a page gets no data unless its reader may see it, even
    when it is rendered on its own (as tests do) rather than through app.py.
    """
    if getattr(_checking, "active", False):
        return None
    spec = _calling_page()
    if spec is None:
        return None
    _checking.active = True
    try:
        return require_role(spec.roles)
    finally:
        _checking.active = False


def user_menu(user: UserInfo) -> None:
    """The signed-in person and a sign-out button, in the sidebar."""
    with st.sidebar:
        st.caption(
            _("Signed in as {name} ({role})").format(name=user.name, role=_(ROLE_NAMES[user.role]))
        )
        if st.button(_("Sign out"), icon=":material/logout:", key="auth.sign_out"):
            sign_out(user)
            st.rerun()


@st.cache_resource(show_spinner=False)
def _limiter() -> SubmissionLimiter:
    return SubmissionLimiter()


def public_submission_allowed(token: str) -> bool:
    """Count one questionnaire submission from this client; False when over a limit."""
    ctx = st.context
    run_ctx = get_script_run_ctx()
    session = run_ctx.session_id if run_ctx else "-"
    client = client_address(ctx.ip_address, dict(ctx.headers or {}), session)
    allowed = _limiter().allow(token, client)
    if not allowed:
        log.warning("submission refused by the rate limit for one link")
    return allowed
