"""The one door to the database: the engine, its SQLite pragmas, and read and write sessions.

`connect(url)` gives a `Database` for a URL (one per URL per process). Reads run in ordinary
transactions; writes run in `database.write()`, which on SQLite takes the write lock up front
(`BEGIN IMMEDIATE`) so two writers never deadlock half-way, and commits on success.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import settings
from i18n import N_, UserError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseUnavailable(UserError):
    """The database named by the setting cannot be reached or opened."""


class StorageBusy(UserError):
    """The database failed or timed out during a piece of work; nothing of it was kept."""

    def __init__(self) -> None:
        super().__init__(
            N_("The database did not answer in time and nothing was saved. Please try again.")
        )


def redact_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable URL>"


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            N_("The setting OPIT_DATABASE_URL is not a database URL: {url}"), url=redact_url(url)
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get("opit_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An engine with its sessions. Create through `connect(url)`."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = _make_engine(self.url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(opit_write=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        name = self.engine.url.database
        return Path(name) if name and name != ":memory:" else None

    def check(self) -> None:
        """Raise DatabaseUnavailable, naming the setting to fix, when the database can't be used."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as err:
            log.warning("database check failed: %s", type(err.orig).__name__)
            raise DatabaseUnavailable(
                N_(
                    "Opit cannot reach its database at {url}. Check the setting "
                    "OPIT_DATABASE_URL and that the database server is running."
                ),
                url=redact_url(self.url),
            ) from None

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it changes is committed.

        Closing (not rolling back) ends its transaction, so objects it loaded stay readable.
        """
        try:
            with self._reader() as session:
                yield session
        except IntegrityError:
            raise
        except DBAPIError as err:
            log.error("database read failed: %s", type(err.orig or err).__name__)
            raise StorageBusy() from err

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends without an exception.

        A lost connection, a lock timeout, a failed commit or any other database failure but an
        integrity error (which repositories handle) rolls everything back and raises StorageBusy,
        which a page shows as "nothing was saved, try again"; the cause is logged, without data.
        """
        try:
            with self._writer() as session, session.begin():
                yield session
        except IntegrityError:
            raise
        except DBAPIError as err:
            log.error("database write failed: %s", type(err.orig or err).__name__)
            raise StorageBusy() from err

    def dispose(self) -> None:
        self.engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def database_url(url: str | None = None) -> str:
    return normalise_url(url or settings.get("OPIT_DATABASE_URL"))


def connect(url: str | None = None) -> Database:
    """The process's `Database` for `url` (default: the OPIT_DATABASE_URL setting)."""
    from storage import audit_trail  # noqa: F401  (registers the audit log's listener)

    key = database_url(url)
    with _lock:
        if key not in _databases:
            _databases[key] = Database(key)
        return _databases[key]


def forget(url: str | None = None) -> None:
    """Dispose of a cached Database (tests, restore)."""
    from storage import audit_trail  # noqa: F401  (registers the audit log's listener)

    key = database_url(url)
    with _lock:
        database = _databases.pop(key, None)
    if database is not None:
        database.dispose()
