"""Life events, journeys, prototypes, iterations and tasks in the database, as plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from storage.schema import Iteration, JourneyStep, LifeEvent, Prototype, Task

CHANNELS = ("online", "counter", "phone", "post")


@dataclass(frozen=True)
class StepInfo:
    id: int
    key: str
    position: int
    name_bg: str
    name_en: str
    channel: str
    owner: str

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

    @property
    def week_label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"

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

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_bg


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
    if session.scalar(select(LifeEvent.id).where(LifeEvent.slug == slug)) is not None:
        raise UserError(N_("A life event called '{slug}' exists already."), slug=slug)
    for step in steps:
        if step.channel not in CHANNELS:
            raise UserError(N_("Unknown channel '{channel}'."), channel=step.channel)
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


def journey_steps(session: Session, life_event_id: int) -> list[StepInfo]:
    rows = session.scalars(
        select(JourneyStep)
        .where(JourneyStep.life_event_id == life_event_id, JourneyStep.archived_at.is_(None))
        .order_by(JourneyStep.position)
    )
    return [
        StepInfo(r.id, r.key, r.position, r.name_bg, r.name_en, r.channel, r.owner) for r in rows
    ]


def add_prototype(
    session: Session,
    slug: str,
    life_event_id: int,
    name_bg: str,
    name_en: str = "",
    link: str = "",
    step_keys: Sequence[str] = (),
) -> int:
    if session.scalar(select(Prototype.id).where(Prototype.slug == slug)) is not None:
        raise UserError(N_("A prototype called '{slug}' exists already."), slug=slug)
    prototype = Prototype(
        slug=slug,
        life_event_id=life_event_id,
        name_bg=name_bg,
        name_en=name_en,
        link=link,
        step_keys=list(step_keys),
    )
    session.add(prototype)
    session.flush()
    return prototype.id


def prototypes(session: Session) -> list[PrototypeInfo]:
    rows = session.scalars(select(Prototype).order_by(Prototype.created_at, Prototype.id))
    return [
        PrototypeInfo(r.id, r.slug, r.name_bg, r.name_en, r.life_event_id, r.status) for r in rows
    ]


def prototype_by_slug(session: Session, slug: str) -> PrototypeInfo | None:
    r = session.scalar(select(Prototype).where(Prototype.slug == slug))
    if r is None:
        return None
    return PrototypeInfo(r.id, r.slug, r.name_bg, r.name_en, r.life_event_id, r.status)


def add_iteration(
    session: Session,
    prototype_id: int,
    week: dt.date,
    tasks: Sequence[TaskInput],
    change_log: str = "",
    hypothesis: str = "",
) -> int:
    """A new iteration in the ISO week of `week`, numbered after the prototype's last one."""
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
    last = session.scalar(
        select(Iteration.number)
        .where(Iteration.prototype_id == prototype_id)
        .order_by(Iteration.number.desc())
        .limit(1)
    )
    prototype = session.get(Prototype, prototype_id)
    steps = {s.key: s.id for s in journey_steps(session, prototype.life_event_id)}
    iteration = Iteration(
        prototype_id=prototype_id,
        number=(last or 0) + 1,
        iso_year=iso.year,
        iso_week=iso.week,
        change_log=change_log,
        hypothesis=hypothesis,
        tasks=[
            Task(
                key=t.key,
                position=i,
                journey_step_id=steps.get(t.step_key) if t.step_key else None,
                title_bg=t.title_bg,
                title_en=t.title_en,
                scenario_bg=t.scenario_bg,
                scenario_en=t.scenario_en,
                success_criteria=t.success_criteria,
                target_seconds=t.target_seconds,
            )
            for i, t in enumerate(tasks, start=1)
        ],
    )
    session.add(iteration)
    session.flush()
    return iteration.id


def _iteration_info(r: Iteration) -> IterationInfo:
    return IterationInfo(
        r.id, r.prototype_id, r.number, r.iso_year, r.iso_week, r.change_log, r.hypothesis
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
    return [
        TaskInfo(
            r.id, r.key, r.position, r.journey_step_id, r.title_bg, r.title_en, r.target_seconds
        )
        for r in rows
    ]
