"""XLSForm import and export: forms as tables, real pyxform fixtures, bad files, round trips."""

from __future__ import annotations

import contextlib
import io
import time
import warnings
import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from i18n import UserError
from surveys.definition import (
    SUS_ITEMS,
    Choice,
    Condition,
    Operator,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    Section,
    check_definition,
)
from surveys.import_errors import ImportProblems
from surveys.xlsform import interpret, read_xlsform
from surveys.xlsform_export import write_xlsform
from surveys.xlsform_tables import tables_from_lists
from tests.conftest import SHARED_DATA

YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def xlsx(**sheets: list[list[object]]) -> bytes:
    """An .xlsx with one sheet per keyword, each a list of rows (the first the header)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(excinfo: pytest.ExceptionInfo) -> list[tuple[str | None, int | None, str | None]]:
    return [(p.sheet, p.row, p.column) for p in excinfo.value.problems]


# ---- forms written as tables -----------------------------------------------------------------


def test_question_types_labels_and_languages_map_to_opit():
    tables = tables_from_lists(
        survey=[
            [
                "type",
                "name",
                "label::Bulgarian (bg)",
                "label::English (en)",
                "hint::English (en)",
                "required",
                "appearance",
                "constraint",
            ],
            ["start", "start", None, None, None, None, None, None],
            ["text", "name", "Име", "Name", "Your name", "yes", None, "string-length(.) <= 80"],
            ["text", "story", "Разкажете", "Tell us", None, "FALSE", "multiline", None],
            ["integer", "age", "Възраст", "Age", None, "1", None, ". >= 18 and . <= 120"],
            ["decimal", "km", "Км", "Km", None, None, None, ". > 0.5"],
            ["date", "moved", "Дата", "Date", None, "true()", None, None],
            ["note", "thanks", "Благодарим", "Thanks", None, None, None, None],
            ["select_one yn", "ok", "Добре ли е?", "Is it fine?", None, None, None, None],
            ["select_multiple yn or_other", "which", "Кои?", "Which?", None, None, None, None],
        ],
        choices=[
            ["list_name", "name", "label::Bulgarian (bg)", "label::English (en)"],
            ["yn", "yes", "Да", "Yes"],
            ["yn", "no", "Не", "No"],
        ],
        settings=[
            ["form_title", "form_id", "default_language"],
            ["Смяна на адрес", "address", "Bulgarian (bg)"],
        ],
    )
    with pytest.raises(ImportProblems) as excinfo:
        interpret(tables)
    # decimals cannot have a strict bound: the one problem names the row and the column
    assert problems_of(excinfo) == [("survey", 6, "constraint")]

    tables.sheets["survey"].rows[4].cells["constraint"] = ". >= 0.5"
    definition = interpret(tables)
    assert definition.title == {"bg": "Смяна на адрес"}
    assert definition.languages == ("bg", "en")
    by_name = {q.name: q for q in definition.questions}
    assert list(by_name) == ["name", "story", "age", "km", "moved", "thanks", "ok", "which"]
    assert by_name["name"] == Question(
        "name",
        QuestionType.SHORT_TEXT,
        {"bg": "Име", "en": "Name"},
        hints={"en": "Your name"},
        required=True,
        max_length=80,
    )
    assert by_name["story"].type is QuestionType.LONG_TEXT and not by_name["story"].required
    assert (by_name["age"].minimum, by_name["age"].maximum, by_name["age"].required) == (
        18,
        120,
        True,
    )
    assert by_name["km"].minimum == 0.5
    assert by_name["moved"].type is QuestionType.DATE and by_name["moved"].required
    assert by_name["thanks"].type is QuestionType.NOTE
    assert by_name["ok"].choices == (
        Choice("yes", {"bg": "Да", "en": "Yes"}),
        Choice("no", {"bg": "Не", "en": "No"}),
    )
    assert by_name["which"].type is QuestionType.MULTIPLE_CHOICE and by_name["which"].allow_other


def test_plain_label_is_the_default_language_or_bulgarian_when_cyrillic():
    english = tables_from_lists(survey=[["type", "name", "label"], ["text", "a", "Where?"]])
    assert interpret(english).questions[0].labels == {"en": "Where?"}
    bulgarian = tables_from_lists(survey=[["type", "name", "label"], ["text", "a", "Къде?"]])
    assert interpret(bulgarian).languages == ("bg",)
    named = tables_from_lists(
        survey=[["type", "name", "label", "label::English (en)"], ["text", "a", "Къде?", "Where?"]],
        settings=[["default_language"], ["bg"]],
    )
    assert interpret(named).questions[0].labels == {"bg": "Къде?", "en": "Where?"}


def test_old_style_headers_and_types_are_understood():
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label:English", "bind:relevant"],
            ["select one from yn", "a", "A?", None],
            ["string", "b", "B?", "${a}='yes'"],
            ["int", "c", "C?", None],
        ],
        choices=[["list name", "name", "label:English"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    )
    definition = interpret(tables)
    assert [q.type for q in definition.questions] == [
        QuestionType.SINGLE_CHOICE,
        QuestionType.SHORT_TEXT,
        QuestionType.NUMBER,
    ]
    assert definition.questions[1].show_when == (Condition("a", Operator.EQUALS, "yes"),)


@pytest.mark.parametrize(
    ("relevant", "conditions", "any_of"),
    [
        ("${a} = 'yes'", (Condition("a", Operator.EQUALS, "yes"),), False),
        ('${a} != "no"', (Condition("a", Operator.NOT_EQUALS, "no"),), False),
        ("${n} > 3", (Condition("n", Operator.GREATER, 3.0),), False),
        ("${n} <= 2.5", (Condition("n", Operator.LESS_OR_EQUAL, 2.5),), False),
        ("selected(${m}, 'x')", (Condition("m", Operator.SELECTED, "x"),), False),
        ("not(selected(${m}, 'x'))", (Condition("m", Operator.NOT_SELECTED, "x"),), False),
        ("${a} != ''", (Condition("a", Operator.ANSWERED),), False),
        ("${a} = ''", (Condition("a", Operator.NOT_ANSWERED),), False),
        ("string-length(${a}) > 0", (Condition("a", Operator.ANSWERED),), False),
        (
            "${a} = 'yes' and ${n} >= 18",
            (
                Condition("a", Operator.EQUALS, "yes"),
                Condition("n", Operator.GREATER_OR_EQUAL, 18.0),
            ),
            False,
        ),
        (
            "(${a} = 'yes') or selected(${m}, 'x')",
            (Condition("a", Operator.EQUALS, "yes"), Condition("m", Operator.SELECTED, "x")),
            True,
        ),
        ("${a} = \u2018yes\u2019", (Condition("a", Operator.EQUALS, "yes"),), False),
    ],
)
def test_simple_relevant_becomes_skip_logic(relevant, conditions, any_of):
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "relevant"],
            ["select_one yn", "a", "A?", None],
            ["integer", "n", "N?", None],
            ["select_multiple xy", "m", "M?", None],
            ["text", "t", "T?", relevant],
        ],
        choices=[*YES_NO, ["xy", "x", "X"], ["xy", "y", "Y"]],
    )
    question = interpret(tables).question("t")
    assert (question.show_when, question.show_when_any) == (conditions, any_of)


@pytest.mark.parametrize(
    "relevant",
    [
        "${a} = 'yes' and ${n} > 1 or ${n} < 0",
        "regex(${a}, '^y')",
        "${a} = ${n}",
        "count-selected(${m}) >= 2",
        ". = 'x'",
        "${later} = 'x'",
        "${ghost} = 'x'",
    ],
)
def test_complex_or_dangling_relevant_is_a_located_problem(relevant):
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "relevant"],
            ["select_one yn", "a", "A?", None],
            ["integer", "n", "N?", None],
            ["select_multiple yn", "m", "M?", None],
            ["text", "t", "T?", relevant],
            ["text", "later", "L?", None],
        ],
        choices=YES_NO,
    )
    with pytest.raises(ImportProblems) as excinfo:
        interpret(tables)
    assert problems_of(excinfo) == [("survey", 5, "relevant")]


def test_groups_become_sections_and_pass_their_relevant_to_their_questions():
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "relevant"],
            ["select_one yn", "moved", "Moved?", None],
            ["begin group", "home", "New home", "${moved} = 'yes'"],
            ["text", "street", "Street?", None],
            ["begin_group", "inner", "Details", None],
            ["integer", "floor", "Floor?", "${street} != ''"],
            ["end_group", None, None, None],
            ["end group", None, None, None],
            ["note", "bye", "Bye", None],
        ],
        choices=YES_NO,
    )
    definition = interpret(tables)
    assert definition.sections == (
        Section("home", {"en": "New home"}),
        Section("inner", {"en": "Details"}),
    )
    by_name = {q.name: q for q in definition.questions}
    assert by_name["street"].section == "home"
    assert by_name["street"].show_when == (Condition("moved", Operator.EQUALS, "yes"),)
    assert by_name["floor"].section == "inner"
    assert by_name["floor"].show_when == (
        Condition("moved", Operator.EQUALS, "yes"),
        Condition("street", Operator.ANSWERED),
    )
    assert by_name["bye"].section is None and by_name["bye"].show_when == ()


def test_likert_from_appearance_range_and_reserved_lists():
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "appearance", "parameters"],
            ["select_one five", "l5", "L5", "likert", None],
            ["select_one seven", "l7", "L7", "likert", None],
            ["select_one five", "plain", "Plain", None, None],
            ["range", "r5", "R5", None, "start=1 end=5 step=1"],
            ["range", "r10", "R10", None, "start=0 end=10"],
            ["select_one opit_nps", "nps", "NPS", "likert", None],
        ],
        choices=[
            ["list_name", "name", "label"],
            *[["five", str(v), str(v)] for v in range(1, 6)],
            *[["seven", str(v), str(v)] for v in range(1, 8)],
            *[["opit_nps", str(v), str(v)] for v in range(0, 11)],
        ],
    )
    types = {q.name: q.type for q in interpret(tables).questions}
    assert types == {
        "l5": QuestionType.LIKERT5,
        "l7": QuestionType.LIKERT7,
        "plain": QuestionType.SINGLE_CHOICE,
        "r5": QuestionType.LIKERT5,
        "r10": QuestionType.NUMBER,
        "nps": QuestionType.NPS,
    }


def test_a_group_of_the_ten_sus_statements_becomes_one_sus_question():
    rows = [
        ["type", "name", "label::Bulgarian (bg)", "required"],
        ["begin group", "sus", "Как оценявате системата?", None],
    ]
    rows += [["select_one agree", f"s{i}", item["bg"], "yes"] for i, item in enumerate(SUS_ITEMS)]
    rows += [["end group", None, None, None]]
    tables = tables_from_lists(
        survey=rows,
        choices=[["list_name", "name", "label"], *[["agree", str(v), str(v)] for v in range(1, 6)]],
    )
    definition = interpret(tables)
    assert definition.questions == (
        Question("sus", QuestionType.SUS, {"bg": "Как оценявате системата?"}, required=True),
    )
    assert definition.sections == ()


def test_every_problem_of_a_form_is_reported_together_with_sheet_row_and_column():
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "choice_filter", "calculation"],
            ["begin repeat", "kids", "Children", None, None],
            ["text", "kid", "Name?", None, None],
            ["end repeat", None, None, None, None],
            ["calculate", "total", None, None, "1 + 1"],
            ["geopoint", "where", "Where?", None, None],
            ["select_one yn", "ok", "OK?", None, None],
            ["begin group", "g", "G", None, None],
            ["text", "ok", "Again?", None, None],
            ["end group", None, None, None, None],
            ["text", "2bad", "Bad name", None, None],
            ["text", "nolabel", None, None, None],
            ["select_one missing", "m", "M?", None, None],
            [None, "orphan", "No type", None, None],
            ["select_one yn", "cf", "CF?", "name = 'x'", None],
        ],
        choices=[*YES_NO, ["yn", "yes", "Yes again"]],
        entities=[["list_name", "label"], ["people", "x"]],
    )
    with pytest.raises(ImportProblems) as excinfo:
        interpret(tables, "survey.xlsx")
    assert problems_of(excinfo) == [
        ("choices", 4, "name"),
        ("entities", 2, None),
        ("survey", 14, "type"),
        ("survey", 2, "type"),
        ("survey", 5, "type"),
        ("survey", 6, "type"),
        ("survey", 9, "name"),
        ("survey", 11, "name"),
        ("survey", 12, "label"),
        ("survey", 13, "type"),
        ("survey", 15, "choice_filter"),
    ]
    rendered = excinfo.value.render("bg")
    assert "survey.xlsx" in rendered and "[ред : 9]" in rendered and "{" not in rendered
    assert "'ok'" in str(excinfo.value.problems[6]) and "row 7" in str(excinfo.value.problems[6])


def test_piped_labels_and_conditional_required_are_problems():
    tables = tables_from_lists(
        survey=[
            ["type", "name", "label", "required"],
            ["text", "a", "Name?", None],
            ["text", "b", "Hello ${a}", None],
            ["text", "c", "C?", "${a} != ''"],
        ],
    )
    with pytest.raises(ImportProblems) as excinfo:
        interpret(tables)
    assert problems_of(excinfo) == [("survey", 3, "label"), ("survey", 4, "required")]


# ---- files --------------------------------------------------------------------------------------


def test_reads_an_xlsx_written_by_openpyxl():
    data = xlsx(
        survey=[
            ["type", "name", "label::English (en)", "label::Bulgarian (bg)"],
            ["select_one yn", "ok", "OK?", "Добре?"],
            ["integer", "n", 12, "Число"],
        ],
        choices=[
            ["list_name", "name", "label::English (en)", "label::Bulgarian (bg)"],
            ["yn", 1, "Yes", "Да"],
            ["yn", 0, "No", "Не"],
        ],
        settings=[["form_title"], ["Test"]],
    )
    definition = read_xlsform(data, "test.xlsx")
    assert definition.languages == ("en", "bg")
    assert [c.value for c in definition.questions[0].choices] == ["1", "0"]
    assert definition.questions[1].labels == {"en": "12", "bg": "Число"}


def test_duplicate_header_is_located():
    data = xlsx(survey=[["type", "name", "label", "label"], ["text", "a", "A", "B"]])
    with pytest.raises(ImportProblems) as excinfo:
        read_xlsform(data, "dup.xlsx")
    assert problems_of(excinfo) == [("survey", 1, "label")]


def test_form_pyxform_refuses_is_refused_with_pyxform_s_message():
    data = xlsx(survey=[["type", "name", "label"], ["text", "a", "A"], ["text", "a", "Again"]])
    with pytest.raises(UserError) as excinfo:
        read_xlsform(data, "twice.xlsx")
    assert "twice.xlsx" in str(excinfo.value) and "row" in str(excinfo.value).lower()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"type,name,label\ntext,a,A\n", "not an Excel workbook"),
        (
            bytes.fromhex("D0CF11E0A1B11AE1")
            + b"\0" * 600
            + "EncryptedPackage".encode("utf-16-le")
            + b"\0" * 600,
            "password",
        ),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 2000, "could not be read"),
        (b"PK\x03\x04" + b"\0" * 100, "damaged"),
    ],
)
def test_bad_files_are_refused_with_the_fix(data, fragment):
    with pytest.raises(UserError) as excinfo:
        read_xlsform(data, "form.xlsx")
    assert fragment in str(excinfo.value)
    assert excinfo.value.render("bg") != str(excinfo.value)


def test_truncated_xlsx_is_refused():
    data = xlsx(survey=[["type", "name", "label"], ["text", "a", "A"]])
    for cut in (len(data) // 3, len(data) - 30):
        with pytest.raises(UserError):
            read_xlsform(data[:cut], "cut.xlsx")


def test_workbook_without_xml_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(UserError) as excinfo:
        read_xlsform(buffer.getvalue(), "odd.xlsx")
    assert "could not be read" in str(excinfo.value)


def test_huge_upload_is_refused_before_reading(monkeypatch):
    monkeypatch.setenv("OPIT_MAX_UPLOAD_MB", "1")
    with pytest.raises(UserError) as excinfo:
        read_xlsform(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024), "big.xlsx")
    assert "largest file" in str(excinfo.value)


# ---- the pyxform fixtures ----------------------------------------------------------------------

FORM_DIR = "xlsform-pyxform"


def _fixture_names() -> list[str]:
    root = SHARED_DATA / FORM_DIR
    if not root.is_dir():
        return ["<absent>"]
    return sorted(
        str(path.relative_to(root)) for path in root.rglob("*") if path.suffix in (".xls", ".xlsx")
    )


def _pyxform_accepts(path) -> bool:
    from pyxform.xls2xform import convert

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            convert(xlsform=path.read_bytes(), warnings=[], file_type=path.suffix)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("name", _fixture_names())
def test_every_pyxform_fixture_imports_or_is_refused_with_a_reason(shared_data, name):
    path = shared_data / FORM_DIR / name
    accepted = _pyxform_accepts(path)
    try:
        definition = read_xlsform(path.read_bytes(), path.name)
    except ImportProblems as err:
        assert err.problems
        for problem in err.problems:
            assert problem.sheet, problem
            if accepted and problem.message != "The form has no question Opit can ask.":
                assert problem.row is not None, problem
            assert "{" not in problem.render("en").replace("${", "")
            assert problem.render("bg")
        return
    except UserError as err:
        assert not accepted, (
            f"pyxform accepts {name}, but Opit refuses it without a location: {err}"
        )
        assert path.name in str(err)
        return
    assert accepted, f"pyxform refuses {name}, but Opit imported it"
    check_definition(definition)
    assert definition.questions


def test_largest_fixture_imports_in_reasonable_time(shared_data):
    path = max((shared_data / FORM_DIR).rglob("*.xls*"), key=lambda p: p.stat().st_size)
    started = time.perf_counter()
    with pytest.raises(UserError):  # xlsform_spec_test uses repeats, media, calculations
        read_xlsform(path.read_bytes(), path.name)
    assert time.perf_counter() - started < 10


def test_multilingual_field_form_refusal_names_its_rows(shared_data):
    path = shared_data / FORM_DIR / "tests/bug_example_xls/UCL_Biomass_Plot_Form.xlsx"
    with pytest.raises(ImportProblems) as excinfo:
        read_xlsform(path.read_bytes(), path.name)
    located = problems_of(excinfo)
    assert ("survey", 16, "type") in located  # select_one_from_file
    assert all(sheet == "survey" for sheet, _, _ in located)


# ---- export ------------------------------------------------------------------------------------


def _sample() -> QuestionnaireDefinition:
    return QuestionnaireDefinition(
        title={"bg": "Промяна на адресна регистрация"},
        questions=(
            Question(
                "name",
                QuestionType.SHORT_TEXT,
                {"bg": "Име", "en": "Name"},
                hints={"en": "As on your ID card"},
                required=True,
                max_length=100,
            ),
            Question("intro", QuestionType.NOTE, {"bg": "=Внимание: това е формула?"}),
            Question(
                "channel",
                QuestionType.SINGLE_CHOICE,
                {"bg": "Канал", "en": "Channel"},
                choices=(
                    Choice("online", {"bg": "Онлайн", "en": "Online"}),
                    Choice("counter", {"bg": "На гише", "en": "At the counter"}),
                ),
                allow_other=True,
                section="apply",
            ),
            Question(
                "docs",
                QuestionType.MULTIPLE_CHOICE,
                {"bg": "Документи"},
                choices=(Choice("id", {"bg": "Лична карта"}), Choice("deed", {"bg": "Нот. акт"})),
                section="apply",
                show_when=(
                    Condition("channel", Operator.EQUALS, "counter"),
                    Condition("name", Operator.ANSWERED),
                ),
                show_when_any=True,
            ),
            Question(
                "minutes",
                QuestionType.NUMBER,
                {"bg": "Минути"},
                minimum=0,
                maximum=480.5,
                section="apply",
                show_when=(Condition("docs", Operator.SELECTED, "id"),),
            ),
            Question(
                "ease",
                QuestionType.LIKERT5,
                {"bg": "Лесно ли беше?"},
                show_when=(Condition("minutes", Operator.GREATER, 30.0),),
            ),
            Question("l7", QuestionType.LIKERT7, {"en": "Seven"}),
            Question("seq", QuestionType.SEQ, {"bg": "Колко лесно?"}),
            Question("nps", QuestionType.NPS, {"bg": "Бихте ли препоръчали?"}),
            Question("sus", QuestionType.SUS, {}, required=True, section="rate"),
            Question("when", QuestionType.DATE, {"bg": "Кога?"}, section="rate"),
            Question("story", QuestionType.LONG_TEXT, {"bg": "Разкажете"}),
        ),
        sections=(Section("apply", {"bg": "Заявяване", "en": "Applying"}), Section("rate", {})),
    )


def test_export_writes_the_three_sheets_with_language_columns():
    workbook = load_workbook(io.BytesIO(write_xlsform(_sample())))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in workbook["survey"][1]]
    assert header[:4] == ["type", "name", "label::Bulgarian (bg)", "label::English (en)"]
    types = [row[0] for row in workbook["survey"].iter_rows(min_row=2, values_only=True)]
    assert types.count("select_one opit_likert5") == 11  # ten SUS statements and one Likert
    settings = dict(zip(*workbook["settings"].iter_rows(values_only=True), strict=True))
    assert settings["default_language"] == "Bulgarian (bg)"
    note = next(r for r in workbook["survey"].iter_rows(min_row=2) if r[1].value == "intro")
    assert note[2].data_type == "s"


def test_export_round_trips():
    definition = _sample()
    check_definition(definition)
    assert read_xlsform(write_xlsform(definition), "back.xlsx") == definition


# ---- round trip of generated definitions ---------------------------------------------------------

WORDS = (
    st.text(
        alphabet=st.sampled_from(
            "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъьюяABCЖ0123456789 ,.?!()'\"-–"
        ),
        min_size=1,
        max_size=30,
    )
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
    lambda n: not n.startswith("opit")
)


@st.composite
def texts_in(draw, langs: tuple[str, ...], required: bool = True) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(langs), unique=True, min_size=1 if required else 0))
    return {lang: draw(WORDS) for lang in langs if lang in chosen}


@st.composite
def definitions(draw) -> QuestionnaireDefinition:
    langs = draw(st.sampled_from([("bg", "en"), ("en", "bg"), ("bg",)]))
    count = draw(st.integers(1, 8))
    names = draw(st.lists(NAMES, min_size=count + 2, max_size=count + 2, unique=True))
    section_keys = [f"s_{n}" for n in names[count:]]
    questions: list[Question] = []
    has_sus = False
    for name in names[:count]:
        kinds = [k for k in QuestionType if k is not QuestionType.SUS or not has_sus]
        kind = draw(st.sampled_from(kinds))
        has_sus = has_sus or kind is QuestionType.SUS
        labels = draw(texts_in(langs, required=kind is not QuestionType.SUS))
        extra: dict = {"hints": draw(texts_in(langs, required=False))}
        if kind is not QuestionType.NOTE:
            extra["required"] = draw(st.booleans())
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            values = draw(
                st.lists(NAMES.filter(lambda v: v != "other"), min_size=1, max_size=4, unique=True)
            )
            extra["choices"] = tuple(Choice(v, draw(texts_in(langs))) for v in values)
            extra["allow_other"] = draw(st.booleans())
        if kind is QuestionType.NUMBER:
            low = draw(st.none() | st.integers(-100, 100).map(float))
            high = draw(
                st.none() | st.floats(100, 1000, allow_nan=False).map(lambda x: round(x, 2))
            )
            extra.update(minimum=low, maximum=high)
        if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
            extra["max_length"] = draw(st.none() | st.integers(1, 500))
        earlier = [q for q in questions if q.type not in (QuestionType.NOTE, QuestionType.SUS)]
        if earlier and draw(st.booleans()):
            conditions = tuple(draw(st.lists(conditions_on(earlier), min_size=1, max_size=3)))
            extra["show_when"] = conditions
            extra["show_when_any"] = len(conditions) > 1 and draw(st.booleans())
        questions.append(Question(name, kind, labels, **extra))
    # contiguous runs of questions share a section
    cuts = sorted(draw(st.lists(st.integers(0, count), max_size=2, unique=True)))
    used_sections = []
    assigned = []
    for position, question in enumerate(questions):
        run = sum(1 for cut in cuts if cut <= position)
        key = section_keys[run - 1] if run and run <= len(section_keys) else None
        if key and key not in used_sections:
            used_sections.append(key)
        assigned.append(replace(question, section=key))
    sections = tuple(Section(key, draw(texts_in(langs, required=False))) for key in used_sections)
    title = {langs[0]: draw(WORDS)}
    return QuestionnaireDefinition(title, tuple(assigned), langs, sections)


@st.composite
def conditions_on(draw, earlier: list[Question]) -> Condition:
    question = draw(st.sampled_from(earlier))
    if draw(st.booleans()):
        return Condition(
            question.name, draw(st.sampled_from([Operator.ANSWERED, Operator.NOT_ANSWERED]))
        )
    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        value = draw(st.sampled_from([c.value for c in question.choices]))
        operator = draw(
            st.sampled_from([Operator.SELECTED, Operator.NOT_SELECTED, Operator.EQUALS])
        )
        return Condition(question.name, operator, value)
    operator = draw(
        st.sampled_from(
            [Operator.EQUALS, Operator.NOT_EQUALS, Operator.GREATER, Operator.LESS_OR_EQUAL]
        )
    )
    if question.type is QuestionType.NUMBER or question.type in (
        QuestionType.LIKERT5,
        QuestionType.LIKERT7,
        QuestionType.SEQ,
        QuestionType.NPS,
    ):
        return Condition(question.name, operator, float(draw(st.integers(-5, 50))))
    return Condition(question.name, operator, draw(WORDS.filter(lambda w: "'" not in w)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions())
def test_generated_definitions_round_trip_through_xlsform(definition):
    check_definition(definition)
    assert read_xlsform(write_xlsform(definition), "generated.xlsx") == definition


# ---- properties of the importer ------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_raise_only_user_errors(data):
    for blob in (data, b"PK\x03\x04" + data, bytes.fromhex("D0CF11E0A1B11AE1") + data):
        with contextlib.suppress(UserError):
            read_xlsform(blob, "random.xlsx")


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=400), st.integers(0, 10_000))
def test_corrupted_workbooks_raise_only_user_errors(noise, where):
    data = bytearray(xlsx(survey=[["type", "name", "label"], ["text", "a", "A"]]))
    where %= len(data)
    data[where : where + len(noise)] = noise
    with contextlib.suppress(UserError):
        read_xlsform(bytes(data), "corrupt.xlsx")


CELL = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text",
            "integer",
            "select_one yn",
            "select_multiple yn or_other",
            "note",
            "begin group",
            "end group",
            "begin repeat",
            "end repeat",
            "range",
            "date",
            "calculate",
            "a",
            "b",
            "yes",
            "${a} = 'yes'",
            "${b} > 2",
            ". >= 1",
            "selected(${a}, 'x'",
            "likert",
            "start=1 end=5",
            "Въпрос?",
            "yn",
        ]
    ),
    st.text(max_size=8),
)
HEADERS = [
    "type",
    "name",
    "label",
    "label::Bulgarian (bg)",
    "hint",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "parameters",
    "choice_filter",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=12),
    st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6),
)
def test_random_tables_are_interpreted_or_refused_with_user_errors(survey, choices):
    tables = tables_from_lists(
        survey=[HEADERS, *survey], choices=[["list_name", "name", "label"], *choices]
    )
    try:
        definition = interpret(tables)
    except ImportProblems as err:
        assert all(p.sheet for p in err.problems)
    except UserError:
        pass
    else:
        check_definition(definition)


# ---- the catalogues of the import messages -------------------------------------------------------

IMPORT_MODULES = (
    "import_errors",
    "safe_files",
    "xlsform",
    "xlsform_rows",
    "xlsform_syntax",
    "xlsform_tables",
    "xlsform_export",
    "limesurvey",
    "limesurvey_types",
    "limesurvey_xml",
    "response_table",
    "response_files",
)


def test_every_import_message_has_a_bulgarian_translation_with_the_same_placeholders():
    import re
    from pathlib import Path

    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    msgids = {
        message
        for module in IMPORT_MODULES
        for _, message, _, _ in extract_from_file(
            "python", root / "surveys" / f"{module}.py", keywords={"N_": None}
        )
    }
    catalogs = {}
    for lang in ("bg", "en"):
        with (root / "locales" / lang / "LC_MESSAGES" / "surveys_import.po").open("rb") as fh:
            catalogs[lang] = read_po(fh, locale=lang)
    assert all(catalog.charset.upper() == "UTF-8" for catalog in catalogs.values())
    for msgid in msgids:
        english, bulgarian = catalogs["en"].get(msgid), catalogs["bg"].get(msgid)
        assert english is not None and english.string == msgid, msgid
        assert bulgarian is not None and bulgarian.string and bulgarian.string != msgid, msgid
        placeholders = set(re.findall(r"\{(\w+)\}", msgid))
        assert set(re.findall(r"\{(\w+)\}", bulgarian.string)) == placeholders, msgid
