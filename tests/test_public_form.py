"""The citizen's page, screen by screen: skip logic, Next and Back, drafts, safe intake."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from storage.schema import Answer, Response, ResponseDraft
from surveys.definition import (
    Choice,
    Condition,
    Operator,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    Section,
)
from surveys.repository import create_questionnaire, set_status

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30
YES_NO = (
    Choice("yes", {"bg": "Да", "en": "Yes"}),
    Choice("no", {"bg": "Не", "en": "No"}),
)


def skip_logic_definition() -> QuestionnaireDefinition:
    """Two sections; the second and third questions depend on the first, the SEQ too."""
    used = Condition("used_online", Operator.EQUALS, "yes")
    return QuestionnaireDefinition(
        title={"bg": "Адресна регистрация: кратка анкета", "en": "Address registration: a survey"},
        sections=(
            Section("use", {"bg": "Как подадохте заявлението", "en": "How you applied"}),
            Section("rating", {"bg": "Оценка", "en": "Rating"}),
        ),
        questions=(
            Question(
                "used_online",
                QuestionType.SINGLE_CHOICE,
                {"bg": "Използвахте ли онлайн услугата?", "en": "Did you use the online service?"},
                required=True,
                choices=YES_NO,
                section="use",
            ),
            Question(
                "difficulty",
                QuestionType.LONG_TEXT,
                {"bg": "Какво ви затрудни?", "en": "What made it difficult?"},
                show_when=(used,),
                section="use",
            ),
            Question(
                "channel",
                QuestionType.MULTIPLE_CHOICE,
                {"bg": "Как подадохте заявлението?", "en": "How did you apply instead?"},
                choices=(
                    Choice("counter", {"bg": "На гише", "en": "At a counter"}),
                    Choice("post", {"bg": "По пощата", "en": "By post"}),
                ),
                allow_other=True,
                show_when=(Condition("used_online", Operator.EQUALS, "no"),),
                section="use",
            ),
            Question(
                "seq",
                QuestionType.SEQ,
                {"bg": "Колко лесно беше?", "en": "How easy was it?"},
                required=True,
                show_when=(used,),
                section="rating",
            ),
            Question(
                "nps",
                QuestionType.NPS,
                {
                    "bg": "Бихте ли препоръчали услугата?",
                    "en": "Would you recommend the service?",
                },
                section="rating",
            ),
        ),
    )


@pytest.fixture
def skip_token(app_database) -> str:
    with app_database.write() as session:
        info = create_questionnaire(
            session, "skip-logic", skip_logic_definition(), status="open", token="skiptoken1234"
        )
    return info.token


def _app(token: str, draft: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = token
    if draft:
        at.query_params["d"] = draft
    return at.run()


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _responses(database, slug: str = "skip-logic") -> list[Response]:
    from storage.schema import Questionnaire

    with database.read() as session:
        return list(
            session.scalars(
                select(Response)
                .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
                .where(Questionnaire.slug == slug)
            )
        )


def test_skip_logic_shows_the_questions_the_answers_call_for(app_database, skip_token):
    at = _app(skip_token)
    assert not at.exception
    assert at.title[0].value == "Адресна регистрация: кратка анкета"
    assert [r.key for r in at.radio if r.key.startswith("public.q.")] == ["public.q.used_online"]
    assert [b.label for b in at.button] == ["Напред"]
    assert any("анонимни" in i.value for i in at.info)  # the privacy notice, before question 1
    at.radio(key="public.q.used_online").set_value("yes")
    _button(at, "Напред").click()
    at.run()
    assert not at.exception
    assert at.text_area(key="public.q.difficulty")
    assert not [m for m in at.button_group if m.key == "public.q.channel"]
    assert "Стъпка 2 от 3" in at.get("progress")[0].proto.text
    at.text_area(key="public.q.difficulty").input("Не намерих бутона, ЕГН 8001010000.")
    _button(at, "Напред").click()
    at.run()
    assert at.radio(key="public.q.seq") and at.radio(key="public.q.nps")
    assert [b.label for b in at.button] == ["Изпрати", "Назад"]
    _button(at, "Изпрати").click()  # the SEQ is required
    at.run()
    assert any("Изберете" in e.value or "отговор" in e.value for e in at.error)
    assert _responses(app_database) == []
    at.radio(key="public.q.seq").set_value(6)
    at.radio(key="public.q.nps").set_value(9)
    _button(at, "Изпрати").click()
    at.run()
    assert at.title[0].value == "Благодарим ви!"
    [response] = _responses(app_database)
    with app_database.read() as session:
        answers = {a.question_id: a for a in session.scalars(select(Answer))}
        texts = [a.text for a in answers.values() if a.response_id == response.id and a.text]
        drafts = session.scalar(select(func.count(ResponseDraft.id)))
    assert texts and "8001010000" not in texts[0]
    assert drafts == 0  # sending deletes the draft


def test_back_keeps_answers_and_the_other_branch_is_validated(app_database, skip_token):
    at = _app(skip_token)
    at.radio(key="public.q.used_online").set_value("no")
    _button(at, "Напред").click()
    at.run()
    assert not [t for t in at.text_area if t.key == "public.q.difficulty"]
    at.button_group(key="public.q.channel").set_value(["other"])
    _button(at, "Напред").click()
    at.run()
    assert any("друго" in e.value.lower() for e in at.error)  # "other" needs its text
    at.text_input(key="public.other.channel").input("Чрез пълномощник")
    _button(at, "Напред").click()
    at.run()
    assert [r.key for r in at.radio if r.key.startswith("public.q.")] == ["public.q.nps"]
    _button(at, "Назад").click()
    at.run()
    assert at.button_group(key="public.q.channel").value == ["other"]
    assert at.text_input(key="public.other.channel").value == "Чрез пълномощник"


def test_a_reload_comes_back_to_the_same_screen_with_the_answers(app_database, skip_token):
    at = _app(skip_token)
    draft = at.query_params["d"]
    draft = draft[0] if isinstance(draft, list) else draft
    at.radio(key="public.q.used_online").set_value("yes")
    _button(at, "Напред").click()
    at.run()
    at.text_area(key="public.q.difficulty").input("Дълго зареждане")
    _button(at, "Напред").click()
    at.run()
    reloaded = _app(skip_token, draft)  # a new browser session with the same address
    assert not reloaded.exception
    assert reloaded.radio(key="public.q.seq")
    _button(reloaded, "Назад").click()
    reloaded.run()
    assert reloaded.text_area(key="public.q.difficulty").value == "Дълго зареждане"
    with app_database.read() as session:
        stored = session.get(ResponseDraft, draft)
    assert stored.answers == {"used_online": "yes", "difficulty": "Дълго зареждане"}


def test_sending_twice_or_after_a_reload_stores_one_response(app_database, skip_token):
    at = _app(skip_token)
    draft = at.query_params["d"]
    draft = draft[0] if isinstance(draft, list) else draft
    at.radio(key="public.q.used_online").set_value("no")
    _button(at, "Напред").click()
    at.run()
    _button(at, "Напред").click()
    at.run()
    at.radio(key="public.q.nps").set_value(3)
    send = _button(at, "Изпрати")
    send.click()
    at.run()
    assert at.title[0].value == "Благодарим ви!"
    again = _app(skip_token, draft)  # the same link reopened after sending
    assert again.title[0].value == "Благодарим ви!"
    assert len(_responses(app_database)) == 1


def test_english_labels_and_messages(app_database, skip_token):
    at = _app(skip_token)
    at.radio(key="public.language").set_value("en")
    at.run()
    assert at.title[0].value == "Address registration: a survey"
    _button(at, "Next").click()
    at.run()
    assert any(e.value == "This question needs an answer." for e in at.error)


def test_a_closed_questionnaire_accepts_nothing(app_database, skip_token):
    at = _app(skip_token)
    at.radio(key="public.q.used_online").set_value("no")
    _button(at, "Напред").click()
    at.run()
    _button(at, "Напред").click()
    at.run()
    with app_database.write() as session:
        from surveys.repository import questionnaire_by_slug

        set_status(session, questionnaire_by_slug(session, "skip-logic").id, "closed")
    _button(at, "Изпрати").click()
    at.run()
    assert any("затворен" in m.value for m in [*at.error, *at.info])
    assert _responses(app_database) == []


def test_a_reload_keeps_the_language_too(app_database, skip_token):
    at = _app(skip_token)
    draft = at.query_params["d"]
    draft = draft[0] if isinstance(draft, list) else draft
    at.radio(key="public.language").set_value("en")
    at.run()
    at.radio(key="public.q.used_online").set_value("no")
    _button(at, "Next").click()
    at.run()
    reloaded = _app(skip_token, draft)
    assert reloaded.title[0].value == "Address registration: a survey"
    assert [b.label for b in reloaded.button] == ["Next", "Back"]
