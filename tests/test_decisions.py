"""The decisions log: storage, checks, the change log it feeds, and its page."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from i18n import UserError
from prototypes.repository import iterations, prototype_by_slug
from prototypes.repository_decisions import (
    DecisionInput,
    add_decision,
    carried_into,
    decisions_for_change_log,
    decisions_of_iteration,
    decisions_of_prototype,
    delete_decision,
    observation_choices,
    set_status,
    update_decision,
)
from storage.schema import AuditEvent, Iteration, Theme
from tests.accounts import sign_in

TIMEOUT = 30


def _iterations(database):
    with database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        return prototype, iterations(session, prototype.id)


def test_record_update_and_carry_into_the_change_log(demo_database):
    prototype, its = _iterations(demo_database)
    last = its[-1]
    with demo_database.write() as session:
        session.add(Theme(prototype_id=prototype.id, key="fees", label="Такси"))
        session.flush()
        pains = [o for o in observation_choices(session, last.id) if o.kind == "pain_point"]
        first = add_decision(
            session,
            last.id,
            DecisionInput(
                "  Показваме таксата   преди плащането ",
                rationale="Петима от осем не разбраха дали плащат. Обадете се на 0888 123 456.",
                owner="Мария (UX)",
                theme_keys=["fees", "fees"],
                observation_ids=[pains[0].id],
            ),
        )
        second = add_decision(session, last.id, DecisionInput("Махаме КЕП", owner=""))
        dropped = add_decision(session, last.id, DecisionInput("SMS", status="dropped"))
    with demo_database.read() as session:
        items = decisions_of_iteration(session, last.id)
        log = decisions_for_change_log(session, last.id)
    assert [d.id for d in items] == [first, second, dropped]
    one = items[0]
    assert one.title == "Показваме таксата преди плащането"
    assert one.theme_keys == ("fees",) and one.observation_ids == (pains[0].id,)
    assert "0888" not in one.rationale and one.status == "planned"
    assert log == "- Показваме таксата преди плащането (Мария (UX))\n- Махаме КЕП"
    assert pains[0].severity == max(o.severity for o in pains)

    with demo_database.write() as session:
        changed = update_decision(
            session, second, DecisionInput("Махаме КЕП като единствен вход", status="done")
        )
        set_status(session, first, "in_progress")
        delete_decision(session, dropped)
        # the journeys page records which decisions the next iteration carries out
        session.get(Iteration, its[1].id).decision_ids = [first]
    assert changed.status == "done" and changed.title.endswith("единствен вход")
    with demo_database.read() as session:
        assert [d.status for d in decisions_of_prototype(session, prototype.id)] == [
            "in_progress",
            "done",
        ]
        assert carried_into(session, prototype.id) == {first: 2}
        assert decisions_for_change_log(session, its[0].id) == ""


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (DecisionInput("   "), "Write what the team decided"),
        (DecisionInput("x" * 301), "under 300"),
        (DecisionInput("ok", owner="o" * 101), "under 100"),
        (DecisionInput("ok", rationale="r" * 5001), "under 5000"),
        (DecisionInput("ok", status="maybe"), "status"),
        (DecisionInput("ok", theme_keys=["nope"]), "Unknown theme: nope."),
    ],
)
def test_bad_decisions_are_refused_with_what_to_fix(demo_database, item, message):
    _, its = _iterations(demo_database)
    with pytest.raises(UserError) as err, demo_database.write() as session:
        add_decision(session, its[-1].id, item)
    assert message in str(err.value)
    assert err.value.render("bg") != str(err.value)


def test_a_decision_cites_only_its_own_iterations_observations(demo_database):
    _, its = _iterations(demo_database)
    with demo_database.read() as session:
        elsewhere = observation_choices(session, its[0].id)[0].id
    with pytest.raises(UserError, match="own iteration"), demo_database.write() as session:
        add_decision(session, its[-1].id, DecisionInput("ok", observation_ids=[elsewhere]))
    with pytest.raises(UserError), demo_database.write() as session:
        update_decision(session, 10_000, DecisionInput("ok"))


def _page(role: str = "researcher") -> AppTest:
    at = AppTest.from_string(
        "from ui.pages import decisions\ndecisions.render()\n", default_timeout=TIMEOUT
    )
    return sign_in(at, role)


def test_the_page_records_a_decision_and_shows_the_change_log(app_database):
    at = _page().run()
    assert not at.exception
    assert at.title[0].value == "Решения"
    assert any("още няма записано решение" in i.value for i in at.info)
    form_title = next(t for t in at.text_input if t.label == "Какво ще промени екипът?")
    form_title.input("Шаблон на декларацията на първата страница")
    next(t for t in at.text_input if t.label == "Отговорник").input("Иво")
    next(b for b in at.button if b.label == "Записване на решението").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Решението е записано."]
    assert "Шаблон на декларацията на първата страница" in at.dataframe[0].value.iloc[:, 0].tolist()
    assert "- Шаблон на декларацията на първата страница (Иво)" in [c.value for c in at.code]
    with app_database.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "decision")
        ).all()
    assert actions == ["create"]


def test_an_empty_title_keeps_the_form_and_says_what_to_fix(app_database):
    at = _page().run()
    next(b for b in at.button if b.label == "Записване на решението").click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Напишете какво реши екипът да промени."]


def test_reviewers_read_but_do_not_edit(app_database):
    _, its = _iterations(app_database)
    with app_database.write() as session:
        add_decision(session, its[-1].id, DecisionInput("Видимо за всички"))
    at = _page("reviewer").run()
    assert not at.exception
    assert "Видимо за всички" in at.dataframe[0].value.iloc[:, 0].tolist()
    assert not at.text_input and not at.tabs
