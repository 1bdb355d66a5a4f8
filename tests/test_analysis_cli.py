"""`opit cluster` and `opit sentiment` on CSV files: columns added to every row, encodings,
delimiters, and clear messages for bad input."""

from __future__ import annotations

import csv
import io

import pytest

from cli import main

ANSWERS = [
    "Плащането с карта не мина.",
    "Картата ми беше отхвърлена при плащането.",
    "Не можах да платя с карта.",
    "Полето за адреса не прие номера на блока.",
    "Адресът ми не беше приет, блокът липсва.",
    "The address field rejected my block number.",
    "Опашката в районната администрация беше огромна.",
    "Чаках два часа на опашка в администрацията.",
    "😡😡",
    "",
    '=HYPERLINK("http://example.com")',
]


def _write(path, rows, delimiter=",", encoding="utf-8") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _read(path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture
def answers_csv(tmp_path):
    path = tmp_path / "answers.csv"
    _write(
        path,
        [["id", "Отговор", "date"]] + [[str(i), t, "2026-11-20"] for i, t in enumerate(ANSWERS)],
    )
    return path


def test_sentiment_adds_three_columns_to_every_row(answers_csv, tmp_path):
    out = tmp_path / "out.csv"
    assert main(["sentiment", str(answers_csv), "--text-column", "Отговор", "--out", str(out)]) == 0
    rows = _read(out)
    assert rows[0] == ["id", "Отговор", "date", "language", "polarity", "sentiment"]
    assert len(rows) == len(ANSWERS) + 1
    by_text = {r[1]: r for r in rows[1:]}
    assert by_text["Плащането с карта не мина."][3] == "bg"
    assert by_text["The address field rejected my block number."][3:6:2] == ["en", "negative"]
    assert by_text["😡😡"][5] == "negative"
    assert by_text[""][3:] == ["other", "0.0", "neutral"]
    assert all(-1.0 <= float(r[4]) <= 1.0 for r in rows[1:])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Cyrillic


def test_cluster_adds_theme_columns(answers_csv, tmp_path):
    out = tmp_path / "themes.csv"
    assert (
        main(
            ["cluster", str(answers_csv), "--text-column", "Отговор", "--k", "3", "--out", str(out)]
        )
        == 0
    )
    rows = _read(out)
    assert rows[0][-2:] == ["theme_id", "theme_label"]
    assert len(rows) == len(ANSWERS) + 1
    theme = {r[1]: int(r[3]) for r in rows[1:]}
    assert theme["Плащането с карта не мина."] == theme["Не можах да платя с карта."]
    assert theme["Полето за адреса не прие номера на блока."] != theme["Плащането с карта не мина."]
    assert theme["😡😡"] == -1 and theme[""] == -1
    assert set(theme.values()) <= {-1, 0, 1, 2}
    labels = {r[4] for r in rows[1:]}
    assert all(not label.startswith("=") for label in labels)


def test_windows_1251_semicolons_and_standard_output(tmp_path, capsys):
    path = tmp_path / "cp1251.csv"
    _write(
        path,
        [["n", "text"], ["1", "Плащането не мина"], ["2", "Адресът не беше приет"]],
        ";",
        "cp1251",
    )
    assert main(["sentiment", str(path), "--text-column", "TEXT"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out), delimiter=";"))
    assert rows[1][:2] == ["1", "Плащането не мина"] and rows[1][2] == "bg"
    assert "2 rows" in captured.err


def test_utf16_and_long_texts(tmp_path):
    path = tmp_path / "utf16.csv"
    long_text = "Плащането не мина. " * 20_000  # 380,000 characters in one cell
    _write(
        path, [["text"], [long_text], ["Google Pay не работи on my iPhone 📱"]], encoding="utf-16"
    )
    out = tmp_path / "o.csv"
    assert main(["cluster", str(path), "--text-column", "text", "--out", str(out)]) == 0
    rows = _read(out)
    assert len(rows) == 3 and rows[1][0] == long_text


def test_one_answer_and_identical_answers(tmp_path):
    one = tmp_path / "one.csv"
    _write(one, [["text"], ["Плащането не мина"]])
    out = tmp_path / "o.csv"
    assert main(["cluster", str(one), "--text-column", "text", "--out", str(out)]) == 0
    assert _read(out)[1][1:] == ["0", _read(out)[1][2]]
    same = tmp_path / "same.csv"
    _write(same, [["text"]] + [["Не работи плащането."]] * 3000)
    assert main(["cluster", str(same), "--text-column", "text", "--out", str(out)]) == 0
    assert {r[1] for r in _read(out)[1:]} == {"0"}


def test_missing_column_is_a_clear_message(answers_csv, tmp_path, capsys):
    out = tmp_path / "never.csv"
    code = main(["cluster", str(answers_csv), "--text-column", "answer", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "answer" in err and "Отговор" in err and err.count("\n") == 1
    assert not out.exists()
    assert main(["sentiment", str(answers_csv), "--text-column", "nope", "--out", str(out)]) == 2
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_unreadable_inputs(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["sentiment", str(empty), "--text-column", "x"]) == 2
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 50)
    assert main(["cluster", str(binary), "--text-column", "x"]) == 2
    assert main(["cluster", str(tmp_path / "absent.csv"), "--text-column", "x"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("opit: ") for line in errors)


def test_k_must_be_positive(answers_csv):
    with pytest.raises(SystemExit) as exited:
        main(["cluster", str(answers_csv), "--text-column", "Отговор", "--k", "0"])
    assert exited.value.code == 2


def test_ragged_rows_and_blank_lines(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,text,c\n1,Плащането не мина\n\n2,Адресът,x,extra\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["sentiment", str(path), "--text-column", "text", "--out", str(out)]) == 0
    rows = _read(out)
    assert rows[1][:4] == ["1", "Плащането не мина", "", "bg"]
    assert len(rows) == 3


def test_sentiment_stays_right_when_it_forgets_what_it_scored(answers_csv, tmp_path, monkeypatch):
    # Found in review: the remembered texts were cleared after a chunk was scored and before it
    # was written, so that chunk's rows came out as "other, 0.0, neutral".
    from commands import analysis

    monkeypatch.setattr(analysis, "CHUNK_ROWS", 3)
    monkeypatch.setattr(analysis, "MAX_REMEMBERED", 2)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    main(["sentiment", str(answers_csv), "--text-column", "Отговор", "--out", str(small)])
    monkeypatch.setattr(analysis, "MAX_REMEMBERED", 10_000)
    main(["sentiment", str(answers_csv), "--text-column", "Отговор", "--out", str(large)])
    assert _read(small) == _read(large)
    by_text = {r[1]: r for r in _read(small)[1:]}
    assert by_text["The address field rejected my block number."][3:6:2] == ["en", "negative"]
    assert by_text["😡😡"][5] == "negative"
