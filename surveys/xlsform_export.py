"""XLSForm export: a QuestionnaireDefinition as a workbook KoboToolbox, ODK and Opit read back.

The workbook has the survey, choices and settings sheets with `label::Bulgarian (bg)`-style columns
in the order of `definition.languages`, the first being the default language. Opit's rating types
use reserved choice lists (`opit_likert5`, `opit_likert7`, `opit_seq`, `opit_nps`) so that reading
the file back gives the same types; a SUS question becomes a group of the ten statements, each a
`select_one opit_likert5` row. XLSForm has no place for a description or for a title in several
languages; for a definition without a description, whose title is in its first language only and
whose sections follow the question order, `read_xlsform(write_xlsform(d)) == d`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from surveys.definition import (
    AGREEMENT_5,
    NPS_ANCHORS,
    SEQ_ANCHORS,
    SUS_ITEMS,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    label_in,
)
from surveys.xlsform_syntax import language_column_name, write_constraint, write_relevant

SIMPLE_TYPES = {
    QuestionType.SHORT_TEXT: "text",
    QuestionType.LONG_TEXT: "text",
    QuestionType.NUMBER: "decimal",
    QuestionType.DATE: "date",
    QuestionType.NOTE: "note",
}
SCALE_TYPES = {
    QuestionType.LIKERT5: "opit_likert5",
    QuestionType.LIKERT7: "opit_likert7",
    QuestionType.SEQ: "opit_seq",
    QuestionType.NPS: "opit_nps",
}


def write_xlsform(definition: QuestionnaireDefinition) -> bytes:
    """The questionnaire as an .xlsx XLSForm."""
    langs = tuple(definition.languages) or ("bg",)
    survey_rows: list[dict[str, str]] = []
    choices: dict[str, list[tuple[str, dict[str, str]]]] = {}
    open_section: str | None = None
    sections = {section.key: section for section in definition.sections}
    for question in definition.questions:
        if question.section != open_section:
            if open_section is not None:
                survey_rows.append({"type": "end group"})
            if question.section is not None:
                section = sections.get(question.section)
                survey_rows.append(
                    {
                        "type": "begin group",
                        "name": question.section,
                        "appearance": "field-list",
                        **_texts("label", section.labels if section else {}, langs),
                    }
                )
            open_section = question.section
        survey_rows += _question_rows(question, langs, choices)
    if open_section is not None:
        survey_rows.append({"type": "end group"})
    used = {q.section for q in definition.questions}
    for section in definition.sections:
        if section.key not in used:
            survey_rows.append(
                {
                    "type": "begin group",
                    "name": section.key,
                    **_texts("label", section.labels, langs),
                }
            )
            survey_rows.append({"type": "end group"})

    text_columns = [
        f"{kind}::{language_column_name(lang)}" for kind in ("label", "hint") for lang in langs
    ]
    survey_header = [
        "type",
        "name",
        *text_columns,
        "required",
        "relevant",
        "constraint",
        "appearance",
    ]
    choice_header = [
        "list_name",
        "name",
        *(f"label::{language_column_name(lang)}" for lang in langs),
    ]
    choice_rows = [
        {"list_name": list_name, "name": value, **_texts("label", labels, langs)}
        for list_name, items in choices.items()
        for value, labels in items
    ]
    settings = {
        "form_title": label_in(definition.title, langs[0]),
        "form_id": _form_id(definition),
        "default_language": language_column_name(langs[0]),
    }
    workbook = Workbook()
    _sheet(workbook.active, "survey", survey_header, survey_rows)
    _sheet(workbook.create_sheet(), "choices", choice_header, choice_rows)
    _sheet(workbook.create_sheet(), "settings", list(settings), [settings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _question_rows(
    question: Question, langs: tuple[str, ...], choices: dict[str, list]
) -> list[dict[str, str]]:
    row: dict[str, str] = {
        "name": question.name,
        **_texts("label", question.labels, langs),
        **_texts("hint", question.hints, langs),
    }
    if question.show_when:
        row["relevant"] = write_relevant(question.show_when, question.show_when_any)
    if question.required and question.type is not QuestionType.NOTE:
        row["required"] = "yes"
    kind = question.type
    if kind is QuestionType.SUS:
        _scale_list("opit_likert5", langs, choices)
        row.update(type="begin group", appearance="field-list")
        items = [
            {
                "type": "select_one opit_likert5",
                "name": f"{question.name}_{position}",
                **_texts("label", statement, langs),
                **({"required": "yes"} if question.required else {}),
            }
            for position, statement in enumerate(SUS_ITEMS, start=1)
        ]
        return [row, *items, {"type": "end group"}]
    if kind in SCALE_TYPES:
        list_name = SCALE_TYPES[kind]
        _scale_list(list_name, langs, choices)
        row.update(type=f"select_one {list_name}", appearance="likert")
        return [row]
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        list_name = (
            question.name if not question.name.startswith("opit_") else f"list_{question.name}"
        )
        choices[list_name] = [(c.value, dict(c.labels)) for c in question.choices]
        select = "select_one" if kind is QuestionType.SINGLE_CHOICE else "select_multiple"
        row["type"] = f"{select} {list_name}" + (" or_other" if question.allow_other else "")
        return [row]
    row["type"] = SIMPLE_TYPES[kind]
    if kind is QuestionType.LONG_TEXT:
        row["appearance"] = "multiline"
    limit = (
        question.max_length if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT) else None
    )
    constraint = write_constraint(
        question.minimum if kind is QuestionType.NUMBER else None,
        question.maximum if kind is QuestionType.NUMBER else None,
        limit,
    )
    if constraint:
        row["constraint"] = constraint
    return [row]


def _scale_list(list_name: str, langs: tuple[str, ...], choices: dict[str, list]) -> None:
    """The reserved choice list of a rating type, labelled with Opit's anchors."""
    if list_name in choices:
        return
    if list_name == "opit_likert5":
        choices[list_name] = [
            (str(value), _in_each(langs, {k: v[value - 1] for k, v in AGREEMENT_5.items()}))
            for value in range(1, 6)
        ]
        return
    low, high = (0, 10) if list_name == "opit_nps" else (1, 7)
    anchors = {"opit_seq": SEQ_ANCHORS, "opit_nps": NPS_ANCHORS}.get(list_name, {})
    items = []
    for value in range(low, high + 1):
        labels = {lang: str(value) for lang in langs}
        if anchors and value in (low, high):
            end = 0 if value == low else 1
            named = _in_each(langs, {k: v[end] for k, v in anchors.items()})
            labels = {lang: f"{value} – {text}" for lang, text in named.items()}
        items.append((str(value), labels))
    choices[list_name] = items


def _in_each(langs: tuple[str, ...], texts: dict[str, str]) -> dict[str, str]:
    return {lang: label_in(texts, lang) for lang in langs}


def _texts(kind: str, texts, langs: Iterable[str]) -> dict[str, str]:
    return {
        f"{kind}::{language_column_name(lang)}": texts[lang] for lang in langs if texts.get(lang)
    }


def _form_id(definition: QuestionnaireDefinition) -> str:
    title = label_in(definition.title, "en")
    slug = re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_").lower()[:40]
    return f"opit_{slug}" if slug else "opit_questionnaire"


def _sheet(worksheet, title: str, header: list[str], rows: list[dict[str, str]]) -> None:
    worksheet.title = title
    for column, key in enumerate(header, start=1):
        worksheet.cell(row=1, column=column, value=key)
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(header, start=1):
            value = row.get(key)
            if value is None or value == "":
                continue
            cell = worksheet.cell(row=number, column=column)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
