"""The task script of an iteration: ordered tasks, each tied to a journey step, in two languages.

A task's key stays when it is edited or carried into the next week, so its results line up across
iterations; a task with results cannot be removed (the domain says why).
"""

from __future__ import annotations

import streamlit as st

from prototypes.repository import (
    IterationInfo,
    PrototypeInfo,
    StepInfo,
    TaskInfo,
    journey_steps,
    tasks,
)
from prototypes.repository_iterations import (
    TaskEdit,
    add_task,
    carried_keys,
    move_task,
    remove_task,
    update_task,
)
from ui import state
from ui.database import database
from ui.journey_actions import act
from ui.journey_map import md
from ui.lang import _, current

FLASH = state.PROTOTYPES_FLASH


def _task_fields(prefix: str, steps: list[StepInfo], task: TaskInfo | None = None) -> TaskEdit:
    lang = current()
    options: list[int | None] = [None, *[s.id for s in steps]]
    names = {s.id: s.name(lang) for s in steps}
    c1, c2 = st.columns(2)
    title_bg = c1.text_input(
        _("Task (Bulgarian)"), task.title_bg if task else "", max_chars=300, key=f"{prefix}.tbg"
    )
    title_en = c2.text_input(
        _("Task (English)"), task.title_en if task else "", max_chars=300, key=f"{prefix}.ten"
    )
    current_step = task.journey_step_id if task else None
    step_id = c1.selectbox(
        _("Journey step"),
        options,
        index=options.index(current_step) if current_step in options else 0,
        format_func=lambda i: names.get(i, _("(no step)")),
        key=f"{prefix}.step",
    )
    target = c2.number_input(
        _("Target time (seconds)"),
        min_value=1,
        max_value=4 * 3600,
        value=task.target_seconds if task else None,
        step=10,
        key=f"{prefix}.target",
    )
    scenario_bg = c1.text_area(
        _("Scenario (Bulgarian)"),
        task.scenario_bg if task else "",
        max_chars=5000,
        key=f"{prefix}.sbg",
    )
    scenario_en = c2.text_area(
        _("Scenario (English)"),
        task.scenario_en if task else "",
        max_chars=5000,
        key=f"{prefix}.sen",
    )
    criteria = st.text_area(
        _("Success criteria"),
        task.success_criteria if task else "",
        max_chars=5000,
        height=80,
        key=f"{prefix}.criteria",
    )
    return TaskEdit(
        title_bg,
        title_en,
        step_id,
        scenario_bg,
        scenario_en,
        criteria,
        int(target) if target else None,
        id=task.id if task else None,
    )


def _task_editor(task: TaskInfo, number: int, count: int, steps: list[StepInfo]) -> None:
    lang = current()
    step_names = {s.id: s.name(lang) for s in steps}
    parts = [f"{md(task.key)}. {md(task.title(lang))}"]
    if task.journey_step_id in step_names:
        parts.append(md(step_names[task.journey_step_id]))
    if task.target_seconds:
        parts.append(_("{seconds} s").format(seconds=task.target_seconds))
    with st.expander(" · ".join(parts)):
        with st.form(f"prototypes.task.{task.id}"):
            edit = _task_fields(f"prototypes.task.{task.id}", steps, task)
            if st.form_submit_button(_("Save the task")):
                act(lambda s: update_task(s, task.id, edit), _("Task saved."), FLASH)
        cols = st.columns(3)
        if cols[0].button(
            _("Move up"),
            key=f"prototypes.task_up.{task.id}",
            disabled=number == 1,
            icon=":material/arrow_upward:",
        ):
            act(lambda s: move_task(s, task.id, -1), _("Task moved."), FLASH)
        if cols[1].button(
            _("Move down"),
            key=f"prototypes.task_down.{task.id}",
            disabled=number == count,
            icon=":material/arrow_downward:",
        ):
            act(lambda s: move_task(s, task.id, 1), _("Task moved."), FLASH)
        if cols[2].button(
            _("Remove"), key=f"prototypes.task_remove.{task.id}", icon=":material/delete:"
        ):
            act(lambda s: remove_task(s, task.id), _("Task removed."), FLASH)


def task_script(prototype: PrototypeInfo, iteration: IterationInfo) -> None:
    with database().read() as session:
        script = tasks(session, iteration.id)
        every_step = journey_steps(session, prototype.life_event_id, with_archived=True)
        carried, new = carried_keys(session, iteration)
    steps = [s for s in every_step if not s.archived]
    st.markdown(
        "#### "
        + _("Task script of iteration {number} · week {week}").format(
            number=iteration.number, week=iteration.week_label
        )
    )
    if carried:
        st.caption(
            _("Carried over from iteration {number}: {keys}").format(
                number=iteration.number - 1, keys=", ".join(carried)
            )
            + (" · " + _("New: {keys}").format(keys=", ".join(new)) if new else "")
        )
    if not script:
        st.info(_("No task yet. Add the first one below."))
    for number, task in enumerate(script, start=1):
        archived_step = next(
            (s for s in every_step if s.id == task.journey_step_id and s.archived), None
        )
        _task_editor(task, number, len(script), steps + ([archived_step] if archived_step else []))
    with st.form(f"prototypes.add_task.{iteration.id}", clear_on_submit=True):
        st.markdown("**" + _("Add a task") + "**")
        edit = _task_fields(f"prototypes.new_task.{iteration.id}", steps)
        if st.form_submit_button(_("Add the task"), type="primary"):
            act(
                lambda s: add_task(s, iteration.id, edit),
                _("Task “{title}” added.").format(title=edit.title_bg.strip()),
                FLASH,
            )
