"""The codebook in the database: hierarchical tags, renames and merges that re-point observations,
REFI-QDA (.qdc) export and import, and the migration of the old JSON tags."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from alembic import command
from sqlalchemy import delete, select

from i18n import UserError
from prototypes.repository import iterations, prototypes, tasks
from research.qdc import import_qdc
from research.repository import ObservationInput, TaskResultInput, add_participant, log_session
from research.repository_sessions import session_detail
from research.repository_tags import (
    add_tag,
    delete_tag,
    ensure_tag_paths,
    export_codebook,
    import_codebook,
    load_codebook,
    merge_tags,
    move_tag,
    tag_usage,
    update_tag,
)
from storage.db import connect, forget
from storage.migrate import alembic_config, upgrade
from storage.schema import ObservationTag, Tag


@pytest.fixture
def tagged(demo_database):
    """A session with three observations tagged by path."""
    with demo_database.write() as session:
        it = iterations(session, prototypes(session)[0].id)[-1]
        task = tasks(session, it.id)[0]
        person = add_participant(session, "citizen", consent_on=dt.date(2026, 11, 23))
        session_id = log_session(
            session,
            it.id,
            person.id,
            [TaskResultInput(task.id, "success")],
            [
                ObservationInput("pain_point", "КЕП не работи", severity=3, tags=("Вход/КЕП",)),
                ObservationInput("idea", "Вход с ПИК", tags=("Вход/ПИК", "Вход/КЕП")),
                ObservationInput("quote", "Бързо", tags=("Скорост",)),
            ],
        )
    return demo_database, session_id


def _paths(db, session_id):
    with db.read() as session:
        return [o.tags for o in session_detail(session, session_id).observations]


def test_paths_become_a_tree(tagged):
    db, session_id = tagged
    with db.read() as session:
        book = load_codebook(session)
    assert [book.path(t.key) for _d, t in book.walk()] == [
        "Вход",
        "Вход/КЕП",
        "Вход/ПИК",
        "Скорост",
    ]
    assert _paths(db, session_id) == [("Вход/КЕП",), ("Вход/КЕП", "Вход/ПИК"), ("Скорост",)]


def test_rename_and_move_relabel_every_observation(tagged):
    db, session_id = tagged
    with db.write() as session:
        book = load_codebook(session)
        kep = book.by_path("Вход/КЕП").key
        update_tag(session, kep, name="Електронен подпис")
        move_tag(session, kep, None)
    assert _paths(db, session_id)[0] == ("Електронен подпис",)


def test_merge_repoints_observations_once(tagged):
    db, session_id = tagged
    with db.write() as session:
        book = load_codebook(session)
        mapping = merge_tags(session, book.by_path("Вход/ПИК").key, book.by_path("Вход/КЕП").key)
    assert len(mapping) == 1
    assert _paths(db, session_id) == [("Вход/КЕП",), ("Вход/КЕП",), ("Скорост",)]
    with db.read() as session:
        assert len(session.scalars(select(Tag)).all()) == 3
        assert len(session.scalars(select(ObservationTag)).all()) == 3


def test_a_used_tag_is_not_deleted(tagged):
    db, _session_id = tagged
    with db.write() as session:
        key = load_codebook(session).by_path("Скорост").key
    with pytest.raises(UserError), db.write() as session:
        delete_tag(session, key)
    with db.write() as session:
        unused = add_tag(session, "Празен")
        delete_tag(session, unused)
        assert load_codebook(session).find(unused) is None


def test_bad_names_are_refused(database):
    with pytest.raises(UserError), database.write() as session:
        add_tag(session, "a/b")
    with pytest.raises(UserError), database.write() as session:
        add_tag(session, "x" * 101)
    with database.write() as session:
        add_tag(session, "Вход")
    with pytest.raises(UserError), database.write() as session:
        add_tag(session, "вход")


def test_qdc_round_trip_into_an_empty_codebook(tagged):
    db, _session_id = tagged
    with db.read() as session:
        data = export_codebook(session)
        before = load_codebook(session)
        usage = tag_usage(session)
    assert sum(usage.values()) == 4
    assert import_qdc(data).codebook.by_path("Вход/ПИК") is not None
    with db.write() as session:
        session.execute(delete(ObservationTag))
        session.execute(delete(Tag))
    with db.write() as session:
        result = import_codebook(session, data)
    assert (result.added, result.updated) == (4, 0)
    with db.write() as session:
        assert load_codebook(session) == before
        again = import_codebook(session, data)
    assert (again.added, again.updated) == (0, 0)


def test_import_merges_by_path_and_keeps_ours(tagged):
    db, _session_id = tagged
    theirs = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder 3.6"><Codes>
  <Code guid="0a8d6f5e-5d1c-4f64-9a36-2d7d4cf4a001" name="Вход" isCodable="true" color="#1F77B4">
    <Code guid="0a8d6f5e-5d1c-4f64-9a36-2d7d4cf4a002" name="Парола" isCodable="true"/>
  </Code>
</Codes></CodeBook>""".encode()
    with db.write() as session:
        result = import_codebook(session, theirs)
        book = load_codebook(session)
    assert result.added == 1 and result.updated == 1
    assert book.by_path("Вход").colour == "#1F77B4"
    assert book.by_path("Вход/Парола") is not None and book.by_path("Вход/КЕП") is not None


@pytest.mark.parametrize("data", [b"", b"not xml", b"PK\x03\x04zip", b"<Project/>"])
def test_broken_codebook_files_are_refused_and_nothing_changes(tagged, data):
    db, _session_id = tagged
    with db.read() as session:
        before = load_codebook(session)
    with pytest.raises(UserError), db.write() as session:
        import_codebook(session, data)
    with db.read() as session:
        assert load_codebook(session) == before


def test_migration_turns_json_tags_into_rows(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    database = connect(url)
    config = alembic_config()
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    raw = sqlite3.connect(path)
    now = "2026-11-23 10:00:00"
    raw.execute(
        "INSERT INTO life_events (id, slug, name_bg, name_en, description_bg, description_en, "
        "created_at) VALUES (1, 'move', 'Преместване', 'Moving', '', '', ?)",
        (now,),
    )
    raw.execute(
        "INSERT INTO prototypes (id, slug, life_event_id, name_bg, name_en, link, status, "
        "step_keys, created_at) VALUES (1, 'p', 1, 'П', 'P', '', 'active', '[]', ?)",
        (now,),
    )
    raw.execute(
        "INSERT INTO iterations (id, prototype_id, number, iso_year, iso_week, change_log, "
        "hypothesis, created_at) VALUES (1, 1, 1, 2026, 48, '', '', ?)",
        (now,),
    )
    raw.execute(
        "INSERT INTO interview_sessions (id, iteration_id, held_at, mode, notes, status, version, "
        "updated_at) VALUES (1, 1, ?, 'in_person', '', 'complete', 1, ?)",
        (now, now),
    )
    raw.executemany(
        "INSERT INTO observations (id, session_id, kind, text, tags, created_at) "
        "VALUES (?, 1, 'idea', 't', ?, '2026-11-23 10:00:00')",
        [(1, '["Вход/КЕП", "Скорост"]'), (2, '["вход/кеп"]'), (3, "[]")],
    )
    raw.commit()
    raw.close()
    upgrade(database)
    with database.read() as session:
        book = load_codebook(session)
        links = session.execute(select(ObservationTag.observation_id, Tag.key).join(Tag)).all()
    forget(url)
    assert sorted(book.path(t.key) for t in book) == ["Вход", "Вход/КЕП", "Скорост"]
    assert sorted((o, book.path(k)) for o, k in links) == [
        (1, "Вход/КЕП"),
        (1, "Скорост"),
        (2, "Вход/КЕП"),
    ]


def test_tag_paths_are_cleaned(database):
    with database.write() as session:
        ids = ensure_tag_paths(session, ["  Вход / КЕП ", "Вход/КЕП", "///"])
        book = load_codebook(session)
    assert len(set(ids.values())) == 1
    assert [book.path(t.key) for t in book] == ["Вход", "Вход/КЕП"]
