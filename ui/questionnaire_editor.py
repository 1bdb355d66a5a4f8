"""The builder's question editor and its preview, as a citizen sees the questionnaire.

One question is edited at a time (a list, a picker, one form), which keeps a rerun cheap even for
long questionnaires. Every change is stored at once through `surveys.repository_builder`; a change
that stored answers cannot follow is refused with the reason and the offer of a new version.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from i18n import UserError
from surveys.answers import clean_answers
from surveys.builder import (
    add_question,
    format_choices,
    format_conditions,
    labels_from,
    move_question,
    new_question,
    parse_choices,
    parse_conditions,
    remove_question,
    replace_question,
)
from surveys.definition import (
    CHOICE_TYPES,
    TEXT_TYPES,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    label_in,
)
from surveys.form_pages import plan_screens, visible
from surveys.repository import QuestionnaireInfo
from surveys.repository_builder import VersionNeeded, update_definition
from ui import state
from ui.database import database
from ui.lang import N_, _, current
from ui.question_widgets import render_question

TYPE_NAMES: dict[QuestionType, str] = {
    QuestionType.SHORT_TEXT: N_("Short text"),
    QuestionType.LONG_TEXT: N_("Long text"),
    QuestionType.SINGLE_CHOICE: N_("Single choice"),
    QuestionType.MULTIPLE_CHOICE: N_("Multiple choice"),
    QuestionType.LIKERT5: N_("Likert scale 1–5"),
    QuestionType.LIKERT7: N_("Likert scale 1–7"),
    QuestionType.SUS: N_("SUS (the ten standard statements)"),
    QuestionType.SEQ: N_("SEQ, task difficulty 1–7"),
    QuestionType.NPS: N_("NPS, recommendation 0–10"),
    QuestionType.NUMBER: N_("Number"),
    QuestionType.DATE: N_("Date"),
    QuestionType.NOTE: N_("Note (text, no answer)"),
}


def type_name(kind: QuestionType) -> str:
    return _(TYPE_NAMES[kind])


def store(info: QuestionnaireInfo, change, *, select: str | None = None) -> None:
    """Apply `change(definition) -> definition`, store it and rerun; shows why when refused.

    `select` names the question to edit after the rerun.
    """
    try:
        definition = change(info.definition)
        with database().write() as session:
            update_definition(session, info.id, definition)
    except VersionNeeded as err:
        st.session_state[state.QUESTIONNAIRES_VERSION_HINT] = (info.id, err.render(current()))
        st.rerun()
    except UserError as err:
        st.error(err.render(current()))
        return
    st.session_state[state.QUESTIONNAIRES_NOTICE] = _("Saved.")
    if select is not None:
        st.session_state[state.QUESTIONNAIRES_QUESTION] = select
    st.rerun()


def question_table(definition: QuestionnaireDefinition, lang: str) -> None:
    rows = [
        {
            "#": i,
            _("Name"): q.name,
            _("Type"): type_name(q.type),
            _("Question"): label_in(q.labels, lang),
            _("Required"): q.required,
            _("Shown when"): format_conditions(q.show_when).replace("\n", " · ")
            if q.show_when
            else "",
        }
        for i, q in enumerate(definition.questions, start=1)
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info(_("No questions yet: add the first one below."))


def edit_questions(info: QuestionnaireInfo, has_responses: bool) -> None:
    """The list of questions, the editor of the chosen one, and the buttons to add and move."""
    definition = info.definition
    lang = current()
    question_table(definition, lang)
    names = [q.name for q in definition.questions]
    chosen = None
    if names:
        remembered = st.session_state.get(state.QUESTIONNAIRES_QUESTION)
        chosen = st.selectbox(
            _("Question to edit"),
            names,
            index=names.index(remembered) if remembered in names else 0,
            format_func=lambda n: (
                f"{names.index(n) + 1}. {n} · {label_in(definition.question(n).labels, lang)[:60]}"
            ),
        )
        st.session_state[state.QUESTIONNAIRES_QUESTION] = chosen
        _question_form(info, definition.question(chosen), has_responses)
        _order_buttons(info, chosen)
    _add_row(info, chosen)


def _order_buttons(info: QuestionnaireInfo, name: str) -> None:
    up, down, remove = st.columns(3)
    if up.button(_("Move up"), icon=":material/arrow_upward:", width="stretch"):
        store(info, lambda d: move_question(d, name, -1))
    if down.button(_("Move down"), icon=":material/arrow_downward:", width="stretch"):
        store(info, lambda d: move_question(d, name, 1))
    if remove.button(_("Remove"), icon=":material/delete:", width="stretch"):
        store(info, lambda d: remove_question(d, name), select="")


def _add_row(info: QuestionnaireInfo, after: str | None) -> None:
    kind_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    kind = kind_col.selectbox(_("New question of type"), list(QuestionType), format_func=type_name)
    if button_col.button(_("Add question"), icon=":material/add:", width="stretch"):
        question = new_question(info.definition, kind)
        store(info, lambda d: add_question(d, question, after), select=question.name)


def _question_form(info: QuestionnaireInfo, question: Question, has_responses: bool) -> None:
    definition = info.definition
    languages = definition.languages or ("bg",)
    with st.form(f"questionnaires.q.{info.id}.{question.name}", border=True):
        name_col, type_col = st.columns(2)
        name = name_col.text_input(_("Name (in exports)"), question.name, disabled=has_responses)
        kinds = list(QuestionType)
        kind = type_col.selectbox(
            _("Type"),
            kinds,
            index=kinds.index(question.type),
            format_func=type_name,
            disabled=has_responses,
        )
        labels = {
            lang: st.text_area(
                _("Question ({language})").format(language=lang),
                question.labels.get(lang, ""),
                height=68,
            )
            for lang in languages
        }
        hints = {
            lang: st.text_input(
                _("Hint ({language})").format(language=lang), question.hints.get(lang, "")
            )
            for lang in languages
        }
        required = st.checkbox(_("An answer is required"), question.required)
        choices_text = format_choices(question.choices, languages)
        allow_other = question.allow_other
        if question.type in CHOICE_TYPES:
            choices_text = st.text_area(
                _("Choices, one a line: value | label ({languages})").format(
                    languages=" | ".join(languages)
                ),
                choices_text,
                height=120,
            )
            allow_other = st.checkbox(_("Offer “Other” with a text box"), question.allow_other)
        minimum, maximum, max_length = question.minimum, question.maximum, question.max_length
        if question.type is QuestionType.NUMBER:
            low, high = st.columns(2)
            minimum = low.number_input(_("Smallest allowed"), value=minimum, format="%g")
            maximum = high.number_input(_("Largest allowed"), value=maximum, format="%g")
        if question.type in TEXT_TYPES:
            max_length = st.number_input(
                _("Longest answer (characters)"),
                min_value=1,
                max_value=5000,
                value=question.text_limit(),
            )
        sections = [None, *(s.key for s in definition.sections)]
        section = question.section
        if len(sections) > 1:
            section = st.selectbox(
                _("Section"),
                sections,
                index=sections.index(question.section) if question.section in sections else 0,
                format_func=lambda key: "—" if key is None else key,
            )
        logic = st.text_area(
            _("Show only when (one condition a line, e.g. visited = yes, age >= 18)"),
            format_conditions(question.show_when),
            height=68,
        )
        any_of = st.checkbox(
            _("Any one condition is enough (instead of all)"), question.show_when_any
        )
        saved = st.form_submit_button(_("Save question"), type="primary")
    if not saved:
        return
    try:
        edited = replace(
            question,
            name=name.strip(),
            type=kind,
            labels=labels_from(labels),
            hints=labels_from(hints),
            required=required and kind is not QuestionType.NOTE,
            choices=parse_choices(choices_text, languages) if kind in CHOICE_TYPES else (),
            allow_other=allow_other and kind in CHOICE_TYPES,
            minimum=minimum,
            maximum=maximum,
            max_length=int(max_length) if kind in TEXT_TYPES and max_length else None,
            section=section,
            show_when=parse_conditions(logic),
            show_when_any=any_of,
        )
        if kind in CHOICE_TYPES and not edited.choices:
            edited = replace(edited, choices=new_question(definition, kind).choices)
    except UserError as err:
        st.error(err.render(current()))
        return
    store(info, lambda d: replace_question(d, question.name, edited), select=edited.name)


def preview(definition: QuestionnaireDefinition) -> None:
    """The questionnaire as a citizen sees it, screen by screen, with live skip logic."""
    languages = list(definition.languages) or ["bg"]
    if st.session_state.get(state.QUESTIONNAIRES_PREVIEW_LANGUAGE) not in languages:
        st.session_state[state.QUESTIONNAIRES_PREVIEW_LANGUAGE] = (
            current() if current() in languages else languages[0]
        )
    lang = st.radio(
        _("Language of the preview"),
        languages,
        horizontal=True,
        key=state.QUESTIONNAIRES_PREVIEW_LANGUAGE,
    )
    st.caption(
        _(
            "Answers given here are not stored. On a phone, each question has a screen of its "
            "own; dividers show where screens end on larger screens."
        )
    )
    st.header(label_in(definition.title, lang))
    answers: dict[str, object] = {}
    for number, screen in enumerate(plan_screens(definition), start=1):
        values = clean_answers(definition, answers).values
        questions = visible(definition, screen, values)
        if not questions:
            continue
        if number > 1:
            st.divider()
        for question in questions:
            answers[question.name] = render_question(
                question,
                lang,
                key_of=state.preview_answer,
                other_key_of=state.preview_other,
            )
