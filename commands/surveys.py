"""`opit import-form`, `opit import-responses` and `opit export-responses`.

Each prints one line saying what was done. A file that cannot be imported as it is exits with
status 2 and the located problems (sheet and row, element and line, or row and column).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from i18n import N_, UserError


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise UserError(N_("{path} does not exist or cannot be read."), path=str(path)) from None


def _questionnaire(session, slug: str):
    from surveys.repository import questionnaire_by_slug

    found = questionnaire_by_slug(session, slug)
    if found is None:
        raise UserError(N_("There is no questionnaire called '{slug}'."), slug=slug)
    return found


def cmd_import_form(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from surveys.builder import slugify
    from surveys.form_files import read_form_file
    from surveys.repository_imports import import_form

    path = Path(args.file)
    form = read_form_file(_read(path), path.name)
    title = next((t for t in form.definition.title.values() if t), path.stem)
    slug = args.slug or slugify(title)[:60]
    database = migrated_database()
    with database.write() as session:
        summary = import_form(session, form, slug, iteration_id=args.iteration)
    info = summary.questionnaire
    state = "imported as" if summary.created else "already imported as"
    line = (
        f"{path.name}: {state} '{info.slug}' ({len(info.definition.questions)} questions, "
        f"languages {', '.join(info.definition.languages)}, status {info.status})"
    )
    if form.responses:
        line += (
            f"; responses: {summary.added} added, {summary.already} already stored, "
            f"{summary.incomplete} unfinished and {summary.invalid} invalid skipped"
        )
    print(line)
    return 0


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep:
            raise UserError(N_("Write each --map as COLUMN=QUESTION, for example --map 'Age=age'."))
        mapping[column.strip()] = target.strip()
    return mapping


def cmd_import_responses(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from surveys.repository_imports import import_mapped_responses
    from surveys.response_files import (
        map_responses,
        read_response_table,
        suggest_id_column,
        suggest_mapping,
    )

    path = Path(args.file)
    table = read_response_table(_read(path), path.name)
    database = migrated_database()
    with database.read() as session:
        questionnaire = _questionnaire(session, args.questionnaire)
    definition = questionnaire.definition
    mapping = _mapping(args.map) or suggest_mapping(table, definition)
    for column in mapping:
        if column not in table.columns:
            raise UserError(N_("The file has no column '{column}'."), column=column)
    if not mapping:
        raise UserError(
            N_(
                "No column of {filename} matches a question of '{slug}' by name or label; name "
                "them with --map COLUMN=QUESTION."
            ),
            filename=path.name,
            slug=questionnaire.slug,
        )
    id_column = args.id_column or suggest_id_column(table)
    if id_column is not None and id_column not in table.columns:
        raise UserError(N_("The file has no column '{column}'."), column=id_column)
    mapped = map_responses(
        table, definition, mapping, id_column, questionnaire_key=questionnaire.slug
    )
    with database.write() as session:
        summary = import_mapped_responses(
            session,
            questionnaire.id,
            mapped,
            mapping,
            filename=path.name,
            skip_invalid=args.skip_invalid,
        )
    print(
        f"{path.name} → '{questionnaire.slug}': {summary.added} responses added, "
        f"{summary.already} already stored, {summary.invalid} skipped "
        f"({len(mapping)} of {len(table.columns)} columns mapped)"
    )
    return 0


def cmd_export_responses(args: argparse.Namespace) -> int:
    from commands.core import migrated_database
    from surveys.exports import export_bytes
    from surveys.repository import response_rows

    database = migrated_database()
    with database.read() as session:
        questionnaire = _questionnaire(session, args.slug)
        rows = response_rows(session, questionnaire.id)
    data = export_bytes(
        questionnaire.definition, rows, args.language, args.format, headers=args.headers
    )
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError:
        raise UserError(N_("{path} cannot be written."), path=str(out)) from None
    print(f"{out}: {len(rows)} responses of '{questionnaire.slug}' ({args.format})")
    return 0


def register(subcommands) -> None:
    form = subcommands.add_parser(
        "import-form", help="import a questionnaire from an XLSForm (.xlsx) or LimeSurvey file"
    )
    form.add_argument("file", help="an .xlsx/.xls XLSForm, or a LimeSurvey .lss or .lsa")
    form.add_argument("--slug", help="short name of the questionnaire (default: from its title)")
    form.add_argument("--iteration", type=int, help="id of the iteration to tie it to")
    form.set_defaults(handler=cmd_import_form)

    responses = subcommands.add_parser(
        "import-responses", help="import responses from a CSV or Excel export"
    )
    responses.add_argument("file", help="a .csv, .xlsx or .xls file, one row per respondent")
    responses.add_argument("--questionnaire", required=True, metavar="SLUG")
    responses.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=QUESTION",
        help="which column answers which question (default: matched by name or label); "
        "a SUS statement is QUESTION[1]..QUESTION[10]",
    )
    responses.add_argument("--id-column", help="the column that identifies each response")
    responses.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the rows that fit and skip the others (default: refuse the file)",
    )
    responses.set_defaults(handler=cmd_import_responses)

    export = subcommands.add_parser("export-responses", help="write responses to CSV or XLSX")
    export.add_argument("slug", help="the questionnaire's short name")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--language", choices=("bg", "en"), default="bg")
    export.add_argument(
        "--headers", choices=("labels", "names"), default="labels", help="column titles"
    )
    export.set_defaults(handler=cmd_export_responses)
