"""LimeSurvey import: the real .lss and .lsa, surveys written inline, other formats, bad files."""

from __future__ import annotations

import contextlib
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import UserError
from surveys.answers import clean_answers
from surveys.definition import SUS_ITEMS, Condition, Operator, QuestionType, Section
from surveys.import_errors import ImportProblems
from surveys.limesurvey import read_limesurvey

LIME = "limesurvey-rc2api"


def _rows(section: str, rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    body = "".join(
        "<row>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in row.items()) + "</row>\n"
        for row in rows
    )
    fields = "".join(f"<fieldname>{k}</fieldname>" for k in rows[0])
    return f"<{section}><fields>{fields}</fields><rows>\n{body}</rows></{section}>\n"


def lss(
    questions: list[dict],
    *,
    languages: tuple[str, ...] = ("bg",),
    answers: list[dict] = (),
    subquestions: list[dict] = (),
    groups: list[dict] | None = None,
    attributes: list[dict] = (),
) -> bytes:
    """A survey structure written inline; question rows default to group 1, one per language."""
    groups = (
        groups
        if groups is not None
        else [
            {"gid": "1", "group_name": f"Група {lang}", "group_order": "0", "language": lang}
            for lang in languages
        ]
    )
    defaults = {
        "parent_qid": "0",
        "sid": "111",
        "gid": "1",
        "other": "N",
        "mandatory": "N",
        "relevance": "1",
        "help": "",
    }
    question_rows = []
    for order, question in enumerate(questions):
        for lang in languages:
            row = {**defaults, "question_order": str(order), "language": lang, **question}
            if isinstance(row["question"], dict):
                row["question"] = row["question"][lang]
            question_rows.append(row)
    settings_rows = [
        {
            "surveyls_survey_id": "111",
            "surveyls_language": lang,
            "surveyls_title": f"Анкета {lang}",
            "surveyls_description": "<p>За <b>теста</b></p>",
        }
        for lang in languages
    ]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n'
        "<LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>366</DBVersion>\n"
        "<languages>"
        + "".join(f"<language>{lang}</language>" for lang in languages)
        + "</languages>\n"
        + _rows("answers", list(answers))
        + _rows("groups", groups)
        + _rows("questions", question_rows)
        + _rows("subquestions", list(subquestions))
        + _rows("question_attributes", list(attributes))
        + _rows("surveys", [{"sid": "111", "language": languages[0]}])
        + _rows("surveys_languagesettings", settings_rows)
        + "</document>\n"
    )
    return xml.encode("utf-8")


def lsa(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name.replace("_dot_", "."), content)
    return buffer.getvalue()


# ---- the real files ----------------------------------------------------------------------------


def test_real_lss_imports(shared_data):
    data = (shared_data / LIME / "a_rather_interesting_questionnaire_for_testing.lss").read_bytes()
    result = read_limesurvey(data, "a.lss")
    definition = result.definition
    assert definition.title == {"en": "A Rather Interesting Questionnaire for Testing"}
    assert definition.languages == ("en",)
    assert definition.sections == (Section("g1", {"en": "Demographics"}),)
    cob, yob, fcol = definition.questions
    assert (cob.name, cob.type) == ("cob", QuestionType.LONG_TEXT)
    assert (yob.type, yob.minimum, yob.maximum) == (QuestionType.NUMBER, 1850, 2050)
    assert fcol.type is QuestionType.SINGLE_CHOICE and fcol.allow_other
    assert [c.labels["en"] for c in fcol.choices] == ["Red", "Green", "Blue", "Yellow", "Orange"]
    assert result.responses == () and result.survey_id == "772267"


def test_real_lsa_imports_questions_and_responses(shared_data):
    data = (shared_data / LIME / "an_other_questionnaire_different_fileformat.lsa").read_bytes()
    result = read_limesurvey(data, "b.lsa")
    definition = result.definition
    assert definition.languages == ("de",) and definition.title == {"de": "Test"}
    assert len(definition.sections) == 6 and len(definition.questions) == 36
    by_name = {q.name: q for q in definition.questions}
    assert by_name["engagementArt"].type is QuestionType.MULTIPLE_CHOICE
    assert by_name["lehrkompetenz_inhalt"].type is QuestionType.SINGLE_CHOICE  # F array row
    assert by_name["allg2_SQ001"].type is QuestionType.LIKERT5  # A array row
    assert by_name["nichtBesucht"].show_when == (Condition("teilnahme", Operator.EQUALS, "N"),)
    assert [r.source_id for r in result.responses] == [
        f"limesurvey-293446-{i}" for i in range(1, 5)
    ]
    first = result.responses[0]
    assert first.answers["hilfsmittel"] == ["multimedia", "other"]
    assert first.others["hilfsmittel"] == "lala"
    assert [r.complete for r in result.responses] == [True, True, False, True]
    checked = [clean_answers(definition, r.answers, r.others).ok for r in result.responses]
    assert checked == [True, True, False, True]
    again = read_limesurvey(data, "b.lsa")
    assert [r.source_id for r in again.responses] == [r.source_id for r in result.responses]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("same_questionnaire_different_fileformat.txt", "tab-separated"),
        ("same_questionnaire_different_fileformat.xml", "queXML"),
    ],
)
def test_other_limesurvey_formats_are_refused_clearly(shared_data, name, fragment):
    with pytest.raises(UserError, match=fragment) as excinfo:
        read_limesurvey((shared_data / LIME / name).read_bytes(), name)
    assert ".lss" in excinfo.value.render("bg")


# ---- surveys written inline ----------------------------------------------------------------------


def test_types_languages_and_texts_map_to_opit():
    data = lss(
        [
            {
                "qid": "1",
                "type": "S",
                "title": "name",
                "mandatory": "Y",
                "question": {"bg": "<p>Вашето <b>име</b></p>", "en": "Your &amp; name"},
            },
            {
                "qid": "2",
                "type": "X",
                "title": "intro",
                "question": {"bg": "Здравейте", "en": "Hi"},
            },
            {"qid": "3", "type": "5", "title": "ease", "question": {"bg": "Лесно?", "en": "Easy?"}},
            {"qid": "4", "type": "D", "title": "moved", "question": {"bg": "Кога?", "en": "When?"}},
            {"qid": "5", "type": "Y", "title": "again", "question": {"bg": "Пак?", "en": "Again?"}},
            {
                "qid": "6",
                "type": "U",
                "title": "story",
                "question": {"bg": "Разкажете", "en": "Tell"},
            },
        ],
        languages=("bg", "en"),
        attributes=[{"qid": "1", "attribute": "maximum_chars", "value": "40"}],
    )
    definition = read_limesurvey(data, "inline.lss").definition
    assert definition.languages == ("bg", "en")
    assert definition.title == {"bg": "Анкета bg", "en": "Анкета en"}
    assert definition.description == {"bg": "За теста", "en": "За теста"}
    name, intro, ease, moved, again, story = definition.questions
    assert name.labels == {"bg": "Вашето име", "en": "Your & name"}
    assert (name.type, name.required, name.max_length) == (QuestionType.SHORT_TEXT, True, 40)
    assert intro.type is QuestionType.NOTE and ease.type is QuestionType.LIKERT5
    assert moved.type is QuestionType.DATE and story.type is QuestionType.LONG_TEXT
    assert [(c.value, c.labels["bg"]) for c in again.choices] == [("Y", "Да"), ("N", "Не")]


def test_array_of_agreement_answers_becomes_likert_items_and_sus():
    agreement = [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    answers = [
        {
            "qid": qid,
            "code": f"A{i}",
            "answer": text,
            "sortorder": str(i),
            "language": "en",
            "scale_id": "0",
        }
        for qid in ("1", "2")
        for i, text in enumerate(agreement, start=1)
    ]
    subs = [
        {
            "qid": str(100 + i),
            "parent_qid": "1",
            "title": f"SQ{i:03}",
            "question": item["en"],
            "question_order": str(i),
            "language": "en",
        }
        for i, item in enumerate(SUS_ITEMS)
    ]
    subs += [
        {
            "qid": "200",
            "parent_qid": "2",
            "title": "clear",
            "question": "It was clear",
            "question_order": "1",
            "language": "en",
        }
    ]
    data = lss(
        [
            {"qid": "1", "type": "F", "title": "sus", "question": "About the system"},
            {"qid": "2", "type": "F", "title": "rate", "question": "Rate"},
        ],
        languages=("en",),
        answers=answers,
        subquestions=subs,
    )
    definition = read_limesurvey(data, "sus.lss").definition
    sus, clear = definition.questions
    assert (sus.name, sus.type) == ("sus", QuestionType.SUS)
    assert (clear.name, clear.type, clear.labels) == (
        "rate_clear",
        QuestionType.LIKERT5,
        {"en": "It was clear"},
    )


def test_relevance_on_multiple_choice_and_numbers():
    subs = [
        {
            "qid": "10",
            "parent_qid": "1",
            "title": "bus",
            "question": "Bus",
            "question_order": "1",
            "language": "bg",
        },
        {
            "qid": "11",
            "parent_qid": "1",
            "title": "car",
            "question": "Car",
            "question_order": "2",
            "language": "bg",
        },
    ]
    data = lss(
        [
            {"qid": "1", "type": "M", "title": "how", "question": "Как?"},
            {"qid": "2", "type": "N", "title": "km", "question": "Км?"},
            {
                "qid": "3",
                "type": "T",
                "title": "why",
                "question": "Защо?",
                "relevance": '((how_bus == "Y" and km.NAOK > 5 and !is_empty(111X1X1car)))',
            },
            {
                "qid": "4",
                "type": "T",
                "title": "else",
                "question": "Друго?",
                "relevance": "km < 2 || is_empty(how_car)",
            },
        ],
        subquestions=subs,
    )
    why, other = read_limesurvey(data, "rel.lss").definition.questions[2:]
    assert why.show_when == (
        Condition("how", Operator.SELECTED, "bus"),
        Condition("km", Operator.GREATER, 5.0),
        Condition("how", Operator.SELECTED, "car"),
    )
    assert (other.show_when, other.show_when_any) == (
        (Condition("km", Operator.LESS, 2.0), Condition("how", Operator.NOT_SELECTED, "car")),
        True,
    )


def test_unsupported_types_and_relevance_are_located_problems():
    data = lss(
        [
            {"qid": "1", "type": "R", "title": "rank", "question": "Rank"},
            {"qid": "2", "type": "S", "title": "ok", "question": "OK"},
            {
                "qid": "3",
                "type": "S",
                "title": "calc",
                "question": "Calc",
                "relevance": "sum(ok.NAOK, 3) > 4",
            },
            {
                "qid": "4",
                "type": "S",
                "title": "ghost",
                "question": "G",
                "relevance": 'nope == "Y"',
            },
            {"qid": "5", "type": "S", "title": "1bad", "question": "Bad"},
            {"qid": "6", "type": "S", "title": "ok", "question": "Twice"},
            {"qid": "7", "type": "S", "title": "piped", "question": "Hi {TOKEN:FIRSTNAME}"},
        ],
    )
    with pytest.raises(ImportProblems) as excinfo:
        read_limesurvey(data, "bad.lss")
    located = [(p.element, p.line) for p in excinfo.value.problems]
    assert len(located) == 6 and all(e == "question" and line > 1 for e, line in located)
    rendered = excinfo.value.render("bg")
    assert "ranking" in rendered and "{" not in rendered.replace("{…}", "")


def test_lsa_with_responses_built_inline():
    survey = lss(
        [{"qid": "5", "type": "L", "title": "color", "question": "Цвят?", "other": "Y"}],
        answers=[
            {
                "qid": "5",
                "code": "r",
                "answer": "Червен",
                "sortorder": "1",
                "language": "bg",
                "scale_id": "0",
            }
        ],
    )
    responses = (
        '<?xml version="1.0" encoding="UTF-8"?><document>'
        "<LimeSurveyDocType>Responses</LimeSurveyDocType><responses><fields>"
        "<fieldname>id</fieldname><fieldname>submitdate</fieldname>"
        "<fieldname>111X1X5</fieldname><fieldname>111X1X5other</fieldname></fields><rows>"
        "<row><id>7</id><submitdate>2026-03-01 10:00:00</submitdate><_111X1X5>r</_111X1X5></row>"
        "<row><id>8</id><_111X1X5>-oth-</_111X1X5><_111X1X5other>Син</_111X1X5other></row>"
        "</rows></responses></document>"
    ).encode()
    result = read_limesurvey(
        lsa(survey_111_dot_lss=survey, survey_111_responses_dot_lsr=responses), "s.lsa"
    )
    assert [(r.source_id, r.answers, r.others, r.complete) for r in result.responses] == [
        ("limesurvey-111-7", {"color": "r"}, {}, True),
        ("limesurvey-111-8", {"color": "other"}, {"color": "Син"}, False),
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<document><unclosed></document>", "well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><document>&a;</document>',
            "document type",
        ),
        (b"<survey/>", "not a LimeSurvey export"),
        (b"<document><LimeSurveyDocType>Tokens</LimeSurveyDocType></document>", "'Tokens'"),
        (lsa(a_dot_lss=b"<document/>", b_dot_lss=b"<document/>"), "archive"),
        (lsa(a_dot_lss=b"\0" * (20 * 1024 * 1024)), "expand"),
        (b"", "empty"),
    ],
)
def test_bad_limesurvey_files_are_refused(data, fragment):
    with pytest.raises(UserError, match=fragment):
        read_limesurvey(data, "bad.lss")


def test_truncated_lss_names_the_line(shared_data):
    data = (shared_data / LIME / "a_rather_interesting_questionnaire_for_testing.lss").read_bytes()
    with pytest.raises(UserError, match=r"line \d+"):
        read_limesurvey(data[:5000], "cut.lss")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_raise_only_user_errors(data):
    for blob in (data, b"<document>" + data, lsa(x_dot_lss=data)):
        with contextlib.suppress(UserError):
            read_limesurvey(blob, "random.lss")


def test_limesurvey_4_layout_with_l10n_tables():
    xml = (
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>429</DBVersion>"
        "<languages><language>bg</language><language>en</language></languages>"
        + _rows("groups", [{"gid": "3", "sid": "9", "group_order": "1", "grelevance": ""}])
        + _rows(
            "group_l10ns",
            [
                {"id": "1", "gid": "3", "group_name": "Общи", "language": "bg"},
                {"id": "2", "gid": "3", "group_name": "General", "language": "en"},
            ],
        )
        + _rows(
            "questions",
            [
                {
                    "qid": "4",
                    "parent_qid": "0",
                    "sid": "9",
                    "gid": "3",
                    "type": "L",
                    "title": "ch",
                    "other": "N",
                    "mandatory": "Y",
                    "question_order": "1",
                    "relevance": "1",
                }
            ],
        )
        + _rows(
            "question_l10ns",
            [
                {"id": "1", "qid": "4", "question": "Канал?", "help": "", "language": "bg"},
                {
                    "id": "2",
                    "qid": "4",
                    "question": "Channel?",
                    "help": "Pick one",
                    "language": "en",
                },
            ],
        )
        + _rows(
            "answers",
            [
                {"aid": "7", "qid": "4", "code": "on", "sortorder": "1", "scale_id": "0"},
                {"aid": "8", "qid": "4", "code": "off", "sortorder": "2", "scale_id": "0"},
            ],
        )
        + _rows(
            "answer_l10ns",
            [
                {"id": "1", "aid": "7", "answer": "Онлайн", "language": "bg"},
                {"id": "2", "aid": "7", "answer": "Online", "language": "en"},
                {"id": "3", "aid": "8", "answer": "Гише", "language": "bg"},
            ],
        )
        + _rows("surveys", [{"sid": "9", "language": "bg"}])
        + _rows(
            "surveys_languagesettings",
            [{"surveyls_survey_id": "9", "surveyls_language": "bg", "surveyls_title": "Анкета"}],
        )
        + "</document>"
    )
    definition = read_limesurvey(xml.encode(), "v4.lss").definition
    assert definition.sections == (Section("g3", {"bg": "Общи", "en": "General"}),)
    (question,) = definition.questions
    assert question.labels == {"bg": "Канал?", "en": "Channel?"}
    assert question.hints == {"en": "Pick one"} and question.required
    assert [(c.value, dict(c.labels)) for c in question.choices] == [
        ("on", {"bg": "Онлайн", "en": "Online"}),
        ("off", {"bg": "Гише"}),
    ]


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(0, 10_000))
def test_corrupted_archives_raise_only_user_errors(noise, where):
    data = bytearray(lsa(s_dot_lss=lss([{"qid": "1", "type": "S", "title": "a", "question": "A"}])))
    where %= len(data)
    data[where : where + len(noise)] = noise
    with contextlib.suppress(UserError):
        read_limesurvey(bytes(data), "corrupt.lsa")
