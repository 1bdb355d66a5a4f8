"""The questionnaires of an iteration: create, copy last week's, import, edit, preview, publish.

A questionnaire with responses keeps every answer meaningful: its questions can be reworded,
reordered, made required or given skip logic, but not removed or retyped; for those changes the
page offers a copy as a new version (a new link, no responses), which is the researcher's call.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from i18n import UserError
from surveys.builder import (
    format_sections,
    labels_from,
    parse_languages,
    parse_sections,
    slugify,
    starter_definition,
    week_slug,
)
from surveys.form_files import FORM_SUFFIXES, read_form_file
from surveys.links import public_link, qr_png
from surveys.repository import (
    QuestionnaireInfo,
    questionnaires_of_iteration,
    response_count,
    set_status,
)
from surveys.repository_builder import (
    copy_questionnaire,
    delete_questionnaire,
    new_questionnaire,
    set_iteration,
    unique_slug,
)
from surveys.repository_imports import import_form
from surveys.repository_links import replace_token
from surveys.xlsform_export import write_xlsform
from ui import state
from ui.auth import current_user
from ui.context import (
    WorkContext,
    choose_context,
    choose_questionnaire,
    iteration_label,
    questionnaire_title,
)
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec
from ui.questionnaire_editor import edit_questions, preview, store

PAGE = PageSpec(
    N_("Questionnaires"),
    ":material/edit_note:",
    "questionnaires",
    order=25,
    roles=("admin", "researcher"),
)
STATUS_NAMES = {"draft": N_("draft"), "open": N_("open"), "closed": N_("closed")}


@st.cache_data(max_entries=64, show_spinner=False)
def _qr(url: str) -> bytes:
    return qr_png(url)


def _act(action, notice: str) -> None:
    """Run `action(session)` in one write and rerun with `notice`; or show the UserError."""
    try:
        with database().write() as session:
            action(session)
    except UserError as err:
        st.error(err.render(current()))
        return
    st.session_state[state.QUESTIONNAIRES_NOTICE] = notice
    st.rerun()


def _select(questionnaire_id: int) -> None:
    st.session_state[state.QUESTIONNAIRES_ID] = questionnaire_id


# ---- new questionnaires ------------------------------------------------------------------------


def _create(context: WorkContext) -> None:
    with st.form("questionnaires.new", border=False):
        title_bg = st.text_input(_("Title in Bulgarian"))
        title_en = st.text_input(_("Title in English"))
        slug = st.text_input(
            _("Short name (in exports; leave empty to make one from the title)"), max_chars=80
        )
        standard = st.checkbox(
            _("Start with the standard questions (SUS, SEQ and two open questions)"), True
        )
        created = st.form_submit_button(_("Create questionnaire"), type="primary")
    if not created:
        return
    base = slug.strip() or week_slug(slugify(title_en or title_bg), context.iteration.week_label)

    def action(session) -> None:
        definition = starter_definition({"bg": title_bg, "en": title_en}, standard)
        info = new_questionnaire(
            session, unique_slug(session, base), definition, iteration_id=context.iteration.id
        )
        _select(info.id)

    _act(action, _("The questionnaire was created as a draft."))


def _copy_last_week(context: WorkContext) -> None:
    if context.previous is None:
        st.caption(_("This is the first iteration: there is no earlier questionnaire to copy."))
        return
    with database().read() as session:
        earlier = questionnaires_of_iteration(session, context.previous.id)
    if not earlier:
        st.caption(_("The previous iteration has no questionnaire to copy."))
        return
    by_id = {q.id: q for q in earlier}
    source_id = st.selectbox(
        _("Questionnaire of the previous iteration"),
        list(reversed(by_id)),
        format_func=lambda i: f"{by_id[i].slug} · {questionnaire_title(by_id[i])}",
    )
    if st.button(_("Copy into this iteration"), icon=":material/content_copy:"):
        slug = week_slug(by_id[source_id].slug, context.iteration.week_label)

        def action(session) -> None:
            info = copy_questionnaire(session, source_id, slug, iteration_id=context.iteration.id)
            _select(info.id)

        _act(action, _("Copied: a draft with a new link and no responses."))


def _import(context: WorkContext) -> None:
    upload = st.file_uploader(
        _("XLSForm (.xlsx, .xls) or LimeSurvey (.lss, .lsa)"),
        type=[s.lstrip(".") for s in FORM_SUFFIXES],
        key="questionnaires.upload",
    )
    if upload is None or not st.button(_("Import"), icon=":material/upload_file:"):
        return
    try:
        form = read_form_file(upload.getvalue(), upload.name)
        title = next((t for t in form.definition.title.values() if t), upload.name)
        with database().write() as session:
            summary = import_form(
                session, form, slugify(title)[:60], iteration_id=context.iteration.id
            )
    except UserError as err:
        st.error(err.render(current()))
        return
    _select(summary.questionnaire.id)
    notice = (
        _("Imported «{slug}»: {questions} questions, {added} responses added.")
        if summary.created
        else _("«{slug}» was imported before; {added} new responses added.")
    ).format(
        slug=summary.questionnaire.slug,
        questions=len(summary.questionnaire.definition.questions),
        added=summary.added,
    )
    skipped = summary.incomplete + summary.invalid
    if skipped:
        notice += " " + _("{count} unfinished or invalid responses were skipped.").format(
            count=skipped
        )
    st.session_state[state.QUESTIONNAIRES_NOTICE] = notice
    st.rerun()


# ---- one questionnaire -------------------------------------------------------------------------


def _link_tab(info: QuestionnaireInfo) -> None:
    url = public_link(info.token)
    st.markdown(_("Citizens answer at this address:"))
    st.code(url, language=None)
    if not info.is_open:
        st.warning(_("The questionnaire is not open: the link shows that it accepts no answers."))
    png = _qr(url)
    st.image(png, width=240, caption=_("QR code for posters and counters"))
    st.download_button(
        _("Download the QR code (PNG)"),
        png,
        file_name=f"{info.slug}-qr.png",
        mime="image/png",
        icon=":material/qr_code_2:",
    )
    open_col, close_col = st.columns(2)
    if info.status != "open" and open_col.button(
        _("Open for answers"), type="primary", icon=":material/play_arrow:"
    ):
        _act(lambda s: set_status(s, info.id, "open"), _("The questionnaire is open."))
    if info.status == "open" and close_col.button(_("Close"), icon=":material/stop:"):
        _act(lambda s: set_status(s, info.id, "closed"), _("The questionnaire is closed."))
    st.divider()
    st.caption(
        _(
            "If the link has leaked or been misused, replace it: the old link and its printed QR "
            "codes stop working at once."
        )
    )
    if st.button(_("Replace the link"), icon=":material/link_off:"):
        user = current_user()
        actor = user.username if user else "unknown"
        _act(
            lambda s: replace_token(s, info.id, actor=actor),
            _("The link was replaced: share and print the new one."),
        )


def _settings_tab(info: QuestionnaireInfo, context: WorkContext, responses: int) -> None:
    definition = info.definition
    languages = definition.languages or ("bg",)
    with st.form(f"questionnaires.settings.{info.id}", border=False):
        titles = {
            lang: st.text_input(
                _("Title ({language})").format(language=lang), definition.title.get(lang, "")
            )
            for lang in languages
        }
        descriptions = {
            lang: st.text_area(
                _("Introduction ({language})").format(language=lang),
                definition.description.get(lang, ""),
                height=68,
            )
            for lang in languages
        }
        language_text = st.text_input(
            _("Languages (codes, the first is the default)"), ", ".join(languages)
        )
        sections_text = st.text_area(
            _("Sections, one a line: key | title ({languages})").format(
                languages=" | ".join(languages)
            ),
            format_sections(definition.sections, languages),
        )
        saved = st.form_submit_button(_("Save"), type="primary")
    if saved:
        try:
            changed = {
                "title": labels_from(titles),
                "description": labels_from(descriptions),
                "languages": parse_languages(language_text),
                "sections": parse_sections(sections_text, languages),
            }
        except UserError as err:
            st.error(err.render(current()))
        else:
            store(info, lambda d: replace(d, **changed))
    ids = [it.id for it in context.iterations]
    labels = {it.id: iteration_label(it) for it in context.iterations}
    tied = st.selectbox(
        _("Iteration"),
        ids,
        index=ids.index(info.iteration_id) if info.iteration_id in ids else len(ids) - 1,
        format_func=labels.get,
        key=f"questionnaires.iteration.{info.id}",
    )
    if tied != info.iteration_id and st.button(_("Tie to this iteration")):
        _act(lambda s: set_iteration(s, info.id, tied), _("Saved."))
    st.download_button(
        _("Download as XLSForm (.xlsx)"),
        write_xlsform(definition),
        file_name=f"{info.slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    _version_button(info, context, _("Copy as a new version"))
    if responses == 0 and st.button(_("Delete this questionnaire"), icon=":material/delete:"):
        _act(lambda s: delete_questionnaire(s, info.id), _("The questionnaire was deleted."))


def _version_button(info: QuestionnaireInfo, context: WorkContext, label: str) -> None:
    if st.button(label, icon=":material/difference:", key=f"questionnaires.version.{label}"):

        def action(session) -> None:
            copy = copy_questionnaire(
                session, info.id, f"{info.slug[:70]}-v2", iteration_id=context.iteration.id
            )
            _select(copy.id)

        st.session_state.pop(state.QUESTIONNAIRES_VERSION_HINT, None)
        _act(action, _("A new version was made: a draft with its own link."))


def _one(info: QuestionnaireInfo, context: WorkContext, responses: int) -> None:
    status = _(STATUS_NAMES.get(info.status, info.status))
    st.subheader(questionnaire_title(info))
    st.caption(
        _("{slug} · {status} · {count} responses").format(
            slug=info.slug, status=status, count=responses
        )
    )
    hint = st.session_state.get(state.QUESTIONNAIRES_VERSION_HINT)
    if hint and hint[0] == info.id:
        st.warning(
            hint[1]
            + " "
            + _(
                "This questionnaire has responses, so the change would make them unreadable. "
                "Copy it as a new version and change the copy."
            )
        )
        _version_button(info, context, _("Make a new version now"))
    questions, look, link, settings = st.tabs(
        [_("Questions"), _("Preview"), _("Link and QR code"), _("Settings")]
    )
    with questions:
        if responses:
            st.caption(
                _(
                    "It has responses: wording, order, hints, required and skip logic can change; "
                    "removing questions or choices or changing a type needs a new version."
                )
            )
        edit_questions(info, responses > 0)
    with look:
        preview(info.definition)
    with link:
        _link_tab(info)
    with settings:
        _settings_tab(info, context, responses)


def render() -> None:
    st.title(_("Questionnaires"))
    context = choose_context()
    if context is None:
        return
    if notice := st.session_state.pop(state.QUESTIONNAIRES_NOTICE, None):
        st.success(notice)
    with database().read() as session:
        mine = questionnaires_of_iteration(session, context.iteration.id)
        counts = {q.id: response_count(session, q.id) for q in mine}
    with st.expander(_("New questionnaire"), expanded=not mine, icon=":material/add:"):
        new, copy, upload = st.tabs([_("Create"), _("Copy last week's"), _("Import from a file")])
        with new:
            _create(context)
        with copy:
            _copy_last_week(context)
        with upload:
            _import(context)
    if not mine:
        st.info(_("No questionnaire is tied to this iteration yet."))
        return
    chosen = choose_questionnaire(mine, state.QUESTIONNAIRES_ID)
    _one(chosen, context, counts[chosen.id])
