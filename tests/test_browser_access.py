"""Who reaches what, in a real browser: anonymous visitors, citizens' links, reviewers, lockout."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storage.schema import Participant, Questionnaire
from tests.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "out"
STAFF_LINKS = ("Седмичен преглед", "Интервюта", "Отговори", "Участници", "Профили")


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="bg-BG")
    page = context.new_page()
    page.set_default_timeout(60_000)  # a fresh server's first page is slow on a busy machine
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _no_staff_links(page) -> None:
    # expect() retries: a page being redrawn after sign-out shows the old run's elements until
    # the new run replaces them
    for name in STAFF_LINKS:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_anonymous_visitor_sees_only_the_sign_in_page(served_app, desktop, accounts):
    for path in ("/", "/interviews", "/responses", "/accounts"):
        desktop.goto(served_app + path)
        desktop.get_by_role("heading", name="Вход в Opit").wait_for()
        _no_staff_links(desktop)
        assert desktop.get_by_text("Среден SUS").count() == 0
    _shot(desktop, "access-sign-in.png")


def test_questionnaire_link_shows_that_questionnaire_alone(served_app, phone, app_database):
    with app_database.read() as session:
        token = session.scalar(select(Questionnaire.token).where(Questionnaire.status == "open"))
    phone.goto(f"{served_app}/?s={token}")
    phone.get_by_role("heading", name="Как мина смяната на адреса онлайн?").wait_for()
    _no_staff_links(phone)
    assert phone.get_by_role("heading", name="Вход в Opit").count() == 0
    phone.goto(f"{served_app}/interviews?s={token}")  # another page's address with the link
    phone.get_by_role("heading", name="Как мина смяната на адреса онлайн?").wait_for()
    _no_staff_links(phone)


def test_reviewer_cannot_open_participant_details(served_app, desktop, accounts, app_database):
    with app_database.read() as session:
        codes = session.scalars(select(Participant.code)).all()
    sign_in_page(desktop, served_app, *accounts["reviewer"])
    desktop.get_by_role("heading", name="Седмичен преглед").wait_for()
    desktop.get_by_text("Среден SUS").first.wait_for()
    assert desktop.get_by_role("link", name="Седмичен преглед", exact=True).count() == 1
    for name in ("Интервюта", "Отговори", "Участници", "Профили", "Лични данни"):
        assert desktop.get_by_role("link", name=name, exact=True).count() == 0, name
    _shot(desktop, "access-reviewer.png")
    for path in ("/participants", "/interviews", "/personal-data"):
        desktop.goto(served_app + path)
        desktop.get_by_role("heading").first.wait_for()
        body = desktop.locator("body").inner_text()
        assert not [code for code in codes if code in body], path


def test_researcher_signs_in_where_the_link_pointed_and_out(served_app, desktop, accounts):
    sign_in_page(desktop, served_app, *accounts["researcher"], path="/interviews")
    desktop.get_by_role("heading", name="Интервюта").wait_for()
    desktop.get_by_role("link", name="Отговори", exact=True).wait_for()
    desktop.get_by_role("button", name="Изход").click()
    desktop.get_by_role("heading", name="Вход в Opit").wait_for()
    _no_staff_links(desktop)


def test_lockout_after_repeated_wrong_passwords(served_app, desktop, accounts):
    username, password = accounts["researcher"]
    for attempt in range(5):
        sign_in_page(desktop, served_app, username, f"wrong password {attempt}")
        desktop.get_by_text("не са верни" if attempt < 4 else "заключен").wait_for()
    sign_in_page(desktop, served_app, username, password)
    desktop.get_by_text("заключен").wait_for()
    _no_staff_links(desktop)
    _shot(desktop, "access-locked.png")
