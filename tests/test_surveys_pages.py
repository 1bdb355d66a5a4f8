"""The builder, response import and responses pages on the demo project (Streamlit AppTest)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from storage.schema import Questionnaire
from surveys.repository import questionnaire_by_slug
from tests.accounts import sign_in
from tests.test_public_form import skip_logic_definition

TIMEOUT = 30


def page(module: str) -> AppTest:
    script = f"from ui.pages import {module}\n{module}.render()\n"
    return sign_in(AppTest.from_string(script, default_timeout=TIMEOUT), "researcher").run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def current_slug(database) -> str:
    with database.read() as session:
        return session.scalar(select(Questionnaire.slug).where(Questionnaire.status == "open"))


@pytest.mark.parametrize("module", ["questionnaires", "response_import", "responses"])
def test_pages_render_on_the_demo(app_database, module):
    at = page(module)
    assert not at.exception
    assert at.title


def test_create_a_questionnaire_from_the_standard_questions(app_database):
    at = page("questionnaires")
    at.text_input[0].input("Нова анкета")
    at.text_input[1].input("New survey")
    button(at, "Създай въпросник").click()
    at.run()
    assert not at.exception
    assert any("чернова" in s.value for s in at.success)
    with app_database.read() as session:
        created = session.scalars(select(Questionnaire).order_by(Questionnaire.id.desc())).first()
        names = [q.name for q in created.questions]
    assert created.slug.startswith("new-survey-") and created.status == "draft"
    assert names == ["sus", "seq_overall", "liked", "improve"]


def test_a_question_of_a_questionnaire_with_responses_is_reworded_not_removed(app_database):
    slug = current_slug(app_database)
    at = page("questionnaires")
    label = next(t for t in at.text_area if t.label == "Въпрос (bg)")
    label.input("Доколко сте съгласни с твърденията?")
    button(at, "Запази въпроса").click()
    at.run()
    assert not at.exception
    with app_database.read() as session:
        sus = questionnaire_by_slug(session, slug).definition.question("sus")
    assert sus.labels["bg"] == "Доколко сте съгласни с твърденията?"
    button(at, "Премахни").click()
    at.run()
    assert any("нова версия" in w.value for w in at.warning)
    with app_database.read() as session:
        assert questionnaire_by_slug(session, slug).definition.question("sus")
    button(at, "Създай нова версия сега").click()
    at.run()
    assert any("нова версия" in s.value for s in at.success)


def test_copy_last_week_and_open_it(app_database):
    at = page("questionnaires")
    button(at, "Копирай в тази итерация").click()
    at.run()
    assert not at.exception
    assert any("Копирано" in s.value for s in at.success)
    button(at, "Отвори за отговори").click()
    at.run()
    assert any("отворен" in s.value for s in at.success)
    assert any("?s=" in c.value for c in at.code)


def test_preview_follows_skip_logic(app_database):
    from surveys.repository import create_questionnaire
    from ui.context import choose_context  # noqa: F401  (the page picks the latest iteration)

    with app_database.write() as session:
        latest = session.scalar(
            select(Questionnaire.iteration_id).where(Questionnaire.status == "open")
        )
        create_questionnaire(session, "skip", skip_logic_definition(), iteration_id=latest)
    at = page("questionnaires")
    preview_keys = [r.key for r in at.radio if r.key and r.key.startswith("questionnaires.preview")]
    assert "questionnaires.preview.used_online" in preview_keys
    assert "questionnaires.preview.seq" not in preview_keys
    at.radio(key="questionnaires.preview.used_online").set_value("yes").run()
    assert at.radio(key="questionnaires.preview.seq")


def test_responses_page_offers_csv_and_xlsx(app_database):
    at = page("responses")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Изтегли CSV" in labels and "Изтегли XLSX" in labels


def test_the_link_can_be_replaced(app_database):
    slug = current_slug(app_database)
    with app_database.read() as session:
        before = questionnaire_by_slug(session, slug).token
    at = page("questionnaires")
    button(at, "Замени връзката").click()
    at.run()
    assert not at.exception
    with app_database.read() as session:
        after = questionnaire_by_slug(session, slug).token
    assert after != before
    assert any(after in c.value for c in at.code)
