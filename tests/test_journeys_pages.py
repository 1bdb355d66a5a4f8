"""The life-events and prototypes pages, driven through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from prototypes.repository import iterations, journey_steps, prototype_by_slug, tasks
from prototypes.repository_journeys import life_event_by_slug, life_events

TIMEOUT = 60


def sign_in(at: AppTest) -> AppTest:
    """Signs the AppTest in as a researcher, where the app has accounts."""
    try:
        from tests.accounts import sign_in as sign_in_as
    except ImportError:  # an app without sign-in
        return at
    return sign_in_as(at, "researcher")


def run_page(module: str, **state) -> AppTest:
    at = AppTest.from_string(f"from ui.pages import {module}\n{module}.render()\n")
    at.default_timeout = TIMEOUT
    for key, value in state.items():
        at.session_state[key] = value
    return sign_in(at).run()


def click(at: AppTest, label: str, index: int = 0) -> AppTest:
    buttons = [b for b in at.button if b.label == label]
    buttons[index].click()
    return at.run()


@pytest.fixture
def empty_app(database, monkeypatch):
    monkeypatch.setenv("OPIT_DATABASE_URL", database.url)
    return database


@pytest.mark.parametrize("module", ["life_events", "prototypes"])
def test_pages_render_on_the_demo(app_database, module):
    at = run_page(module)
    assert not at.exception
    assert at.title[0].value in ("Житейски събития", "Прототипи")


@pytest.mark.parametrize("module", ["life_events", "prototypes"])
def test_pages_render_on_an_empty_project(empty_app, module):
    at = run_page(module)
    assert not at.exception
    assert at.info  # says what to do first


def test_journey_map_shows_the_demo_steps_and_pain_points(app_database):
    at = run_page("life_events")
    text = " ".join(m.value for m in at.markdown)
    assert "Намиране на информация за услугата" in text.replace("\\", "")
    scope = next(s for s in at.selectbox if s.label == "Проблеми от")
    assert "итерация 3" in scope.format_func(scope.value)  # the current iteration by default
    assert at.get("vega_lite_chart")  # pain points by severity per step
    drill = next(s for s in at.selectbox if s.label == "Наблюдения на стъпка")
    assert drill.options
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) > 0


def test_create_a_life_event_and_add_a_step(empty_app):
    at = run_page("life_events")
    at.text_input(key="life_events.new.bg").input("Раждане на дете")
    at.text_input(key="life_events.new.en").input("Birth of a child")
    at = click(at, "Създай житейското събитие")
    assert not at.exception
    assert "Житейското събитие „Раждане на дете“ е създадено." in [s.value for s in at.success]
    with empty_app.read() as session:
        event = life_event_by_slug(session, "birth-of-a-child")
    prefix = f"life_events.new_step.{event.id}"
    at.text_input(key=f"{prefix}.bg").input("Съобщаване за раждането")
    at.selectbox(key=f"{prefix}.channel").set_value("counter")
    at.text_input(key=f"{prefix}.owner").input("Болница; ГРАО")
    at = click(at, "Добави стъпката")
    assert not at.exception
    with empty_app.read() as session:
        (step,) = journey_steps(session, event.id)
    assert (step.name_bg, step.channel, step.owner) == (
        "Съобщаване за раждането",
        "counter",
        "Болница; ГРАО",
    )


def test_deleting_a_step_with_observations_explains_and_keeps_it(app_database):
    at = run_page("life_events")
    at = click(at, "Изтрий")  # the first step of the demo journey has observations
    assert not at.exception
    assert any("Архивирайте" in e.value for e in at.error)
    with app_database.read() as session:
        event = life_event_by_slug(session, "moving-home")
        assert len(journey_steps(session, event.id)) == 7


def test_starter_set_skips_the_demo_event(app_database):
    at = run_page("life_events")
    at = click(at, "Добави началния набор")
    assert not at.exception
    with app_database.read() as session:
        slugs = [e.slug for e in life_events(session)]
    assert slugs.count("moving-home") == 1 and len(slugs) == 6


def test_start_iteration_four_from_the_demo(app_database):
    at = run_page("prototypes")
    assert any(b.label == "Започни итерация 4" for b in at.button)
    with app_database.read() as session:
        proto = prototype_by_slug(session, "online-address-change")
    key = f"prototypes.start.hypothesis.{proto.id}.4"
    at.text_area(key=key).input("Напомнянето ще вдигне T5")
    at.date_input(key=f"prototypes.start.week.{proto.id}.4").set_value(dt.date(2026, 11, 18))
    at = click(at, "Започни итерация 4")
    assert not at.exception
    assert any(s.value == "Итерация 4 започна в седмица 2026-W47." for s in at.success)
    with app_database.read() as session:
        last = iterations(session, proto.id)[-1]
        keys = [t.key for t in tasks(session, last.id)]
    assert (last.number, last.hypothesis, keys) == (
        4,
        "Напомнянето ще вдигне T5",
        ["T1", "T2", "T3", "T4", "T5"],
    )
    assert at.session_state["app.iteration_id"] == last.id  # the new iteration is now current
    assert any("Пренесени от итерация 3: T1, T2, T3, T4, T5" in c.value for c in at.caption)


def test_a_duplicate_week_is_refused_on_the_page(app_database):
    at = run_page("prototypes")
    with app_database.read() as session:
        proto = prototype_by_slug(session, "online-address-change")
    at.date_input(key=f"prototypes.start.week.{proto.id}.4").set_value(dt.date(2026, 11, 10))
    at = click(at, "Започни итерация 4")
    assert any("2026-W46" in e.value for e in at.error)
    with app_database.read() as session:
        assert len(iterations(session, proto.id)) == 3


def test_removing_a_task_with_results_is_refused_on_the_page(app_database):
    at = run_page("prototypes")
    at = click(at, "Премахни")
    assert any("резултати" in e.value for e in at.error)


def test_the_last_reviews_decisions_prefill_the_next_iteration(app_database):
    from storage.schema import Decision

    with app_database.write() as session:
        proto = prototype_by_slug(session, "online-address-change")
        last = iterations(session, proto.id)[-1]
        session.add_all(
            [
                Decision(iteration_id=last.id, title="SMS с потвърждението", owner="Иван"),
                Decision(iteration_id=last.id, title="Чатбот", status="dropped"),
            ]
        )
    at = run_page("prototypes")
    log = at.text_area(key=f"prototypes.start.change_log.{proto.id}.4")
    assert log.value == "- SMS с потвърждението (Иван)"
    (linked,) = [m for m in at.multiselect if m.label == "Решения, които тази итерация изпълнява"]
    assert len(linked.value) == 1
    at = click(at, "Започни итерация 4")
    with app_database.read() as session:
        new = iterations(session, proto.id)[-1]
        kept = session.scalars(
            select(Decision.id).where(Decision.title == "SMS с потвърждението")
        ).one()
    assert new.number == 4 and new.decision_ids == (kept,)
    assert new.change_log == "- SMS с потвърждението (Иван)"
