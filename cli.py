"""The `opit` command line. The subcommands live in `commands/`, one module per area.

Every command accepts `--database URL`, which overrides the OPIT_DATABASE_URL setting. A mistake the
user can fix prints one line in the interface language and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence

import commands
import settings
from i18n import UserError, default_language
from storage.audit_trail import set_actor


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opit",
        description="Opit: research toolkit for redesigning public services around life events.",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL; overrides the OPIT_DATABASE_URL setting",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"commands.{info.name}")
        module.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=settings.get("OPIT_LOG_LEVEL").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.database:
        os.environ["OPIT_DATABASE_URL"] = args.database
    set_actor("cli")  # who the audit log names for what this command writes
    try:
        return args.handler(args)
    except UserError as err:
        print(f"opit: {err.render(default_language())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
