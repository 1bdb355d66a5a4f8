"""Prototypes the team edits, their screenshots, the next weekly iteration, and task scripts.

"Start the next iteration" copies the last iteration's task script (same task keys, so metrics line
up across weeks), takes the change log and the hypothesis, and links the decisions of the last
review. Tasks that have results are never deleted: removing one is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from prototypes.images import CheckedImage
from prototypes.naming import (
    check_length,
    check_name,
    check_task_key,
    next_task_key,
    week_after,
)
from prototypes.repository import (
    PROTOTYPE_STATUSES,
    IterationInfo,
    TaskInfo,
    TaskInput,
    add_iteration,
    check_link,
    iterations,
    journey_steps,
    task_info,
    tasks,
)
from storage.schema import (
    Decision,
    Iteration,
    JourneyStep,
    Prototype,
    PrototypeScreenshot,
    Task,
    TaskResult,
)

MAX_SCREENSHOTS = 30
MAX_TARGET_SECONDS = 4 * 3600


@dataclass(frozen=True)
class ScreenshotInfo:
    id: int
    filename: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    iteration_id: int | None


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    title: str
    rationale: str
    status: str
    owner: str = ""


@dataclass(frozen=True)
class NextIteration:
    """What "start the next iteration" proposes: the week, the tasks and the last decisions."""

    number: int
    week: dt.date
    tasks: tuple[TaskInfo, ...]
    decisions: tuple[DecisionInfo, ...]
    change_log: str


def _prototype(session: Session, prototype_id: int) -> Prototype:
    row = session.get(Prototype, prototype_id)
    if row is None:
        raise UserError(N_("This prototype no longer exists; reload the page."))
    return row


def update_prototype(
    session: Session,
    prototype_id: int,
    name_bg: str,
    name_en: str,
    link: str,
    status: str,
    step_keys: Sequence[str],
) -> None:
    row = _prototype(session, prototype_id)
    if status not in PROTOTYPE_STATUSES:
        raise UserError(N_("Unknown status '{status}'."), status=status[:40])
    known = {s.key for s in journey_steps(session, row.life_event_id, with_archived=True)}
    unknown = [k for k in step_keys if k not in known]
    if unknown:
        raise UserError(N_("The journey has no step '{key}'."), key=unknown[0][:80])
    row.name_bg, row.name_en = check_name(name_bg, name_en)
    row.link = check_link(link)
    row.status = status
    row.step_keys = list(dict.fromkeys(step_keys))


def add_screenshot(
    session: Session, prototype_id: int, image: CheckedImage, iteration_id: int | None = None
) -> int:
    """Stores a checked image (see `prototypes.images.check_image`) with the prototype."""
    _prototype(session, prototype_id)
    count = session.scalar(
        select(func.count(PrototypeScreenshot.id)).where(
            PrototypeScreenshot.prototype_id == prototype_id
        )
    )
    if count >= MAX_SCREENSHOTS:
        raise UserError(
            N_("A prototype keeps at most {limit} screenshots; delete one first."),
            limit=MAX_SCREENSHOTS,
        )
    row = PrototypeScreenshot(
        prototype_id=prototype_id,
        filename=image.filename,
        content_type=image.content_type,
        data=image.data,
        width=image.width,
        height=image.height,
        iteration_id=iteration_id,
    )
    session.add(row)
    session.flush()
    return row.id


def screenshots(session: Session, prototype_id: int) -> list[ScreenshotInfo]:
    rows = session.execute(
        select(
            PrototypeScreenshot.id,
            PrototypeScreenshot.filename,
            PrototypeScreenshot.content_type,
            func.length(PrototypeScreenshot.data),
            PrototypeScreenshot.width,
            PrototypeScreenshot.height,
            PrototypeScreenshot.iteration_id,
        )
        .where(PrototypeScreenshot.prototype_id == prototype_id)
        .order_by(PrototypeScreenshot.created_at.desc(), PrototypeScreenshot.id.desc())
    )
    return [ScreenshotInfo(*row) for row in rows]


def screenshot_data(session: Session, screenshot_id: int) -> bytes | None:
    return session.scalar(
        select(PrototypeScreenshot.data).where(PrototypeScreenshot.id == screenshot_id)
    )


def delete_screenshot(session: Session, screenshot_id: int) -> None:
    row = session.get(PrototypeScreenshot, screenshot_id)
    if row is not None:
        session.delete(row)


def decisions_of(session: Session, iteration_id: int) -> list[DecisionInfo]:
    """The decisions the review of an iteration took, oldest first."""
    rows = session.scalars(
        select(Decision)
        .where(Decision.iteration_id == iteration_id)
        .order_by(Decision.created_at, Decision.id)
    )
    return [DecisionInfo(d.id, d.title, d.rationale, d.status, d.owner) for d in rows]


#: decisions in these states are not carried into the next iteration's change log
DROPPED = ("rejected", "dropped", "cancelled", "parked")


def next_iteration(session: Session, prototype_id: int, today: dt.date) -> NextIteration:
    """The proposal for the next iteration: the week after the last one (or this week, if later),
    the last task script, and the last review's decisions with a change log drafted from them."""
    _prototype(session, prototype_id)
    its = iterations(session, prototype_id)
    this_week = today - dt.timedelta(days=today.weekday())
    if not its:
        return NextIteration(1, this_week, (), (), "")
    last = its[-1]
    week = max(week_after(last.iso_year, last.iso_week), this_week)
    decisions = tuple(decisions_of(session, last.id))
    change_log = "\n".join(
        f"- {d.title}" + (f" ({d.owner})" if d.owner else "")
        for d in decisions
        if d.status not in DROPPED
    )
    return NextIteration(
        last.number + 1, week, tuple(tasks(session, last.id)), decisions, change_log
    )


def start_next_iteration(
    session: Session,
    prototype_id: int,
    week: dt.date,
    change_log: str,
    hypothesis: str,
    decision_ids: Sequence[int] = (),
) -> int:
    """The next iteration, in the ISO week of `week`, with the last iteration's task script."""
    _prototype(session, prototype_id)
    its = iterations(session, prototype_id)
    carried: list[TaskInput] = []
    if its:
        steps = {
            s.id: s.key
            for s in journey_steps(
                session, _prototype(session, prototype_id).life_event_id, with_archived=True
            )
        }
        allowed = {d.id for d in decisions_of(session, its[-1].id)}
        stray = [d for d in decision_ids if d not in allowed]
        if stray:
            raise UserError(N_("Link only decisions of the last iteration's review."))
        carried = [
            TaskInput(
                t.key,
                t.title_bg,
                t.title_en,
                steps.get(t.journey_step_id) if t.journey_step_id else None,
                t.scenario_bg,
                t.scenario_en,
                t.success_criteria,
                t.target_seconds,
            )
            for t in tasks(session, its[-1].id)
        ]
    elif decision_ids:
        raise UserError(N_("Link only decisions of the last iteration's review."))
    return add_iteration(
        session,
        prototype_id,
        week,
        carried,
        change_log=check_length(change_log),
        hypothesis=check_length(hypothesis),
        decision_ids=list(decision_ids),
    )


def update_iteration(session: Session, iteration_id: int, change_log: str, hypothesis: str) -> None:
    row = session.get(Iteration, iteration_id)
    if row is None:
        raise UserError(N_("This iteration no longer exists; reload the page."))
    row.change_log = check_length(change_log)
    row.hypothesis = check_length(hypothesis)


@dataclass(frozen=True)
class TaskEdit:
    """A task as the script editor sends it: `id` None for a new task, `key` None for a new key."""

    title_bg: str
    title_en: str = ""
    step_id: int | None = None
    scenario_bg: str = ""
    scenario_en: str = ""
    success_criteria: str = ""
    target_seconds: int | None = None
    id: int | None = None
    key: str | None = None


def _iteration(session: Session, iteration_id: int) -> Iteration:
    row = session.get(Iteration, iteration_id)
    if row is None:
        raise UserError(N_("This iteration no longer exists; reload the page."))
    return row


def _check_task(session: Session, iteration: Iteration, edit: TaskEdit) -> None:
    if not edit.title_bg.strip():
        raise UserError(N_("Give the task a Bulgarian title."))
    if len(edit.title_bg) > 300 or len(edit.title_en) > 300:
        raise UserError(N_("A task title can be at most 300 characters."))
    for text in (edit.scenario_bg, edit.scenario_en, edit.success_criteria):
        check_length(text)
    if edit.target_seconds is not None and not 0 < edit.target_seconds <= MAX_TARGET_SECONDS:
        raise UserError(
            N_("The target time must be between 1 and {limit} seconds."), limit=MAX_TARGET_SECONDS
        )
    if edit.step_id is not None:
        step = session.get(JourneyStep, edit.step_id)
        if step is None or step.life_event_id != iteration.prototype.life_event_id:
            raise UserError(N_("Choose a step of this prototype's journey."))


def _apply(row: Task, edit: TaskEdit) -> None:
    row.title_bg, row.title_en = edit.title_bg.strip(), edit.title_en.strip()
    row.journey_step_id = edit.step_id
    row.scenario_bg, row.scenario_en = edit.scenario_bg.strip(), edit.scenario_en.strip()
    row.success_criteria = edit.success_criteria.strip()
    row.target_seconds = edit.target_seconds


def add_task(session: Session, iteration_id: int, edit: TaskEdit) -> TaskInfo:
    """Adds a task at the end of the script; a new key unless `edit.key` names one."""
    iteration = _iteration(session, iteration_id)
    _check_task(session, iteration, edit)
    taken = [t.key for t in _script(session, iteration_id)]
    key = check_task_key(edit.key) if edit.key else next_task_key(_all_keys(session, iteration))
    if key in taken:
        raise UserError(N_("This script has a task with the key '{key}' already."), key=key)
    row = Task(iteration_id=iteration_id, key=key, position=len(taken) + 1, title_bg="")
    _apply(row, edit)
    session.add(row)
    session.flush()
    return task_info(row)


def _script(session: Session, iteration_id: int) -> list[Task]:
    """The tasks of an iteration as rows, in order, read afresh."""
    return list(
        session.scalars(
            select(Task).where(Task.iteration_id == iteration_id).order_by(Task.position, Task.id)
        )
    )


def _all_keys(session: Session, iteration: Iteration) -> list[str]:
    """Every task key the prototype has used in any week, so a new task never reuses an old key."""
    return list(
        session.scalars(
            select(Task.key)
            .join(Iteration, Iteration.id == Task.iteration_id)
            .where(Iteration.prototype_id == iteration.prototype_id)
        )
    )


def update_task(session: Session, task_id: int, edit: TaskEdit) -> None:
    """Changes a task's words, step or target; its key stays, so it lines up across weeks."""
    row = session.get(Task, task_id)
    if row is None:
        raise UserError(N_("This task no longer exists; reload the page."))
    _check_task(session, row.iteration, edit)
    _apply(row, edit)


def move_task(session: Session, task_id: int, offset: int) -> None:
    row = session.get(Task, task_id)
    if row is None:
        raise UserError(N_("This task no longer exists; reload the page."))
    script = _script(session, row.iteration_id)
    index = script.index(row)
    script.insert(min(len(script) - 1, max(0, index + offset)), script.pop(index))
    for position, task in enumerate(script, start=1):
        task.position = position


def remove_task(session: Session, task_id: int) -> None:
    """Removes a task nobody has tried yet; one with results stays, and the reason is given."""
    row = session.get(Task, task_id)
    if row is None:
        return
    results = session.scalar(select(func.count(TaskResult.id)).where(TaskResult.task_id == task_id))
    if results:
        raise UserError(
            N_(
                "Task {key} has {count} result(s) from interviews; removing it would lose them. "
                "Leave it in this week's script and leave it out of the next one."
            ),
            key=row.key,
            count=results,
        )
    iteration_id = row.iteration_id
    session.delete(row)
    session.flush()
    for position, task in enumerate(_script(session, iteration_id), start=1):
        task.position = position


def carried_keys(session: Session, iteration: IterationInfo) -> tuple[list[str], list[str]]:
    """Task keys of an iteration that the previous one had too, and the new ones."""
    earlier = [
        i for i in iterations(session, iteration.prototype_id) if i.number < iteration.number
    ]
    keys = [t.key for t in tasks(session, iteration.id)]
    if not earlier:
        return [], keys
    before = {t.key for t in tasks(session, earlier[-1].id)}
    return [k for k in keys if k in before], [k for k in keys if k not in before]
