"""Logging a session while it happens: per task an outcome, a timer, SEQ, errors and a note.

Everything typed is saved to the server draft on every change (`ui.session_autosave`); the draft's
key is in the page's address, so a reload, a closed tab or another browser brings it all back.
Each task is a fragment, so a change reruns only that task; a running timer ticks in its own.
"""

from __future__ import annotations

import streamlit as st

from i18n import UserError
from prototypes.repository import iteration, journey_steps, prototypes, tasks
from research.interviews import OUTCOMES, format_duration, parse_duration
from research.repository import participants
from research.repository_drafts import DraftInfo, load_draft
from research.repository_tags import load_codebook
from research.session_drafts import (
    set_notes,
    set_task,
    start_timer,
    stop_timer,
    timer_seconds,
)
from ui import session_autosave as autosave
from ui import state
from ui.context import iteration_label
from ui.database import database
from ui.lang import _, current
from ui.session_labels import outcome_names
from ui.session_observations import render_observations
from ui.session_saving import render_save

SEQ_VALUES = (1, 2, 3, 4, 5, 6, 7)


def _key(draft_key: str, name: str) -> str:
    return state.session_widget(draft_key, name)


def _init_widgets(draft_key: str, data: dict, task_ids: list[int]) -> None:
    """Fill the widgets from the stored draft the first time this browser tab shows it."""
    marker = _key(draft_key, "loaded")
    if st.session_state.get(marker):
        return
    for task_id in task_ids:
        task = data.get("tasks", {}).get(str(task_id), {})
        st.session_state[_key(draft_key, f"outcome.{task_id}")] = task.get("outcome")
        st.session_state[_key(draft_key, f"time.{task_id}")] = format_duration(task.get("seconds"))
        st.session_state[_key(draft_key, f"seq.{task_id}")] = task.get("seq")
        st.session_state[_key(draft_key, f"errors.{task_id}")] = int(task.get("errors") or 0)
        st.session_state[_key(draft_key, f"note.{task_id}")] = task.get("note") or ""
    st.session_state[_key(draft_key, "notes")] = data.get("notes") or ""
    pending = data.get("pending") or {}
    st.session_state[_key(draft_key, "p.kind")] = pending.get("kind") or "pain_point"
    st.session_state[_key(draft_key, "p.severity")] = pending.get("severity")
    st.session_state[_key(draft_key, "p.step")] = pending.get("step_id")
    st.session_state[_key(draft_key, "p.task")] = pending.get("task_id")
    st.session_state[_key(draft_key, "p.tags")] = list(pending.get("tags") or [])
    st.session_state[_key(draft_key, "p.text")] = pending.get("text") or ""
    st.session_state[marker] = True


# ------------------------------------------------------------------------------ callbacks


def _set_field(draft_key: str, task_id: int, field: str) -> None:
    value = st.session_state[_key(draft_key, f"{field}.{task_id}")]
    scope = f"task.{task_id}"
    if field == "time":
        try:
            seconds = parse_duration(value or "")
        except UserError as err:
            st.session_state.setdefault(state.SESSION_ERROR, {})[scope] = err.render(current())
            return
        autosave.change(draft_key, scope, lambda d: set_task(d, task_id, seconds=seconds))
        return
    if field == "errors":
        value = int(value or 0)
    if field == "note":
        value = value or ""
    autosave.change(draft_key, scope, lambda d: set_task(d, task_id, **{field: value}))


def _start(draft_key: str, task_id: int) -> None:
    moment = autosave.now()
    autosave.change(draft_key, f"task.{task_id}", lambda d: start_timer(d, task_id, moment))


def _stop(draft_key: str, task_id: int) -> None:
    moment = autosave.now()
    if autosave.change(draft_key, f"task.{task_id}", lambda d: stop_timer(d, task_id, moment)):
        seconds = autosave.data().get("tasks", {}).get(str(task_id), {}).get("seconds")
        st.session_state[_key(draft_key, f"time.{task_id}")] = format_duration(seconds)


def _set_notes(draft_key: str) -> None:
    text = st.session_state[_key(draft_key, "notes")] or ""
    autosave.change(draft_key, "notes", lambda d: set_notes(d, text))


# -------------------------------------------------------------------------------- blocks


def _ticking(task_id: int) -> None:
    task = autosave.data().get("tasks", {}).get(str(task_id), {})
    seconds = timer_seconds(task, autosave.now())
    st.markdown(f":red[:material/timer:] **{format_duration(seconds)}**")


@st.fragment
def _task_block(draft_key: str, task_id: int, title: str) -> None:
    task = autosave.data().get("tasks", {}).get(str(task_id), {})
    running = bool(task.get("timer_started"))
    with st.container(border=True):
        head, timer, button = st.columns([6, 2, 2], vertical_alignment="center")
        head.markdown(f"**{title}**")
        with timer:
            if running:
                st.fragment(_ticking, run_every=1)(task_id)
            elif task.get("seconds") is not None:
                st.markdown(f":material/timer: {format_duration(task.get('seconds'))}")
        if running:
            button.button(
                _("Stop"),
                key=_key(draft_key, f"stop.{task_id}"),
                icon=":material/stop_circle:",
                on_click=_stop,
                args=(draft_key, task_id),
                width="stretch",
            )
        else:
            button.button(
                _("Start timer"),
                key=_key(draft_key, f"start.{task_id}"),
                icon=":material/play_circle:",
                on_click=_start,
                args=(draft_key, task_id),
                width="stretch",
            )
        st.segmented_control(
            _("Outcome"),
            OUTCOMES,
            format_func=outcome_names().get,
            key=_key(draft_key, f"outcome.{task_id}"),
            on_change=_set_field,
            args=(draft_key, task_id, "outcome"),
        )
        c1, c2, c3 = st.columns([2, 4, 2])
        c1.text_input(
            _("Time on task (s or m:ss)"),
            key=_key(draft_key, f"time.{task_id}"),
            on_change=_set_field,
            args=(draft_key, task_id, "time"),
            max_chars=10,
        )
        with c2:
            st.segmented_control(
                _("SEQ: how easy was it? (1–7)"),
                SEQ_VALUES,
                key=_key(draft_key, f"seq.{task_id}"),
                on_change=_set_field,
                args=(draft_key, task_id, "seq"),
            )
        c3.number_input(
            _("Errors"),
            min_value=0,
            max_value=1000,
            step=1,
            key=_key(draft_key, f"errors.{task_id}"),
            on_change=_set_field,
            args=(draft_key, task_id, "errors"),
        )
        st.text_input(
            _("Note on this task"),
            key=_key(draft_key, f"note.{task_id}"),
            on_change=_set_field,
            args=(draft_key, task_id, "note"),
            max_chars=5000,
            live="1s",
        )
        autosave.show_error(f"task.{task_id}")


@st.fragment
def _notes_block(draft_key: str) -> None:
    st.text_area(
        _("Session notes"),
        key=_key(draft_key, "notes"),
        on_change=_set_notes,
        args=(draft_key,),
        max_chars=5000,
        help=_(
            "Saved when you leave the field. Personal data is removed before the session is saved."
        ),
    )
    autosave.show_error("notes")
    autosave.saved_note()


def _context(draft: DraftInfo):
    lang = current()
    with database().read() as session:
        it = iteration(session, draft.iteration_id)
        script = tasks(session, draft.iteration_id)
        proto = next((p for p in prototypes(session) if p.id == it.prototype_id), None)
        steps = journey_steps(session, proto.life_event_id) if proto else []
        book = load_codebook(session)
    tag_paths = [book.path(t.key) for t in book if t.codable]
    titles = {t.id: f"{t.key}. {t.title(lang)}" for t in script}
    return it, script, steps, tag_paths, titles


def _quotes_allowed(participant_id: int) -> bool:
    with database().read() as session:
        found = [p for p in participants(session) if p.id == participant_id]
    return bool(found and found[0].consent_quotes)


def render_workspace(draft_key: str) -> None:
    """The logging page of one draft; `draft_key` comes from the address."""
    with database().read() as session:
        draft = load_draft(session, draft_key)
    if draft is None:
        st.warning(
            _("This draft no longer exists: it was saved or discarded, perhaps in another tab.")
        )
        if st.button(_("Back to the list of sessions")):
            st.query_params.clear()
            st.rerun()
        return
    st.session_state[state.SESSION_DRAFT_DATA] = draft.data
    it, script, steps, tag_paths, titles = _context(draft)
    if draft.interview_session_id is None:
        st.subheader(_("Session with {code}").format(code=draft.participant_code))
    else:
        st.subheader(_("Editing the session with {code}").format(code=draft.participant_code))
    st.caption(
        iteration_label(it)
        + " · "
        + _(
            "Everything you type is saved as you go. To come back to this draft, reopen this "
            "page's address or pick it from the list of drafts."
        )
    )
    if draft.participant_id is not None and not _quotes_allowed(draft.participant_id):
        st.caption(
            ":material/format_quote: "
            + _(
                "{code} did not agree to be quoted in reports: quotes stay in the research notes."
            ).format(code=draft.participant_code)
        )
    _init_widgets(draft_key, draft.data, [t.id for t in script])
    for task in script:
        _task_block(draft_key, task.id, titles[task.id])
    render_observations(draft_key, steps, titles, tag_paths)
    _notes_block(draft_key)
    render_save(draft, titles)
