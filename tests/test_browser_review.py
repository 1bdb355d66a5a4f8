"""The weekly review in Chromium: a researcher signs in, reads the scorecard, downloads both
reports, and records a decision."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.accounts import PASSWORD, ensure_user
from tests.browser import DESK as DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "out"


def _sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Потребителско име").fill("test-researcher")
    page.get_by_role("textbox", name="Парола").fill(PASSWORD)
    page.get_by_role("button", name="Вход", exact=True).click()
    page.get_by_role("heading", name="Седмичен преглед").wait_for()


def _download(page, name: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=name).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_review_page_and_its_reports(served_app, desk, app_database):
    ensure_user(app_database, "researcher")
    _sign_in(desk, served_app)
    desk.get_by_text("Среден SUS").first.wait_for()
    desk.get_by_role("heading", name="Къде по пътя са проблемите").wait_for()
    desk.get_by_text("Липсват тази седмица").wait_for()
    desk.locator(".vega-embed").nth(2).wait_for()
    SHOTS.mkdir(exist_ok=True)
    desk.set_viewport_size({"width": 1400, "height": 3400})  # the app scrolls inside its main area
    desk.locator(".vega-embed").nth(2).wait_for()
    desk.screenshot(path=str(SHOTS / "review-desktop.png"))
    desk.set_viewport_size(DESKTOP)

    name, data = _download(desk, "Отчет в Excel (.xlsx)")
    assert name == "opit-online-address-change-03-2026-W46.xlsx"
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "Обобщение"

    name, data = _download(desk, "PDF за ръководството")
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    (SHOTS / "review-report.pdf").write_bytes(data)


def test_a_decision_recorded_in_the_browser(served_app, desk, app_database):
    ensure_user(app_database, "researcher")
    _sign_in(desk, served_app)
    desk.get_by_role("link", name="Решения").click()
    desk.get_by_role("heading", name="Решения").wait_for()
    desk.get_by_role("textbox", name="Какво ще промени екипът?").fill(
        "Бутонът „Напред“ винаги видим на телефона"
    )
    desk.get_by_role("textbox", name="Отговорник").fill("Весела")
    desk.get_by_role("button", name="Записване на решението").click()
    desk.get_by_text("Решението е записано.").wait_for()
    desk.get_by_text("- Бутонът „Напред“ винаги видим на телефона (Весела)").wait_for()
    desk.set_viewport_size({"width": 1400, "height": 1800})
    desk.screenshot(path=str(SHOTS / "decisions-desktop.png"))
