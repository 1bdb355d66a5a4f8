"""The database door: migrations match the models, pragmas, idempotent intake, clear errors."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from prototypes.demo import demo_questionnaire
from storage.db import DatabaseUnavailable, connect, redact_url
from storage.migrate import backup_sqlite, current_revision, head_revision, upgrade
from storage.schema import Base, Response
from surveys.answers import clean_answers
from surveys.repository import create_questionnaire, submit_response
from tests.db_fixtures import backend


def test_migrations_build_exactly_the_models(database):
    assert current_revision(database) == head_revision()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_changes_nothing(database):
    assert upgrade(database) is False


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite pragmas")
def test_sqlite_runs_wal_with_foreign_keys(database):
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite backup")
def test_backup_is_a_complete_copy(demo_database, tmp_path):
    path = demo_database.sqlite_path
    copy = backup_sqlite(path)
    assert copy.name == "opit.db.bak"
    other = connect(f"sqlite:///{copy}")
    with other.read() as s, demo_database.read() as t:
        assert s.scalar(select(func.count(Response.id))) == t.scalar(
            select(func.count(Response.id))
        )


def test_unreachable_database_names_the_setting():
    database = connect("postgresql+psycopg://opit:secret@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable) as caught:
        database.check()
    message = caught.value.render("en")
    assert "OPIT_DATABASE_URL" in message
    assert "secret" not in message
    assert "secret" not in redact_url(database.url)


def test_bad_url_is_a_clear_error():
    with pytest.raises(DatabaseUnavailable):
        connect("not a url")


def _open_questionnaire(database):
    with database.write() as session:
        return create_questionnaire(session, "q", demo_questionnaire(), status="open")


def test_same_submission_is_stored_once(database):
    questionnaire = _open_questionnaire(database)
    answers = clean_answers(questionnaire.definition, {"sus": [4, 2] * 5, "seq_overall": 6})
    results = []
    for _ in range(3):
        with database.write() as session:
            results.append(submit_response(session, questionnaire, "sub-0001-abcd", answers))
    assert [r.created for r in results] == [True, False, False]
    assert len({r.response_id for r in results}) == 1


def test_concurrent_duplicate_submissions_store_one(database):
    questionnaire = _open_questionnaire(database)
    answers = clean_answers(questionnaire.definition, {"sus": [3] * 10, "seq_overall": 4})
    barrier = threading.Barrier(6)
    failures: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            with database.write() as session:
                submit_response(session, questionnaire, "same-submission-id", answers)
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with database.read() as session:
        assert session.scalar(select(func.count(Response.id))) == 1


def test_closed_questionnaire_accepts_nothing(database):
    with database.write() as session:
        questionnaire = create_questionnaire(session, "q", demo_questionnaire(), status="closed")
    answers = clean_answers(questionnaire.definition, {"sus": [3] * 10, "seq_overall": 4})
    from i18n import UserError

    with pytest.raises(UserError), database.write() as session:
        submit_response(session, questionnaire, "closed-sub-0001", answers)
    with database.read() as session:
        assert session.scalar(select(func.count(Response.id))) == 0


def test_failed_write_leaves_nothing_half_written(database):
    questionnaire = _open_questionnaire(database)
    answers = clean_answers(questionnaire.definition, {"sus": [3] * 10, "seq_overall": 4})
    with pytest.raises(RuntimeError), database.write() as session:
        submit_response(session, questionnaire, "half-written-01", answers)
        raise RuntimeError("the request died after the insert")
    with database.read() as session:
        assert session.scalar(select(func.count(Response.id))) == 0
