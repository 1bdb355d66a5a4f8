"""Backups while the app runs, and restores into an empty database. The file's name says the format.

- `*.zip` (any backend, the default): a logical backup. One consistent snapshot of every table
  (a read transaction on SQLite's WAL; REPEATABLE READ on PostgreSQL) written as JSON lines, one
  file per table, with a manifest naming the Alembic revisions, the row counts and a SHA-256 per
  table. It restores into SQLite or PostgreSQL alike, from and to either.
- `*.db`, `*.sqlite`: SQLite's online backup API, a page-for-page copy (SQLite only).
- `*.dump`: `pg_dump --format=custom` (PostgreSQL only; needs a pg_dump at least as new as the
  server) — see `storage/backup_native.py`.

`restore` reads the format from the file's first bytes, refuses a database that holds any row,
brings the database to the backup's schema, loads, checks every table's count and then migrates to
the latest schema.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from sqlalchemy import JSON, Date, DateTime, LargeBinary, MetaData, func, null, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from i18n import N_, UserError
from storage import backup_native
from storage.db import Database
from storage.migrate import alembic_config, current_revisions, upgrade

FORMAT = "opit-backup/1"
CHUNK = 1000
SKIP_TABLES = {"alembic_version"}


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    kind: str
    tables: dict[str, int]
    revisions: tuple[str, ...]


def backup(database: Database, out: Path) -> BackupSummary:
    """Write one consistent backup file at `out` (its suffix picks the format)."""
    out = Path(out)
    suffix = out.suffix.lower()
    partial = out.with_name(out.name + ".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix in (".db", ".sqlite", ".sqlite3"):
            counts = backup_native.sqlite_backup(database, partial)
            kind = "sqlite"
        elif suffix == ".dump":
            counts = backup_native.pg_dump(database, partial)
            kind = "pg_dump"
        elif suffix == ".zip":
            counts = _logical_backup(database, partial)
            kind = "logical"
        else:
            raise UserError(
                N_("Name the backup file .zip (any database), .db (SQLite) or .dump (PostgreSQL).")
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(out, kind, counts, current_revisions(database))


def _kind(column) -> str:
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, LargeBinary):
        return "bytes"
    return "plain"


def _encode(kind: str, value: object) -> object:
    if value is None:
        return None
    if kind == "json":
        return [value]  # wrapped, so a stored JSON null stays apart from SQL NULL
    if kind == "datetime":
        if value.tzinfo is None:  # Opit stores UTC; SQLite hands it back without a zone
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(kind: str, value: object) -> object:
    if value is None:
        return null() if kind == "json" else None
    if kind == "json":
        return value[0]
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _snapshot(database: Database) -> Connection:
    """A connection inside a read transaction that sees one moment of the whole database."""
    conn = database.engine.connect()
    if database.is_sqlite:
        conn.begin()
    else:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    return conn


def _logical_backup(database: Database, path: Path) -> dict[str, int]:
    conn = _snapshot(database)
    try:
        metadata = MetaData()
        metadata.reflect(conn)
        revisions = [
            row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))
        ]
        manifest: dict = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "backend": conn.dialect.name,
            "revisions": sorted(revisions),
            "tables": {},
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in metadata.sorted_tables:
                if table.name in SKIP_TABLES:
                    continue
                columns = [c.name for c in table.c]
                kinds = [_kind(c) for c in table.c]
                digest = hashlib.sha256()
                count = 0
                order = list(table.primary_key.columns) or list(table.c)
                result = conn.execution_options(stream_results=True).execute(
                    select(table).order_by(*order)
                )
                with archive.open(f"tables/{table.name}.jsonl", "w") as handle:
                    for row in result:
                        cells = [_encode(k, v) for k, v in zip(kinds, row, strict=True)]
                        line = json.dumps(cells, ensure_ascii=False).encode("utf-8") + b"\n"
                        digest.update(line)
                        handle.write(line)
                        count += 1
                manifest["tables"][table.name] = {
                    "columns": columns,
                    "kinds": kinds,
                    "rows": count,
                    "sha256": digest.hexdigest(),
                }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    finally:
        conn.rollback()
        conn.close()
    return {name: info["rows"] for name, info in manifest["tables"].items()}


def backup_kind(path: Path) -> str:
    with Path(path).open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"PGDMP"):
        return "pg_dump"
    if head.startswith(b"PK"):
        return "logical"
    raise UserError(N_("This file is not an Opit backup."))


def row_counts(database: Database) -> dict[str, int]:
    """Rows of every table but Alembic's; {} for a database with no tables."""
    with database.engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        return {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in metadata.sorted_tables
            if t.name not in SKIP_TABLES
        }


def _require_empty(database: Database) -> None:
    if any(row_counts(database).values()):
        raise UserError(
            N_(
                "Restore only into an empty database: this one holds data. Create a new database "
                "(or move the SQLite file away) and restore into that."
            )
        )


def restore(database: Database, path: Path) -> dict[str, int]:
    """Restore a backup file into an empty database; returns the rows restored per table."""
    path = Path(path)
    if not path.is_file():
        raise UserError(N_("There is no backup file at {path}."), path=str(path))
    kind = backup_kind(path)
    _require_empty(database)
    try:
        if kind == "sqlite":
            backup_native.sqlite_restore(database, path, _all_revisions())
        elif kind == "pg_dump":
            _drop_tables(database)  # the dump creates them as they were, constraints and all
            backup_native.pg_restore(database, path)
        else:
            _logical_restore(database, path)
        upgrade(database)
        return row_counts(database)
    except DAMAGE as error:
        # whatever was loaded goes: the database is left as empty as it was found
        _empty_again(database)
        raise UserError(
            N_("The backup file is damaged ({table}); it was not restored."),
            table=type(error).__name__,
        ) from None


# What a damaged or foreign file raises on its way through zipfile, zlib, json, sqlite3 and the
# database: each means "not restorable", never a reason to crash.
DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,  # zipfile seeking to where a damaged directory points
    ValueError,  # json.JSONDecodeError, UnicodeDecodeError, bad dates and numbers
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RuntimeError,
    sqlite3.DatabaseError,
    SQLAlchemyError,
)


def _empty_again(database: Database) -> None:
    """Leave the database as `restore` found it: empty, at the current schema. It held no rows
    (checked before), so the SQLite file, whatever the damaged backup made of it, is replaced."""
    database.dispose()
    if database.sqlite_path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        _drop_tables(database)
    database.dispose()
    upgrade(database)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise UserError(N_("This file is not an Opit backup.")) from None
    if manifest.get("format") != FORMAT:
        raise UserError(N_("This file is not an Opit backup."))
    known = set(_all_revisions())
    if not set(manifest["revisions"]) <= known:
        raise UserError(
            N_("This backup comes from a newer Opit; update Opit and restore it again.")
        )
    return manifest


def _all_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    return [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


def _drop_tables(database: Database) -> None:
    """Drop every table of a database that holds no rows (checked before)."""
    with database.engine.begin() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        metadata.drop_all(conn)


def _schema_at(database: Database, revisions: list[str]) -> None:
    """Bring an empty database to exactly the backup's revisions."""
    if sorted(current_revisions(database)) == sorted(revisions):
        return
    _drop_tables(database)
    config = alembic_config()
    for revision in revisions:
        with database.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


def _logical_restore(database: Database, path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        manifest = _read_manifest(archive)
        _schema_at(database, manifest["revisions"])
        with database.engine.begin() as conn:
            metadata = MetaData()
            metadata.reflect(conn)
            for table in metadata.sorted_tables:
                info = manifest["tables"].get(table.name)
                if info is None or not info["rows"]:
                    continue
                _load_table(conn, archive, table, info)
            for table in metadata.sorted_tables:
                info = manifest["tables"].get(table.name)
                if info is None:
                    continue
                found = conn.scalar(select(func.count()).select_from(table))
                if found != info["rows"]:
                    raise RuntimeError(f"{table.name}: restored {found} of {info['rows']} rows")
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, metadata)


def _load_table(conn: Connection, archive: zipfile.ZipFile, table, info: dict) -> None:
    columns = [c for c in info["columns"] if c in table.c]
    index = {name: i for i, name in enumerate(info["columns"])}
    kinds = dict(zip(info["columns"], info["kinds"], strict=True))
    # a column pointing at its own table (a tree, a merge) is filled in after all rows exist
    later = [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.nullable
    ]
    digest = hashlib.sha256()
    batch: list[dict] = []
    deferred: list[tuple[dict, dict]] = []
    with archive.open(f"tables/{table.name}.jsonl") as handle:
        for line in io.BufferedReader(handle):
            digest.update(line)
            cells = json.loads(line)
            row = {c: _decode(kinds[c], cells[index[c]]) for c in columns}
            if later and any(row.get(c) is not None for c in later):
                deferred.append(
                    (
                        {c: row[c] for c in later},
                        {c.name: row[c.name] for c in table.primary_key.columns},
                    )
                )
                row.update({c: None for c in later})
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
    if digest.hexdigest() != info["sha256"]:
        raise UserError(
            N_("The backup file is damaged ({table}); it was not restored."), table=table.name
        )
    for values, key in deferred:
        where = [table.c[k] == v for k, v in key.items()]
        conn.execute(table.update().where(*where).values(values))


def _reset_sequences(conn: Connection, metadata: MetaData) -> None:
    """Make PostgreSQL's id counters continue after the restored ids."""
    for table in metadata.sorted_tables:
        if "id" not in table.c or table.name in SKIP_TABLES:
            continue
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence:
            conn.execute(
                text(
                    "SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "
                    + f'"{table.name}"'
                    + "), 0) + 1, false)"
                ),
                {"s": sequence},
            )
