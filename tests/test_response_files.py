"""Response files: reading CSV/XLSX exports, suggesting the mapping, mapping, ids, validation."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from i18n import UserError
from surveys import response_table
from surveys.definition import (
    SUS_ITEMS,
    Choice,
    Question,
    QuestionnaireDefinition,
    QuestionType,
)
from surveys.response_files import (
    map_responses,
    read_response_table,
    suggest_id_column,
    suggest_mapping,
)

DEFINITION = QuestionnaireDefinition(
    title={"bg": "Адрес"},
    questions=(
        Question(
            "channel",
            QuestionType.SINGLE_CHOICE,
            {"bg": "Как подадохте заявлението?", "en": "How did you apply?"},
            choices=(
                Choice("online", {"bg": "Онлайн", "en": "Online"}),
                Choice("counter", {"bg": "На гише", "en": "At the counter"}),
            ),
            allow_other=True,
        ),
        Question(
            "docs",
            QuestionType.MULTIPLE_CHOICE,
            {"en": "Documents"},
            choices=(
                Choice("id", {"en": "ID card"}),
                Choice("deed", {"en": "Deed, notarised"}),
                Choice("lease", {"en": "Lease"}),
            ),
        ),
        Question("minutes", QuestionType.NUMBER, {"bg": "Минути", "en": "Minutes"}, minimum=0),
        Question("ease", QuestionType.LIKERT5, {"en": "It was easy"}),
        Question("moved", QuestionType.DATE, {"en": "Moving date"}),
        Question("comment", QuestionType.LONG_TEXT, {"bg": "Коментар"}),
        Question("sus", QuestionType.SUS, {}),
    ),
)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


# ---- reading -------------------------------------------------------------------------------------

CSV = 'Име;Оценка;Коментар\nМария;5;"Добре; бързо"\nИван;4,5;"Ред\nнов"\n'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("utf-16"), "utf-16"),
        (CSV.encode("cp1251"), "cp1251"),
    ],
)
def test_csv_in_any_usual_encoding(data, encoding):
    table = read_response_table(data, "answers.csv")
    assert (table.encoding, table.delimiter) == (encoding, ";")
    assert table.columns == ("Име", "Оценка", "Коментар")
    assert table.rows == (("Мария", "5", "Добре; бързо"), ("Иван", "4,5", "Ред\nнов"))
    assert table.row_numbers == (2, 3)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["a", "b, c", "d"]) + "\n" + delimiter.join(["1", '"x, y"', "3"]) + "\n"
    if delimiter == ",":
        text = 'a,"b, c",d\n1,"x, y",3\n'
    table = read_response_table(text.encode(), "r.csv")
    assert table.delimiter == delimiter
    assert table.columns == ("a", "b, c", "d")


def test_blank_and_duplicate_headers_and_extra_cells_are_noted():
    table = read_response_table(b"q,,q,q\n1,2,3,4,5\n\n6\n", "r.csv")
    assert table.columns == ("q", "#2", "q (2)", "q (3)")
    assert table.rows == (("1", "2", "3", "4"), ("6", None, None, None))
    assert [(n.row, n.column) for n in table.notes] == [
        (1, "#2"),
        (1, "q (2)"),
        (1, "q (3)"),
        (2, None),
    ]
    assert all(n.render("bg") for n in table.notes)


def test_xlsx_cells_become_text():
    data = xlsx(
        [
            ["Timestamp", "Minutes", "Moving date", "Ok"],
            [dt.datetime(2026, 3, 14, 9, 30), 12.0, dt.datetime(2026, 3, 1), True],
            [None, 3.25, dt.date(2026, 2, 1), None],
        ]
    )
    table = read_response_table(data, "r.xlsx")
    assert table.rows == (
        ("2026-03-14 09:30:00", "12", "2026-03-01", "TRUE"),
        (None, "3.25", "2026-02-01", None),
    )


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "r.csv", "empty"),
        (bytes(range(256)) * 20, "r.csv", "CSV UTF-8"),
        (b"PK\x03\x04broken", "r.xlsx", "damaged"),
        (b"not really", "r.xlsx", "not a readable Excel"),
        (
            bytes.fromhex("D0CF11E0A1B11AE1")
            + b"\0" * 100
            + "EncryptedPackage".encode("utf-16-le"),
            "r.xlsx",
            "password",
        ),
        (b"\n\n  \n", "r.csv", "no rows"),
        (bomb(), "r.xlsx", "expand"),
    ],
)
def test_bad_files_are_refused(data, name, fragment):
    with pytest.raises(UserError, match=fragment):
        read_response_table(data, name)


def test_row_and_size_limits(monkeypatch):
    monkeypatch.setattr(response_table, "MAX_ROWS", 3)
    with pytest.raises(UserError, match="more than 3 rows"):
        read_response_table(b"a\n1\n2\n3\n4\n5\n", "r.csv")
    monkeypatch.setenv("OPIT_MAX_UPLOAD_MB", "1")
    with pytest.raises(UserError, match="largest file"):
        read_response_table(b"a\n" + b"1\n" * 700_000, "r.csv")


# ---- suggestions ---------------------------------------------------------------------------------


def test_mapping_is_suggested_by_name_label_and_sus_statement():
    headers = [
        "Timestamp",
        "How did you apply?",
        "group/docs",
        "МИНУТИ ",
        "It was easy *",
        "moved",
        "Unrelated",
        SUS_ITEMS[0]["en"],
        SUS_ITEMS[1]["bg"],
        "sus_3",
        "Коментар",
    ]
    table = read_response_table((",".join(f'"{h}"' for h in headers) + "\n").encode(), "g.csv")
    assert suggest_mapping(table, DEFINITION) == {
        "How did you apply?": "channel",
        "group/docs": "docs",
        "МИНУТИ": "minutes",
        "It was easy *": "ease",
        "moved": "moved",
        SUS_ITEMS[0]["en"]: "sus[1]",
        SUS_ITEMS[1]["bg"]: "sus[2]",
        "sus_3": "sus[3]",
        "Коментар": "comment",
    }
    assert suggest_id_column(table) == "Timestamp"


# ---- mapping -------------------------------------------------------------------------------------

GOOGLE = (
    "Timestamp,How did you apply?,Documents,Minutes,It was easy,Moving date,"
    + ",".join(f'"{item["en"]}"' for item in SUS_ITEMS)
    + "\n"
    + '2026/03/14 10:00:00,На гише,"ID card, Deed, notarised","12,5",Strongly agree,2026-03-01,'
    + ",".join(["Agree"] * 5 + ["Напълно несъгласен"] * 5)
    + "\n"
    + "2026/03/14 10:05:00,By post,Lease,many,7,14.03.2026,"
    + ",".join(["3"] * 10)
    + "\n"
    + "2026/03/14 10:05:00,Online,,,,,"
    + ",".join([""] * 10)
    + "\n"
)


def test_rows_become_answers_with_values_validation_and_stable_ids():
    table = read_response_table(GOOGLE.encode(), "google.csv")
    mapping = suggest_mapping(table, DEFINITION)
    mapped = map_responses(table, DEFINITION, mapping, id_column="Timestamp")
    first, second, third = mapped.rows
    assert first.answers == {
        "channel": "counter",
        "docs": ["id", "deed"],
        "minutes": "12,5",
        "ease": "5",
        "moved": "2026-03-01",
        "sus": ["4"] * 5 + ["1"] * 5,
    }
    assert first.ok and first.result.values["minutes"] == 12.5
    assert first.result.values["sus"] == [4] * 5 + [1] * 5
    assert second.answers["channel"] == "other" and second.others == {"channel": "By post"}
    assert set(second.result.errors) == {"minutes", "ease"}
    assert second.result.values["moved"] == "2026-03-14"
    for error in second.result.errors.values():  # no answer text ever goes into a message
        assert "many" not in error.render("en") and "many" not in str(error.params)
    assert third.ok and third.answers == {"channel": "online"}
    # the same timestamp twice: the ids still differ, and stay the same on a second import
    assert len({r.submission_id for r in mapped.rows}) == 3
    again = map_responses(
        read_response_table(GOOGLE.encode(), "google.csv"),
        DEFINITION,
        mapping,
        id_column="Timestamp",
    )
    assert [r.submission_id for r in again.rows] == [r.submission_id for r in mapped.rows]
    assert (mapped.valid_count, mapped.invalid_count) == (2, 1)
    assert mapped.unmapped_columns == ()


def test_ids_without_an_id_column_are_content_hashes_counted_for_duplicates():
    data = b"Minutes,Coment\n5,a\n5,a\n6,b\n"
    table = read_response_table(data, "r.csv")
    ids = [r.submission_id for r in map_responses(table, DEFINITION, {"Minutes": "minutes"}).rows]
    assert ids[0] != ids[1] and ids[1] == ids[0] + "-2"
    same = read_response_table(b"Minutes,Coment\n5,a\n", "other-name.csv")
    assert map_responses(same, DEFINITION, {"Minutes": "minutes"}).rows[0].submission_id == ids[0]
    other_questionnaire = map_responses(
        table, DEFINITION, {"Minutes": "minutes"}, questionnaire_key="another"
    )
    assert other_questionnaire.rows[0].submission_id != ids[0]


def test_kobo_space_separated_values_and_unique_id_column():
    data = b"_uuid;docs;ease\nu-1;id lease;4\nu-2;deed;Agree\n"
    table = read_response_table(data, "kobo.csv")
    mapped = map_responses(table, DEFINITION, {"docs": "docs", "ease": "ease"}, id_column="_uuid")
    assert [r.answers for r in mapped.rows] == [
        {"docs": ["id", "lease"], "ease": "4"},
        {"docs": ["deed"], "ease": "4"},
    ]
    assert mapped.rows[0].submission_id != mapped.rows[1].submission_id
    renamed = read_response_table(b"_uuid;docs;ease\nu-1;deed;1\n", "kobo.csv")
    edited = map_responses(renamed, DEFINITION, {"docs": "docs", "ease": "ease"}, id_column="_uuid")
    assert edited.rows[0].submission_id == mapped.rows[0].submission_id  # same response, edited


def test_mapping_mistakes():
    table = read_response_table(b"a,b\n1,2\n", "r.csv")
    with pytest.raises(ValueError):
        map_responses(table, DEFINITION, {"zzz": "minutes"})
    with pytest.raises(ValueError):
        map_responses(table, DEFINITION, {"a": "nope"})
    with pytest.raises(UserError, match="both answer"):
        map_responses(table, DEFINITION, {"a": "minutes", "b": "minutes"})
    with pytest.raises(UserError, match="cannot answer"):
        map_responses(table, DEFINITION, {"a": "sus"})
    mapped = map_responses(table, DEFINITION, {"a": "minutes"})
    assert mapped.unmapped_columns == ("b",)
    assert [n.column for n in mapped.notes] == ["b"]


def test_wrong_types_are_row_errors_not_exceptions():
    data = "ease,moved,minutes,docs\n9,yesterday,-3,Passport\nзле,31.02.2026,1e999,\n".encode()
    table = read_response_table(data, "r.csv")
    mapping = {"ease": "ease", "moved": "moved", "minutes": "minutes", "docs": "docs"}
    rows = map_responses(table, DEFINITION, mapping).rows
    assert set(rows[0].result.errors) == {"ease", "moved", "minutes", "docs"}
    assert set(rows[1].result.errors) == {"ease", "moved", "minutes"}


# ---- properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["r.csv", "r.xlsx", "r.txt"]))
def test_random_bytes_raise_only_user_errors(data, name):
    with contextlib.suppress(UserError):
        read_response_table(data, name)


CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        ["Online", "на гише", "ID card, Lease", "Strongly agree", "3", "1,5", "2026-01-01", ""]
    ),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=4, max_size=4), min_size=1, max_size=6))
def test_any_cells_map_without_exceptions_and_ids_are_stable(rows):
    columns = ("channel", "docs", "ease", "minutes")
    table = response_table.ResponseTable(
        "r.csv", columns, tuple(tuple(r) for r in rows), tuple(range(2, len(rows) + 2))
    )
    mapping = {c: c for c in columns}
    first = map_responses(table, DEFINITION, mapping)
    second = map_responses(table, DEFINITION, mapping)
    assert [r.submission_id for r in first.rows] == [r.submission_id for r in second.rows]
    assert len({r.submission_id for r in first.rows}) == len(rows)
