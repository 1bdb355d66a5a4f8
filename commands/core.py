"""`opit migrate`, `opit demo` and `opit serve`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def migrated_database():
    """The database named by the settings, brought to the latest schema."""
    from storage.db import connect
    from storage.migrate import upgrade

    database = connect()
    upgrade(database)
    return database


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import connect, redact_url
    from storage.migrate import head_revision, upgrade

    database = connect()
    changed = upgrade(database)
    state = "migrated to" if changed else "already at"
    print(f"{redact_url(database.url)}: {state} revision {head_revision()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from prototypes.demo import is_empty, load_demo

    database = migrated_database()
    from commands.access import ensure_demo_accounts

    ensure_demo_accounts(database)  # only when nobody has an account yet
    if args.if_empty and not is_empty(database):
        print("The project has data already; the demo was not loaded.")
        return 0
    summary = load_demo(database)
    public_url = settings.get("OPIT_PUBLIC_URL").rstrip("/")
    print(
        f"Demo loaded: {summary.iterations} iterations, {summary.sessions} interview sessions, "
        f"{summary.observations} observations, {summary.responses} responses.\n"
        f"Citizens' link for this week: {public_url}/?s={summary.open_questionnaire_token}"
    )
    return 0


def absolute_sqlite_url(url: str) -> str:
    """Relative SQLite paths resolve against the caller's folder, not the server's."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(Path(url[len(prefix) :]).resolve())
    return url


def cmd_serve(args: argparse.Namespace) -> int:
    from storage.db import database_url

    os.environ["OPIT_DATABASE_URL"] = absolute_sqlite_url(database_url())
    migrated_database()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--runner.postScriptGC",
        "false",
        "--browser.gatherUsageStats",
        "false",
    ]
    print(f"Opit on http://{args.address}:{args.port}  (Ctrl+C stops it)", flush=True)
    # Become the server (no child left running when this process is stopped or killed).
    os.chdir(PROJECT_ROOT)
    os.execv(sys.executable, command)
    return 0


def register(subcommands) -> None:
    migrate = subcommands.add_parser("migrate", help="bring the database to the latest schema")
    migrate.set_defaults(handler=cmd_migrate)

    demo = subcommands.add_parser("demo", help="load the demo project (Sofia address change)")
    demo.add_argument(
        "--if-empty", action="store_true", help="load only when the project has no prototype yet"
    )
    demo.set_defaults(handler=cmd_demo)

    serve = subcommands.add_parser("serve", help="run the web app")
    serve.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    serve.add_argument(
        "--address", default="localhost", help="address to listen on (default localhost)"
    )
    serve.set_defaults(handler=cmd_serve)
