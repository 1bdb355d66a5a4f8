"""The audit log: written with the work it records, append-only in the database, shown to admins."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from cli import main
from research.repository_audit import audit_events, audit_log, audit_rows, record_audit
from research.repository_users import create_user, update_user
from storage.schema import AuditEvent
from tests.accounts import PASSWORD, sign_in


def test_events_are_kept_with_the_work_and_read_back_filtered(database):
    with database.write() as session:
        record_audit(session, "ana", "create", "participant", 7, {"count": 1})
        record_audit(session, "ana", "export", "participant", 7)
        record_audit(session, "boris", "change", "user", 2, {"role": "reviewer"})
    with pytest.raises(RuntimeError), database.write() as session:
        record_audit(session, "eve", "erase", "participant", 7)
        raise RuntimeError("the work failed")  # so its event is not kept either
    with database.read() as session:
        everything = audit_log(session)
        about = audit_events(session, "participant", 7)
        mine = audit_log(session, actor="ana", action="export")
        later = audit_log(session, since=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert [e.action for e in everything] == ["change", "export", "create"]  # newest first
    assert [e["action"] for e in about] == ["create", "export"]  # oldest first
    assert [(e.actor, e.entity_id) for e in mine] == [("ana", "7")]
    assert later == []
    assert audit_rows(everything)[0]["detail"] == '{"role": "reviewer"}'


def test_the_log_is_append_only_in_the_database(database):
    with database.write() as session:
        record_audit(session, "ana", "create", "participant", 7)
    for statement in ("UPDATE audit_events SET actor = 'eve'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), database.engine.begin() as conn:
            conn.execute(text(statement))
    with database.read() as session:
        assert session.scalars(select(AuditEvent.actor)).all() == ["ana"]


def test_details_stay_small(database):
    with pytest.raises(ValueError), database.write() as session:
        record_audit(session, "ana", "export", "participant", 7, {"text": "x" * 5000})


def test_account_changes_are_audited(database):
    with database.write() as session:
        admin = create_user(session, "boss", "admin", PASSWORD, actor="cli")
        user = create_user(session, "ana", "researcher", PASSWORD, actor="boss")
        update_user(session, user.id, actor="boss", role="reviewer")
    with database.read() as session:
        events = [(e.actor, e.action, e.entity_id, e.detail) for e in reversed(audit_log(session))]
    assert events == [
        ("cli", "create", str(admin.id), {"role": "admin"}),
        ("boss", "create", str(user.id), {"role": "researcher"}),
        ("boss", "change", str(user.id), {"role": "reviewer"}),
    ]


def test_admin_views_and_exports_the_log(app_database):
    with app_database.write() as session:
        record_audit(session, "ana", "export", "participant", 3)
    script = "from ui.pages import audit\naudit.render()\n"
    at = sign_in(AppTest.from_string(script, default_timeout=30), "admin").run()
    assert not at.exception
    assert at.title[0].value == "Одитен журнал"
    assert len(at.dataframe[0].value) >= 1
    at.button[0].click()
    at.run()
    assert not at.exception
    with app_database.read() as session:
        exported = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.entity == "audit_log")
        )
    assert exported == 1


def test_cli_accounts(database, monkeypatch, capsys):
    monkeypatch.setenv("OPIT_DATABASE_URL", database.url)
    assert main(["users"]) == 0
    assert "create-admin" in capsys.readouterr().out
    assert main(["create-admin", "boss"]) == 0
    password = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    with database.write() as session:
        from research.repository_users import authenticate

        assert authenticate(session, "boss", password).user.role == "admin"
    assert main(["users", "--reset-password", "boss"]) == 0
    assert "new password" in capsys.readouterr().out
    assert main(["users", "--unlock", "boss"]) == 0
    assert main(["users"]) == 0
    assert "boss" in capsys.readouterr().out
    assert main(["users", "--unlock", "nobody"]) == 2
    with database.read() as session:
        actors = set(session.scalars(select(AuditEvent.actor)))
    assert any(a.startswith("cli") for a in actors)


def test_demo_creates_one_account_per_role_once(database, monkeypatch, capsys):
    monkeypatch.setenv("OPIT_DATABASE_URL", database.url)
    assert main(["demo", "--if-empty"]) == 0
    first = capsys.readouterr().out
    assert "password:" in first and "reviewer" in first
    assert main(["demo", "--if-empty"]) == 0
    assert "password:" not in capsys.readouterr().out


def test_every_change_to_the_teams_work_is_logged_with_who_made_it(database):
    from prototypes.repository import add_life_event
    from prototypes.repository_journeys import delete_life_event, update_life_event
    from storage.audit_trail import set_actor

    set_actor("ana")
    try:
        with database.write() as session:
            event_id = add_life_event(session, "moving", "Преместване", "Moving home")
        with database.write() as session:
            update_life_event(session, event_id, "Преместване в нов дом", "Moving home")
        with database.write() as session:  # a save that changes nothing is not an entry
            update_life_event(session, event_id, "Преместване в нов дом", "Moving home")
        with database.write() as session:
            delete_life_event(session, event_id)
    finally:
        set_actor("unknown")
    with database.read() as session:
        about = audit_events(session, "life_events", event_id)
    assert [(e["actor"], e["action"]) for e in about] == [
        ("ana", "create"),
        ("ana", "change"),
        ("ana", "delete"),
    ]
    assert all(e["detail"] == {} for e in about)  # which row, never what it holds
