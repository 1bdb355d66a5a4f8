"""`opit export-journey`, `opit import-journey` and `opit starter`: share and start life events.

A life event travels with its journey and prototypes (iterations, task scripts, screenshots) as one
JSON file; interviews and answers never do. Import checks the whole file first and names every
problem with its JSON path; nothing is stored unless the whole file is right.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import settings
from i18n import N_, UserError


def _max_bytes() -> int:
    return settings.get_int("OPIT_MAX_UPLOAD_MB") * 1_000_000


def cmd_export(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from prototypes.exchange import dumps
    from prototypes.repository_exchange import read_document

    database = migrated_database()
    started = time.perf_counter()
    with database.read() as session:
        doc = read_document(session, args.slug)
    text = dumps(doc)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        path = Path(args.output)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            raise UserError(
                N_("Cannot write {path}: {reason}"), path=str(path), reason=err.strerror
            ) from err
        seconds = time.perf_counter() - started
        print(
            f"Exported '{doc.slug}': {len(doc.steps)} steps, {len(doc.prototypes)} prototypes "
            f"to {path} ({len(text.encode()) / 1000:.0f} kB, {seconds:.2f} s)",
            file=sys.stderr,
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from prototypes.exchange import loads
    from prototypes.repository_exchange import write_document

    path = Path(args.file)
    limit = _max_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise UserError(
                N_("The file is {size} MB; the largest accepted is {limit} MB."),
                size=f"{size / 1_000_000:.1f}",
                limit=f"{limit / 1_000_000:g}",
            )
        data = path.read_bytes()
    except OSError as err:
        raise UserError(
            N_("Cannot read {path}: {reason}"), path=str(path), reason=err.strerror
        ) from err
    doc = loads(data, limit)
    database = migrated_database()
    with database.write() as session:
        summary = write_document(session, doc, args.slug)
    print(
        f"Imported life event '{summary.slug}': {summary.steps} steps, {summary.prototypes} "
        f"prototypes, {summary.iterations} iterations, {summary.tasks} tasks, "
        f"{summary.screenshots} screenshots."
    )
    for old, new in summary.renamed:
        print(f"The prototype '{old}' exists already; imported as '{new}'.")
    return 0


def cmd_starter(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from prototypes.starter_events import add_starter_set

    database = migrated_database()
    with database.write() as session:
        result = add_starter_set(session)
    print(f"Added {len(result.added)} life events: {', '.join(result.added) or '-'}.")
    if result.skipped:
        print(f"Skipped (the project has them already): {', '.join(result.skipped)}.")
    return 0


def register(subcommands) -> None:
    export = subcommands.add_parser(
        "export-journey",
        help="write a life event with its journey and prototypes to a JSON file",
    )
    export.add_argument("slug", help="the life event's short name, e.g. moving-home")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="file to write (default: standard output)"
    )
    export.set_defaults(handler=cmd_export)

    load = subcommands.add_parser(
        "import-journey", help="add a life event from a JSON file written by export-journey"
    )
    load.add_argument("file", help="the JSON file")
    load.add_argument(
        "--slug", help="short name for the imported life event (when the project has the file's)"
    )
    load.set_defaults(handler=cmd_import)

    starter = subcommands.add_parser(
        "starter", help="add the starter set of life events (skips those the project has)"
    )
    starter.set_defaults(handler=cmd_starter)
