"""The starter set of life events a new project begins with; the team may edit or delete them.

"Moving home" comes with its journey (the same seven steps as the demo project); the others carry a
name and a description for the team to fill in. Adding the set skips every event whose short name
(slug) the project has already, so it never clashes with the demo or with the team's own events.
"""

from __future__ import annotations

from dataclasses import dataclass

from prototypes.demo_content import LIFE_EVENT, STEPS
from prototypes.repository import StepInput, add_life_event
from prototypes.repository_journeys import life_event_by_slug


@dataclass(frozen=True)
class StarterEvent:
    slug: str
    name_bg: str
    name_en: str
    description_bg: str
    description_en: str
    steps: tuple[StepInput, ...] = ()


STARTER_EVENTS: tuple[StarterEvent, ...] = (
    StarterEvent(**LIFE_EVENT, steps=STEPS),
    StarterEvent(
        "birth-of-a-child",
        "Раждане на дете",
        "Birth of a child",
        "Акт за раждане, ЕГН, адресна регистрация на детето, майчинство и детски надбавки, "
        "ясла и детска градина.",
        "Birth certificate, personal number, the child's address registration, maternity and "
        "child benefits, nursery and kindergarten.",
    ),
    StarterEvent(
        "starting-a-business",
        "Стартиране на бизнес",
        "Starting a business",
        "Регистрация на фирма, данъчна регистрация, разрешения и категоризация от общината, "
        "местни данъци и такси.",
        "Registering a company, tax registration, permits and categorisation from the "
        "municipality, local taxes and fees.",
    ),
    StarterEvent(
        "retirement",
        "Пенсиониране",
        "Retirement",
        "Отпускане на пенсия, здравно осигуряване, местни данъчни облекчения, карта за градски "
        "транспорт.",
        "Applying for a pension, health insurance, local tax relief, a public transport card.",
    ),
    StarterEvent(
        "death-of-a-relative",
        "Смърт на близък",
        "Death of a relative",
        "Акт за смърт, погребение и гробно място, наследство, данък върху наследството, "
        "прекратяване на регистрации.",
        "Death certificate, funeral and burial plot, inheritance, inheritance tax, closing "
        "registrations.",
    ),
    StarterEvent(
        "building-a-home",
        "Строеж на жилище",
        "Building a home",
        "Виза за проектиране, одобряване на проект, разрешение за строеж, въвеждане в "
        "експлоатация, адрес на новата сграда.",
        "Design permit, approval of the design, building permit, commissioning, an address for "
        "the new building.",
    ),
)


@dataclass(frozen=True)
class StarterResult:
    added: tuple[str, ...]
    skipped: tuple[str, ...]


def add_starter_set(session) -> StarterResult:
    """Adds every starter event whose slug is free; reports which were added and which skipped."""
    added, skipped = [], []
    for event in STARTER_EVENTS:
        if life_event_by_slug(session, event.slug) is not None:
            skipped.append(event.slug)
            continue
        add_life_event(
            session,
            event.slug,
            event.name_bg,
            event.name_en,
            event.description_bg,
            event.description_en,
            steps=event.steps,
        )
        added.append(event.slug)
    return StarterResult(tuple(added), tuple(skipped))
