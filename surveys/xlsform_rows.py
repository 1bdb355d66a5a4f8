"""What one row of an XLSForm sheet means: settings, languages, choice lists, one question's type.

`surveys.xlsform` walks the survey sheet (groups, skip logic, SUS blocks) and asks this module for
the parts that depend on one row only. Every problem is added to the walk's ProblemList with the
sheet, the row and the column it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from i18n import N_
from surveys.definition import Choice, Question, QuestionType
from surveys.import_errors import ProblemList
from surveys.xlsform_syntax import (
    Header,
    TypeSpec,
    language_code,
    parse_constraint,
    parse_header,
    parse_parameters,
)
from surveys.xlsform_tables import Sheet, SheetRow, XlsformTables

#: Questions the respondent never sees (KoboToolbox adds start and end to every form): skipped.
METADATA_TYPES = frozenset(
    {
        *("start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber"),
        *("username", "email", "audit", "start-geopoint", "instanceid"),
    }
)
#: Question types Opit cannot ask, each reported where it is.
UNSUPPORTED_TYPES = frozenset(
    {
        *("calculate", "geopoint", "geotrace", "geoshape", "photo", "audio", "video", "file"),
        *("barcode", "acknowledge", "time", "datetime", "hidden", "trigger", "xml-external"),
        *("csv-external", "background-audio", "background-geopoint", "rank", "osm", "include"),
        *("select_one_external", "select_one_from_file", "select_multiple_from_file"),
    }
)
#: Columns whose behaviour Opit cannot reproduce; a value in one on a question is a problem.
UNSUPPORTED_COLUMNS = ("choice_filter", "repeat_count", "trigger", "calculation", "read_only")
#: Choice lists the exporter writes for Opit's rating types, recognised on the way back.
SCALE_LISTS = {
    "opit_likert5": (QuestionType.LIKERT5, 1, 5),
    "opit_likert7": (QuestionType.LIKERT7, 1, 7),
    "opit_seq": (QuestionType.SEQ, 1, 7),
    "opit_nps": (QuestionType.NPS, 0, 10),
}
YES = frozenset({"yes", "true", "1", "true()", "y"})
NO = frozenset({"no", "false", "0", "false()", "n", ""})
_PIPED = re.compile(r"\$\{[^}]*\}")


def digits(low: int, high: int) -> list[str]:
    return [str(v) for v in range(low, high + 1)]


@dataclass
class Columns:
    """One sheet's headers by meaning: key → header, and key → {language → header}."""

    sheet: Sheet
    default_lang: str
    plain: dict[str, str] = field(default_factory=dict)
    translated: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, sheet: Sheet, default_lang: str) -> Columns:
        columns = cls(sheet, default_lang)
        for header in sheet.headers:
            parsed: Header = parse_header(header)
            columns.plain.setdefault(parsed.key, header)
            lang = language_code(parsed.lang) if parsed.lang else None
            by_lang = columns.translated.setdefault(parsed.key, {})
            if lang and lang != "default":
                by_lang[lang] = header
            else:
                by_lang.setdefault(default_lang, header)
        return columns

    def value(self, row: SheetRow, key: str) -> str:
        header = self.plain.get(key)
        return row.get(header).strip() if header else ""

    def header(self, key: str) -> str:
        return self.plain.get(key, key)

    def texts(self, row: SheetRow, key: str) -> dict[str, str]:
        """Non-empty texts of a translatable column by language; explicit languages win."""
        texts: dict[str, str] = {}
        for lang, header in self.translated.get(key, {}).items():
            text = row.get(header).strip()
            if text:
                texts[lang] = text
        return texts

    def languages(self, key: str) -> list[str]:
        return list(self.translated.get(key, {}))

    def report(
        self, problems: ProblemList, message: str, row: SheetRow, key: str, **params: object
    ) -> None:
        problems.add(
            message, sheet=self.sheet.name, row=row.number, column=self.header(key), **params
        )


def read_settings(tables: XlsformTables) -> dict[str, str]:
    """The first filled row of the settings sheet, by meaning ('title', 'form_id', ...)."""
    sheet = tables.sheet("settings")
    first = next((row for row in sheet.rows if row.cells), None) if sheet else None
    if first is None:
        return {}
    return {parse_header(h).key: v.strip() for h, v in first.cells.items()}


def default_language(settings: dict[str, str], survey: Sheet) -> str:
    """The language of plain `label` columns: the setting, else bg when labels are Cyrillic."""
    named = settings.get("default_language", "")
    if named and named.lower() != "default":
        return language_code(named)
    plain = [h for h in survey.headers if parse_header(h) == Header("label")]
    texts = [row.get(plain[0]) for row in survey.rows] if plain else []
    cyrillic = sum(1 for text in texts if re.search("[\u0400-\u04ff]", text))
    latin = sum(1 for text in texts if re.search("[A-Za-z]", text))
    return "bg" if cyrillic > latin else "en"


def choice_lists(columns: Columns | None, problems: ProblemList) -> dict[str, list[Choice]]:
    lists: dict[str, list[Choice]] = {}
    if columns is None:
        return lists
    for row in columns.sheet.rows:
        list_name = columns.value(row, "list_name")
        name = columns.value(row, "name")
        if not list_name and not name:
            continue
        if not list_name or not name:
            missing = "list_name" if not list_name else "name"
            columns.report(
                problems, N_("The choice needs both a list name and a name."), row, missing
            )
            continue
        choices = lists.setdefault(list_name, [])
        if any(choice.value == name for choice in choices):
            columns.report(
                problems,
                N_("The list '{list}' has the choice '{name}' twice; keep one of them."),
                row,
                "name",
                list=list_name,
                name=name,
            )
            continue
        labels = columns.texts(row, "label") or {columns.default_lang: name}
        if any(_PIPED.search(text) for text in labels.values()):
            columns.report(problems, _PIPED_MESSAGE, row, "label", reference="${…}")
            continue
        choices.append(Choice(name, labels))
    return lists


_PIPED_MESSAGE = N_(
    "The label shows another answer ({reference}); Opit shows labels as written. Reword it "
    "without the reference."
)


def plain_labels(columns: Columns, row: SheetRow, problems: ProblemList) -> dict[str, str] | None:
    labels = columns.texts(row, "label")
    if not labels:
        columns.report(problems, N_("The question has no label."), row, "label")
        return None
    if any(_PIPED.search(text) for text in labels.values()):
        columns.report(problems, _PIPED_MESSAGE, row, "label", reference="${…}")
        return None
    return labels


def typed_question(
    name: str,
    row: SheetRow,
    spec: TypeSpec,
    columns: Columns,
    lists: dict[str, list[Choice]],
    problems: ProblemList,
) -> Question | None:
    """The type-specific part of a question (type, choices, bounds), or None after a problem."""
    if spec.kind in UNSUPPORTED_TYPES:
        columns.report(
            problems,
            N_("Opit cannot ask questions of type '{type}'; remove the row or change it."),
            row,
            "type",
            type=spec.kind,
        )
        return None
    for key in UNSUPPORTED_COLUMNS:
        if columns.value(row, key):
            columns.report(
                problems,
                N_("Opit cannot reproduce the '{header}' column; clear it on this row."),
                row,
                key,
                header=columns.header(key),
            )
            return None
    appearance = columns.value(row, "appearance").lower().split()
    if spec.kind in ("select_one", "select_multiple"):
        return _select(name, row, spec, appearance, columns, lists, problems)
    if spec.kind == "range":
        return _range(name, row, columns, problems)
    simple = {
        "text": QuestionType.SHORT_TEXT,
        "integer": QuestionType.NUMBER,
        "decimal": QuestionType.NUMBER,
        "date": QuestionType.DATE,
        "note": QuestionType.NOTE,
    }
    if spec.kind not in simple:
        columns.report(problems, N_("Unknown question type '{type}'."), row, "type", type=spec.kind)
        return None
    qtype = simple[spec.kind]
    if qtype is QuestionType.SHORT_TEXT and "multiline" in appearance:
        qtype = QuestionType.LONG_TEXT
    question = Question(name, qtype, {})
    constraint = columns.value(row, "constraint")
    if not constraint:
        return question
    bounds = parse_constraint(constraint, whole_numbers=spec.kind == "integer")
    numeric = qtype is QuestionType.NUMBER
    textual = qtype in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
    if (
        bounds is None
        or (not numeric and (bounds.minimum is not None or bounds.maximum is not None))
        or (not textual and bounds.max_length is not None)
    ):
        columns.report(
            problems,
            N_("Opit understands only constraints like {examples}. Simplify this one or clear it."),
            row,
            "constraint",
            examples="'. >= 1 and . <= 10', 'string-length(.) <= 200'",
        )
        return None
    return replace(
        question, minimum=bounds.minimum, maximum=bounds.maximum, max_length=bounds.max_length
    )


def _select(
    name: str,
    row: SheetRow,
    spec: TypeSpec,
    appearance: list[str],
    columns: Columns,
    lists: dict[str, list[Choice]],
    problems: ProblemList,
) -> Question | None:
    choices = lists.get(spec.list_name or "")
    if not choices:
        columns.report(
            problems,
            N_("The choice list '{list}' is not on the choices sheet, or it is empty."),
            row,
            "type",
            list=spec.list_name or "",
        )
        return None
    values = [c.value for c in choices]
    if spec.kind == "select_one" and not spec.or_other:
        scale = SCALE_LISTS.get(spec.list_name or "")
        if scale and values == digits(scale[1], scale[2]):
            return Question(name, scale[0], {})
        if "likert" in appearance and values in (digits(1, 5), digits(1, 7)):
            qtype = QuestionType.LIKERT5 if len(values) == 5 else QuestionType.LIKERT7
            return Question(name, qtype, {})
    single = spec.kind == "select_one"
    qtype = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_CHOICE
    return Question(name, qtype, {}, choices=tuple(choices), allow_other=spec.or_other)


def _range(name: str, row: SheetRow, columns: Columns, problems: ProblemList) -> Question | None:
    params = parse_parameters(columns.value(row, "parameters"))
    try:
        start = float(params.get("start", "0"))
        end = float(params.get("end", "10"))
        step = float(params.get("step", "1"))
    except ValueError:
        columns.report(
            problems,
            N_("The range parameters must be numbers, like {example}."),
            row,
            "parameters",
            example="'start=1 end=5 step=1'",
        )
        return None
    if (start, end, step) == (1, 5, 1):
        return Question(name, QuestionType.LIKERT5, {})
    if (start, end, step) == (1, 7, 1):
        return Question(name, QuestionType.LIKERT7, {})
    return Question(name, QuestionType.NUMBER, {}, minimum=start, maximum=end)
