"""Every page renders on the demo project without an exception (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from storage.schema import Questionnaire, Response
from tests.accounts import role_for, sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30


def page_script(module: str) -> str:
    return f"from ui.pages import {module}\n{module}.render()\n"


def run_page(module: str) -> AppTest:
    at = AppTest.from_string(page_script(module), default_timeout=TIMEOUT)
    return sign_in(at, role_for(module)).run()


def open_token(database) -> str:
    with database.read() as session:
        return session.scalar(select(Questionnaire.token).where(Questionnaire.status == "open"))


def count_responses(database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count(Response.id)))


def page_modules() -> list[str]:
    """Every staff page app.py shows, by module name (ui/pages/<name>.py)."""
    from ui.page_spec import staff_pages

    return [page.render.__module__.rsplit(".", 1)[1] for page in staff_pages()]


@pytest.mark.parametrize("module", page_modules())
def test_staff_page_renders_on_demo(app_database, module):
    at = run_page(module)
    assert not at.exception
    assert at.title


def test_review_shows_this_iteration_beside_the_last(app_database):
    at = run_page("review")
    labels = [m.label for m in at.metric]
    assert {"Отговори", "Среден SUS", "Изпълнени задачи"} <= set(labels)
    sus = next(m for m in at.metric if m.label == "Среден SUS")
    assert float(sus.value) > 70
    assert sus.delta.startswith("+")


def test_app_entry_renders_review_by_default(app_database):
    at = sign_in(AppTest.from_file(APP, default_timeout=TIMEOUT)).run()
    assert not at.exception
    assert at.title[0].value == "Седмичен преглед"


def test_language_switch_to_english(app_database):
    at = sign_in(AppTest.from_file(APP, default_timeout=TIMEOUT)).run()
    at.session_state["app.language"] = "en"
    at.run()
    assert at.title[0].value == "Weekly review"


def test_unknown_link_shows_clear_page(app_database):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = "no-such-token"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Тази връзка не работи"


def test_closed_questionnaire_says_so(app_database):
    with app_database.read() as session:
        token = session.scalar(select(Questionnaire.token).where(Questionnaire.status == "closed"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = token
    at.run()
    assert not at.exception
    assert any("затворен" in i.value for i in at.info)


def answer_demo_form(at: AppTest) -> None:
    for radio in at.radio:
        if radio.key and radio.key.startswith("public.q.sus."):
            radio.set_value(4 if int(radio.key.rsplit(".", 1)[1]) % 2 else 2)
    at.radio(key="public.q.seq_overall").set_value(6)
    at.text_area(key="public.q.improve").input("Формата е ясна, обадете ми се на 0888 123 456.")


def test_citizen_submits_once_even_when_sending_twice(app_database):
    before = count_responses(app_database)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = open_token(app_database)
    at.run()
    answer_demo_form(at)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Благодарим ви!"
    assert count_responses(app_database) == before + 1
    # The same browser session sends the same submission again (a double tap, a retry).
    from surveys.answers import clean_answers
    from surveys.repository import questionnaire_by_token, submit_response

    with app_database.write() as session:
        questionnaire = questionnaire_by_token(session, open_token(app_database))
        again = submit_response(
            session,
            questionnaire,
            at.session_state["public.submission_id"],
            clean_answers(questionnaire.definition, {"sus": [3] * 10, "seq_overall": 5}),
        )
    assert not again.created
    assert count_responses(app_database) == before + 1
    with app_database.read() as session:
        texts = session.scalars(select(Response).order_by(Response.id.desc()).limit(1)).one()
        stored = [a.text for a in texts.answers if a.text]
    assert stored and "0888" not in stored[0] and "[ТЕЛЕФОН]" in stored[0]


def test_missing_answers_keep_the_form_and_say_what_to_fix(app_database):
    before = count_responses(app_database)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = open_token(app_database)
    at.run()
    at.radio(key="public.q.seq_overall").set_value(6)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert count_responses(app_database) == before
    assert at.radio(key="public.q.seq_overall").value == 6
    assert any("десет твърдения" in e.value for e in at.error)


def test_a_failed_save_keeps_the_answers_to_send_again(app_database):
    before = count_responses(app_database)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = open_token(app_database)
    at.run()
    answer_demo_form(at)
    with app_database.engine.begin() as conn:  # the table vanishes: every insert now fails
        conn.exec_driver_sql("ALTER TABLE answers RENAME TO answers_away")
    try:
        at.button[0].click()
        at.run()
        assert not at.exception
        assert any("Не успяхме да запазим" in e.value for e in at.error)
        assert at.radio(key="public.q.seq_overall").value == 6
    finally:
        with app_database.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE answers_away RENAME TO answers")
    at.button[0].click()
    at.run()
    assert at.title[0].value == "Благодарим ви!"
    assert count_responses(app_database) == before + 1
