"""A citizen completes a skip-logic questionnaire on a phone, in Bulgarian and English (Chromium).

The phone sends a phone's user agent, so the page shows one question per screen; a reload in the
middle comes back to the same screen with the answers kept. A researcher's builder page is
photographed too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.schema import Answer, Question, Response
from surveys.repository import create_questionnaire
from tests.accounts import PASSWORD, ensure_user
from tests.browser import PHONE
from tests.test_public_form import skip_logic_definition

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "out"
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def token(app_database) -> str:
    with app_database.write() as session:
        info = create_questionnaire(
            session, "skip-browser", skip_logic_definition(), status="open", token="skipbrowser123"
        )
    return info.token


@pytest.fixture
def android(chromium):
    context = chromium.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="bg-BG", user_agent=PHONE_AGENT
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, url: str, link: str) -> None:
    """Sign in as the test researcher and open the page named `link` from the menu."""
    try:
        page.goto(url)
        page.get_by_role("textbox", name="Потребителско име").fill("test-researcher")
        page.get_by_role("textbox", name="Парола").fill(PASSWORD)
        page.get_by_role("button", name="Вход", exact=True).click()
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=link).wait_for()
    except Exception:
        _shot(page, "fail")
        raise


def _answers(database) -> dict[str, object]:
    with database.read() as session:
        latest = session.scalars(select(Response).order_by(Response.id.desc()).limit(1)).one()
        rows = session.execute(
            select(Question.name, Answer.value, Answer.text)
            .join(Answer, Answer.question_id == Question.id)
            .where(Answer.response_id == latest.id)
        ).all()
    return {"_language": latest.language} | {name: text or value for name, value, text in rows}


def _next(page, label: str) -> None:
    page.get_by_role("button", name=label).click()


def test_citizen_answers_the_yes_branch_in_bulgarian(served_app, android, app_database, token):
    page = android
    page.goto(f"{served_app}/?s={token}")
    try:
        page.get_by_role("heading", name="Адресна регистрация: кратка анкета").wait_for()
    except Exception:
        _shot(page, "fail")
        raise
    page.get_by_text("анонимни", exact=False).wait_for()  # the privacy notice comes first
    _shot(page, "questionnaire-phone-bg-1")
    page.get_by_role("radiogroup", name=re.compile("^Използвахте ли")).get_by_text("Да").click()
    _next(page, "Напред")
    box = page.get_by_role("textbox", name="Какво ви затрудни?")
    box.fill("Не намерих къде да кача договора. Тел. 0888 123 456")
    assert page.get_by_text("Стъпка 2 от 4").is_visible()
    _next(page, "Напред")
    seq = page.get_by_role("radiogroup", name=re.compile("^Колко лесно"))
    seq.wait_for()
    page.reload()  # a dropped tab or a reload keeps the screen and the answers
    seq = page.get_by_role("radiogroup", name=re.compile("^Колко лесно"))
    seq.get_by_text("6", exact=True).click()
    _shot(page, "questionnaire-phone-bg-3")
    _next(page, "Назад")
    from playwright.sync_api import expect

    expect(page.get_by_role("textbox", name="Какво ви затрудни?")).to_have_value(
        re.compile("^Не намерих")
    )
    _next(page, "Напред")
    page.get_by_role("radiogroup", name=re.compile("^Колко лесно")).get_by_text(
        "6", exact=True
    ).click()
    _next(page, "Напред")
    nps = page.get_by_role("radiogroup", name=re.compile("^Бихте ли препоръчали"))
    nps.get_by_text("9", exact=True).click()
    _next(page, "Изпрати")
    page.get_by_role("heading", name="Благодарим ви!").wait_for()
    _shot(page, "questionnaire-phone-bg-done")
    stored = _answers(app_database)
    assert stored["_language"] == "bg"
    assert stored["used_online"] == "yes" and stored["seq"] == 6 and stored["nps"] == 9
    assert "0888" not in stored["difficulty"] and "channel" not in stored


def test_citizen_answers_the_no_branch_in_english(served_app, android, app_database, token):
    page = android
    page.goto(f"{served_app}/?s={token}")
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Address registration: a survey").wait_for()
    page.get_by_role("radiogroup", name=re.compile("^Did you use")).get_by_text("No").click()
    _next(page, "Next")
    channel = page.get_by_role("toolbar", name=re.compile("^How did you apply instead"))
    channel.get_by_role("button", name="By post").click()
    _shot(page, "questionnaire-phone-en-2")
    _next(page, "Next")
    nps = page.get_by_role("radiogroup", name=re.compile("^Would you recommend"))
    nps.get_by_text("7", exact=True).click()
    assert page.get_by_role("radiogroup", name=re.compile("^How easy")).count() == 0
    _next(page, "Send")
    page.get_by_role("heading", name="Thank you!").wait_for()
    stored = _answers(app_database)
    assert stored["_language"] == "en"
    assert stored["channel"] == ["post"] and stored["nps"] == 7 and "seq" not in stored


def test_researcher_builder_page(served_app, chromium, app_database):
    ensure_user(app_database, "researcher")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="bg-BG")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _sign_in(page, served_app, "Въпросници")
        page.get_by_role("tab", name="Връзка и QR код").click()
        page.get_by_role("img").first.wait_for()
        _shot(page, "questionnaire-builder")
        assert page.get_by_text("?s=").count() >= 1
        page.get_by_role("tab", name="Въпроси").click()
        page.get_by_role("button", name="Запази въпроса").wait_for()
        _shot(page, "questionnaire-builder-questions")
    finally:
        context.close()


def test_researcher_imports_a_response_file_twice(served_app, chromium, app_database, tmp_path):
    from storage.schema import Questionnaire

    ensure_user(app_database, "researcher")
    with app_database.write() as session:  # this week's second questionnaire: the page's default
        week = session.scalar(
            select(Questionnaire.iteration_id).where(Questionnaire.status == "open")
        )
        create_questionnaire(session, "skip-import", skip_logic_definition(), iteration_id=week)
    answers = tmp_path / "google-forms.csv"
    answers.write_text(
        "Timestamp,Използвахте ли онлайн услугата?,Колко лесно беше?,nps\n"
        "2026/03/02 10:00:00,Да,6,9\n"
        "2026/03/02 10:05:00,Не,,11\n",
        encoding="utf-8",
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="bg-BG")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _sign_in(page, served_app, "Внасяне на попълнени анкети")
        page.locator("input[type=file]").set_input_files(str(answers))
        page.get_by_text("2. Проверка на редовете").wait_for()
        page.get_by_text("Внеси редовете без проблеми").click()
        _shot(page, "response-import")
        page.get_by_role("button", name="Внеси отговорите").click()
        page.get_by_text("Добавени отговори: 1; внесени преди: 0; пропуснати: 1.").wait_for()
        page.get_by_role("button", name="Внеси отговорите").click()  # the same file again
        page.get_by_text("Добавени отговори: 0; внесени преди: 1; пропуснати: 1.").wait_for()
    finally:
        context.close()
