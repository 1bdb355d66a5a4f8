"""The citizen's page: the questionnaire its link (`?s=token`) names, and nothing else."""

from __future__ import annotations

import uuid

import streamlit as st

from i18n import LANGUAGES, UserError
from storage.db import StorageBusy
from surveys.answers import clean_answers
from surveys.definition import QuestionnaireDefinition, label_in
from surveys.repository import QuestionnaireInfo, questionnaire_by_token, submit_response
from ui import state
from ui.database import database
from ui.lang import _, current, language_switch, set_language
from ui.question_widgets import render_question


def _load(token: str) -> QuestionnaireInfo | None:
    with database().read() as session:
        return questionnaire_by_token(session, token)


def _language_choice(definition: QuestionnaireDefinition) -> str:
    languages = [lang for lang in definition.languages if lang in LANGUAGES]
    if len(languages) > 1:
        return language_switch(st.container(), languages)
    set_language(languages[0] if languages else "bg")
    return current()


def _thank_you() -> None:
    st.title(_("Thank you!"))
    st.success(_("Your answers have been received. You can close this page."))


def _submit(questionnaire: QuestionnaireInfo, raw: dict, others: dict, lang: str) -> None:
    cleaned = clean_answers(questionnaire.definition, raw, others)
    st.session_state[state.PUBLIC_ERRORS] = {
        name: err.render(lang) for name, err in cleaned.errors.items()
    }
    if not cleaned.ok:
        st.session_state[state.PUBLIC_FAILED] = _(
            "Some answers need your attention; they are marked below."
        )
        return
    try:
        with database().write() as session:
            submit_response(
                session,
                questionnaire,
                st.session_state[state.PUBLIC_SUBMISSION_ID],
                cleaned,
                language=lang,
            )
    except StorageBusy:
        st.session_state[state.PUBLIC_FAILED] = _(
            "We could not save your answers just now. They are still here: please press Send "
            "again in a moment."
        )
        return
    except UserError as err:
        st.session_state[state.PUBLIC_FAILED] = err.render(lang)
        return
    st.session_state[state.PUBLIC_FAILED] = None
    st.session_state[state.PUBLIC_DONE] = True


def render() -> None:
    token = st.query_params.get("s", "")
    questionnaire = _load(token)
    if questionnaire is None:
        st.title(_("This link does not work"))
        st.info(
            _(
                "The questionnaire link is incomplete or no longer valid. Please check the link "
                "or scan the QR code again."
            )
        )
        return
    definition = questionnaire.definition
    lang = _language_choice(definition)
    if st.session_state.get(state.PUBLIC_DONE):
        _thank_you()
        return
    st.title(label_in(definition.title, lang))
    if not questionnaire.is_open:
        st.info(_("This questionnaire is closed and no longer accepts answers. Thank you!"))
        return
    if description := label_in(definition.description, lang):
        st.write(description)
    st.info(
        _(
            "Your answers are anonymous. Please do not write personal data such as your ID "
            "number, phone or address: if you do, we remove it before storing your answers."
        ),
        icon=":material/lock:",
    )
    st.session_state.setdefault(state.PUBLIC_SUBMISSION_ID, uuid.uuid4().hex)
    errors: dict[str, str] = st.session_state.get(state.PUBLIC_ERRORS) or {}
    with st.form("public.form", enter_to_submit=False, border=False):
        raw: dict[str, object] = {}
        for question in definition.questions:
            raw[question.name] = render_question(question, lang, errors.get(question.name))
        st.caption(_("Questions marked * need an answer."))
        sent = st.form_submit_button(_("Send"), type="primary", width="stretch")
    if sent:
        others = {
            q.name: st.session_state.get(state.public_other(q.name))
            for q in definition.questions
            if q.allow_other
        }
        _submit(questionnaire, raw, others, lang)
        st.rerun()
    if failed := st.session_state.get(state.PUBLIC_FAILED):
        st.error(failed)
