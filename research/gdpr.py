"""A participant's data export as files: JSON for machines, XLSX for the person who asked.

`participant_export` (research/repository_gdpr.py) gathers the data; these functions only write it.
"""

from __future__ import annotations

import io
import json

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from i18n import N_, translate

#: sheet titles of the tables a person will recognise; other tables keep their own name
SHEETS = {
    "participants": N_("Participant"),
    "consents": N_("Consent"),
    "participant_contacts": N_("Contact details"),
    "interview_sessions": N_("Interview sessions"),
    "task_results": N_("Task results"),
    "observations": N_("Observations"),
    "transcripts": N_("Transcripts"),
    "transcript_turns": N_("Transcript turns"),
}
LABELLED = {"task_id": "tasks", "journey_step_id": "journey_steps", "iteration_id": "iterations"}
MAX_CELL = 32_000


def export_json(export: dict) -> bytes:
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    # a leading =, +, - or @ would make a spreadsheet run the text as a formula
    if text[:1] in ("=", "+", "-", "@"):
        text = "'" + text
    return text[:MAX_CELL]


def _sheet(book: Workbook, title: str, rows: list[dict], labels: dict) -> None:
    sheet = book.create_sheet(title[:31])
    columns: list[str] = []
    for row in rows:
        for name in row:
            if name not in columns:
                columns.append(name)
            if name in LABELLED and f"{name}:label" not in columns:
                columns.append(f"{name}:label")
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for name in columns:
            if name.endswith(":label"):
                source = name.removesuffix(":label")
                table = labels.get(LABELLED[source], {})
                values.append(_cell(table.get(str(row.get(source)))))
            else:
                values.append(_cell(row.get(name)))
        sheet.append(values)
    for index, name in enumerate(columns, start=1):
        width = max(
            [len(name)] + [len(str(c.value or "")) for c in sheet[get_column_letter(index)]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"


def export_xlsx(export: dict, lang: str = "bg") -> bytes:
    """One sheet per kind of data, with a header row; long texts kept whole (up to 32,000 chars)."""
    book = Workbook()
    about = book.active
    about.title = translate(N_("About this export"), lang)[:31]
    about.append(
        [translate(N_("Participant number in the database"), lang), export["participant_id"]]
    )
    about.append([translate(N_("Exported at (UTC)"), lang), export["exported_at"]])
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 30
    labels = export.get("labels", {})
    for name, rows in export["tables"].items():
        if rows:
            _sheet(book, translate(SHEETS[name], lang) if name in SHEETS else name, rows, labels)
    if export.get("audit"):
        _sheet(book, translate(N_("History"), lang), export["audit"], labels)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
