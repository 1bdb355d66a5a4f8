"""`opit report`: the weekly review of one iteration as an Excel workbook or a PDF for the board.

    opit report --prototype online-address-change --out review.xlsx
    opit report --prototype online-address-change --iteration 2 --out board.pdf --language en

The format follows the file's suffix (.xlsx or .pdf); the language defaults to OPIT_LANGUAGE.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from i18n import LANGUAGES, N_, UserError, default_language


def cmd_report(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from prototypes.reports import FORMATS, build_report, resolve

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(N_("A report is an .xlsx or a .pdf file, not '{fmt}'."), fmt=out.suffix)
    lang = args.language or default_language()
    started = time.perf_counter()
    database = migrated_database()
    with database.read() as session:
        prototype, iteration = resolve(session, args.prototype, args.iteration)
        data = build_report(session, prototype.id, iteration.id, fmt, lang)
    try:
        out.write_bytes(data)
    except OSError as err:
        raise UserError(
            N_("Cannot write {path}: {reason}"), path=str(out), reason=err.strerror
        ) from err
    print(
        f"Report of '{prototype.slug}', iteration {iteration.number} ({iteration.week_label}), "
        f"{lang}: {out} ({len(data) / 1000:.0f} kB, {time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


def register(subcommands) -> None:
    report = subcommands.add_parser(
        "report", help="write the weekly review of an iteration as .xlsx or .pdf"
    )
    report.add_argument("--prototype", required=True, metavar="SLUG", help="the prototype's slug")
    report.add_argument(
        "--iteration", type=int, metavar="N", help="iteration number (default: the latest)"
    )
    report.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.xlsx (team workbook) or FILE.pdf (board)"
    )
    report.add_argument(
        "--language", choices=sorted(LANGUAGES), help="bg or en (default: OPIT_LANGUAGE)"
    )
    report.set_defaults(handler=cmd_report)
