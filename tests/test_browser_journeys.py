"""A researcher sets up a life event, a prototype and two weekly iterations in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from prototypes.repository import iterations, journey_steps, prototype_by_slug, tasks
from prototypes.repository_journeys import life_event_by_slug

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "out"
DESKTOP = {"width": 1400, "height": 1100}
STEPS = (
    ("Съобщаване за раждането", "Болница и ГРАО"),
    ("Съставяне на акт за раждане", "Районна администрация — ГРАО"),
    ("Избор на име и ЕГН", "ГРАО"),
    ("Адресна регистрация на детето", "Районна администрация"),
)


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="bg-BG")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _sign_in(page, url: str, database) -> None:
    """Signs in as a researcher when the app asks for it (the app may have no sign-in yet)."""
    page.goto(url)
    username = page.get_by_role("textbox", name="Потребителско име")
    review = page.get_by_role("heading", name="Седмичен преглед")
    username.or_(review).first.wait_for()
    if review.count():
        return
    from tests.accounts import PASSWORD, ensure_user

    ensure_user(database, "researcher")
    username.fill("test-researcher")
    page.get_by_role("textbox", name="Парола").fill(PASSWORD)
    page.get_by_role("button", name="Вход").last.click()
    review.first.wait_for()


def _open(page, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for()


def _form(page, heading: str):
    return page.get_by_test_id("stForm").filter(has_text=heading)


def _choose(page, box, option: str) -> None:
    """Pick `option` in a select box; again if a rerun of the page closed its drop-down first
    (it failed once so: the option was detached while the page opened just before redrew)."""
    for _ in range(3):
        box.click()
        # the drop-down renders only the options in view: typing filters the list down to this one
        page.keyboard.press("Control+A")
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option).first.click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"the option {option!r} could not be chosen")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journeys-browser-{name}.png"), full_page=True)


def _success(page, text: str) -> None:
    page.get_by_test_id("stAlertContentSuccess").filter(has_text=text).first.wait_for()


def test_researcher_sets_up_a_journey_and_rolls_a_prototype_forward(
    served_app, desktop, app_database
):
    page = desktop
    _sign_in(page, served_app, app_database)
    _open(page, "Житейски събития")
    try:
        # the demo journey map, with the demo's pain points on its cards
        page.get_by_text("1. Намиране на информация за услугата").first.wait_for()
        page.get_by_text(re.compile(r"проблеми: \d+")).first.wait_for()
        page.get_by_text("тежест до 4").first.wait_for()
        page.get_by_test_id("stVegaLiteChart").first.wait_for()
        _shot(page, "map")

        page.get_by_text("Ново житейско събитие").click()
        new_event = _form(page, "Създай житейското събитие")
        new_event.get_by_role("textbox", name="Име (на български)").fill("Раждане на дете")
        new_event.get_by_role("textbox", name="Име (на английски)").fill("Birth of a child")
        new_event.get_by_role("button", name="Създай житейското събитие").click()
        _success(page, "Житейското събитие „Раждане на дете“ е създадено.")

        page.get_by_role("tab", name="Редакция на пътя").click()
        for number, (name, owner) in enumerate(STEPS, start=1):
            form = _form(page, "Добавяне на стъпка")
            form.get_by_role("textbox", name="Име (на български)").fill(name)
            form.get_by_role("textbox", name="Общинско звено или институция").fill(owner)
            if number == 1:
                _choose(page, form.get_by_role("combobox", name=re.compile("Канал")), "Гише")
            form.get_by_role("button", name="Добави стъпката").click()
            _success(page, f"Стъпката „{name}“ е добавена.")
        page.get_by_role("tab", name="Карта на пътя").click()
        page.get_by_text("4. Адресна регистрация на детето").first.wait_for()

        _open(page, "Прототипи")
        page.get_by_text("Нов прототип").click()
        new_proto = _form(page, "Създай прототипа")
        new_proto.get_by_role("textbox", name="Име (на български)").fill("Онлайн акт за раждане")
        _choose(
            page,
            new_proto.get_by_role("combobox", name=re.compile("Житейско събитие")),
            "Раждане на дете",
        )
        new_proto.get_by_role("button", name="Създай прототипа").click()
        _success(page, "Прототипът „Онлайн акт за раждане“ е създаден.")

        start = _form(page, "Започни итерация 1")
        start.get_by_role("textbox", name="Какво е променено").fill("Първа версия")
        start.get_by_role("button", name="Започни итерация 1").click()
        _success(page, "Итерация 1 започна")

        page.get_by_role("tab", name="Сценарий със задачи").click()
        for title, step in (("Съобщете за раждането", STEPS[0][0]), ("Изберете име", STEPS[2][0])):
            form = _form(page, "Добавяне на задача")
            form.get_by_role("textbox", name="Задача (на български)").fill(title)
            _choose(page, form.get_by_role("combobox", name=re.compile("Стъпка от пътя")), step)
            form.get_by_role("button", name="Добави задачата").click()
            _success(page, f"Задачата „{title}“ е добавена.")

        page.get_by_role("tab", name="Итерации").click()
        start = _form(page, "Започни итерация 2")
        start.get_by_role("textbox", name="Хипотеза").fill(
            "С готов шаблон хората ще се справят сами"
        )
        start.get_by_role("button", name="Започни итерация 2").click()
        _success(page, "Итерация 2 започна")

        page.get_by_role("tab", name="Сценарий със задачи").click()
        page.get_by_text("Сценарий със задачи на итерация 2").first.wait_for()
        page.get_by_text("Пренесени от итерация 1: T1, T2").first.wait_for()
        page.get_by_text("T1. Съобщете за раждането").first.wait_for()
        page.get_by_text("T2. Изберете име").first.wait_for()
        _shot(page, "tasks")
    except Exception:
        _shot(page, "failure")
        raise

    with app_database.read() as session:
        event = life_event_by_slug(session, "birth-of-a-child")
        steps = journey_steps(session, event.id)
        proto = prototype_by_slug(session, "onlayn-akt-za-razhdane")
        its = iterations(session, proto.id)
        first, second = (tasks(session, it.id) for it in its)
    assert [s.name_bg for s in steps] == [name for name, _ in STEPS]
    assert steps[0].channel == "counter"
    assert [it.number for it in its] == [1, 2]
    assert its[1].hypothesis == "С готов шаблон хората ще се справят сами"
    assert [(t.key, t.journey_step_id) for t in second] == [
        (t.key, t.journey_step_id) for t in first
    ]
    assert second[0].journey_step_id == steps[0].id and second[1].journey_step_id == steps[2].id


def test_screenshot_upload_takes_images_only(served_app, desktop, app_database, tmp_path):
    import io

    from PIL import Image

    from prototypes.repository_iterations import screenshots

    good = tmp_path / "form.png"
    buffer = io.BytesIO()
    Image.new("RGB", (390, 844), (30, 90, 160)).save(buffer, format="PNG")
    good.write_bytes(buffer.getvalue())
    fake = tmp_path / "notes.png"
    fake.write_bytes(b"this is text with a .png name")
    page = desktop
    _sign_in(page, served_app, app_database)
    _open(page, "Прототипи")
    page.get_by_role("tab", name="Прототип и екранни снимки").click()
    for path, outcome in ((fake, "error"), (good, "success")):
        form = _form(page, "Добавете екранна снимка")
        form.locator("input[type=file]").set_input_files(str(path))
        form.get_by_text(path.name).first.wait_for()
        form.get_by_role("button", name="Качи").click()
        if outcome == "error":
            page.get_by_text("Това не е изображение PNG, JPEG, GIF или WebP.").wait_for()
        else:
            _success(page, "Екранната снимка е добавена.")
    try:
        page.get_by_text("form.png · Итерация 3").first.wait_for()
    except Exception:
        _shot(page, "upload-failure")
        raise
    with app_database.read() as session:
        proto = prototype_by_slug(session, "online-address-change")
        (shot,) = screenshots(session, proto.id)
    assert (shot.filename, shot.content_type, shot.width) == ("form.png", "image/png", 390)
