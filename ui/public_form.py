"""The citizen's page: the questionnaire its link (`?s=token`) names, and nothing else.

The questionnaire is shown a screen at a time (`surveys.form_pages`): a section per screen, or one
question per screen on a phone, each screen one `st.form`, so a citizen's clicks cost no reruns
until Next, and skip logic is decided by the answers of earlier screens. Next, Back and Send run
as button callbacks, before the script, so each step is a single rerun.

The answers so far live in the session and, at every step, in a server-side draft named by the
`d` query parameter, so a reload (or a phone that dropped the tab) comes back to the same screen
with the same answers. The draft id is the response's submission id: a Send repeated for any reason
is stored once, and a reload after sending shows the thank-you page.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from i18n import LANGUAGES, UserError
from storage.db import StorageBusy
from surveys.answers import clean_answers
from surveys.definition import (
    Question,
    QuestionnaireDefinition,
    QuestionType,
    label_in,
)
from surveys.form_pages import (
    Screen,
    draft_texts,
    draft_values,
    may_continue,
    plan_screens,
    scale_value,
    settle,
    shown_screens,
    step,
    visible,
    widget_value,
)
from surveys.repository import QuestionnaireInfo, questionnaire_by_token
from surveys.repository_drafts import (
    Draft,
    is_draft_id,
    is_submitted,
    load_draft,
    new_draft_id,
    save_draft,
    send_response,
)
from ui import state
from ui.auth import public_submission_allowed
from ui.database import database
from ui.lang import _, current, set_language
from ui.question_widgets import render_question

log = logging.getLogger(__name__)
PHONE_AGENT = re.compile(r"Mobi|Android|iPhone|iPod|Windows Phone", re.IGNORECASE)


def _load(token: str) -> QuestionnaireInfo | None:
    with database().read() as session:
        return questionnaire_by_token(session, token)


def _language_name(code: str) -> str:
    if code in LANGUAGES:
        return LANGUAGES[code]
    try:
        from babel import Locale

        return Locale.parse(code).get_display_name(code).capitalize()
    except Exception:  # an unknown code from an imported form: show the code itself
        return code


def _language_choice(definition: QuestionnaireDefinition) -> str:
    """The language of the questions; the interface follows it when it is Bulgarian or English."""
    offered = list(dict.fromkeys(definition.languages)) or ["bg"]
    chosen = st.session_state.get(state.PUBLIC_LANGUAGE)
    if chosen not in offered:
        chosen = current() if current() in offered else offered[0]
        st.session_state[state.PUBLIC_LANGUAGE] = chosen
    if chosen in LANGUAGES:
        set_language(chosen)
    if len(offered) > 1:
        chosen = st.radio(
            _("Language"),
            offered,
            format_func=_language_name,
            horizontal=True,
            key=state.PUBLIC_LANGUAGE,
        )
    return chosen


def _is_phone() -> bool:
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no request headers (tests)
        agent = ""
    return bool(PHONE_AGENT.search(agent))


# ---- the session's answers and its draft ---------------------------------------------------


def _start(questionnaire: QuestionnaireInfo) -> str:
    """The draft id of this visit (from the URL, or a new one), restoring a saved draft once."""
    draft_id = st.query_params.get("d", "")
    if draft_id and st.session_state.get(state.PUBLIC_DRAFT_ID) == draft_id:
        return draft_id
    answers: dict = {}
    others: dict = {}
    screen = 0
    done = False
    if is_draft_id(draft_id):
        with database().read() as session:
            done = is_submitted(session, draft_id)
            draft = None if done else load_draft(session, questionnaire.id, draft_id)
        if draft is not None:
            answers, others, screen = draft.answers, draft.others, draft.page
            if draft.language in questionnaire.definition.languages:
                st.session_state[state.PUBLIC_LANGUAGE] = draft.language
    else:
        draft_id = new_draft_id()
        st.query_params["d"] = draft_id
    st.session_state[state.PUBLIC_DRAFT_ID] = draft_id
    st.session_state[state.PUBLIC_SUBMISSION_ID] = draft_id
    st.session_state[state.PUBLIC_ANSWERS] = answers
    st.session_state[state.PUBLIC_OTHERS] = others
    st.session_state[state.PUBLIC_SCREEN] = screen
    st.session_state[state.PUBLIC_DONE] = done
    st.session_state[state.PUBLIC_ERRORS] = {}
    return draft_id


def _restore(question: Question) -> None:
    """Put a remembered answer back into its widget before the widget is drawn."""
    answers = st.session_state[state.PUBLIC_ANSWERS]
    stored = answers.get(question.name)
    if question.type is QuestionType.SUS:
        items = stored if isinstance(stored, list) else []
        for i, value in enumerate(items[:10], start=1):
            key = state.public_answer(question.name, i)
            if key not in st.session_state and scale_value(question, value) is not None:
                st.session_state[key] = value
        return
    key = state.public_answer(question.name)
    if key not in st.session_state and stored is not None:
        value = widget_value(question, stored)
        if value is not None:
            st.session_state[key] = value
    other = st.session_state[state.PUBLIC_OTHERS].get(question.name)
    if question.allow_other and other and state.public_other(question.name) not in st.session_state:
        st.session_state[state.public_other(question.name)] = other


def _collect(definition: QuestionnaireDefinition, names: tuple[str, ...]) -> None:
    """Remember what the widgets of a screen hold (called from the screen's buttons)."""
    answers = dict(st.session_state[state.PUBLIC_ANSWERS])
    others = dict(st.session_state[state.PUBLIC_OTHERS])
    for name in names:
        question = definition.question(name)
        if question.type is QuestionType.NOTE:
            continue
        if question.type is QuestionType.SUS:
            items = [st.session_state.get(state.public_answer(name, i)) for i in range(1, 11)]
            if any(v is not None for v in items) or name in answers:
                answers[name] = items
            continue
        key = state.public_answer(name)
        if key in st.session_state:
            answers[name] = st.session_state[key]
        if question.allow_other and state.public_other(name) in st.session_state:
            others[name] = st.session_state[state.public_other(name)]
    st.session_state[state.PUBLIC_ANSWERS] = answers
    st.session_state[state.PUBLIC_OTHERS] = others


def _save_draft(questionnaire: QuestionnaireInfo, lang: str) -> None:
    definition = questionnaire.definition
    draft = Draft(
        st.session_state[state.PUBLIC_DRAFT_ID],
        draft_values(definition, st.session_state[state.PUBLIC_ANSWERS]),
        draft_texts(definition, st.session_state[state.PUBLIC_OTHERS]),
        st.session_state[state.PUBLIC_SCREEN],
        lang,
    )
    try:
        with database().write() as session:
            save_draft(session, questionnaire.id, draft)
    except StorageBusy:
        log.warning("a draft could not be saved; the answers stay in the session")


# ---- the buttons ---------------------------------------------------------------------------


def _cleaned(definition: QuestionnaireDefinition):
    return clean_answers(
        definition, st.session_state[state.PUBLIC_ANSWERS], st.session_state[state.PUBLIC_OTHERS]
    )


def _errors_of(result, names, lang: str) -> dict[str, str]:
    return {n: e.render(lang) for n, e in result.errors.items() if n in names}


def _on_back(questionnaire: QuestionnaireInfo, screens, index: int, lang: str) -> None:
    definition = questionnaire.definition
    _collect(definition, screens[index].names)
    shown = shown_screens(definition, screens, _cleaned(definition).values)
    st.session_state[state.PUBLIC_SCREEN] = step(shown, index, -1) or 0
    st.session_state[state.PUBLIC_ERRORS] = {}
    st.session_state[state.PUBLIC_FAILED] = None
    _save_draft(questionnaire, lang)


def _on_next(questionnaire: QuestionnaireInfo, screens, index: int, lang: str) -> None:
    definition = questionnaire.definition
    _collect(definition, screens[index].names)
    result = _cleaned(definition)
    errors = _errors_of(result, screens[index].names, current())
    st.session_state[state.PUBLIC_ERRORS] = errors
    st.session_state[state.PUBLIC_FAILED] = None
    if errors:
        st.session_state[state.PUBLIC_FAILED] = _(
            "Some answers need your attention; they are marked above."
        )
        return
    following = step(shown_screens(definition, screens, result.values), index, 1)
    if following is None:
        _on_send(questionnaire, screens, index, lang)
        return
    st.session_state[state.PUBLIC_SCREEN] = following
    _save_draft(questionnaire, lang)


def _on_send(questionnaire: QuestionnaireInfo, screens, index: int, lang: str) -> None:
    definition = questionnaire.definition
    _collect(definition, screens[index].names)
    result = _cleaned(definition)
    st.session_state[state.PUBLIC_FAILED] = None
    if not result.ok:
        shown = shown_screens(definition, screens, result.values)
        first = next((i for i in shown if any(n in result.errors for n in screens[i].names)), index)
        st.session_state[state.PUBLIC_SCREEN] = first
        st.session_state[state.PUBLIC_ERRORS] = _errors_of(result, screens[first].names, current())
        st.session_state[state.PUBLIC_FAILED] = _(
            "Some answers need your attention; they are marked above."
        )
        _save_draft(questionnaire, lang)
        return
    if not public_submission_allowed(questionnaire.token):
        st.session_state[state.PUBLIC_FAILED] = _(
            "Many answers have come from here in a short time. Please wait a few minutes and "
            "press Send again."
        )
        return
    try:
        with database().write() as session:
            send_response(
                session,
                questionnaire.id,
                st.session_state[state.PUBLIC_DRAFT_ID],
                result,
                language=lang,
            )
    except StorageBusy:
        st.session_state[state.PUBLIC_FAILED] = _(
            "We could not save your answers just now. They are still here: please press Send "
            "again in a moment."
        )
        return
    except UserError as err:
        st.session_state[state.PUBLIC_FAILED] = err.render(current())
        return
    st.session_state[state.PUBLIC_ERRORS] = {}
    st.session_state[state.PUBLIC_DONE] = True


# ---- the page --------------------------------------------------------------------------------


def _thank_you() -> None:
    st.title(_("Thank you!"))
    st.success(_("Your answers have been received. You can close this page."))


def _introduction(definition: QuestionnaireDefinition, lang: str) -> None:
    if description := label_in(definition.description, lang):
        st.write(description)
    st.info(
        _(
            "Your answers are anonymous. Please do not write personal data such as your ID "
            "number, phone or address: if you do, we remove it before storing your answers."
        ),
        icon=":material/lock:",
    )


def _progress(shown: list[int], index: int) -> None:
    if len(shown) < 2 or index not in shown:
        return
    number = shown.index(index) + 1
    st.progress(
        number / len(shown),
        text=_("Step {number} of {total}").format(number=number, total=len(shown)),
    )


def _screen(
    questionnaire: QuestionnaireInfo, screens: tuple[Screen, ...], index: int, lang: str
) -> None:
    definition = questionnaire.definition
    values = _cleaned(definition).values
    shown = shown_screens(definition, screens, values)
    questions = visible(definition, screens[index], values) if shown else []
    section = next((s for s in definition.sections if s.key == screens[index].section), None)
    if section is not None and label_in(section.labels, lang):
        st.subheader(label_in(section.labels, lang))
    errors: dict[str, str] = st.session_state.get(state.PUBLIC_ERRORS) or {}
    has_back = shown and step(shown, index, -1) is not None
    going_on = shown and may_continue(definition, screens, index, values)
    args = (questionnaire, screens, index, lang)
    with st.form(f"public.form.{index}", enter_to_submit=False, border=False):
        for question in questions:
            _restore(question)
            render_question(question, lang, errors.get(question.name))
        if any(q.required for q in questions):
            st.caption(_("Questions marked * need an answer."))
        st.form_submit_button(
            _("Next") if going_on else _("Send"),
            type="primary",
            width="stretch",
            on_click=_on_next if going_on else _on_send,
            args=args,
        )
        if has_back:
            st.form_submit_button(_("Back"), width="stretch", on_click=_on_back, args=args)


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
    _start(questionnaire)
    lang = _language_choice(definition)
    if st.session_state.get(state.PUBLIC_DONE):
        _thank_you()
        return
    st.title(label_in(definition.title, lang))
    if not questionnaire.is_open:
        st.info(_("This questionnaire is closed and no longer accepts answers. Thank you!"))
        return
    screens = plan_screens(definition, one_per_screen=_is_phone())
    if not screens:
        st.info(_("This questionnaire has no questions yet."))
        return
    shown = shown_screens(definition, screens, _cleaned(definition).values)
    index = settle(shown, min(st.session_state[state.PUBLIC_SCREEN], len(screens) - 1))
    st.session_state[state.PUBLIC_SCREEN] = index
    if not shown or index == shown[0]:
        _introduction(definition, lang)
    _progress(shown, index)
    _screen(questionnaire, screens, index, lang)
    if failed := st.session_state.get(state.PUBLIC_FAILED):
        st.error(failed)
