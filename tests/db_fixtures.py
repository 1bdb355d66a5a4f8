"""Database fixtures: a real, migrated database per test, on SQLite or PostgreSQL.

By default every test gets its own SQLite file, copied from a template migrated once. When
OPIT_TEST_DATABASE_URL is set (CI sets it to the local PostgreSQL), the same tests run there: the
schema is rebuilt once per run and every table is emptied before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

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


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    database = connect(POSTGRES_URL)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(database)
    yield database
    forget(POSTGRES_URL)


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
