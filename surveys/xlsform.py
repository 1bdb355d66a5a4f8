"""XLSForm (KoboToolbox / ODK) import: tables → QuestionnaireDefinition, every problem located.

`read_xlsform(data, filename)` reads the workbook (surveys.xlsform_tables), lets pyxform check it
the way KoboToolbox would (a form pyxform refuses is refused with pyxform's own located message),
then interprets the tables. What Opit cannot represent — repeats, calculations, location or media
questions, cascading choice filters, expressions beyond simple comparisons — is reported as a
problem naming the sheet, the row and the column, all the problems of the file together.

This module walks the survey sheet (groups become sections, relevant becomes skip logic, a group of
the ten SUS statements becomes one SUS question); surveys.xlsform_rows says what each row means.
`interpret(tables)` never touches a file, so tests feed it forms written as tables.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace

from i18n import N_, UserError
from surveys.definition import (
    NAME_PATTERN,
    SUS_ITEMS,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    Section,
    check_definition,
)
from surveys.import_errors import ProblemList
from surveys.xlsform_rows import (
    METADATA_TYPES,
    NO,
    YES,
    Columns,
    choice_lists,
    default_language,
    digits,
    plain_labels,
    read_settings,
    typed_question,
)
from surveys.xlsform_syntax import TypeSpec, parse_relevant, parse_type
from surveys.xlsform_tables import SheetRow, XlsformTables, read_workbook

logger = logging.getLogger(__name__)

#: (conditions, any_of): the skip logic a row or group adds.
Logic = tuple[tuple, bool]
NO_LOGIC: Logic = ((), False)
RELEVANT_EXAMPLES = "${q} = 'x', ${q} > 3, selected(${q}, 'x'), ${q} != ''"


def read_xlsform(data: bytes, filename: str = "form.xlsx") -> QuestionnaireDefinition:
    """A questionnaire from an XLSForm workbook; raises UserError (or ImportProblems) only."""
    tables = read_workbook(data, filename)
    check_with_pyxform(tables, filename)
    return interpret(tables, filename)


def check_with_pyxform(tables: XlsformTables, filename: str = "form.xlsx") -> None:
    """Refuse what pyxform (and so KoboToolbox and ODK) refuses, with pyxform's located message."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=tables.to_pyxform(), warnings=[], validate=False)
    except PyXFormError as err:
        raise UserError(
            N_("{filename} is not a valid XLSForm: {detail}"), filename=filename, detail=str(err)
        ) from None
    except Exception as err:  # pyxform's own failures on odd input
        logger.info("pyxform failed on %s: %s: %s", filename, type(err).__name__, err)
        raise UserError(
            N_(
                "{filename} could not be checked as an XLSForm ({error}). Compare its survey and "
                "choices sheets with the XLSForm template and upload it again."
            ),
            filename=filename,
            error=type(err).__name__,
        ) from None


def interpret(tables: XlsformTables, filename: str = "form.xlsx") -> QuestionnaireDefinition:
    """The questionnaire the tables describe; raises ImportProblems listing every problem."""
    definition = _Interpreter(tables, filename).definition()
    check_definition(definition)
    return definition


@dataclass
class _Node:
    row: SheetRow
    spec: TypeSpec
    name: str
    children: list[_Node] = field(default_factory=list)


class _Interpreter:
    def __init__(self, tables: XlsformTables, filename: str) -> None:
        survey = tables.sheet("survey")
        if survey is None:
            raise UserError(
                N_("{filename} has no 'survey' sheet; an XLSForm needs one."), filename=filename
            )
        self.tables = tables
        self.problems = ProblemList(filename)
        self.settings = read_settings(tables)
        self.default_lang = default_language(self.settings, survey)
        self.survey = Columns.of(survey, self.default_lang)
        choices = tables.sheet("choices")
        self.choices = Columns.of(choices, self.default_lang) if choices else None
        self.lists = choice_lists(self.choices, self.problems)
        self.questions: list[Question] = []
        self.sections: list[Section] = []
        self.rows_by_name: dict[str, int] = {}

    def report(self, message: str, row: SheetRow, key: str, **params: object) -> None:
        self.survey.report(self.problems, message, row, key, **params)

    def definition(self) -> QuestionnaireDefinition:
        self._other_sheets()
        self._walk(self._tree(), None, NO_LOGIC)
        if not self.questions and not self.problems:
            self.problems.add(N_("The form has no question Opit can ask."), sheet="survey")
        self.problems.raise_if_any()
        title = self.settings.get("title") or self.settings.get("form_id") or self.tables.form_stem
        return QuestionnaireDefinition(
            title={self.default_lang: title},
            questions=tuple(self.questions),
            languages=self._languages(),
            sections=tuple(self.sections),
        )

    def _languages(self) -> tuple[str, ...]:
        found = self.survey.languages("label") + self.survey.languages("hint")
        if self.choices:
            found += self.choices.languages("label")
        return tuple(dict.fromkeys(found)) or (self.default_lang,)

    def _other_sheets(self) -> None:
        for key in ("external_choices", "entities", "osm"):
            sheet = self.tables.sheet(key)
            first = next((row for row in sheet.rows if row.cells), None) if sheet else None
            if sheet is not None and first is not None:
                self.problems.add(
                    N_("Opit does not use the '{sheet_name}' sheet; remove it or leave it empty."),
                    sheet=sheet.name,
                    row=first.number,
                    sheet_name=sheet.name,
                )

    def _tree(self) -> list[_Node]:
        """The survey rows nested by begin/end group and repeat."""
        root: list[_Node] = []
        stack: list[_Node] = []
        for row in self.survey.sheet.rows:
            type_text = self.survey.value(row, "type")
            name = self.survey.value(row, "name")
            if not type_text:
                if name or self.survey.texts(row, "label"):
                    self.report(N_("The row has no type."), row, "type")
                continue
            spec = parse_type(type_text)
            if spec.kind in ("end group", "end repeat"):
                if stack:
                    stack.pop()
                continue
            if not name and spec.kind == "note":
                name = f"note_{row.number}"
            node = _Node(row, spec, name)
            (stack[-1].children if stack else root).append(node)
            if spec.kind in ("begin group", "begin repeat"):
                stack.append(node)
        return root

    def _walk(self, nodes: list[_Node], section: str | None, inherited: Logic) -> None:
        for node in nodes:
            kind = node.spec.kind
            if kind == "begin repeat":
                self.report(
                    N_(
                        "Repeats (begin repeat) cannot be imported: Opit asks each question "
                        "once. Remove the repeat or ask its questions once."
                    ),
                    node.row,
                    "type",
                )
            elif kind == "begin group":
                self._group(node, section, inherited)
            elif kind not in METADATA_TYPES:
                question = self._question(node, section, inherited)
                if question is not None:
                    self._emit(question, node.row)

    def _group(self, node: _Node, section: str | None, inherited: Logic) -> None:
        logic = self._combined(node, inherited)
        if logic is None:
            return
        sus = self._sus(node, section, logic)
        if sus is not None:
            self._emit(sus, node.row)
            return
        if node.name not in {s.key for s in self.sections}:
            self.sections.append(Section(node.name, self.survey.texts(node.row, "label")))
        self._walk(node.children, node.name, logic)

    def _question(self, node: _Node, section: str | None, inherited: Logic) -> Question | None:
        row = node.row
        typed = typed_question(node.name, row, node.spec, self.survey, self.lists, self.problems)
        if typed is None:
            return None
        logic = self._combined(node, inherited)
        if logic is None:
            return None
        if not NAME_PATTERN.match(node.name):
            self.report(
                N_(
                    "The name '{name}' must start with a letter and use only letters, digits, "
                    "'_', '-' or '.' (at most 64 characters)."
                ),
                row,
                "name",
                name=node.name[:64],
            )
            return None
        labels = plain_labels(self.survey, row, self.problems)
        if labels is None:
            return None
        required = self.survey.value(row, "required").lower()
        if required not in YES | NO:
            self.report(
                N_("Opit understands 'required' as yes or no only, not as a condition."),
                row,
                "required",
            )
            return None
        return replace(
            typed,
            labels=labels,
            hints=self.survey.texts(row, "hint"),
            required=required in YES and typed.type is not QuestionType.NOTE,
            show_when=logic[0],
            show_when_any=logic[1],
            section=section,
        )

    def _emit(self, question: Question, row: SheetRow) -> None:
        earlier = self.rows_by_name.get(question.name)
        if earlier is not None:
            self.report(
                N_(
                    "The name '{name}' is already used on row {other}; Opit needs every question "
                    "name to be unique, also across groups."
                ),
                row,
                "name",
                name=question.name,
                other=earlier,
            )
            return
        self.rows_by_name[question.name] = row.number
        self.questions.append(question)

    # ---- skip logic -------------------------------------------------------------------------

    def _combined(self, node: _Node, inherited: Logic) -> Logic | None:
        """The row's relevant joined with its groups', or None after a problem."""
        own = self._relevant(node)
        if own is None:
            return None
        if not own[0]:
            return inherited
        if not inherited[0]:
            return own
        if inherited[1] or own[1]:
            self.report(
                N_(
                    "The 'or' in this relevant cannot be combined with the relevant of its group; "
                    "repeat the group's condition on each question instead."
                ),
                node.row,
                "relevant",
            )
            return None
        return (inherited[0] + own[0], False)

    def _relevant(self, node: _Node) -> Logic | None:
        parsed = parse_relevant(self.survey.value(node.row, "relevant"))
        if parsed is None:
            self.report(
                N_(
                    "Opit understands only simple relevant expressions such as {examples}, joined "
                    "all by 'and' or all by 'or'. Simplify this one."
                ),
                node.row,
                "relevant",
                examples=RELEVANT_EXAMPLES,
            )
            return None
        for condition in parsed[0]:
            if condition.question not in self.rows_by_name:
                self.report(
                    N_(
                        "The relevant refers to '{other}', which is not a question asked earlier "
                        "in the form."
                    ),
                    node.row,
                    "relevant",
                    other=condition.question,
                )
                return None
        return parsed

    # ---- SUS ---------------------------------------------------------------------------------

    def _sus(self, node: _Node, section: str | None, logic: Logic) -> Question | None:
        """A group holding the ten SUS statements on one 1–5 list becomes one SUS question."""
        items = node.children
        if len(items) != 10 or any(i.spec.kind != "select_one" or i.spec.or_other for i in items):
            return None
        if len({i.spec.list_name for i in items}) != 1 or not NAME_PATTERN.match(node.name):
            return None
        choices = self.lists.get(items[0].spec.list_name or "") or []
        if [c.value for c in choices] != digits(1, 5):
            return None
        for position, item in enumerate(items):
            statements = {_normal(text) for text in SUS_ITEMS[position].values()}
            labels = {_normal(text) for text in self.survey.texts(item.row, "label").values()}
            if not labels & statements:
                return None
            if self.survey.value(item.row, "relevant") or self.survey.value(item.row, "constraint"):
                return None
        return Question(
            node.name,
            QuestionType.SUS,
            self.survey.texts(node.row, "label"),
            hints=self.survey.texts(node.row, "hint"),
            required=all(self.survey.value(i.row, "required").lower() in YES for i in items),
            show_when=logic[0],
            show_when_any=logic[1],
            section=section,
        )


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())
