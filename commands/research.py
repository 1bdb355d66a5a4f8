"""`opit redact`, `opit codebook export|import` and `opit transcript check|import`.

`opit redact` reads UTF-8 text on standard input and writes it to standard output with personal
data replaced by placeholders; `--report` tells on standard error what was found (kinds and
counts only, never the values).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import settings
from i18n import N_, UserError

MB = 1024 * 1024


def _max_bytes() -> int:
    return settings.get_int("OPIT_MAX_UPLOAD_MB") * MB


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise UserError(
            N_("Cannot read {path}: {reason}"), path=path, reason=err.strerror or "?"
        ) from err


def cmd_redact(args: argparse.Namespace) -> int:
    from research.redaction import redact

    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(
            N_("The input is not UTF-8 text (byte {position}). Convert it to UTF-8 first."),
            position=err.start,
        ) from err
    result = redact(text)
    sys.stdout.buffer.write(result.text.encode("utf-8"))
    sys.stdout.flush()
    if args.report:
        counts = Counter(f.kind.value for f in result.findings)
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())) or "none"
        print(f"redacted {len(result.findings)} ({summary})", file=sys.stderr)
    return 0


def cmd_codebook_export(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from research.repository_tags import export_codebook

    with migrated_database().read() as session:
        data = export_codebook(session)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        return 0
    try:
        Path(args.output).write_bytes(data)
    except OSError as err:
        raise UserError(
            N_("Cannot write {path}: {reason}"), path=args.output, reason=err.strerror or "?"
        ) from err
    return 0


def cmd_codebook_import(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from research.repository_tags import import_codebook

    data = _read_file(args.file)
    with migrated_database().write() as session:
        result = import_codebook(session, data, max_bytes=_max_bytes())
    print(f"codebook: {result.added} tags added, {result.updated} updated")
    return 0


def cmd_transcript_check(args: argparse.Namespace) -> int:
    from research.transcript_import import findings_by_turn
    from research.transcripts import read_transcript

    transcript = read_transcript(_read_file(args.file), args.file, max_bytes=_max_bytes())
    findings = sum(len(t.redaction.findings) for t in findings_by_turn(transcript))
    print(
        f"{transcript.format}: {len(transcript.turns)} turns, "
        f"{len(transcript.speakers)} speakers, {findings} personal-data findings"
    )
    return 0


def cmd_transcript_import(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from research.repository_transcripts import import_transcript
    from research.transcripts import read_transcript

    transcript = read_transcript(_read_file(args.file), args.file, max_bytes=_max_bytes())
    pseudonyms = {}
    for item in args.speaker or []:
        name, sep, pseudonym = item.partition("=")
        if not sep:
            raise UserError(N_("Write each --speaker as NAME=PSEUDONYM."))
        pseudonyms[name.strip()] = pseudonym.strip()
    with migrated_database().write() as session:
        transcript_id = import_transcript(
            session,
            args.session,
            transcript,
            pseudonyms,
            title=args.title or Path(args.file).stem,
            actor="cli",
        )
    print(f"transcript {transcript_id}: {len(transcript.turns)} turns imported")
    return 0


def register(subcommands) -> None:
    redact = subcommands.add_parser(
        "redact", help="remove personal data from the text on standard input"
    )
    redact.add_argument(
        "--report", action="store_true", help="tell on stderr how many findings of each kind"
    )
    redact.set_defaults(handler=cmd_redact)

    codebook = subcommands.add_parser("codebook", help="export or import the codebook (.qdc)")
    actions = codebook.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the codebook as REFI-QDA .qdc")
    export.add_argument("output", nargs="?", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_codebook_export)
    load = actions.add_parser("import", help="merge a .qdc codebook into the codebook")
    load.add_argument("file")
    load.set_defaults(handler=cmd_codebook_import)

    transcript = subcommands.add_parser(
        "transcript", help="check or import an interview transcript"
    )
    actions = transcript.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="read a .txt/.vtt/.srt/.docx transcript and summarise")
    check.add_argument("file")
    check.set_defaults(handler=cmd_transcript_check)
    store = actions.add_parser("import", help="import a transcript for an interview session")
    store.add_argument("file")
    store.add_argument("--session", type=int, required=True, help="interview session id")
    store.add_argument("--title", help="title (default: the file name)")
    store.add_argument(
        "--speaker",
        action="append",
        metavar="NAME=PSEUDONYM",
        help="pseudonym to store for a speaker (repeat for each)",
    )
    store.set_defaults(handler=cmd_transcript_import)
