"""Running observations of the session being logged: a one-line quick entry, the entry fields,
and the list (editable in place). Every change is saved to the draft at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from prototypes.repository import StepInfo
from research.interviews import OBSERVATION_KINDS
from research.observation_entry import parse_quick_observation
from research.session_drafts import (
    add_observation,
    commit_pending,
    remove_observation,
    running_timers,
    set_pending,
    update_observation,
)
from ui import session_autosave as autosave
from ui import state
from ui.lang import _, current
from ui.session_labels import kind_names, severity_names

SCOPE = "observations"


def _key(draft_key: str, name: str) -> str:
    return state.session_widget(draft_key, name)


def _quick_add(draft_key: str, steps: list[tuple[int, str, int]]) -> None:
    widget = _key(draft_key, "quick")
    line = (st.session_state.get(widget) or "").strip()
    if not line:
        return
    data = autosave.data()
    running = running_timers(data)
    pending = data.get("pending") or {}
    try:
        quick = parse_quick_observation(line, steps, pending.get("kind") or "pain_point")
    except UserError as err:
        st.session_state.setdefault(state.SESSION_ERROR, {})[SCOPE] = err.render(current())
        return
    fields = {
        "kind": quick.kind,
        "text": quick.text,
        "severity": quick.severity,
        "step_id": quick.step_id if quick.step_id is not None else pending.get("step_id"),
        "task_id": running[0] if running else pending.get("task_id"),
        "tags": list(quick.tags),
    }
    if autosave.change(draft_key, SCOPE, lambda d: add_observation(d, **fields)):
        st.session_state[widget] = ""
        _bump_editor(draft_key)


def _set_pending(draft_key: str, field: str, widget: str) -> None:
    value = st.session_state.get(_key(draft_key, widget))
    if field == "tags":
        value = list(value or [])
    if field == "text":
        value = value or ""
    autosave.change(draft_key, SCOPE, lambda d: set_pending(d, **{field: value}))


def _commit(draft_key: str) -> None:
    if autosave.change(draft_key, SCOPE, commit_pending):
        st.session_state[_key(draft_key, "p.text")] = ""
        st.session_state[_key(draft_key, "p.tags")] = []
        _bump_editor(draft_key)


def _editor_key(draft_key: str) -> str:
    version = st.session_state.get(_key(draft_key, "editor_version"), 0)
    return _key(draft_key, f"editor.{version}")


def _bump_editor(draft_key: str) -> None:
    name = _key(draft_key, "editor_version")
    st.session_state[name] = st.session_state.get(name, 0) + 1


def _apply_edits(draft_key: str, editor: str, uids: list[str], lookups: dict) -> None:
    edits = st.session_state.get(editor) or {}

    def apply(data: dict) -> dict:
        for row, changes in (edits.get("edited_rows") or {}).items():
            fields = {}
            for column, value in changes.items():
                if column in lookups:
                    value = lookups[column].get(value)
                elif column == "severity":
                    value = None if value is None or pd.isna(value) else int(value)
                elif column == "tags":
                    value = list(value or [])
                elif column == "text":
                    value = value or ""
                fields[column] = value
            data = update_observation(data, uids[int(row)], **fields)
        for row in edits.get("deleted_rows") or []:
            data = remove_observation(data, uids[int(row)])
        return data

    autosave.change(draft_key, SCOPE, apply)
    _bump_editor(draft_key)


def _entry_fields(draft_key: str, step_names: dict, task_names: dict, tag_paths: list) -> None:
    kinds = kind_names()
    c1, c2 = st.columns([3, 2])
    c1.segmented_control(
        _("Kind"),
        OBSERVATION_KINDS,
        format_func=kinds.get,
        key=_key(draft_key, "p.kind"),
        on_change=_set_pending,
        args=(draft_key, "kind", "p.kind"),
    )
    c2.segmented_control(
        _("Severity (pain points)"),
        (1, 2, 3, 4),
        format_func=severity_names().get,
        key=_key(draft_key, "p.severity"),
        on_change=_set_pending,
        args=(draft_key, "severity", "p.severity"),
    )
    c3, c4, c5 = st.columns(3)
    c3.selectbox(
        _("Journey step"),
        list(step_names),
        format_func=step_names.get,
        placeholder=_("Choose"),
        key=_key(draft_key, "p.step"),
        on_change=_set_pending,
        args=(draft_key, "step_id", "p.step"),
    )
    c4.selectbox(
        _("Task"),
        list(task_names),
        format_func=task_names.get,
        placeholder=_("Choose"),
        key=_key(draft_key, "p.task"),
        on_change=_set_pending,
        args=(draft_key, "task_id", "p.task"),
    )
    c5.multiselect(
        _("Tags"),
        tag_paths,
        key=_key(draft_key, "p.tags"),
        on_change=_set_pending,
        args=(draft_key, "tags", "p.tags"),
        accept_new_options=True,
        placeholder=_("Choose or type a new tag"),
    )
    st.text_input(
        _("What happened"),
        key=_key(draft_key, "p.text"),
        on_change=_set_pending,
        args=(draft_key, "text", "p.text"),
        max_chars=5000,
        live="1s",
    )
    st.button(
        _("Add observation"),
        key=_key(draft_key, "p.add"),
        icon=":material/add:",
        on_click=_commit,
        args=(draft_key,),
        shortcut="Ctrl+Shift+Enter",
    )


def _observation_list(draft_key: str, step_names: dict, task_names: dict, tag_paths: list):
    items = autosave.data().get("observations", [])
    if not items:
        st.caption(_("No observation yet."))
        return
    kinds = kind_names()
    frame = pd.DataFrame(
        {
            "kind": [kinds[o["kind"]] for o in items],
            "severity": pd.array([o.get("severity") for o in items], dtype="Int64"),
            "step_id": [step_names.get(o.get("step_id")) for o in items],
            "task_id": [task_names.get(o.get("task_id")) for o in items],
            "tags": [list(o.get("tags") or []) for o in items],
            "text": [o.get("text") or "" for o in items],
        }
    )
    lookups = {
        "kind": {v: k for k, v in kinds.items()},
        "step_id": {v: k for k, v in step_names.items()},
        "task_id": {v: k for k, v in task_names.items()},
    }
    editor = _editor_key(draft_key)
    all_tags = sorted(set(tag_paths) | {t for o in items for t in o.get("tags") or []})
    st.data_editor(
        frame,
        key=editor,
        num_rows="delete",
        hide_index=True,
        width="stretch",
        on_change=_apply_edits,
        args=(draft_key, editor, [o["uid"] for o in items], lookups),
        column_order=("kind", "text", "severity", "step_id", "task_id", "tags"),
        placeholder="",
        column_config={
            "kind": st.column_config.SelectboxColumn(
                _("Kind"), options=list(kinds.values()), required=True, width="small"
            ),
            "severity": st.column_config.SelectboxColumn(
                _("Severity"), options=[1, 2, 3, 4], width="small"
            ),
            "step_id": st.column_config.SelectboxColumn(
                _("Journey step"), options=list(step_names.values())
            ),
            "task_id": st.column_config.SelectboxColumn(
                _("Task"), options=list(task_names.values())
            ),
            "tags": st.column_config.MultiselectColumn(
                _("Tags"), options=all_tags, accept_new_options=True
            ),
            "text": st.column_config.TextColumn(_("What happened"), max_chars=5000, width="large"),
        },
    )


@st.fragment
def render_observations(
    draft_key: str, steps: list[StepInfo], task_names: dict[int, str], tag_paths: list[str]
) -> None:
    lang = current()
    step_names = {s.id: f"{n}. {s.name(lang)}" for n, s in enumerate(steps, start=1)}
    numbered = [(s.id, s.key, n) for n, s in enumerate(steps, start=1)]
    st.markdown("#### " + _("Observations"))
    st.text_input(
        _("Quick entry: type and press Enter"),
        key=_key(draft_key, "quick"),
        on_change=_quick_add,
        args=(draft_key, numbered),
        max_chars=5000,
        placeholder=_("!3 @2 #tag what happened"),
        help=_(
            'Start with ! for a pain point (then its severity 1–4), " for a quote, * for an '
            "idea, + for something positive. @2 or @key names the journey step, #tag adds a tag "
            "(#parent/child for a sub-tag, _ for a space). The task whose timer runs is linked."
        ),
    )
    with st.expander(_("Or fill in the fields"), expanded=False):
        _entry_fields(draft_key, step_names, task_names, tag_paths)
    autosave.show_error(SCOPE)
    _observation_list(draft_key, step_names, task_names, tag_paths)
