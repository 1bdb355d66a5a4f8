"""Accounts, personal data and backups from the command line.

`opit create-admin`, `opit users`, `opit retention [--apply]`, `opit backup OUT`,
`opit restore IN`, `opit gdpr-export CODE --out DIR`, `opit erase CODE`. Each change is written to
the audit log with the actor `cli:<login name>`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from commands.core import migrated_database

DEMO_ROLES = ("admin", "researcher", "reviewer")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated): from standard input with --password-stdin, else a new random one."""
    from research.repository_users import new_password

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return new_password(), True


def ensure_demo_accounts(database) -> list[tuple[str, str, str]]:
    """On a database with no account, one account per role with printed random passwords."""
    from research.repository_users import create_user, new_password, user_count

    created = []
    with database.write() as session:
        if user_count(session):
            return []
        for role in DEMO_ROLES:
            password = new_password()
            create_user(session, role, role, password, display_name=role, actor="demo")
            created.append((role, role, password))
    print("Demo accounts (shown only now; change them with `opit users --reset-password NAME`):")
    for username, role, password in created:
        print(f"  {username:<11} {role:<11} password: {password}")
    return created


def cmd_create_admin(args: argparse.Namespace) -> int:
    from research.repository_users import create_user

    database = migrated_database()
    password, generated = _read_password(args)
    with database.write() as session:
        create_user(
            session, args.username, "admin", password, display_name=args.name, actor=_actor()
        )
    print(f"Admin account {args.username} created.")
    if generated:
        print(f"Password (shown only now): {password}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from research.repository_users import new_password, set_password, unlock, user_by_name, users

    database = migrated_database()
    name = args.unlock or args.reset_password
    if name:
        password = new_password()
        with database.write() as session:
            user = user_by_name(session, name)
            if user is None:
                print(f"opit: there is no account {name}", file=sys.stderr)
                return 2
            if args.unlock:
                unlock(session, user.id, actor=_actor())
            else:
                set_password(session, user.id, password, actor=_actor())
        print(f"{name}: unlocked" if args.unlock else f"{name}: new password {password}")
        return 0
    with database.read() as session:
        people = users(session)
    for user in people:
        state = "disabled" if user.disabled else ("locked" if user.locked_until else "active")
        print(f"{user.username:<30} {user.role:<11} {state}")
    if not people:
        print("No accounts yet: run `opit create-admin`.")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from research.repository_gdpr import apply_retention, retention_due

    database = migrated_database()
    with database.read() as session:
        due = retention_due(session)
    for item in due:
        withdrawn = " (consent withdrawn)" if item.withdrawn else ""
        print(f"{item.code}: retention ended {item.retention_until}{withdrawn}")
    if not due:
        print("No participant's data is past its retention date.")
        return 0
    if not args.apply:
        print(f"{len(due)} participants are due; run `opit retention --apply` to erase them.")
        return 0
    with database.write() as session:
        reports = apply_retention(session, actor=_actor())
    print(f"Erased {len(reports)} participants; the scan of every table found nothing left.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from research.repository_audit import record_audit
    from storage.backup import backup

    database = migrated_database()
    summary = backup(database, Path(args.out))
    with database.write() as session:
        record_audit(session, _actor(), "backup", "database", "", {"kind": summary.kind})
    rows = sum(summary.tables.values())
    print(f"Backup written to {summary.path} ({summary.kind}, {rows} rows)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from research.repository_audit import record_audit
    from storage.backup import restore
    from storage.db import connect, redact_url

    database = connect()
    counts = restore(database, Path(args.file))
    with database.write() as session:
        record_audit(session, _actor(), "restore", "database", "", {"rows": sum(counts.values())})
    print(f"Restored {sum(counts.values())} rows into {redact_url(database.url)}")
    return 0


def cmd_gdpr_export(args: argparse.Namespace) -> int:
    from i18n import default_language
    from research.gdpr import export_json, export_xlsx
    from research.repository_gdpr import participant_export, participant_id_for

    database = migrated_database()
    with database.write() as session:
        participant_id = participant_id_for(session, args.code)
        export = participant_export(session, participant_id, actor=_actor())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"opit-participant-{participant_id}"
    (out / f"{stem}.json").write_bytes(export_json(export))
    (out / f"{stem}.xlsx").write_bytes(export_xlsx(export, default_language()))
    print(f"Wrote {out / stem}.json and .xlsx (personal data: keep them safe)")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from research.repository_gdpr import erase_participant, participant_id_for

    database = migrated_database()
    if not args.yes:
        answer = input(f"Erase everything about {args.code}? This cannot be undone. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was erased.")
            return 1
    with database.write() as session:
        report = erase_participant(session, participant_id_for(session, args.code), actor=_actor())
    kept = "task metrics kept under an anonymous code" if report.kept_metrics else "nothing kept"
    print(f"Erased {args.code} ({kept}); the scan of every table found nothing left.")
    return 0


def register(subcommands) -> None:
    admin = subcommands.add_parser("create-admin", help="create an admin account")
    admin.add_argument("username", nargs="?", default="admin", help="username (default admin)")
    admin.add_argument("--name", default="", help="the person's name")
    admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    admin.set_defaults(handler=cmd_create_admin)

    people = subcommands.add_parser("users", help="list accounts; unlock or reset one")
    group = people.add_mutually_exclusive_group()
    group.add_argument("--unlock", metavar="NAME", help="unlock an account")
    group.add_argument("--reset-password", metavar="NAME", help="print a new password for it")
    people.set_defaults(handler=cmd_users)

    retention = subcommands.add_parser(
        "retention", help="list participants past their retention date"
    )
    retention.add_argument("--apply", action="store_true", help="erase them")
    retention.set_defaults(handler=cmd_retention)

    backup = subcommands.add_parser("backup", help="write a consistent backup while the app runs")
    backup.add_argument("out", help="file: .zip (portable), .db (SQLite), .dump (pg_dump)")
    backup.set_defaults(handler=cmd_backup)

    restore = subcommands.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file", help="a file written by `opit backup`")
    restore.set_defaults(handler=cmd_restore)

    export = subcommands.add_parser("gdpr-export", help="export one participant's data")
    export.add_argument("code", help="participant code, e.g. P-001")
    export.add_argument("--out", required=True, help="folder for the JSON and XLSX files")
    export.set_defaults(handler=cmd_gdpr_export)

    erase = subcommands.add_parser("erase", help="erase one participant everywhere")
    erase.add_argument("code", help="participant code, e.g. P-001")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(handler=cmd_erase)
