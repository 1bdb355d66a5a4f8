"""A life event, its journey and its prototypes read from the database as one document, and back.

`read_document` gathers what `prototypes.exchange` writes to a file; `write_document` stores a
checked document in one transaction (the caller's), so a file either goes in whole or not at all.
Step and task keys, iteration numbers and weeks are kept, so metrics line up as they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from prototypes.exchange_format import (
    IterationDoc,
    LifeEventDocument,
    PrototypeDoc,
    ScreenshotDoc,
    StepDoc,
    TaskDoc,
)
from prototypes.images import CheckedImage
from prototypes.naming import check_slug, unique
from prototypes.repository import task_rows
from storage.schema import (
    Iteration,
    JourneyStep,
    LifeEvent,
    Prototype,
    PrototypeScreenshot,
    utcnow,
)


@dataclass(frozen=True)
class ImportSummary:
    life_event_id: int
    slug: str
    steps: int
    prototypes: int
    iterations: int
    tasks: int
    screenshots: int
    #: prototype slugs the project had already: (slug in the file, slug given here)
    renamed: tuple[tuple[str, str], ...]


def read_document(session: Session, slug: str) -> LifeEventDocument:
    """The life event called `slug` with every step (archived too) and every prototype."""
    event = session.scalar(select(LifeEvent).where(LifeEvent.slug == slug))
    if event is None:
        raise UserError(N_("There is no life event called '{slug}'."), slug=slug[:80])
    steps = list(
        session.scalars(
            select(JourneyStep)
            .where(JourneyStep.life_event_id == event.id)
            .order_by(JourneyStep.archived_at.is_not(None), JourneyStep.position, JourneyStep.id)
        )
    )
    keys = {s.id: s.key for s in steps}
    protos = session.scalars(
        select(Prototype).where(Prototype.life_event_id == event.id).order_by(Prototype.id)
    )
    return LifeEventDocument(
        event.slug,
        event.name_bg,
        event.name_en,
        event.description_bg,
        event.description_en,
        event.archived_at is not None,
        tuple(
            StepDoc(
                s.key,
                s.name_bg,
                s.name_en,
                s.channel,
                s.owner,
                s.documents,
                s.fee,
                s.typical_time,
                s.archived_at is not None,
            )
            for s in steps
        ),
        tuple(_prototype_doc(session, p, keys) for p in protos),
    )


def _prototype_doc(session: Session, p: Prototype, keys: dict[int, str]) -> PrototypeDoc:
    numbers = {it.id: it.number for it in p.iterations}
    shots = session.scalars(
        select(PrototypeScreenshot)
        .where(PrototypeScreenshot.prototype_id == p.id)
        .order_by(PrototypeScreenshot.id)
    )
    return PrototypeDoc(
        p.slug,
        p.name_bg,
        p.name_en,
        p.link,
        p.status,
        tuple(p.step_keys or ()),
        tuple(
            IterationDoc(
                it.number,
                it.iso_year,
                it.iso_week,
                it.change_log,
                it.hypothesis,
                tuple(
                    TaskDoc(
                        t.key,
                        keys.get(t.journey_step_id) if t.journey_step_id else None,
                        t.title_bg,
                        t.title_en,
                        t.scenario_bg,
                        t.scenario_en,
                        t.success_criteria,
                        t.target_seconds,
                    )
                    for t in it.tasks
                ),
            )
            for it in p.iterations
        ),
        tuple(
            ScreenshotDoc(
                CheckedImage(s.filename, s.content_type, s.data, s.width or 0, s.height or 0),
                numbers.get(s.iteration_id),
            )
            for s in shots
        ),
    )


def write_document(
    session: Session, doc: LifeEventDocument, slug: str | None = None
) -> ImportSummary:
    """Stores a checked document as a new life event (called `slug`, or the file's own slug).

    Refused when the project has a life event of that slug; prototypes whose slug is taken get a
    free one (`…-2`), and the summary says which.
    """
    slug = check_slug(slug) if slug else doc.slug
    if session.scalar(select(LifeEvent.id).where(LifeEvent.slug == slug)) is not None:
        raise UserError(
            N_(
                "This project has a life event called '{slug}' already; import it under "
                "another short name."
            ),
            slug=slug,
        )
    now = utcnow()
    event = LifeEvent(
        slug=slug,
        name_bg=doc.name_bg,
        name_en=doc.name_en,
        description_bg=doc.description_bg,
        description_en=doc.description_en,
        archived_at=now if doc.archived else None,
    )
    session.add(event)
    session.flush()
    step_ids = _write_steps(session, event.id, doc.steps)
    taken = set(session.scalars(select(Prototype.slug)))
    renamed: list[tuple[str, str]] = []
    counts = [0, 0, 0]
    for proto in doc.prototypes:
        new_slug = unique(proto.slug, taken)
        taken.add(new_slug)
        if new_slug != proto.slug:
            renamed.append((proto.slug, new_slug))
        for i, n in enumerate(_write_prototype(session, event.id, proto, new_slug, step_ids)):
            counts[i] += n
    return ImportSummary(
        event.id, slug, len(doc.steps), len(doc.prototypes), *counts, tuple(renamed)
    )


def _write_steps(session: Session, event_id: int, steps: tuple[StepDoc, ...]) -> dict[str, int]:
    now = utcnow()
    rows = [
        JourneyStep(
            life_event_id=event_id,
            position=position,
            key=s.key,
            name_bg=s.name_bg,
            name_en=s.name_en,
            channel=s.channel,
            owner=s.owner,
            documents=s.documents,
            fee=s.fee,
            typical_time=s.typical_time,
            archived_at=now if s.archived else None,
        )
        for position, s in enumerate(steps, start=1)
    ]
    session.add_all(rows)
    session.flush()
    return {row.key: row.id for row in rows}


def _write_prototype(
    session: Session, event_id: int, proto: PrototypeDoc, slug: str, step_ids: dict[str, int]
) -> tuple[int, int, int]:
    row = Prototype(
        slug=slug,
        life_event_id=event_id,
        name_bg=proto.name_bg,
        name_en=proto.name_en,
        link=proto.link,
        status=proto.status,
        step_keys=list(proto.step_keys),
    )
    session.add(row)
    session.flush()
    iteration_ids: dict[int, int] = {}
    task_count = 0
    for it in proto.iterations:
        iteration = Iteration(
            prototype_id=row.id,
            number=it.number,
            iso_year=it.iso_year,
            iso_week=it.iso_week,
            change_log=it.change_log,
            hypothesis=it.hypothesis,
            decision_ids=[],
            tasks=task_rows(it.tasks, step_ids),
        )
        session.add(iteration)
        session.flush()
        iteration_ids[it.number] = iteration.id
        task_count += len(it.tasks)
    for shot in proto.screenshots:
        session.add(
            PrototypeScreenshot(
                prototype_id=row.id,
                filename=shot.image.filename,
                content_type=shot.image.content_type,
                data=shot.image.data,
                width=shot.image.width,
                height=shot.image.height,
                iteration_id=iteration_ids.get(shot.iteration) if shot.iteration else None,
            )
        )
    session.flush()
    return len(proto.iterations), task_count, len(proto.screenshots)
