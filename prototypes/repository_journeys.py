"""The life-event catalogue and its journeys: edit events and steps, and the pain points per step.

Steps keep their id and key for life: reordering changes only positions, so the tasks and
observations that point to a step keep pointing to it. A step that tasks or observations point to is
archived rather than deleted; a life event that prototypes belong to likewise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from prototypes.naming import check_length, check_name, slugify, unique
from prototypes.repository import (
    StepInput,
    check_step,
    journey_steps,
)
from storage.schema import (
    InterviewSession,
    Iteration,
    JourneyStep,
    LifeEvent,
    Observation,
    Prototype,
    Task,
    utcnow,
)


@dataclass(frozen=True)
class LifeEventInfo:
    id: int
    slug: str
    name_bg: str
    name_en: str
    description_bg: str
    description_en: str
    archived: bool
    steps: int
    prototypes: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_bg

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_bg


@dataclass(frozen=True)
class StepPain:
    """The pain points observed at one step: how many, and the worst severity (4 is worst)."""

    step_id: int
    count: int
    worst: int | None
    by_severity: dict[int, int]


def _event_info(row: LifeEvent, steps: int, prototypes: int) -> LifeEventInfo:
    return LifeEventInfo(
        row.id,
        row.slug,
        row.name_bg,
        row.name_en,
        row.description_bg,
        row.description_en,
        row.archived_at is not None,
        steps,
        prototypes,
    )


def life_events(session: Session, *, with_archived: bool = False) -> list[LifeEventInfo]:
    """The catalogue, by name; archived events only when asked (then last)."""
    steps = dict(
        session.execute(
            select(JourneyStep.life_event_id, func.count(JourneyStep.id))
            .where(JourneyStep.archived_at.is_(None))
            .group_by(JourneyStep.life_event_id)
        ).all()
    )
    protos = dict(
        session.execute(
            select(Prototype.life_event_id, func.count(Prototype.id)).group_by(
                Prototype.life_event_id
            )
        ).all()
    )
    query = select(LifeEvent)
    if not with_archived:
        query = query.where(LifeEvent.archived_at.is_(None))
    rows = session.scalars(query.order_by(LifeEvent.archived_at.is_not(None), LifeEvent.id))
    return [_event_info(r, steps.get(r.id, 0), protos.get(r.id, 0)) for r in rows]


def life_event(session: Session, life_event_id: int) -> LifeEventInfo | None:
    row = session.get(LifeEvent, life_event_id)
    if row is None:
        return None
    return next(e for e in life_events(session, with_archived=True) if e.id == row.id)


def life_event_by_slug(session: Session, slug: str) -> LifeEventInfo | None:
    found = session.scalar(select(LifeEvent.id).where(LifeEvent.slug == slug))
    return None if found is None else life_event(session, found)


def _event(session: Session, life_event_id: int) -> LifeEvent:
    row = session.get(LifeEvent, life_event_id)
    if row is None:
        raise UserError(N_("This life event no longer exists; reload the page."))
    return row


def update_life_event(
    session: Session,
    life_event_id: int,
    name_bg: str,
    name_en: str = "",
    description_bg: str = "",
    description_en: str = "",
) -> None:
    row = _event(session, life_event_id)
    row.name_bg, row.name_en = check_name(name_bg, name_en)
    row.description_bg = check_length(description_bg)
    row.description_en = check_length(description_en)


def set_life_event_archived(session: Session, life_event_id: int, archived: bool) -> None:
    row = _event(session, life_event_id)
    row.archived_at = utcnow() if archived else None


def delete_life_event(session: Session, life_event_id: int) -> None:
    """Deletes an event no prototype belongs to (e.g. an unused starter event), with its steps."""
    row = _event(session, life_event_id)
    count = session.scalar(
        select(func.count(Prototype.id)).where(Prototype.life_event_id == life_event_id)
    )
    if count:
        raise UserError(
            N_(
                "{count} prototype(s) belong to this life event, so it cannot be deleted; "
                "archive it instead."
            ),
            count=count,
        )
    session.execute(delete(JourneyStep).where(JourneyStep.life_event_id == row.id))
    session.delete(row)


def _step(session: Session, step_id: int) -> JourneyStep:
    row = session.get(JourneyStep, step_id)
    if row is None:
        raise UserError(N_("This step no longer exists; reload the page."))
    return row


def add_step(
    session: Session, life_event_id: int, step: StepInput, *, after: int | None = None
) -> int:
    """Adds a step at the end (or after the step `after`); a missing key is made of the name."""
    _event(session, life_event_id)
    taken = [s.key for s in journey_steps(session, life_event_id, with_archived=True)]
    key = step.key.strip() or unique(slugify(step.name_en or step.name_bg, "step")[:60], taken)
    step = StepInput(
        key,
        step.name_bg.strip(),
        step.name_en.strip(),
        step.channel,
        step.owner.strip(),
        step.documents.strip(),
        step.fee.strip(),
        step.typical_time.strip(),
    )
    check_step(step)
    _check_details(step)
    if key in taken:
        raise UserError(N_("This journey has a step with the key '{key}' already."), key=key)
    active = journey_steps(session, life_event_id)
    ids = [s.id for s in active]
    row = JourneyStep(
        life_event_id=life_event_id,
        position=len(active) + 1,
        key=key,
        name_bg=step.name_bg,
        name_en=step.name_en,
        channel=step.channel,
        owner=step.owner,
        documents=step.documents,
        fee=step.fee,
        typical_time=step.typical_time,
    )
    session.add(row)
    session.flush()
    if after is not None and after in ids:
        ids.insert(ids.index(after) + 1, row.id)
        reorder_steps(session, life_event_id, ids)
    return row.id


def _check_details(step: StepInput) -> None:
    if len(step.owner) > 200 or len(step.fee) > 100 or len(step.typical_time) > 100:
        raise UserError(
            N_("The owner can be at most 200 characters, the fee and the time at most 100.")
        )
    check_length(step.documents)


def update_step(session: Session, step_id: int, step: StepInput) -> None:
    """Changes what a step says; its key stays (tasks, prototypes and exports name it)."""
    row = _step(session, step_id)
    changed = StepInput(
        row.key,
        step.name_bg.strip(),
        step.name_en.strip(),
        step.channel,
        step.owner.strip(),
        step.documents.strip(),
        step.fee.strip(),
        step.typical_time.strip(),
    )
    check_step(changed)
    _check_details(changed)
    row.name_bg, row.name_en = changed.name_bg, changed.name_en
    row.channel, row.owner, row.documents = changed.channel, changed.owner, changed.documents
    row.fee, row.typical_time = changed.fee, changed.typical_time


def reorder_steps(session: Session, life_event_id: int, step_ids: Sequence[int]) -> None:
    """Puts the active steps in the given order; ids stay, so what points to a step still does."""
    active = journey_steps(session, life_event_id)
    if sorted(step_ids) != sorted(s.id for s in active) or len(set(step_ids)) != len(step_ids):
        raise UserError(
            N_("The journey changed while you were reordering it; reload the page and try again.")
        )
    for position, step_id in enumerate(step_ids, start=1):
        session.get(JourneyStep, step_id).position = position


def move_step(session: Session, step_id: int, offset: int) -> None:
    """Moves a step `offset` places later (negative: earlier), within the journey."""
    row = _step(session, step_id)
    ids = [s.id for s in journey_steps(session, row.life_event_id)]
    if step_id not in ids:
        raise UserError(N_("Restore the step before moving it."))
    index = ids.index(step_id)
    target = min(len(ids) - 1, max(0, index + offset))
    ids.insert(target, ids.pop(index))
    reorder_steps(session, row.life_event_id, ids)


@dataclass(frozen=True)
class StepUse:
    tasks: int
    observations: int
    prototypes: int

    @property
    def used(self) -> bool:
        return bool(self.tasks or self.observations or self.prototypes)


def step_use(session: Session, step_id: int) -> StepUse:
    """What points to a step: tasks, observations, and prototypes that say they cover it."""
    row = _step(session, step_id)
    tasks = session.scalar(select(func.count(Task.id)).where(Task.journey_step_id == step_id))
    observations = session.scalar(
        select(func.count(Observation.id)).where(Observation.journey_step_id == step_id)
    )
    covering = session.scalars(
        select(Prototype.step_keys).where(Prototype.life_event_id == row.life_event_id)
    )
    return StepUse(tasks or 0, observations or 0, sum(row.key in (k or []) for k in covering))


def set_step_archived(session: Session, step_id: int, archived: bool) -> None:
    """An archived step leaves the map; what points to it keeps pointing to it."""
    row = _step(session, step_id)
    if archived and row.archived_at is None:
        row.archived_at = utcnow()
        ids = [s.id for s in journey_steps(session, row.life_event_id) if s.id != step_id]
        session.flush()
        reorder_steps(session, row.life_event_id, ids)
    elif not archived and row.archived_at is not None:
        row.archived_at = None
        row.position = len(journey_steps(session, row.life_event_id)) + 1


def delete_step(session: Session, step_id: int) -> None:
    """Deletes a step nothing points to; otherwise says what points to it and offers archiving."""
    row = _step(session, step_id)
    use = step_use(session, step_id)
    if use.used:
        raise UserError(
            N_(
                "This step has {observations} observation(s) and {tasks} task(s), and "
                "{prototypes} prototype(s) cover it; deleting it would lose them. Archive it "
                "instead: it leaves the map and keeps its history."
            ),
            observations=use.observations,
            tasks=use.tasks,
            prototypes=use.prototypes,
        )
    life_event_id = row.life_event_id
    was_active = row.archived_at is None
    session.delete(row)
    session.flush()
    if was_active:
        reorder_steps(session, life_event_id, [s.id for s in journey_steps(session, life_event_id)])


def pain_points(
    session: Session, life_event_id: int, iteration_ids: Sequence[int] | None = None
) -> dict[int, StepPain]:
    """Pain points per step of a life event, from the observations of the given iterations (all
    iterations when None): the count, the worst severity and the count per severity."""
    query = (
        select(Observation.journey_step_id, Observation.severity, func.count(Observation.id))
        .join(JourneyStep, JourneyStep.id == Observation.journey_step_id)
        .where(JourneyStep.life_event_id == life_event_id, Observation.kind == "pain_point")
        .group_by(Observation.journey_step_id, Observation.severity)
    )
    if iteration_ids is not None:
        query = query.join(InterviewSession, InterviewSession.id == Observation.session_id).where(
            InterviewSession.iteration_id.in_(list(iteration_ids))
        )
    by_step: dict[int, dict[int, int]] = {}
    for step_id, severity, count in session.execute(query):
        by_step.setdefault(step_id, {})
        by_step[step_id][severity or 0] = by_step[step_id].get(severity or 0, 0) + count
    return {
        step_id: StepPain(
            step_id,
            sum(counts.values()),
            max((s for s in counts if s), default=None),
            {s: c for s, c in sorted(counts.items()) if s},
        )
        for step_id, counts in by_step.items()
    }


def step_observations(
    session: Session, step_id: int, iteration_ids: Sequence[int] | None = None
) -> list[dict[str, object]]:
    """Every observation at a step, worst pain first: kind, severity, text, iteration, when."""
    query = (
        select(Observation, InterviewSession.held_at, Iteration.number)
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .join(Iteration, Iteration.id == InterviewSession.iteration_id)
        .where(Observation.journey_step_id == step_id)
    )
    if iteration_ids is not None:
        query = query.where(InterviewSession.iteration_id.in_(list(iteration_ids)))
    rows = session.execute(
        query.order_by(
            (Observation.kind != "pain_point"),
            Observation.severity.desc().nulls_last(),
            InterviewSession.held_at.desc(),
            Observation.id,
        )
    )
    return [
        {
            "id": obs.id,
            "kind": obs.kind,
            "severity": obs.severity,
            "text": obs.text,
            "iteration": number,
            "held_at": held_at,
        }
        for obs, held_at, number in rows
    ]


def event_iterations(session: Session, life_event_id: int) -> list[dict[str, object]]:
    """The iterations of every prototype of a life event, latest first."""
    rows = session.execute(
        select(Iteration, Prototype)
        .join(Prototype, Prototype.id == Iteration.prototype_id)
        .where(Prototype.life_event_id == life_event_id)
        .order_by(Iteration.iso_year.desc(), Iteration.iso_week.desc(), Iteration.id.desc())
    )
    return [
        {
            "id": it.id,
            "prototype_id": proto.id,
            "prototype_bg": proto.name_bg,
            "prototype_en": proto.name_en,
            "number": it.number,
            "week": f"{it.iso_year}-W{it.iso_week:02d}",
        }
        for it, proto in rows
    ]
