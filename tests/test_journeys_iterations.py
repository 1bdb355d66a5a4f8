"""Prototypes, weekly iterations and task scripts: start the next week, keep task keys, refuse
what would lose results."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from i18n import UserError
from prototypes.images import check_image
from prototypes.repository import (
    StepInput,
    TaskInput,
    add_iteration,
    add_life_event,
    add_prototype,
    iterations,
    journey_steps,
    prototype,
    prototype_by_slug,
    tasks,
)
from prototypes.repository_iterations import (
    TaskEdit,
    add_screenshot,
    add_task,
    carried_keys,
    delete_screenshot,
    move_task,
    next_iteration,
    remove_task,
    screenshot_data,
    screenshots,
    start_next_iteration,
    update_iteration,
    update_prototype,
    update_task,
)
from storage.schema import Decision

MONDAY = dt.date(2026, 3, 2)
STEPS = (StepInput("find", "Намиране"), StepInput("apply", "Подаване"), StepInput("pay", "Плащане"))


def _setup(database) -> tuple[int, int]:
    with database.write() as session:
        event = add_life_event(session, "birth", "Раждане", steps=STEPS)
        proto = add_prototype(session, "p", event, "Прототип", step_keys=["find", "apply"])
        first = add_iteration(
            session,
            proto,
            MONDAY,
            [
                TaskInput("T1", "Намерете", "Find", "find", "Сценарий", "Scenario", "Намира", 60),
                TaskInput("T2", "Подайте", "Apply", "apply", target_seconds=120),
            ],
            "Първа версия",
            "Хипотеза",
        )
    return proto, first


def test_start_next_iteration_carries_the_script_over(database):
    proto, first = _setup(database)
    with database.write() as session:
        session.add_all(
            [
                Decision(iteration_id=first, title="Шаблон на декларацията", owner="Мария"),
                Decision(iteration_id=first, title="Вход с е-идентичност"),
                Decision(iteration_id=first, title="Отложено", status="dropped"),
            ]
        )
    with database.read() as session:
        proposal = next_iteration(session, proto, dt.date(2026, 3, 4))
    assert proposal.number == 2
    assert proposal.week == dt.date(2026, 3, 9)  # the week after the last one
    assert [t.key for t in proposal.tasks] == ["T1", "T2"]
    assert proposal.change_log == "- Шаблон на декларацията (Мария)\n- Вход с е-идентичност"
    kept = [d.id for d in proposal.decisions if d.status != "dropped"]
    with database.write() as session:
        second = start_next_iteration(
            session, proto, proposal.week, proposal.change_log, "По-бързо подаване", kept
        )
    with database.read() as session:
        its = iterations(session, proto)
        old, new = tasks(session, first), tasks(session, second)
        carried, fresh = carried_keys(session, its[-1])
    assert [i.number for i in its] == [1, 2]
    assert its[-1].week_label == "2026-W11" and its[-1].decision_ids == tuple(kept)
    assert [(t.key, t.journey_step_id, t.target_seconds) for t in new] == [
        (t.key, t.journey_step_id, t.target_seconds) for t in old
    ]
    assert new[0].scenario_en == "Scenario" and new[0].success_criteria == "Намира"
    assert {t.id for t in new}.isdisjoint({t.id for t in old})  # a copy, not the same rows
    assert (carried, fresh) == (["T1", "T2"], [])


def test_next_iteration_is_this_week_when_the_last_is_long_past(database):
    proto, _ = _setup(database)
    with database.read() as session:
        assert next_iteration(session, proto, dt.date(2026, 6, 17)).week == dt.date(2026, 6, 15)


def test_duplicate_or_earlier_weeks_are_refused(database):
    proto, _first = _setup(database)
    with pytest.raises(UserError, match="already covers week 2026-W10"), database.write() as s:
        start_next_iteration(s, proto, MONDAY + dt.timedelta(days=3), "", "")
    with pytest.raises(UserError, match="must come after"), database.write() as s:
        start_next_iteration(s, proto, MONDAY - dt.timedelta(days=7), "", "")
    with database.read() as session:
        assert len(iterations(session, proto)) == 1


def test_only_the_last_reviews_decisions_can_be_linked(database):
    proto, _first = _setup(database)
    with database.write() as session:
        other = add_prototype(session, "q", prototype(session, proto).life_event_id, "Друг")
        foreign = add_iteration(session, other, MONDAY, [])
        decision = Decision(iteration_id=foreign, title="Чуждо")
        session.add(decision)
        session.flush()
        decision_id = decision.id
    with pytest.raises(UserError, match="last iteration"), database.write() as session:
        start_next_iteration(session, proto, MONDAY + dt.timedelta(days=7), "", "", [decision_id])


def test_edit_the_task_script_keeps_keys(database):
    proto, _first = _setup(database)
    with database.write() as session:
        steps = {
            s.key: s.id for s in journey_steps(session, prototype(session, proto).life_event_id)
        }
        second = start_next_iteration(session, proto, MONDAY + dt.timedelta(days=7), "", "")
        t1, t2 = tasks(session, second)
        update_task(
            session, t1.id, TaskEdit("Намерете бързо", "Find fast", steps["find"], id=t1.id)
        )
        new = add_task(session, second, TaskEdit("Платете", "Pay", steps["pay"], target_seconds=90))
        move_task(session, new.id, -5)
        remove_task(session, t2.id)
    with database.read() as session:
        script = tasks(session, second)
        carried, fresh = carried_keys(session, iterations(session, proto)[-1])
    assert [(t.key, t.position) for t in script] == [("T3", 1), ("T1", 2)]
    assert script[1].title_bg == "Намерете бързо"
    assert (carried, fresh) == (["T1"], ["T3"])


def test_a_new_task_never_reuses_an_old_key(database):
    proto, _first = _setup(database)
    with database.write() as session:
        second = start_next_iteration(session, proto, MONDAY + dt.timedelta(days=7), "", "")
        for task in tasks(session, second):
            remove_task(session, task.id)
        added = add_task(session, second, TaskEdit("Нова"))
    assert added.key == "T3"  # T1 and T2 still name other tasks in week 1


def test_bad_tasks_are_refused(database):
    _proto, first = _setup(database)
    with pytest.raises(UserError, match="Bulgarian title"), database.write() as session:
        add_task(session, first, TaskEdit("  "))
    with pytest.raises(UserError, match="between 1 and"), database.write() as session:
        add_task(session, first, TaskEdit("Задача", target_seconds=0))
    with pytest.raises(UserError, match="already"), database.write() as session:
        add_task(session, first, TaskEdit("Задача", key="T1"))
    with database.write() as session:
        other = add_life_event(session, "other", "Друго", steps=(StepInput("x", "Х"),))
        foreign_step = journey_steps(session, other)[0].id
    with pytest.raises(UserError, match="journey"), database.write() as session:
        add_task(session, first, TaskEdit("Задача", step_id=foreign_step))


def test_a_task_with_results_is_not_removed(demo_database):
    with demo_database.read() as session:
        proto = prototype_by_slug(session, "online-address-change")
        last = iterations(session, proto.id)[-1]
        t1 = tasks(session, last.id)[0]
    with pytest.raises(UserError, match="result") as refused, demo_database.write() as session:
        remove_task(session, t1.id)
    assert "T1" in refused.value.render("bg")
    with demo_database.read() as session:
        assert tasks(session, last.id)[0].id == t1.id


def test_the_demo_rolls_into_iteration_four(demo_database):
    with demo_database.read() as session:
        proto = prototype_by_slug(session, "online-address-change")
        proposal = next_iteration(session, proto.id, dt.date(2026, 11, 10))
    assert proposal.number == 4 and proposal.week == dt.date(2026, 11, 16)
    with demo_database.write() as session:
        new = start_next_iteration(session, proto.id, proposal.week, "Промени", "Хипотеза")
    with demo_database.read() as session:
        assert [t.key for t in tasks(session, new)] == ["T1", "T2", "T3", "T4", "T5"]
        assert iterations(session, proto.id)[-1].number == 4


def test_update_prototype_and_iteration(database):
    proto, first = _setup(database)
    with database.write() as session:
        update_prototype(
            session, proto, "Нов", "New", "https://figma.com/x", "paused", ["pay", "find", "pay"]
        )
        update_iteration(session, first, "Промени", "Хипотеза 2")
    with database.read() as session:
        info = prototype(session, proto)
        it = iterations(session, proto)[0]
    assert (info.name_en, info.status, info.step_keys) == ("New", "paused", ("pay", "find"))
    assert it.hypothesis == "Хипотеза 2"
    with pytest.raises(UserError, match="https"), database.write() as session:
        update_prototype(session, proto, "Нов", "", "javascript:alert(1)", "active", [])
    with pytest.raises(UserError, match="no step"), database.write() as session:
        update_prototype(session, proto, "Нов", "", "", "active", ["nope"])


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_screenshots_are_stored_and_deleted(database):
    proto, first = _setup(database)
    image = check_image(_png(), "../../etc/Екран 1.png", 1_000_000)
    with database.write() as session:
        shot = add_screenshot(session, proto, image, first)
    with database.read() as session:
        (info,) = screenshots(session, proto)
        data = screenshot_data(session, shot)
    assert (info.filename, info.content_type, info.width, info.height) == (
        "Екран 1.png",
        "image/png",
        40,
        30,
    )
    assert info.iteration_id == first and data == image.data and info.size == len(data)
    with database.write() as session:
        delete_screenshot(session, shot)
    with database.read() as session:
        assert screenshots(session, proto) == []
