"""`opit import-form`, `opit import-responses` and `opit export-responses`."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from cli import main
from surveys.xlsform_export import write_xlsform
from tests.test_public_form import skip_logic_definition


@pytest.fixture
def url(database) -> str:
    return database.url


def test_import_form_prints_one_line_and_is_idempotent(url, tmp_path, capsys):
    path = tmp_path / "skip.xlsx"
    path.write_bytes(write_xlsform(skip_logic_definition()))
    assert main(["--database", url, "import-form", str(path), "--slug", "skip"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "imported as 'skip' (5 questions, languages bg, en, status draft)" in out
    assert main(["--database", url, "import-form", str(path), "--slug", "skip"]) == 0
    assert "already imported as 'skip'" in capsys.readouterr().out


def test_import_form_refuses_a_broken_form_with_sheet_and_row(url, tmp_path, capsys):
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["text", "q1", "Първи"])
    survey.append(["begin repeat", "people", "Хора"])
    survey.append(["text", "name", "Име"])
    survey.append(["end repeat", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "repeat.xlsx"
    path.write_bytes(buffer.getvalue())
    assert main(["--database", url, "import-form", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("opit: repeat.xlsx") and "[ред : 3]" in err and "survey" in err
    assert main(["--database", url, "import-form", str(tmp_path / "none.lss")]) == 2
    assert "none.lss" in capsys.readouterr().err


def test_limesurvey_archive_with_responses(url, shared_data, capsys):
    path = shared_data / "limesurvey-rc2api" / "an_other_questionnaire_different_fileformat.lsa"
    assert main(["--database", url, "import-form", str(path), "--slug", "lime"]) == 0
    out = capsys.readouterr().out
    assert "36 questions" in out and "3 added, 0 already stored, 1 unfinished" in out


def test_import_and_export_responses(url, tmp_path, capsys):
    form = tmp_path / "skip.xlsx"
    form.write_bytes(write_xlsform(skip_logic_definition()))
    assert main(["--database", url, "import-form", str(form), "--slug", "skip"]) == 0
    capsys.readouterr()
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "id;Използвахте ли онлайн услугата?;Какво ви затрудни?;seq\n"
        '1;Да;"=HYPERLINK(""http://x"")";6\n'
        "2;Не;;\n",
        encoding="cp1251",
    )
    command = ["--database", url, "import-responses", str(answers), "--questionnaire", "skip"]
    assert main(command) == 0
    assert "2 responses added, 0 already stored, 0 skipped" in capsys.readouterr().out
    assert main(command) == 0
    assert "0 responses added, 2 already stored" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    export = ["--database", url, "export-responses", "skip", "--format", "xlsx", "--out", str(out)]
    assert main(export) == 0
    sheet = load_workbook(out).active
    assert sheet.max_row == 3
    cell = next(c for c in sheet[2] if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(")
    csv_out = tmp_path / "out.csv"
    assert main([*export[:-4], "--format", "csv", "--out", str(csv_out), "--language", "en"]) == 0
    assert "'=HYPERLINK(" in csv_out.read_text(encoding="utf-8-sig")
    assert main(["--database", url, "export-responses", "nope", "--out", str(out)]) == 2


def test_import_responses_names_the_rows_that_do_not_fit(url, tmp_path, capsys):
    form = tmp_path / "skip.xlsx"
    form.write_bytes(write_xlsform(skip_logic_definition()))
    main(["--database", url, "import-form", str(form), "--slug", "skip"])
    answers = tmp_path / "bad.csv"
    answers.write_text("used_online,seq\nyes,9\nmaybe,3\n", encoding="utf-8")
    command = ["--database", url, "import-responses", str(answers), "--questionnaire", "skip"]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "[ред : 2] Колона „seq“" in err and "[ред : 3] Колона „used_online“" in err
    assert main([*command, "--skip-invalid"]) == 0
    assert "0 responses added, 0 already stored, 2 skipped" in capsys.readouterr().out
    assert main([*command, "--map", "nope=seq"]) == 2
