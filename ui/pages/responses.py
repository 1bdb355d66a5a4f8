"""Responses of the chosen iteration's questionnaires, as a table a researcher can scan and sort."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prototypes.statistics import sus_score
from surveys.definition import QuestionType, label_in
from surveys.exports import export_bytes
from surveys.repository import QuestionnaireInfo, questionnaires_of_iteration, response_rows
from ui.context import choose_context
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Responses"), ":material/ballot:", "responses", order=30, roles=("admin", "researcher")
)


def responses_frame(questionnaire: QuestionnaireInfo, rows: list[dict], lang: str) -> pd.DataFrame:
    """One row per response, one column per question, SUS blocks as their score."""
    columns: dict[str, str] = {}
    records = []
    for question in questionnaire.definition.questions:
        if question.type is not QuestionType.NOTE:
            columns[question.name] = label_in(question.labels, lang) or question.name
    for row in rows:
        record = {
            _("Submitted"): row["submitted_at"],
            _("Language"): row["language"],
        }
        for question in questionnaire.definition.questions:
            if question.name not in columns:
                continue
            value = row.get(question.name)
            if question.type is QuestionType.SUS:
                value = sus_score(value) if isinstance(value, list) else None
                record[_("SUS score")] = value
                continue
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            record[columns[question.name]] = value
        records.append(record)
    return pd.DataFrame(records)


def render() -> None:
    st.title(_("Responses"))
    context = choose_context()
    if context is None:
        return
    with database().read() as session:
        questionnaires = questionnaires_of_iteration(session, context.iteration.id)
        loaded = [(q, response_rows(session, q.id)) for q in questionnaires]
    if not loaded:
        st.info(_("No questionnaire is tied to this iteration yet."))
        return
    lang = current()
    for questionnaire, rows in loaded:
        title = label_in(questionnaire.definition.title, lang)
        names = {"open": _("open"), "closed": _("closed"), "draft": _("draft")}
        status = names[questionnaire.status]
        st.subheader(f"{title}")
        st.caption(
            _("{count} responses · {status} · link token {token}").format(
                count=len(rows), status=status, token=questionnaire.token[:6] + "…"
            )
        )
        if rows:
            st.dataframe(
                responses_frame(questionnaire, rows, lang),
                hide_index=True,
                width="stretch",
            )
            _downloads(questionnaire, rows, lang)


def _downloads(questionnaire: QuestionnaireInfo, rows: list[dict], lang: str) -> None:
    """CSV and XLSX of every response, labels in the interface language, safe to open."""
    csv_col, xlsx_col = st.columns(2)
    for column, fmt, mime in (
        (csv_col, "csv", "text/csv"),
        (xlsx_col, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        column.download_button(
            _("Download {format}").format(format=fmt.upper()),
            export_bytes(questionnaire.definition, rows, lang, fmt),
            file_name=f"{questionnaire.slug}-{lang}.{fmt}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"responses.download.{questionnaire.id}.{fmt}",
            width="stretch",
        )
