"""Reports: the Excel workbook reads back, the PDF renders, and nothing in them can run."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cli import main
from i18n import UserError
from prototypes.reports import build_report, report_filename, resolve
from prototypes.reports import fonts as report_fonts
from prototypes.reports.content import interval, number, percent
from prototypes.reports.xlsx import FORMULA_STARTS, safe
from prototypes.repository import iterations, prototype_by_slug
from prototypes.repository_decisions import DecisionInput, add_decision
from storage.schema import Answer, Theme, ThemeMember

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _setup(database):
    with database.write() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        its = iterations(session, prototype.id)
        theme = Theme(prototype_id=prototype.id, key="=cmd", label="=2+5")
        session.add(theme)
        session.flush()
        answer = session.scalars(
            select(Answer).where(Answer.text.is_not(None)).order_by(Answer.id.desc())
        ).first()
        answer.text = "-1+1 ще бъде приложено"
        session.add(
            ThemeMember(
                theme_id=theme.id, iteration_id=its[-1].id, source="answer", source_id=answer.id
            )
        )
        add_decision(
            session,
            its[-1].id,
            DecisionInput(RISKY[0], rationale=RISKY[3], owner="+359", theme_keys=["=cmd"]),
        )
        for text in RISKY[1:]:
            add_decision(session, its[-1].id, DecisionInput(text + " решение"))
        return prototype, its


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def test_workbook_reads_back_with_its_sheets_charts_and_numbers(demo_database):
    prototype, its = _setup(demo_database)
    with demo_database.read() as session:
        data = build_report(session, prototype.id, its[-1].id, "xlsx", "bg")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "Обобщение",
        "Показатели",
        "Задачи",
        "Път на потребителя",
        "Теми",
        "Решения",
    ]
    summary = [c for row in wb["Обобщение"].iter_rows(values_only=True) for c in row if c]
    assert summary[0] == "Седмичен преглед — Онлайн промяна на адресна регистрация"
    assert "Итерация 3 · седмица 2026-W46" in summary
    assert any(str(c).startswith("Оценката по SUS се повиши") for c in summary)
    metrics = list(wb["Показатели"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in metrics] == [1, 2, 3]
    assert all(isinstance(r[4], float) and r[5] < r[4] < r[6] for r in metrics)
    assert wb["Показатели"]["E2"].number_format == "0.0"
    assert len(wb["Показатели"]._charts) == 1 and len(wb["Задачи"]._charts) == 1
    assert len(wb["Път на потребителя"]._charts) == 1
    tasks = [r for r in wb["Задачи"].iter_rows(min_row=2, values_only=True) if r[2]]
    assert {r[2] for r in tasks} >= {"T1", "T5"}
    themes = list(wb["Теми"].iter_rows(min_row=2, values_only=True))
    assert themes[0][:2] == ("'=2+5", "нова") and "-1+1" in themes[0][5]
    decisions = list(wb["Решения"].iter_rows(min_row=2, values_only=True))
    assert len(decisions) == len(RISKY)
    assert decisions[0][2:6] == ("'" + RISKY[0], "'" + RISKY[3], "'+359", "планирано")


def test_no_cell_of_the_workbook_can_start_a_formula(demo_database):
    prototype, its = _setup(demo_database)
    with demo_database.read() as session:
        data = build_report(session, prototype.id, its[-1].id, "xlsx", "en")
    wb = load_workbook(io.BytesIO(data))
    texts = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    assert not cell.value.startswith(FORMULA_STARTS), (ws.title, cell.value)
    assert texts > 50
    assert safe("=1") == "'=1" and safe("ok") == "ok" and safe(-3) == -3
    assert safe("a\x00b\x1fc") == "abc"


def test_pdf_renders_one_or_two_pages_in_each_language(demo_database):
    prototype, its = _setup(demo_database)
    pypdf = pytest.importorskip("pypdf")
    texts = {}
    for lang in ("bg", "en"):
        with demo_database.read() as session:
            data = build_report(session, prototype.id, its[-1].id, "pdf", lang)
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert 1 <= _pdf_pages(data) <= 2
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert len(reader.pages) == _pdf_pages(data)
        texts[lang] = "\n".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages[0].images) == 1  # the trend chart
    assert "Седмичен преглед" in texts["bg"] and "Основни показатели" in texts["bg"]
    assert "Weekly review" in texts["en"] and "Key figures" in texts["en"]
    assert "Итерация 3" in texts["bg"] and "Iteration 3" in texts["en"]
    for text in texts.values():
        assert "P-0" not in text  # participant codes never appear


def test_first_iteration_and_an_iteration_without_data_still_render(demo_database):
    from prototypes.repository import TaskInput, add_iteration

    with demo_database.write() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        its = iterations(session, prototype.id)
        empty = add_iteration(
            session, prototype.id, its[-1].monday().replace(day=23), [TaskInput("T1", "Задача")]
        )
    for iteration_id in (its[0].id, empty):
        for fmt in ("xlsx", "pdf"):
            with demo_database.read() as session:
                data = build_report(session, prototype.id, iteration_id, fmt, "bg")
            assert data[:4] in (b"PK\x03\x04", b"%PDF")


def test_resolve_names_the_fix(demo_database):
    with demo_database.read() as session:
        prototype, latest = resolve(session, "online-address-change", None)
        assert latest.number == 3
        assert resolve(session, "online-address-change", 1)[1].number == 1
        with pytest.raises(UserError, match="Known: online-address-change"):
            resolve(session, "nope", None)
        with pytest.raises(UserError, match="no iteration 7"):
            resolve(session, "online-address-change", 7)
        with pytest.raises(UserError):
            build_report(session, prototype.id, latest.id, "csv", "bg")
    assert report_filename(prototype, latest, "pdf") == (
        "opit-online-address-change-03-2026-W46.pdf"
    )


def test_the_report_command_writes_both_formats(app_database, tmp_path, capsys):
    for name, magic in (("board.pdf", b"%PDF"), ("team.xlsx", b"PK")):
        out = tmp_path / name
        args = ["report", "--prototype", "online-address-change", "--out", str(out)]
        assert main([*args, "--iteration", "2", "--language", "en"]) == 0
        assert out.read_bytes().startswith(magic)
    assert "iteration 2 (2026-W45)" in capsys.readouterr().err
    assert main(["report", "--prototype", "online-address-change", "--out", "x.csv"]) == 2
    assert main(["report", "--prototype", "nope", "--out", str(tmp_path / "r.pdf")]) == 2
    assert "nope" in capsys.readouterr().err


def test_font_is_found_in_a_package_first_and_missing_fonts_name_the_fix(monkeypatch):
    found = report_fonts.candidates()
    assert found and found[0].regular.is_file()
    assert found[0].source in (
        "font-roboto (PyPI)",
        "matplotlib (PyPI)",
        "fonts-dejavu-core (Debian)",
    )
    report_fonts.report_font.cache_clear()
    monkeypatch.setattr(report_fonts, "candidates", lambda: [])
    try:
        with pytest.raises(UserError, match="font-roboto"):
            report_fonts.report_font()
    finally:
        report_fonts.report_font.cache_clear()


def test_numbers_follow_the_language():
    assert number(72.345, 1, "bg") == "72,3" and number(72.345, 1, "en") == "72.3"
    assert number(-0.04, 1, "en") == "0.0" and number(-2, 0, "en") == "\u22122"
    assert number(3, 0, "en", signed=True) == "+3" and number(None, 1, "bg") == "—"
    assert percent(0.825, "bg") == "82%" and percent(None, "en") == "—"
    assert interval(0.51, 1.0, 0, "en", 100) == "51–100" and interval(None, 1, 0, "en") == "—"
