"""Questionnaire imports and the citizen's submit: how long they take on the server.

    .venv/bin/python benchmarks/surveys_benchmark.py

Times, on a fresh SQLite file:

- importing the largest fixtures end to end (read, check, store in one transaction): the largest
  XLSForm pyxform accepts and Opit imports, the largest overall (refused, with its located
  problems), the LimeSurvey archive with its responses, and a generated 10,000-row response CSV
  (read, map, validate, store) — and the same CSV again, which adds nothing;
- the submit of the public form: validation and the write of one response with its draft deleted
  (the domain and database part), and the whole Streamlit run of a Send click in AppTest (the
  callback, the write and the thank-you page; AppTest's own overhead included);
- one rerun of a public-form screen, and how many reruns a completed questionnaire costs with one
  form per screen against widgets that rerun on every click.

Writes the `surveys` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402

from i18n import UserError  # noqa: E402
from prototypes.demo import load_demo  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from surveys.answers import clean_answers  # noqa: E402
from surveys.builder import starter_definition  # noqa: E402
from surveys.form_files import read_form_file  # noqa: E402
from surveys.repository import create_questionnaire, questionnaire_by_slug  # noqa: E402
from surveys.repository_drafts import Draft, new_draft_id, save_draft, send_response  # noqa: E402
from surveys.repository_imports import import_form, import_mapped_responses  # noqa: E402
from surveys.response_files import map_responses, read_response_table, suggest_mapping  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
XLSFORMS = DATA / "xlsform-pyxform" / "tests"
LSA = DATA / "limesurvey-rc2api" / "an_other_questionnaire_different_fileformat.lsa"


RERUNS = (
    "Reruns per completed questionnaire: one per screen with a form per screen (the demo "
    "questionnaire on a desktop: 1, the Send; the five-question skip-logic questionnaire on a "
    "phone: at most 5), against one per click without forms (the demo: 10 SUS items, the SEQ "
    "and 2 texts make 13 reruns before Send). Next, Back and Send run as button callbacks, so "
    "a step costs one script run, not two."
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def _import_form_file(database, path: Path, slug: str):
    def run():
        form = read_form_file(path.read_bytes(), path.name)
        with database.write() as session:
            return import_form(session, form, slug)

    return _timed(run)


def _response_csv(rows: int) -> bytes:
    rng = random.Random(7)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    statements = [f"sus_{i}" for i in range(1, 11)]
    writer.writerow(["Timestamp", *statements, "seq_overall", "liked", "improve"])
    for n in range(rows):
        writer.writerow(
            [
                f"2026-03-{1 + n % 28:02d} 10:{n % 60:02d}:{n % 59:02d}.{n}",
                *(rng.randint(1, 5) for _ in statements),
                rng.randint(1, 7),
                rng.choice(["Бързо и ясно.", "Формата е удобна", "", "Нищо"]),
                rng.choice(["Повече обяснения, тел. 0888 123 456", "", "По-голям шрифт"]),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _csv_import(database, info, data: bytes):
    def run():
        table = read_response_table(data, "responses.csv")
        mapping = suggest_mapping(table, info.definition)
        mapped = map_responses(
            table, info.definition, mapping, "Timestamp", questionnaire_key=info.slug
        )
        with database.write() as session:
            return import_mapped_responses(
                session, info.id, mapped, mapping, filename="responses.csv", skip_invalid=True
            )

    return _timed(run)


def _submits(database, count: int = 200) -> tuple[list[float], list[float]]:
    with database.read() as session:
        info = _open(session)
    raw = {"sus": [4, 2] * 5, "seq_overall": 6, "improve": "Шаблонът е удобен, ЕГН 8001010000."}
    drafts, submits = [], []
    for _ in range(count):
        draft_id = new_draft_id()
        start = time.perf_counter()
        with database.write() as session:
            save_draft(session, info.id, Draft(draft_id, {"seq_overall": 6}, {}, 1, "bg"))
        drafts.append(time.perf_counter() - start)
        start = time.perf_counter()
        answers = clean_answers(info.definition, raw)
        with database.write() as session:
            send_response(session, info.id, draft_id, answers, language="bg")
        submits.append(time.perf_counter() - start)
    return drafts, submits


def _open(session):
    from sqlalchemy import select

    from storage.schema import Questionnaire

    slug = session.scalar(select(Questionnaire.slug).where(Questionnaire.status == "open"))
    return questionnaire_by_slug(session, slug)


def _apptest_submit(database, runs: int = 15) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["OPIT_DATABASE_URL"] = database.url
    with database.read() as session:
        token = _open(session).token
    screens, sends = [], []
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["s"] = token
        at.run()
        start = time.perf_counter()
        at.run()
        screens.append(time.perf_counter() - start)
        for radio in at.radio:
            if radio.key and radio.key.startswith("public.q.sus."):
                radio.set_value(4)
        at.radio(key="public.q.seq_overall").set_value(6)
        at.text_area(key="public.q.improve").input("Формата е ясна.")
        at.button[0].click()
        start = time.perf_counter()
        at.run()
        sends.append(time.perf_counter() - start)
        assert at.title[0].value == "Благодарим ви!", at.title
    return screens, sends


def _row(label: str, values: list[float], digits: int = 0) -> str:
    median, p95 = statistics.median(values) * 1000, _p(values, 0.95) * 1000
    return f"| {label} | {median:.{digits}f} ms | {p95:.{digits}f} ms | {len(values)} |"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="opit-surveys-bench-"))
    database = connect(f"sqlite:///{folder / 'bench.db'}")
    upgrade(database)
    load_demo(database)
    lines = ["| what | size | time | result |", "| --- | --- | --- | --- |"]
    for name, label in (
        ("example_xls/extra_columns.xlsx", "largest XLSForm that imports (bytes)"),
        ("bug_example_xls/extra_columns.xls", "XLSForm with 19,998 rows"),
        ("example_xls/xlsform_spec_test.xlsx", "largest XLSForm fixture (refused)"),
    ):
        path = XLSFORMS / name
        start = time.perf_counter()
        try:
            summary, _ = _import_form_file(database, path, path.stem.replace("_", "-"))
            result = f"{len(summary.questionnaire.definition.questions)} questions stored"
        except UserError as err:  # a refusal, with every problem located, is a result too
            result = f"refused with {len(getattr(err, 'problems', [err]))} located problems"
        seconds = time.perf_counter() - start
        size = path.stat().st_size // 1024
        lines.append(f"| {label}: `{path.name}` | {size} KB | {_ms(seconds)} | {result} |")
    summary, seconds = _import_form_file(database, LSA, "lime")
    lines.append(
        f"| LimeSurvey archive with responses: `{LSA.name}` | {LSA.stat().st_size // 1024} KB | "
        f"{_ms(seconds)} | {len(summary.questionnaire.definition.questions)} questions, "
        f"{summary.added} responses stored, {summary.incomplete} unfinished skipped |"
    )
    with database.write() as session:
        info = create_questionnaire(
            session, "bench-csv", starter_definition({"bg": "Б"}, True), status="open"
        )
    data = _response_csv(10_000)
    summary, seconds = _csv_import(database, info, data)
    lines.append(
        f"| response CSV, 10,000 rows × 14 columns | {len(data) // 1024} KB | {_ms(seconds)} | "
        f"{summary.added} added, {summary.invalid} skipped |"
    )
    summary, seconds = _csv_import(database, info, data)
    lines.append(
        f"| the same CSV again | {len(data) // 1024} KB | {_ms(seconds)} | "
        f"{summary.added} added, {summary.already} already stored |"
    )
    drafts, submits = _submits(database)
    screens, sends = _apptest_submit(database)
    timings = [
        "| server time of | median | p95 | n |",
        "| --- | --- | --- | --- |",
        _row("submit: validate, store one response, delete its draft (SQLite)", submits, 1),
        _row("save a draft (every Next and Back)", drafts, 1),
        _row("Send click, whole Streamlit run in AppTest (callback, write, thank-you)", sends),
        _row("one rerun of a form screen in AppTest", screens),
    ]
    body = "\n".join(lines) + "\n\n" + "\n".join(timings)
    body += "\n\n" + RERUNS
    print(body)
    write_section(
        "surveys",
        "Questionnaires: imports and the citizen's submit",
        "python benchmarks/surveys_benchmark.py",
        body,
    )


if __name__ == "__main__":
    main()
