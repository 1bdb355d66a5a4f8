"""Responses as a CSV or XLSX file: one row a response, labels in a chosen language, safe to open.

Answers are untrusted text. A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or
a carriage return as a formula (CSV injection), so every such cell is neutralised: in CSV it gets a
leading apostrophe (OWASP's advice; a plain number such as -3 is left as it is, since it cannot
carry a formula); in XLSX it is stored as a string cell with Excel's own "quote prefix" style,
which is what Excel records when a person types an apostrophe before a formula, so the cell shows
the text and stays text even when edited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from i18n import N_, translate
from surveys.answers import OTHER
from surveys.definition import (
    CHOICE_TYPES,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    label_in,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula-like start."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text)


def sus_score(items: object) -> float | None:
    """The 0–100 SUS score of ten 1–5 answers, or None when any is missing."""
    if not isinstance(items, list | tuple) or len(items) != 10:
        return None
    if any(not isinstance(v, int | float) or isinstance(v, bool) for v in items):
        return None
    total = sum((v - 1) if i % 2 == 0 else (5 - v) for i, v in enumerate(items))
    return total * 2.5


def response_table(
    definition: QuestionnaireDefinition,
    rows: Sequence[Mapping[str, object]],
    lang: str,
    *,
    headers: str = "labels",
) -> ExportTable:
    """The table of an export; `headers` is "labels" (in `lang`) or "names" (question names)."""
    by_label = headers == "labels"
    heads = [
        _t(N_("Response"), lang, by_label, "response_id"),
        _t(N_("Submitted (UTC)"), lang, by_label, "submitted_at"),
        _t(N_("Language"), lang, by_label, "language"),
        _t(N_("Source"), lang, by_label, "source"),
    ]
    questions = [q for q in definition.questions if q.type is not QuestionType.NOTE]
    for question in questions:
        heads += _question_headers(question, lang, by_label)
    table_rows = []
    for row in rows:
        cells: list[object] = [
            row.get("id"),
            _timestamp(row.get("submitted_at")),
            row.get("language"),
            row.get("source"),
        ]
        for question in questions:
            cells += _question_cells(question, row, lang)
        table_rows.append(tuple(cells))
    return ExportTable(tuple(heads), tuple(table_rows))


def _t(message: str, lang: str, by_label: bool, name: str) -> str:
    return translate(message, lang) if by_label else name


def _question_headers(question: Question, lang: str, by_label: bool) -> list[str]:
    label = label_in(question.labels, lang) or question.name
    if question.type is QuestionType.SUS:
        items = question.item_labels(lang)
        if by_label:
            heads = [f"{i}. {text}" for i, text in enumerate(items, start=1)]
            return [*heads, translate(N_("SUS score"), lang)]
        return [*(f"{question.name}_{i}" for i in range(1, 11)), f"{question.name}_score"]
    heads = [label if by_label else question.name]
    if question.allow_other:
        other = translate(N_("{question} (other)"), lang, question=label)
        heads.append(other if by_label else f"{question.name}_other")
    return heads


def _question_cells(question: Question, row: Mapping[str, object], lang: str) -> list[object]:
    value = row.get(question.name)
    if question.type is QuestionType.SUS:
        items = list(value) if isinstance(value, list | tuple) else [None] * 10
        return [*items[:10], *([None] * (10 - len(items[:10]))), sus_score(value)]
    if question.type in CHOICE_TYPES:
        names = {c.value: label_in(c.labels, lang) or c.value for c in question.choices}
        names.setdefault(OTHER, translate(N_("Other"), lang))
        chosen = value if isinstance(value, list | tuple) else ([] if value is None else [value])
        cells: list[object] = ["; ".join(names.get(str(v), str(v)) for v in chosen) or None]
        if question.allow_other:
            cells.append(row.get(f"{question.name}__other"))
        return cells
    return [value]


def _timestamp(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.replace(microsecond=0)
    return value


# ---- files -----------------------------------------------------------------------------------


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return neutralise(str(value))


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a BOM (so Excel reads Cyrillic), comma-separated, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable, sheet_title: str = "Responses") -> bytes:
    """An .xlsx workbook; text cells are strings, formula-like ones carry Excel's quote prefix."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    bold = Font(bold=True)

    def cell(value: object, header: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub(" ", value)
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # never a formula, whatever the text starts with
            if is_formula_like(value):
                item.quotePrefix = True
        elif isinstance(value, dt.datetime):
            item.number_format = "yyyy-mm-dd hh:mm:ss"
        if header:
            item.font = bold
        return item

    sheet.append([cell(h, header=True) for h in table.headers])
    for row in table.rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Responses"
    return cleaned[:31]


def export_bytes(
    definition: QuestionnaireDefinition,
    rows: Sequence[Mapping[str, object]],
    lang: str,
    fmt: str,
    *,
    headers: str = "labels",
) -> bytes:
    """The responses as a CSV or XLSX file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    table = response_table(definition, rows, lang, headers=headers)
    if fmt == "csv":
        return to_csv(table)
    return to_xlsx(table, translate(N_("Responses"), lang))
