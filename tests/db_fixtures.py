"""Database fixtures: a real, migrated database per test, on SQLite or PostgreSQL.

By default every test gets its own SQLite file, copied from a template migrated once. When
OPIT_TEST_DATABASE_URL is set (CI sets it to the local PostgreSQL), the same tests run there, in a
schema of this run's own (so runs sharing one database never meet): migrated once, and every table
emptied before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Integer, create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, connect, forget
from storage.migrate import upgrade
from storage.schema import Base

POSTGRES_URL = os.environ.get("OPIT_TEST_DATABASE_URL", "")


def backend() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


def _empty_postgres(database: Database) -> None:
    """Every table emptied and every id counter back at 1. Only the tables holding rows are
    truncated (most tests write to a few), which takes a third of the time of all of them."""
    names = [t.name for t in Base.metadata.sorted_tables]
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names
    )
    counters = ", ".join(
        f"pg_get_serial_sequence('\"{t.name}\"', 'id')"
        for t in Base.metadata.sorted_tables
        if "id" in t.c and isinstance(t.c.id.type, Integer)
    )
    with database.engine.begin() as conn:
        holding = [row[0] for row in conn.execute(text(probe))]
        if holding:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in holding) + " CASCADE"))
        conn.execute(
            text(
                f"SELECT setval(s, 1, false) FROM unnest(ARRAY[{counters}]) AS s "
                "WHERE s IS NOT NULL"
            )
        )


def _run_schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _migrated_schema(schema: str) -> Iterator[Database]:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _run_schema_url(schema)
    database = connect(url)
    upgrade(database)
    yield database
    forget(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    yield from _migrated_schema(f"opit_test_{os.getpid()}")


@pytest.fixture(scope="session")
def _postgres_demo_schema() -> Iterator[str]:
    """A schema holding the demo, loaded once: copying its rows (about 0.1 s) is what each demo
    test pays, instead of `load_demo` (0.9 s) — a quarter of the tests use the demo."""
    from prototypes.demo import load_demo

    schema = f"opit_test_{os.getpid()}_demo"
    for database in _migrated_schema(schema):
        load_demo(database)
        yield schema


def _copy_postgres(database: Database, source_schema: str) -> None:
    """Fill the (emptied) run schema with the rows of `source_schema`, ids and counters too."""
    statements = []
    for table in Base.metadata.sorted_tables:
        statements.append(
            f'INSERT INTO "{table.name}" SELECT * FROM "{source_schema}"."{table.name}"'
        )
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false) '
                f"WHERE pg_get_serial_sequence('\"{table.name}\"', 'id') IS NOT NULL"
            )
    with database.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "opit.db"
    url = f"sqlite:///{path}"
    upgrade(connect(url))
    forget(url)
    return path


@pytest.fixture(scope="session")
def _sqlite_demo_template(tmp_path_factory, _sqlite_template) -> Path:
    from prototypes.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "opit.db"
    shutil.copy(_sqlite_template, path)
    url = f"sqlite:///{path}"
    load_demo(connect(url))
    forget(url)
    return path


def _sqlite_copy(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "opit.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    database = connect(url)
    yield database
    forget(url)


@pytest.fixture
def database(request, tmp_path) -> Iterator[Database]:
    """An empty, migrated database of its own for this test."""
    if POSTGRES_URL:
        db = request.getfixturevalue("_postgres")
        _empty_postgres(db)
        yield db
    else:
        yield from _sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path)


@pytest.fixture
def demo_database(request, tmp_path) -> Iterator[Database]:
    """A database of its own holding the demo project."""
    if POSTGRES_URL:
        db = request.getfixturevalue("_postgres")
        _empty_postgres(db)
        _copy_postgres(db, request.getfixturevalue("_postgres_demo_schema"))
        # the same rows under the same URL as the last demo test: its cached week summaries
        # would match, and tests that count the review's queries expect a first visit
        from prototypes.review import forget_summaries

        forget_summaries()
        yield db
    else:
        yield from _sqlite_copy(request.getfixturevalue("_sqlite_demo_template"), tmp_path)


@pytest.fixture
def app_database(demo_database, monkeypatch) -> Database:
    """The demo database, named by OPIT_DATABASE_URL so the app and the CLI use it."""
    monkeypatch.setenv("OPIT_DATABASE_URL", demo_database.url)
    return demo_database
