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
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, connect, forget
from storage.migrate import upgrade
from storage.schema import Base

POSTGRES_URL = os.environ.get("OPIT_TEST_DATABASE_URL", "")


def backend() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


def _empty_postgres(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _run_schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    schema = f"opit_test_{os.getpid()}"
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
        from prototypes.demo import load_demo

        db = request.getfixturevalue("_postgres")
        _empty_postgres(db)
        load_demo(db)
        yield db
    else:
        yield from _sqlite_copy(request.getfixturevalue("_sqlite_demo_template"), tmp_path)


@pytest.fixture
def app_database(demo_database, monkeypatch) -> Database:
    """The demo database, named by OPIT_DATABASE_URL so the app and the CLI use it."""
    monkeypatch.setenv("OPIT_DATABASE_URL", demo_database.url)
    return demo_database
