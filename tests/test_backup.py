"""Backups while the app runs, restores into an empty database, round trips that lose nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import zipfile
from collections.abc import Iterator

import pytest
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import make_url

from cli import main
from i18n import UserError
from research.repository_audit import record_audit
from storage.backup import _snapshot, backup, backup_kind, restore, row_counts
from storage.db import Database, connect, forget
from storage.migrate import current_revisions, head_revisions, upgrade
from storage.schema import PrototypeScreenshot, Tag
from tests.db_fixtures import POSTGRES_URL, backend


def _every_row(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a form that compares across a round trip."""
    tables: dict[str, list[tuple]] = {}
    with database.engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = []
            for row in conn.execute(select(table)):
                rows.append(tuple(_comparable(v) for v in row))
            tables[table.name] = sorted(rows, key=repr)
    return tables


def _comparable(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _private_postgres(name: str) -> Iterator[Database]:
    """A PostgreSQL database of this test alone (the shared test database is emptied and refilled
    by other runs at any moment, which a backup would catch half-way)."""
    server = connect(POSTGRES_URL)
    admin = server.engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield connect(url)
    forget(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def empty_target(tmp_path) -> Iterator[Database]:
    """A second database with no tables: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        yield connect(url)
        forget(url)
        return
    yield from _private_postgres(f"opit_restore_{os.getpid()}")


@pytest.fixture
def source(request) -> Iterator[Database]:
    """The demo project in a database of its own."""
    if not POSTGRES_URL:
        yield request.getfixturevalue("demo_database")
        return
    from prototypes.demo import load_demo

    for database in _private_postgres(f"opit_backup_{os.getpid()}"):
        upgrade(database)
        load_demo(database)
        yield database


def _enrich(database: Database) -> None:
    """Rows the demo lacks: bytes, a tree that points at itself, a JSON null, an audit entry."""
    with database.write() as session:
        parent = Tag(key="t-root", name="Навигация")
        session.add(parent)
        session.flush()
        child = Tag(key="t-child", name="Меню", parent_id=parent.id)
        session.add(child)
        session.flush()
        parent.parent_id = None
        session.add(
            PrototypeScreenshot(
                prototype_id=1, filename="a.png", content_type="image/png", data=bytes(range(256))
            )
        )
        record_audit(session, "tests", "create", "tag", child.id, {"note": "ünïcode ✓"})


def test_logical_backup_round_trip_loses_nothing(source, empty_target, tmp_path):
    _enrich(source)
    out = tmp_path / "opit.zip"
    summary = backup(source, out)
    assert summary.kind == "logical" and backup_kind(out) == "logical"
    assert summary.tables["responses"] > 100
    restored = restore(empty_target, out)
    assert restored == row_counts(source)
    assert _every_row(empty_target) == _every_row(source)
    assert current_revisions(empty_target) == head_revisions()
    # new rows get new ids after the restored ones (PostgreSQL's sequences were moved on)
    with empty_target.write() as session:
        assert record_audit(session, "tests", "restore", "database") > restored["audit_events"]


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's own backup format")
def test_sqlite_file_backup_round_trip(source, empty_target, tmp_path):
    _enrich(source)
    out = tmp_path / "copy.db"
    assert backup(source, out).kind == "sqlite"
    assert backup_kind(out) == "sqlite"
    restore(empty_target, out)
    assert _every_row(empty_target) == _every_row(source)


@pytest.mark.skipif(backend() != "postgresql", reason="pg_dump is for PostgreSQL")
def test_pg_dump_round_trip(source, empty_target, tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    _enrich(source)
    out = tmp_path / "opit.dump"
    try:
        backup(source, out)
    except UserError as err:  # a pg_dump older than the server
        pytest.skip(str(err))
    assert backup_kind(out) == "pg_dump"
    upgrade(empty_target)  # restoring into a migrated but empty database works too
    restore(empty_target, out)
    assert _every_row(empty_target) == _every_row(source)


def test_restore_refuses_a_database_that_holds_data(source, tmp_path):
    out = tmp_path / "opit.zip"
    backup(source, out)
    with pytest.raises(UserError) as caught:
        restore(source, out)
    assert "празна" in caught.value.render("bg")


def test_damaged_or_foreign_files_are_refused(source, empty_target, tmp_path):
    out = tmp_path / "opit.zip"
    backup(source, out)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/responses.jsonl":
                first, rest = data.split(b"\n", 1)
                cells = json.loads(first)
                cells[0] = 10**9  # a changed id: valid JSON, but not what was backed up
                data = json.dumps(cells).encode() + b"\n" + rest
            target.writestr(item, data)
    with pytest.raises(UserError):
        restore(empty_target, damaged)
    assert not any(row_counts(empty_target).values())  # nothing half-restored
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup", encoding="utf-8")
    with pytest.raises(UserError):
        restore(empty_target, text_file)
    with pytest.raises(UserError):
        backup(source, tmp_path / "opit.tar")


def test_backup_is_one_moment_while_others_write(source):
    """What is written after the backup's snapshot began is not in it, and nothing waits."""
    conn = _snapshot(source)
    try:
        before = conn.execute(text("SELECT COUNT(*) FROM audit_events")).scalar()
        with source.write() as session:
            record_audit(session, "tests", "change", "tag", 1)
        assert conn.execute(text("SELECT COUNT(*) FROM audit_events")).scalar() == before
    finally:
        conn.rollback()
        conn.close()


def test_cli_backup_and_restore(source, empty_target, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPIT_DATABASE_URL", source.url)
    source = _every_row(source)
    out = tmp_path / "cli.zip"
    assert main(["backup", str(out)]) == 0
    assert "logical" in capsys.readouterr().out
    assert main(["--database", empty_target.url, "restore", str(out)]) == 0
    assert "Restored" in capsys.readouterr().out
    target = _every_row(empty_target)
    # the target's log has one more entry: the restore itself
    assert {k: v for k, v in target.items() if k != "audit_events"} == {
        k: v for k, v in source.items() if k != "audit_events"
    }
    assert len(target["audit_events"]) == len(source["audit_events"]) + 1


def test_a_backup_damaged_inside_leaves_the_database_empty_and_usable(
    source, empty_target, tmp_path
):
    out = tmp_path / "opit.zip"
    backup(source, out)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as whole, zipfile.ZipFile(damaged, "w") as part:
        for item in whole.infolist():  # every table but one: found only while loading
            if item.filename != "tables/responses.jsonl":
                part.writestr(item, whole.read(item))
    with pytest.raises(UserError) as caught:
        restore(empty_target, damaged)
    assert "damaged" in caught.value.render("en")
    assert not any(row_counts(empty_target).values())
    assert sorted(current_revisions(empty_target)) == sorted(head_revisions())
    assert restore(empty_target, out) == row_counts(source)  # and a good backup restores
