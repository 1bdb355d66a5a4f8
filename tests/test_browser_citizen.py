"""A citizen answers this week's demo questionnaire on a phone, in Chromium, and it is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.schema import Answer, Questionnaire, Response

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "out"


def _token(database) -> str:
    with database.read() as session:
        return session.scalar(select(Questionnaire.token).where(Questionnaire.status == "open"))


def _responses(database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count(Response.id)))


def test_citizen_answers_on_a_phone(served_app, phone, app_database):
    before = _responses(app_database)
    phone.goto(f"{served_app}/?s={_token(app_database)}")
    phone.get_by_role("heading", name="Как мина смяната на адреса онлайн?").wait_for()
    for item in range(1, 11):
        group = phone.get_by_role("radiogroup", name=re.compile(rf"^{item}\. "))
        group.get_by_text("4" if item % 2 else "2", exact=True).click()
    try:
        seq = phone.get_by_role("radiogroup", name=re.compile("^Като цяло"))
        seq.get_by_text("6", exact=True).click()
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(SHOTS / "fail.png"), full_page=True)
        raise
    phone.get_by_role("textbox", name="Какво бихте променили?").fill(
        "Шаблонът на декларацията е много удобен."
    )
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "citizen-phone.png"), full_page=True)
    send = phone.get_by_role("button", name="Изпрати")
    send.click()
    phone.get_by_role("heading", name="Благодарим ви!").wait_for()
    assert _responses(app_database) == before + 1
    with app_database.read() as session:
        latest = session.scalars(select(Response).order_by(Response.id.desc()).limit(1)).one()
        texts = [
            a.text
            for a in session.scalars(select(Answer).where(Answer.response_id == latest.id))
            if a.text
        ]
    assert latest.language == "bg"
    assert texts == ["Шаблонът на декларацията е много удобен."]


def test_citizen_switches_to_english(served_app, phone, app_database):
    phone.goto(f"{served_app}/?s={_token(app_database)}")
    phone.get_by_text("English", exact=True).click()
    phone.get_by_role("heading", name="How did changing your address online go?").wait_for()
    phone.get_by_role("button", name="Send").wait_for()  # the form re-renders after the title


def test_unknown_link_reaches_nothing(served_app, phone):
    phone.goto(f"{served_app}/?s=not-a-token")
    phone.get_by_role("heading", name="Тази връзка не работи").wait_for()
    assert phone.get_by_role("link", name="Седмичен преглед").count() == 0
