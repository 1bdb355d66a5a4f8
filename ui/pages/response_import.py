"""Responses gathered elsewhere (LimeSurvey, Google Forms, KoboToolbox) into a questionnaire.

Upload a CSV or Excel file, check which column answers which question (suggested by name, label or
SUS statement), see every row validated, then import in one transaction. Each row keeps a stable
id, so importing the same file again adds nothing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from surveys.definition import QuestionnaireDefinition, QuestionType, label_in
from surveys.repository import QuestionnaireInfo, questionnaires_of_iteration
from surveys.repository_imports import count_stored, import_mapped_responses
from surveys.response_files import (
    MappedResponses,
    ResponseTable,
    map_responses,
    read_response_table,
    suggest_id_column,
    suggest_mapping,
)
from ui import state
from ui.context import choose_context, choose_questionnaire
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Response import"),
    ":material/upload_file:",
    "response-import",
    order=32,
    roles=("admin", "researcher"),
)
PREVIEW_ROWS = 50


@st.cache_data(max_entries=4, show_spinner=False)
def _read(data: bytes, filename: str) -> ResponseTable:
    return read_response_table(data, filename)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def targets(definition: QuestionnaireDefinition, lang: str) -> dict[str, str]:
    """Mapping target → what the picker shows ('' is "not imported")."""
    shown = {"": _("— not imported —")}
    for question in definition.questions:
        label = _short(label_in(question.labels, lang))
        if question.type is QuestionType.NOTE:
            continue
        if question.type is QuestionType.SUS:
            for i, statement in enumerate(question.item_labels(lang), start=1):
                shown[f"{question.name}[{i}]"] = f"{question.name}[{i}] · {_short(statement)}"
            continue
        shown[question.name] = f"{question.name} · {label}"
    return shown


def _mapping(table: ResponseTable, definition: QuestionnaireDefinition) -> dict[str, str]:
    """The column mapping step: a table with one picker per column of the file."""
    lang = current()
    choices = targets(definition, lang)
    by_display = {text: target for target, text in choices.items()}
    suggested = suggest_mapping(table, definition)
    examples = [
        next((r[i] for r in table.rows if r[i]), "") or "" for i in range(len(table.columns))
    ]
    frame = pd.DataFrame(
        {
            _("Column of the file"): list(table.columns),
            _("Example"): [e[:60] for e in examples],
            _("Answers the question"): [choices[suggested.get(c, "")] for c in table.columns],
        }
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=[_("Column of the file"), _("Example")],
        column_config={
            _("Answers the question"): st.column_config.SelectboxColumn(
                options=list(choices.values()), required=True, width="large"
            )
        },
    )
    return {
        column: by_display.get(shown, "")
        for column, shown in zip(table.columns, edited[_("Answers the question")], strict=True)
        if by_display.get(shown, "")
    }


def _preview(mapped: MappedResponses, definition: QuestionnaireDefinition) -> None:
    lang = current()
    records = []
    for row in mapped.rows[:PREVIEW_ROWS]:
        record: dict[str, object] = {
            _("Row"): row.row_number,
            _("Problems"): "; ".join(
                f"{name}: {err.render(lang)}" for name, err in row.result.errors.items()
            ),
        }
        for question in definition.questions:
            if question.name in row.answers:
                value = row.answers[question.name]
                record[question.name] = (
                    ", ".join("" if v is None else str(v) for v in value)
                    if isinstance(value, list)
                    else str(value)
                )
        records.append(record)
    st.dataframe(pd.DataFrame(records), hide_index=True, width="stretch")
    if len(mapped.rows) > PREVIEW_ROWS:
        st.caption(_("The first {count} rows are shown.").format(count=PREVIEW_ROWS))


def _import(questionnaire: QuestionnaireInfo, upload) -> None:
    try:
        table = _read(upload.getvalue(), upload.name)
    except UserError as err:
        st.error(err.render(current()))
        return
    st.caption(
        _("{rows} rows and {columns} columns; encoding {encoding}.").format(
            rows=len(table), columns=len(table.columns), encoding=table.encoding or "xlsx"
        )
    )
    definition = questionnaire.definition
    st.subheader(_("1. Which column answers which question"))
    mapping = _mapping(table, definition)
    columns = ["", *table.columns]
    suggested_id = suggest_id_column(table) or ""
    id_column = st.selectbox(
        _("Column that identifies each response (optional)"),
        columns,
        index=columns.index(suggested_id),
        format_func=lambda c: c or _("— none: a row is identified by its content —"),
    )
    if not mapping:
        st.info(_("Choose at least one column to import."))
        return
    try:
        mapped = map_responses(
            table, definition, mapping, id_column or None, questionnaire_key=questionnaire.slug
        )
    except UserError as err:
        st.error(err.render(current()))
        return
    with database().read() as session:
        stored = count_stored(session, [r.submission_id for r in mapped.rows])
    st.subheader(_("2. Check the rows"))
    rows, valid, invalid, known = st.columns(4)
    rows.metric(_("Rows"), len(mapped.rows))
    valid.metric(_("Ready"), mapped.valid_count)
    invalid.metric(_("With problems"), mapped.invalid_count)
    known.metric(_("Imported before"), stored)
    for note in mapped.notes[:10]:
        st.caption(note.render(current()))
    _preview(mapped, definition)
    skip = False
    if mapped.invalid_count:
        skip = st.checkbox(_("Import the rows without problems and skip the others"))
    st.subheader(_("3. Import"))
    if st.button(
        _("Import responses"), type="primary", disabled=bool(mapped.invalid_count and not skip)
    ):
        try:
            with database().write() as session:
                summary = import_mapped_responses(
                    session,
                    questionnaire.id,
                    mapped,
                    mapping,
                    filename=upload.name,
                    skip_invalid=skip,
                )
        except UserError as err:
            st.error(err.render(current()))
            return
        st.session_state[state.RESPONSE_IMPORT_SUMMARY] = _(
            "{added} responses added; {already} were imported before; {skipped} skipped."
        ).format(added=summary.added, already=summary.already, skipped=summary.invalid)
        st.rerun()


def render() -> None:
    st.title(_("Response import"))
    context = choose_context()
    if context is None:
        return
    if summary := st.session_state.pop(state.RESPONSE_IMPORT_SUMMARY, None):
        st.success(summary)
    with database().read() as session:
        questionnaires = questionnaires_of_iteration(session, context.iteration.id)
    if not questionnaires:
        st.info(_("No questionnaire is tied to this iteration yet."))
        return
    chosen = choose_questionnaire(questionnaires, state.RESPONSE_IMPORT_QUESTIONNAIRE)
    st.caption(
        _(
            "CSV or Excel exports of LimeSurvey, Google Forms or KoboToolbox: one row per "
            "respondent under a header row. Importing the same file again adds nothing."
        )
    )
    upload = st.file_uploader(
        _("Response file (.csv, .xlsx, .xls)"), type=["csv", "tsv", "txt", "xlsx", "xls"]
    )
    if upload is not None:
        _import(chosen, upload)
