"""Life events and their journeys: the catalogue, the starter set, editing steps, pain points."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from i18n import UserError
from prototypes.naming import next_task_key, parse_week, slugify, unique
from prototypes.repository import (
    StepInput,
    TaskInput,
    add_iteration,
    add_life_event,
    add_prototype,
    journey_steps,
    prototype_by_slug,
    tasks,
)
from prototypes.repository_journeys import (
    add_step,
    delete_life_event,
    delete_step,
    life_event_by_slug,
    life_events,
    move_step,
    pain_points,
    reorder_steps,
    set_life_event_archived,
    set_step_archived,
    step_observations,
    update_life_event,
    update_step,
)
from prototypes.starter_events import STARTER_EVENTS, add_starter_set
from storage.schema import JourneyStep, Observation

FOUR = (
    StepInput("find", "Намиране", "Find", "online", "Портал"),
    StepInput("apply", "Подаване", "Apply", "counter", "Район"),
    StepInput("pay", "Плащане", "Pay", "online", "ПОС", fee="5 €"),
    StepInput("receive", "Получаване", "Receive", "post", "Район", typical_time="3 дни"),
)


def _event(session, slug="birth", steps=FOUR) -> int:
    return add_life_event(session, slug, "Раждане", "Birth", steps=steps)


def test_names_make_slugs_and_keys():
    assert slugify("Раждане на дете") == "razhdane-na-dete"
    assert slugify("Щастие, Юг и Ъгъл!") == "shtastie-yug-i-agal"
    assert slugify("   ") == "item"
    assert unique("moving-home", {"moving-home", "moving-home-2"}) == "moving-home-3"
    assert next_task_key(["T1", "T7", "X"]) == "T8"
    assert parse_week("2026-W44") == (2026, 44)
    assert parse_week("2026-W53") == (2026, 53)  # 2026 starts on a Thursday: 53 ISO weeks
    with pytest.raises(ValueError):
        parse_week("2025-W53")
    with pytest.raises(ValueError):
        parse_week("2026-44")


def test_starter_set_skips_what_exists(database):
    with database.write() as session:
        _event(session, "moving-home")
        result = add_starter_set(session)
    assert "moving-home" in result.skipped
    assert len(result.added) == len(STARTER_EVENTS) - 1
    with database.write() as session:
        again = add_starter_set(session)
        events = {e.slug: e for e in life_events(session)}
    assert again.added == ()
    assert events["moving-home"].steps == 4  # the team's own event was left alone
    assert events["retirement"].name_en == "Retirement"


def test_starter_moving_home_has_its_journey(database):
    with database.write() as session:
        add_starter_set(session)
        event = life_event_by_slug(session, "moving-home")
        steps = journey_steps(session, event.id)
    assert len(steps) == 7 and steps[0].key == "find-info"
    assert steps[-1].channel == "counter"


def test_edit_archive_and_delete_a_life_event(database):
    with database.write() as session:
        event_id = _event(session)
        update_life_event(session, event_id, "Раждане на дете", "Birth of a child", "Описание", "")
        set_life_event_archived(session, event_id, True)
    with database.read() as session:
        assert life_events(session) == []
        (archived,) = life_events(session, with_archived=True)
    assert archived.archived and archived.name_en == "Birth of a child"
    with database.write() as session:
        delete_life_event(session, event_id)
        assert session.scalar(select(func.count(JourneyStep.id))) == 0


def test_a_life_event_with_prototypes_is_archived_not_deleted(database):
    with database.write() as session:
        event_id = _event(session)
        add_prototype(session, "p", event_id, "Прототип")
    with pytest.raises(UserError, match="archive it instead"), database.write() as session:
        delete_life_event(session, event_id)
    with database.read() as session:
        assert life_event_by_slug(session, "birth") is not None


def test_bad_names_are_refused(database):
    with pytest.raises(UserError, match="Bulgarian name"), database.write() as session:
        add_life_event(session, "x", "  ")
    with pytest.raises(UserError, match="not a valid short name"), database.write() as session:
        add_life_event(session, "Има Кирилица", "Име")
    with pytest.raises(UserError, match="Unknown channel"), database.write() as session:
        _event(session, steps=(StepInput("a", "А", channel="fax"),))
    with pytest.raises(UserError, match="Two steps"), database.write() as session:
        _event(session, steps=(StepInput("a", "А"), StepInput("a", "Б")))


def test_add_edit_and_move_steps(database):
    with database.write() as session:
        event_id = _event(session, steps=FOUR[:2])
        new_id = add_step(session, event_id, StepInput("", "Плащане на такса", "Pay the fee"))
        first = journey_steps(session, event_id)[0].id
        inserted = add_step(session, event_id, StepInput("", "Проверка", ""), after=first)
        update_step(session, new_id, StepInput("ignored", "Плащане", "Pay", "phone", "Каса"))
    with database.read() as session:
        steps = journey_steps(session, event_id)
    assert [s.key for s in steps] == ["find", "proverka", "apply", "pay-the-fee"]
    assert steps[1].id == inserted
    assert (steps[3].name_en, steps[3].channel, steps[3].owner) == ("Pay", "phone", "Каса")
    with database.write() as session:
        move_step(session, new_id, -10)
    with database.read() as session:
        assert next(s.key for s in journey_steps(session, event_id)) == "pay-the-fee"
    with pytest.raises(UserError, match="already"), database.write() as session:
        add_step(session, event_id, StepInput("apply", "Отново"))


def test_reordering_keeps_tasks_on_their_step(database):
    with database.write() as session:
        event_id = _event(session)
        proto = add_prototype(session, "p", event_id, "П")
        iteration = add_iteration(
            session, proto, dt.date(2026, 3, 2), [TaskInput("T1", "Платете", step_key="pay")]
        )
        ids = [s.id for s in journey_steps(session, event_id)]
        reorder_steps(session, event_id, list(reversed(ids)))
    with database.read() as session:
        steps = journey_steps(session, event_id)
        (task,) = tasks(session, iteration)
    assert [s.key for s in steps] == ["receive", "pay", "apply", "find"]
    assert task.journey_step_id == next(s.id for s in steps if s.key == "pay")
    with pytest.raises(UserError, match="reload"), database.write() as session:
        reorder_steps(session, event_id, ids[:2])  # a stale or partial order is refused


def _observe(database, event_id: int, step_key: str, severities, kind="pain_point") -> None:
    from prototypes.repository import iterations
    from research.repository import ObservationInput, add_participant, log_session

    with database.write() as session:
        step_id = next(s.id for s in journey_steps(session, event_id) if s.key == step_key)
        proto = prototype_by_slug(session, "p")
        if proto is None:
            add_prototype(session, "p", event_id, "П")
            proto = prototype_by_slug(session, "p")
        its = iterations(session, proto.id)
        it = its[-1].id if its else add_iteration(session, proto.id, dt.date(2026, 3, 2), [])
        person = add_participant(session, "citizen", {}, consent_on=dt.date(2026, 3, 2))
        log_session(
            session,
            it,
            person.id,
            [],
            [ObservationInput(kind, f"Бележка {s}", step_id, None, s) for s in severities],
        )


def test_a_step_with_observations_is_archived_not_deleted(database):
    with database.write() as session:
        event_id = _event(session)
    _observe(database, event_id, "apply", [3])
    with database.read() as session:
        apply = next(s for s in journey_steps(session, event_id) if s.key == "apply")
    with pytest.raises(UserError, match="1 observation") as refused, database.write() as session:
        delete_step(session, apply.id)
    assert "Архивирайте" in refused.value.render("bg")
    with database.write() as session:
        set_step_archived(session, apply.id, True)
    with database.read() as session:
        assert [s.key for s in journey_steps(session, event_id)] == ["find", "pay", "receive"]
        assert [s.position for s in journey_steps(session, event_id)] == [1, 2, 3]
        assert session.scalar(select(func.count(Observation.id))) == 1  # nothing lost
    with database.write() as session:
        set_step_archived(session, apply.id, False)
        assert journey_steps(session, event_id)[-1].key == "apply"


def test_an_unused_step_can_be_deleted(database):
    with database.write() as session:
        event_id = _event(session)
        pay = journey_steps(session, event_id)[2]
        delete_step(session, pay.id)
        steps = journey_steps(session, event_id)
    assert [(s.key, s.position) for s in steps] == [("find", 1), ("apply", 2), ("receive", 3)]


def test_pain_points_per_step_by_severity(database):
    with database.write() as session:
        event_id = _event(session)
    _observe(database, event_id, "apply", [2, 4, 4])
    _observe(database, event_id, "pay", [1])
    _observe(database, event_id, "pay", [None], kind="quote")
    with database.read() as session:
        steps = {s.key: s.id for s in journey_steps(session, event_id)}
        pains = pain_points(session, event_id)
        rows = step_observations(session, steps["apply"])
    apply = pains[steps["apply"]]
    assert (apply.count, apply.worst, apply.by_severity) == (3, 4, {2: 1, 4: 2})
    assert pains[steps["pay"]].count == 1  # the quote is not a pain point
    assert steps["find"] not in pains
    assert [r["severity"] for r in rows] == [4, 4, 2]


def test_pain_points_of_the_demo(demo_database):
    with demo_database.read() as session:
        event = life_event_by_slug(session, "moving-home")
        steps = {s.key: s.id for s in journey_steps(session, event.id)}
        every = pain_points(session, event.id)
        from prototypes.repository import iterations

        its = iterations(session, prototype_by_slug(session, "online-address-change").id)
        first = pain_points(session, event.id, [its[0].id])
        last = pain_points(session, event.id, [its[-1].id])
    assert every[steps["identify"]].worst == 4
    assert sum(p.count for p in first.values()) + sum(p.count for p in last.values()) <= sum(
        p.count for p in every.values()
    )
    # the owner's declaration (severity 4) was fixed by iteration 3: fewer pain points there
    assert first[steps["prepare-documents"]].count > last.get(steps["prepare-documents"]).count
