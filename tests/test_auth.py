"""Sign-in, roles, lockout, session expiry, the rate limit, and the hardening rules."""

from __future__ import annotations

import ast
import datetime as dt
import logging
import pkgutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import settings
from i18n import UserError
from research.repository_users import (
    authenticate,
    create_user,
    sign_in_with_identity,
    unlock,
    update_user,
    user_by_name,
)
from storage.schema import AuditEvent, Questionnaire, User, utcnow
from surveys.rate_limit import SlidingWindow, SubmissionLimiter, client_address
from tests.accounts import PASSWORD, ensure_user, sign_in

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 30


def _make(database, name="ana", role="researcher", password=PASSWORD):
    with database.write() as session:
        return create_user(session, name, role, password, actor="tests")


def _try(database, name, password, now=None):
    with database.write() as session:
        return authenticate(session, name, password, now=now)


def test_passwords_are_stored_as_argon2_hashes(database):
    user = _make(database)
    with database.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert _try(database, "ANA", PASSWORD).user.id == user.id  # usernames ignore case


def test_wrong_password_and_unknown_user_look_the_same(database):
    _make(database)
    wrong = _try(database, "ana", "not the password at all")
    unknown = _try(database, "nobody", PASSWORD)
    assert wrong.user is None and not wrong.locked
    assert unknown.user is None and not unknown.locked
    with database.read() as session:
        actors = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "sign_in_failed")
        ).all()
    assert sorted(actors) == ["ana", "anonymous"]  # what a stranger typed is not logged


def test_lockout_after_repeated_failures_then_expiry_and_unlock(database, monkeypatch):
    monkeypatch.setenv("OPIT_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("OPIT_LOGIN_LOCK_MINUTES", "15")
    user = _make(database)
    now = utcnow()
    assert not _try(database, "ana", "wrong password 1", now).locked
    assert not _try(database, "ana", "wrong password 2", now).locked
    assert _try(database, "ana", "wrong password 3", now).locked
    # locked: even the right password is refused
    refused = _try(database, "ana", PASSWORD, now + dt.timedelta(minutes=5))
    assert refused.user is None and refused.locked
    # the lock ends by itself
    later = _try(database, "ana", PASSWORD, now + dt.timedelta(minutes=16))
    assert later.user is not None
    # and an admin can lift it sooner
    for attempt in range(3):
        _try(database, "ana", f"wrong again {attempt}", now + dt.timedelta(minutes=20))
    with database.write() as session:
        unlock(session, user.id, actor="admin")
    assert _try(database, "ana", PASSWORD, now + dt.timedelta(minutes=21)).user is not None


def test_disabled_account_cannot_sign_in(database):
    _make(database, "boss", "admin")
    user = _make(database)
    with database.write() as session:
        update_user(session, user.id, actor="boss", disabled=True)
    assert _try(database, "ana", PASSWORD).user is None


def test_the_last_admin_stays_admin(database):
    admin = _make(database, "boss", "admin")
    with pytest.raises(UserError), database.write() as session:
        update_user(session, admin.id, actor="boss", role="reviewer")
    with pytest.raises(UserError), database.write() as session:
        update_user(session, admin.id, actor="boss", disabled=True)


@pytest.mark.parametrize(
    ("username", "password"),
    [("a b", PASSWORD), ("x", PASSWORD), ("ana", "short"), ("ANA", PASSWORD)],
)
def test_bad_accounts_are_refused(database, username, password):
    _make(database)
    with pytest.raises(UserError), database.write() as session:
        create_user(session, username, "researcher", password)


def test_single_sign_on_maps_an_email_to_its_account(database):
    _make(database, "ana@sofia.bg", "reviewer", None)
    with database.write() as session:
        assert sign_in_with_identity(session, "Ana@Sofia.bg").role == "reviewer"
        assert sign_in_with_identity(session, "eve@example.com") is None
    # an account made for sign-on has no password to guess
    assert _try(database, "ana@sofia.bg", "").user is None


def test_passwords_never_reach_the_log(database, caplog):
    caplog.set_level(logging.DEBUG)
    _make(database)
    _try(database, "ana", "wrong-secret-typed-here")
    _try(database, "ana", PASSWORD)
    assert "wrong-secret-typed-here" not in caplog.text
    assert PASSWORD not in caplog.text


# --- the app ------------------------------------------------------------------------------------


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_anonymous_visitor_sees_only_the_sign_in_page(app_database):
    at = _app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Вход в Opit"]
    assert not at.dataframe and not at.metric
    assert len(at.text_input) == 2


def test_signing_in_through_the_form_opens_the_review(app_database):
    ensure_user(app_database, "reviewer")
    at = _app().run()
    at.text_input[0].input("test-reviewer")
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Седмичен преглед"
    assert at.session_state["auth.user_id"]


def test_wrong_password_says_so_and_locks_after_too_many(app_database, monkeypatch):
    monkeypatch.setenv("OPIT_LOGIN_MAX_FAILURES", "2")
    ensure_user(app_database, "researcher")
    at = _app().run()
    for attempt in range(3):
        at.text_input[0].input("test-researcher")
        at.text_input[1].input(PASSWORD if attempt == 2 else "not the right one")
        at.button[0].click()
        at.run()
    assert at.title[0].value == "Вход в Opit"
    assert any("заключен" in w.value for w in at.warning)


def test_session_expires_after_idle_time(app_database):
    at = sign_in(_app())
    at.session_state["auth.last_seen"] = 0.0
    at.run()
    assert at.title[0].value == "Вход в Opit"
    assert any("изтече" in w.value for w in at.warning)


def test_reviewer_sees_no_research_pages(app_database):
    at = sign_in(_app(), "reviewer").run()
    assert not at.exception
    assert at.title[0].value == "Седмичен преглед"
    for module in ("sessions", "responses"):
        direct = AppTest.from_string(
            f"from ui.pages import {module}\n{module}.render()\n", default_timeout=TIMEOUT
        )
        sign_in(direct, "reviewer").run()
        assert not at.exception
        assert [e.value for e in direct.error] == ["Вашата роля не позволява тази страница."]
        assert not direct.dataframe and not direct.selectbox


PAGE_MODULES = sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "ui" / "pages")]))


@pytest.mark.parametrize("module", PAGE_MODULES)
def test_every_page_refuses_anyone_not_signed_in(app_database, module):
    at = AppTest.from_string(
        f"from ui.pages import {module} as page\npage.render()\n", default_timeout=TIMEOUT
    ).run()
    assert not at.exception
    assert "Вход в Opit" in [t.value for t in at.title]
    assert not at.dataframe and not at.metric and not at.selectbox


def test_admin_pages_open_for_an_admin_only(app_database):
    for module in ("admin_users", "audit", "retention"):
        script = f"from ui.pages import {module}\n{module}.render()\n"
        admin = sign_in(AppTest.from_string(script, default_timeout=TIMEOUT), "admin").run()
        assert not admin.exception, module
        researcher = sign_in(AppTest.from_string(script, default_timeout=TIMEOUT)).run()
        assert [e.value for e in researcher.error] == ["Вашата роля не позволява тази страница."]


def test_admin_adds_a_researcher_who_can_then_sign_in(app_database):
    script = "from ui.pages import admin_users\nadmin_users.render()\n"
    at = sign_in(AppTest.from_string(script, default_timeout=TIMEOUT), "admin").run()
    at.text_input[0].input("maria")
    at.text_input[1].input("Мария")
    at.selectbox[0].set_value("researcher")
    at.button[0].click()
    at.run()
    assert not at.exception
    password = at.code[0].value
    with app_database.write() as session:
        assert authenticate(session, "maria", password).user.role == "researcher"


# --- rate limit and hardening --------------------------------------------------------------------


def test_sliding_window_limits_each_key():
    clock = [0.0]
    window = SlidingWindow(2, 60, clock=lambda: clock[0])
    assert window.allow("a") and window.allow("a")
    assert not window.allow("a")
    assert window.allow("b")
    clock[0] = 61
    assert window.allow("a")


def test_submissions_are_limited_per_client_and_per_link():
    limiter = SubmissionLimiter(per_client_hour=3, per_link_minute=5, clock=lambda: 0.0)
    assert [limiter.allow("tok", "1.2.3.4") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("tok", "5.6.7.8") and limiter.allow("tok", "9.9.9.9")
    assert not limiter.allow("tok", "8.8.8.8")  # the link's own limit
    assert limiter.allow("other", "1.2.3.4")


def test_forwarded_address_counts_only_behind_a_trusted_proxy(monkeypatch):
    headers = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1"}
    assert client_address("10.0.0.1", headers, "s1") == "10.0.0.1"
    assert client_address(None, {}, "s1") == "session:s1"
    monkeypatch.setenv("OPIT_TRUST_FORWARDED_FOR", "true")
    assert client_address("10.0.0.1", headers, "s1") == "203.0.113.9"


def test_citizen_flood_is_refused_with_a_clear_message(app_database, monkeypatch):
    from tests.test_app_pages import answer_demo_form, open_token

    monkeypatch.setenv("OPIT_SUBMISSIONS_PER_LINK_MINUTE", "1")
    from ui import auth

    auth._limiter.clear()
    try:
        messages = []
        for _ in range(2):
            at = _app()
            at.query_params["s"] = open_token(app_database)
            at.run()
            answer_demo_form(at)
            at.button[0].click()
            at.run()
            messages.append([e.value for e in at.error])
        assert messages[0] == []
        assert any("много отговори" in m.lower() for m in messages[1])
    finally:
        auth._limiter.clear()


def _unsafe_html_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            unsafe = keyword.arg == "unsafe_allow_html"
            if unsafe and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                literal = node.args and isinstance(node.args[0], ast.Constant)
                if not literal:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_user_text_is_rendered_as_html():
    files = [ROOT / "app.py", *(ROOT / "ui").rglob("*.py")]
    assert [hit for f in files for hit in _unsafe_html_calls(f)] == []


def test_server_hardening_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == int(
        next(s.default for s in settings.SETTINGS if s.name == "OPIT_MAX_UPLOAD_MB")
    )
    assert config["client"]["showErrorDetails"] == "none"


def test_test_accounts_are_real_accounts(database):
    user_id = ensure_user(database, "admin")
    with database.read() as session:
        assert user_by_name(session, "test-admin").id == user_id


def test_a_revoked_link_reaches_nothing(app_database):
    from surveys.repository_links import replace_token
    from tests.test_app_pages import open_token

    old = open_token(app_database)
    with app_database.write() as session:
        questionnaire_id = session.scalar(
            select(Questionnaire.id).where(Questionnaire.token == old)
        )
        new = replace_token(session, questionnaire_id, actor="ana")
    assert new != old and len(new) >= 22
    at = _app()
    at.query_params["s"] = old
    at.run()
    assert [t.value for t in at.title] == ["Тази връзка не работи"]
    assert not at.button and not at.radio
