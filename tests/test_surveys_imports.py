"""Files into the database: LimeSurvey and XLSForm questionnaires, response exports; once each."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from i18n import UserError
from storage.schema import Answer, Questionnaire, Response
from surveys.definition import SUS_ITEMS, Choice, Question, QuestionnaireDefinition, QuestionType
from surveys.form_files import read_form_file
from surveys.import_errors import ImportProblems
from surveys.repository import create_questionnaire, response_rows
from surveys.repository_imports import count_stored, import_form, import_mapped_responses
from surveys.response_files import map_responses, read_response_table, suggest_mapping
from surveys.xlsform_export import write_xlsform
from tests.test_public_form import skip_logic_definition

LIME = "limesurvey-rc2api"


def _counts(database) -> tuple[int, int, int]:
    with database.read() as session:
        return (
            session.scalar(select(func.count(Questionnaire.id))),
            session.scalar(select(func.count(Response.id))),
            session.scalar(select(func.count(Answer.id))),
        )


def _import_file(database, path, slug="imported"):
    form = read_form_file(path.read_bytes(), path.name)
    with database.write() as session:
        return import_form(session, form, slug)


def test_limesurvey_archive_imports_questions_and_responses_once(database, shared_data):
    path = shared_data / LIME / "an_other_questionnaire_different_fileformat.lsa"
    first = _import_file(database, path)
    assert first.created and len(first.questionnaire.definition.questions) == 36
    assert first.questionnaire.definition.languages == ("de",)
    assert (first.added, first.incomplete, first.invalid) == (3, 1, 0)
    with database.read() as session:
        rows = response_rows(session, first.questionnaire.id)
    assert len(rows) == 3 and {r["language"] for r in rows} == {"de"}
    by_choice = [r for r in rows if r.get("hilfsmittel") == ["multimedia", "other"]]
    assert by_choice and by_choice[0]["hilfsmittel__other"] == "lala"
    before = _counts(database)
    again = _import_file(database, path)
    assert not again.created and (again.added, again.already) == (0, 3)
    assert _counts(database) == before


def test_limesurvey_structure_imports_its_questions(database, shared_data):
    path = shared_data / LIME / "a_rather_interesting_questionnaire_for_testing.lss"
    summary = _import_file(database, path, slug="lss")
    types = [q.type for q in summary.questionnaire.definition.questions]
    assert types == [QuestionType.LONG_TEXT, QuestionType.NUMBER, QuestionType.SINGLE_CHOICE]
    assert summary.added == 0 and summary.questionnaire.status == "draft"


def test_limesurvey_tab_separated_export_is_refused_with_the_fix(database, shared_data):
    path = shared_data / LIME / "same_questionnaire_different_fileformat.txt"
    with pytest.raises(UserError) as err:
        read_form_file(path.read_bytes(), path.name)
    assert ".lss" in err.value.render("en")


def test_an_xlsform_round_trip_imports_and_a_second_import_reuses_it(database):
    data = write_xlsform(skip_logic_definition())
    form = read_form_file(data, "skip.xlsx")
    with database.write() as session:
        first = import_form(session, form, "skip")
    with database.write() as session:
        second = import_form(session, form, "skip")
    assert first.created and not second.created
    assert second.questionnaire.id == first.questionnaire.id
    assert [q.name for q in first.questionnaire.definition.questions] == [
        "used_online",
        "difficulty",
        "channel",
        "seq",
        "nps",
    ]


def test_a_broken_form_is_refused_with_its_sheet_and_row(database):
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["select_one nolist", "q1", "Q?"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(UserError) as err:
        read_form_file(buffer.getvalue(), "broken.xlsx")
    assert "broken.xlsx" in err.value.render("en")
    assert _counts(database) == (0, 0, 0)


# ---- response files -----------------------------------------------------------------------------

SURVEY = QuestionnaireDefinition(
    title={"en": "Counter visit"},
    languages=("en",),
    questions=(
        Question(
            "channel",
            QuestionType.SINGLE_CHOICE,
            {"en": "How did you apply?"},
            choices=(Choice("online", {"en": "Online"}), Choice("counter", {"en": "At a counter"})),
        ),
        Question("minutes", QuestionType.NUMBER, {"en": "Minutes waited"}, minimum=0),
        Question("comment", QuestionType.LONG_TEXT, {"en": "Comment"}),
        Question("sus", QuestionType.SUS, {"en": "SUS"}),
    ),
)


def _csv(rows: list[list[str]], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _survey(database, slug="counter"):
    with database.write() as session:
        return create_questionnaire(session, slug, SURVEY, status="open")


def _import_csv(database, info, data, *, skip=False, filename="export.csv"):
    table = read_response_table(data, filename)
    mapping = suggest_mapping(table, info.definition)
    mapped = map_responses(table, info.definition, mapping, questionnaire_key=info.slug)
    with database.write() as session:
        return import_mapped_responses(
            session, info.id, mapped, mapping, filename=filename, skip_invalid=skip
        )


HEADER = ["Timestamp", "How did you apply?", "Minutes waited", "Comment"]


def test_a_response_file_imported_twice_adds_nothing_the_second_time(database):
    info = _survey(database)
    data = _csv(
        [
            ["2026-03-02 10:00", "Online", "3", "Бързо, тел. 0888 123 456"],
            ["2026-03-02 10:05", "At a counter", "25,5", ""],
        ],
        HEADER,
    )
    first = _import_csv(database, info, data)
    second = _import_csv(database, info, data)
    assert (first.added, first.already) == (2, 0)
    assert (second.added, second.already) == (0, 2)
    with database.read() as session:
        rows = response_rows(session, info.id)
    assert [r["channel"] for r in rows] == ["online", "counter"]
    assert rows[1]["minutes"] == 25.5
    assert "0888" not in rows[0]["comment"]  # free text is redacted on the way in
    other = _survey(database, slug="counter-next-week")  # same file, another questionnaire
    assert _import_csv(database, other, data).added == 2


def test_rows_that_do_not_fit_refuse_the_file_whole_or_are_skipped_on_request(database):
    info = _survey(database)
    data = _csv(
        [
            ["2026-03-02 10:00", "Online", "3", "ok"],
            ["2026-03-02 10:05", "By pigeon", "-4", "no"],
        ],
        HEADER,
    )
    with pytest.raises(ImportProblems) as err:
        _import_csv(database, info, data)
    rendered = err.value.render("en")
    assert "[row : 3] Column 'How did you apply?'" in rendered
    assert "[row : 3] Column 'Minutes waited'" in rendered
    assert _counts(database)[1:] == (0, 0)
    summary = _import_csv(database, info, data, skip=True)
    assert (summary.added, summary.invalid) == (1, 1)


def test_sus_statements_map_from_a_real_export(database, shared_data):
    info = _survey(database)
    path = shared_data / "sus" / "vr_queue_sus.csv"
    table = read_response_table(path.read_bytes(), path.name)
    mapping = suggest_mapping(table, info.definition)
    assert sorted(mapping.values()) == sorted(f"sus[{i}]" for i in range(1, 11))
    mapped = map_responses(table, info.definition, mapping, "Participant ID", questionnaire_key="x")
    with database.write() as session:
        summary = import_mapped_responses(
            session, info.id, mapped, mapping, filename=path.name, skip_invalid=True
        )
    assert summary.added + summary.invalid == len(table.rows) == 30
    with database.read() as session:
        assert count_stored(session, [r.submission_id for r in mapped.rows]) == summary.added
        rows = response_rows(session, info.id)
    assert all(len(r["sus"]) == len(SUS_ITEMS) for r in rows)


CELL = st.one_of(
    st.none(),
    st.sampled_from(["Online", "At a counter", "online", "3", "-1", "2,5", "abc", "=1+1", ""]),
    st.text(max_size=12),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=8))
def test_any_rows_import_as_a_whole_or_not_at_all_and_only_once(database, rows):
    """Property: an import stores exactly the valid rows, once; a refused one stores nothing."""
    with database.write() as session:
        count = session.scalar(select(func.count(Questionnaire.id)))
        info = create_questionnaire(session, f"prop-{count}", SURVEY, status="open")
    data = _csv([[c or "" for c in row] for row in rows], HEADER[1:])
    try:
        table = read_response_table(data, "p.csv")
    except UserError:
        return  # e.g. a file of blank rows: refused before anything is stored
    mapping = {c: n for c, n in zip(table.columns, ("channel", "minutes", "comment"), strict=False)}
    mapped = map_responses(table, info.definition, mapping, questionnaire_key=info.slug)
    before = _counts(database)
    refused = False
    try:
        with database.write() as session:
            import_mapped_responses(session, info.id, mapped, mapping, filename="p.csv")
    except ImportProblems:
        refused = True
    after = _counts(database)
    if refused:
        assert after == before
        with contextlib.suppress(ImportProblems), database.write() as session:
            summary = import_mapped_responses(
                session, info.id, mapped, mapping, filename="p.csv", skip_invalid=True
            )
            assert summary.invalid == mapped.invalid_count
    distinct_valid = len({r.submission_id for r in mapped.rows if r.ok})
    with database.read() as session:
        stored = session.scalar(
            select(func.count(Response.id)).where(Response.questionnaire_id == info.id)
        )
    assert stored == distinct_valid
    with database.write() as session:
        again = import_mapped_responses(
            session, info.id, mapped, mapping, filename="p.csv", skip_invalid=True
        )
    assert again.added == 0
