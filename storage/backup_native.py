"""The databases' own backup tools: SQLite's online backup API, and pg_dump / pg_restore.

Used by `storage.backup` for `.db` and `.dump` files. The password of a PostgreSQL URL goes to the
tools in the PGPASSWORD environment variable, never on a command line (where `ps` would show it).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text

from i18n import N_, UserError
from storage.db import Database


def _sqlite_path(database: Database) -> Path:
    path = database.sqlite_path
    if path is None:
        raise UserError(
            N_("A .db backup is for a SQLite database; name the file .zip for this database.")
        )
    return path


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=1024)


def sqlite_backup(database: Database, out: Path) -> dict[str, int]:
    """A page-for-page copy of the live database; writers carry on while it runs."""
    source = sqlite3.connect(_sqlite_path(database))
    try:
        copy = sqlite3.connect(out)
        try:
            _copy(source, copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            return _counts(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def sqlite_restore(database: Database, path: Path, known_revisions: list[str]) -> None:
    """Copy a SQLite backup over the (empty) database, once it proves whole and Opit's own."""
    target_path = _sqlite_path(database)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise UserError(
                N_("The backup file is damaged ({table}); it was not restored."), table="-"
            )
        try:
            revisions = {r[0] for r in source.execute("SELECT version_num FROM alembic_version")}
        except sqlite3.OperationalError:  # no such table: some other SQLite file
            raise UserError(N_("This file is not an Opit backup.")) from None
        if not revisions:
            raise UserError(N_("This file is not an Opit backup."))
        if not revisions <= set(known_revisions):
            raise UserError(
                N_("This backup comes from a newer Opit; update Opit and restore it again.")
            )
        database.dispose()
        target = sqlite3.connect(target_path)
        try:
            _copy(source, target)
        finally:
            target.close()
    finally:
        source.close()
    database.dispose()


def _libpq(database: Database) -> tuple[str, dict[str, str]]:
    url = database.engine.url
    if url.get_backend_name() != "postgresql":
        raise UserError(
            N_("A .dump backup is for a PostgreSQL database; name the file .zip or .db instead.")
        )
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _major(version: str) -> int:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    found = re.search(r"\)\s*(\d+)", version) or re.search(r"(\d+)", version)
    return int(found.group(1)) if found else 0


def _tool(database: Database, name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(
            N_("{tool} is not installed here; name the backup file .zip to make a portable one."),
            tool=name,
        )
    found = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    with database.engine.connect() as conn:
        server = int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    tool = _major(found.stdout)
    if tool < server:
        raise UserError(
            N_(
                "{tool} {version} is older than the database server ({server}); name the backup "
                "file .zip to make a portable one."
            ),
            tool=name,
            version=tool,
            server=server,
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # the tools' messages name tables and options, not the password (it is in the environment)
        tail = done.stderr.strip().splitlines()[-1:] or ["exit status " + str(done.returncode)]
        raise UserError(N_("{tool} failed: {detail}"), tool=Path(command[0]).name, detail=tail[0])


def pg_dump(database: Database, out: Path) -> dict[str, int]:
    url, env = _libpq(database)
    tool = _tool(database, "pg_dump")
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", url], env)
    return {}


def pg_restore(database: Database, path: Path) -> None:
    url, env = _libpq(database)
    tool = _tool(database, "pg_restore")
    database.dispose()
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url}",
            str(path),
        ],
        env,
    )
    database.dispose()
