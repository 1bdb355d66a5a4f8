"""Life events, journeys, prototypes, iterations and tasks in the database, as plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from prototypes.naming import (
    check_name,
    check_slug,
    check_task_key,
    week_label,
)
from storage.schema import Iteration, JourneyStep, LifeEvent, Prototype, Task

CHANNELS = ("online", "counter", "phone", "post")
PROTOTYPE_STATUSES = ("draft", "active", "paused", "retired")


@dataclass(frozen=True)
class StepInfo:
    id: int
    key: str
    position: int
    name_bg: str
    name_en: str
    channel: str
    owner: str
    documents: str = ""
    fee: str = ""
    typical_time: str = ""
    archived: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_bg


@dataclass(frozen=True)
class PrototypeInfo:
    id: int
    slug: str
    name_bg: str
    name_en: str
    life_event_id: int
    status: str
    link: str = ""
    step_keys: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_bg


@dataclass(frozen=True)
class IterationInfo:
    id: int
    prototype_id: int
    number: int
    iso_year: int
    iso_week: int
    change_log: str
    hypothesis: str
    decision_ids: tuple[int, ...] = ()

    @property
    def week_label(self) -> str:
        return week_label(self.iso_year, self.iso_week)

    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.iso_year, self.iso_week, 1)


@dataclass(frozen=True)
class TaskInfo:
    id: int
    key: str
    position: int
    journey_step_id: int | None
    title_bg: str
    title_en: str
    target_seconds: int | None
    scenario_bg: str = ""
    scenario_en: str = ""
    success_criteria: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_bg

    def scenario(self, lang: str) -> str:
        return self.scenario_en if lang == "en" and self.scenario_en else self.scenario_bg


@dataclass(frozen=True)
class StepInput:
    key: str
    name_bg: str
    name_en: str = ""
    channel: str = "online"
    owner: str = ""
    documents: str = ""
    fee: str = ""
    typical_time: str = ""


@dataclass(frozen=True)
class TaskInput:
    key: str
    title_bg: str
    title_en: str = ""
    step_key: str | None = None
    scenario_bg: str = ""
    scenario_en: str = ""
    success_criteria: str = ""
    target_seconds: int | None = None


def add_life_event(
    session: Session,
    slug: str,
    name_bg: str,
    name_en: str = "",
    description_bg: str = "",
    description_en: str = "",
    steps: Sequence[StepInput] = (),
) -> int:
    slug = check_slug(slug)
    name_bg, name_en = check_name(name_bg, name_en)
    if session.scalar(select(LifeEvent.id).where(LifeEvent.slug == slug)) is not None:
        raise UserError(N_("A life event called '{slug}' exists already."), slug=slug)
    keys: set[str] = set()
    for step in steps:
        check_step(step)
        if step.key in keys:
            raise UserError(N_("Two steps have the key '{key}'."), key=step.key)
        keys.add(step.key)
    event = LifeEvent(
        slug=slug,
        name_bg=name_bg,
        name_en=name_en,
        description_bg=description_bg,
        description_en=description_en,
        steps=[
            JourneyStep(
                position=i,
                key=s.key,
                name_bg=s.name_bg,
                name_en=s.name_en,
                channel=s.channel,
                owner=s.owner,
                documents=s.documents,
                fee=s.fee,
                typical_time=s.typical_time,
            )
            for i, s in enumerate(steps, start=1)
        ],
    )
    session.add(event)
    session.flush()
    return event.id


def check_step(step: StepInput) -> None:
    """Raises UserError when a step's key, name or channel is not acceptable."""
    check_slug(step.key)
    check_name(step.name_bg, step.name_en)
    if step.channel not in CHANNELS:
        raise UserError(N_("Unknown channel '{channel}'."), channel=step.channel[:40])


def step_info(r: JourneyStep) -> StepInfo:
    return StepInfo(
        r.id,
        r.key,
        r.position,
        r.name_bg,
        r.name_en,
        r.channel,
        r.owner,
        r.documents,
        r.fee,
        r.typical_time,
        r.archived_at is not None,
    )


def journey_steps(
    session: Session, life_event_id: int, *, with_archived: bool = False
) -> list[StepInfo]:
    """The steps of a life event in journey order (archived ones last, and only when asked)."""
    query = select(JourneyStep).where(JourneyStep.life_event_id == life_event_id)
    if not with_archived:
        query = query.where(JourneyStep.archived_at.is_(None))
    rows = session.scalars(
        query.order_by(JourneyStep.archived_at.is_not(None), JourneyStep.position, JourneyStep.id)
    )
    return [step_info(r) for r in rows]


def add_prototype(
    session: Session,
    slug: str,
    life_event_id: int,
    name_bg: str,
    name_en: str = "",
    link: str = "",
    step_keys: Sequence[str] = (),
    status: str = "active",
) -> int:
    slug = check_slug(slug)
    name_bg, name_en = check_name(name_bg, name_en)
    if session.scalar(select(Prototype.id).where(Prototype.slug == slug)) is not None:
        raise UserError(N_("A prototype called '{slug}' exists already."), slug=slug)
    if status not in PROTOTYPE_STATUSES:
        raise UserError(N_("Unknown status '{status}'."), status=status[:40])
    if session.get(LifeEvent, life_event_id) is None:
        raise UserError(N_("Choose the life event the prototype belongs to."))
    prototype = Prototype(
        slug=slug,
        life_event_id=life_event_id,
        name_bg=name_bg,
        name_en=name_en,
        link=check_link(link),
        step_keys=list(step_keys),
        status=status,
    )
    session.add(prototype)
    session.flush()
    return prototype.id


def check_link(link: str) -> str:
    """An http(s) address, or nothing."""
    link = link.strip()
    if link and (len(link) > 500 or not link.lower().startswith(("https://", "http://"))):
        raise UserError(N_("A link must start with https:// or http:// (at most 500 characters)."))
    return link


def prototype_info(r: Prototype) -> PrototypeInfo:
    return PrototypeInfo(
        r.id,
        r.slug,
        r.name_bg,
        r.name_en,
        r.life_event_id,
        r.status,
        r.link,
        tuple(r.step_keys or ()),
    )


def prototypes(session: Session) -> list[PrototypeInfo]:
    rows = session.scalars(select(Prototype).order_by(Prototype.created_at, Prototype.id))
    return [prototype_info(r) for r in rows]


def prototype_by_slug(session: Session, slug: str) -> PrototypeInfo | None:
    r = session.scalar(select(Prototype).where(Prototype.slug == slug))
    return None if r is None else prototype_info(r)


def prototype(session: Session, prototype_id: int) -> PrototypeInfo | None:
    r = session.get(Prototype, prototype_id)
    return None if r is None else prototype_info(r)


def add_iteration(
    session: Session,
    prototype_id: int,
    week: dt.date,
    tasks: Sequence[TaskInput],
    change_log: str = "",
    hypothesis: str = "",
    decision_ids: Sequence[int] = (),
) -> int:
    """A new iteration in the ISO week of `week`, numbered after the prototype's last one.

    Refused when another iteration of the prototype covers that week, or a later one.
    """
    iso = week.isocalendar()
    taken = session.scalar(
        select(Iteration.number).where(
            Iteration.prototype_id == prototype_id,
            Iteration.iso_year == iso.year,
            Iteration.iso_week == iso.week,
        )
    )
    if taken is not None:
        raise UserError(
            N_("Iteration {number} already covers week {week}; choose another week."),
            number=taken,
            week=f"{iso.year}-W{iso.week:02d}",
        )
    latest = session.scalars(
        select(Iteration)
        .where(Iteration.prototype_id == prototype_id)
        .order_by(Iteration.number.desc())
        .limit(1)
    ).first()
    if latest is not None and (latest.iso_year, latest.iso_week) > (iso.year, iso.week):
        raise UserError(
            N_("Iteration {number} is in week {week} already; the next one must come after it."),
            number=latest.number,
            week=week_label(latest.iso_year, latest.iso_week),
        )
    row = session.get(Prototype, prototype_id)
    steps = {s.key: s.id for s in journey_steps(session, row.life_event_id, with_archived=True)}
    seen: set[str] = set()
    for t in tasks:
        check_task_key(t.key)
        if t.key in seen:
            raise UserError(N_("Two tasks have the key '{key}'."), key=t.key)
        seen.add(t.key)
        if t.step_key and t.step_key not in steps:
            raise UserError(N_("The journey has no step '{key}'."), key=t.step_key[:80])
        if not t.title_bg.strip():
            raise UserError(N_("Task {key} needs a Bulgarian title."), key=t.key)
    iteration = Iteration(
        prototype_id=prototype_id,
        number=(latest.number if latest else 0) + 1,
        iso_year=iso.year,
        iso_week=iso.week,
        change_log=change_log,
        hypothesis=hypothesis,
        decision_ids=list(decision_ids),
        tasks=task_rows(tasks, steps),
    )
    session.add(iteration)
    session.flush()
    return iteration.id


def task_rows(tasks, step_ids: dict[str, int]) -> list[Task]:
    """New `Task` rows, numbered in order, from task drafts or documents (anything with `key`,
    `step_key`, the titles and scenarios, `success_criteria` and `target_seconds`)."""
    return [
        Task(
            key=t.key,
            position=position,
            journey_step_id=step_ids.get(t.step_key) if t.step_key else None,
            title_bg=t.title_bg,
            title_en=t.title_en,
            scenario_bg=t.scenario_bg,
            scenario_en=t.scenario_en,
            success_criteria=t.success_criteria,
            target_seconds=t.target_seconds,
        )
        for position, t in enumerate(tasks, start=1)
    ]


def _iteration_info(r: Iteration) -> IterationInfo:
    return IterationInfo(
        r.id,
        r.prototype_id,
        r.number,
        r.iso_year,
        r.iso_week,
        r.change_log,
        r.hypothesis,
        tuple(r.decision_ids or ()),
    )


def iterations(session: Session, prototype_id: int) -> list[IterationInfo]:
    rows = session.scalars(
        select(Iteration).where(Iteration.prototype_id == prototype_id).order_by(Iteration.number)
    )
    return [_iteration_info(r) for r in rows]


def iteration(session: Session, iteration_id: int) -> IterationInfo | None:
    row = session.get(Iteration, iteration_id)
    return _iteration_info(row) if row is not None else None


def tasks(session: Session, iteration_id: int) -> list[TaskInfo]:
    rows = session.scalars(
        select(Task).where(Task.iteration_id == iteration_id).order_by(Task.position)
    )
    return [task_info(r) for r in rows]


def task_info(r: Task) -> TaskInfo:
    return TaskInfo(
        r.id,
        r.key,
        r.position,
        r.journey_step_id,
        r.title_bg,
        r.title_en,
        r.target_seconds,
        r.scenario_bg,
        r.scenario_en,
        r.success_criteria,
    )
