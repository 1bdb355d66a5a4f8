"""Bring a database to the latest schema, after a backup copy of a SQLite file."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import settings
from storage.db import Database

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revisions() -> tuple[str, ...]:
    """The newest revision of each line of migrations (areas may branch from a common base)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def head_revision() -> str:
    """The latest revisions, joined with '+' when the history has several heads."""
    return "+".join(head_revisions())


def current_revisions(database: Database) -> tuple[str, ...]:
    with database.engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def current_revision(database: Database) -> str | None:
    return "+".join(current_revisions(database)) or None


def backup_sqlite(path: Path) -> Path:
    """A consistent copy of a live SQLite database at `<file>.bak`, by SQLite's backup API."""
    target = path.with_name(path.name + ".bak")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target


def upgrade(database: Database) -> bool:
    """Migrate to the latest revision; True when anything was applied."""
    database.check()
    current = current_revision(database)
    head = head_revision()
    if current_revisions(database) == head_revisions():
        return False
    path = database.sqlite_path
    if (
        current is not None
        and path is not None
        and path.exists()
        and settings.get_bool("OPIT_BACKUP_BEFORE_MIGRATE")
    ):
        log.info("backed up the database to %s before migrating", backup_sqlite(path).name)
    config = alembic_config()
    with database.engine.connect() as conn:
        # SQLite batch migrations rebuild a table by DROP TABLE: with foreign keys on, that would
        # cascade-delete every row referring to it (sessions of an altered `iterations`, …).
        # The pragma works only outside a transaction, so it goes to the driver connection.
        raw = conn.connection.dbapi_connection if database.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "heads")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
    log.info("database migrated from %s to %s", current or "empty", head)
    return True
