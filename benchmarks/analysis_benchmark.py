"""Speed of theme analysis in the product: the themes page on the demo and on 2,000 answers, and
`opit cluster` / `opit sentiment` on a 100,000-row CSV file.

    .venv/bin/python benchmarks/analysis_benchmark.py [--rows 100000] [--answers 2000]

- **Page**: the demo loaded into a temporary SQLite file; per iteration, the feedback collected
  (language and sentiment) and the analysis (`analyse_iteration`, which analyses earlier weeks
  first), cold (first call in the process: models load) and warm; then a rerun with nothing new
  (the page's case after any widget click is cheaper still: it does not analyse at all while the
  fingerprint is unchanged).
- **2,000 answers**: one iteration of a project with 2,000 open answers (the demo's sentences with
  openers and endings, about 1,400 distinct), analysed first, then again after 50 new answers
  arrive (they join existing themes or form new ones; the rest stays).
- **CLI**: a CSV of `--rows` rows (id, text, date; about 30,000 distinct texts) through both
  commands in a subprocess each: wall time and peak memory (the command's own report).

Writes the `analysis` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from prototypes import demo_answers  # noqa: E402
from prototypes import demo_content as content  # noqa: E402
from prototypes.demo import load_demo  # noqa: E402
from prototypes.repository import iterations, prototypes  # noqa: E402
from prototypes.repository_feedback import collect_feedback, feedback_fingerprint  # noqa: E402
from prototypes.repository_themes import analyse_iteration  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.schema import Answer, Question, Questionnaire, Response  # noqa: E402

SEED = 20261122
ENDINGS = ("", "", " Моля, оправете го.", " Благодаря!", " Иначе е добре.", " 🙂", " !!!")
EN_ENDINGS = ("", "", " Please fix it.", " Thanks!", " Otherwise fine.", " 🙂")


def _sentences(rng: random.Random, n: int) -> list[str]:
    pool = [(lang, text) for lang, _q, text, _w in demo_answers.OPEN_ANSWERS]
    pool += [("bg", o[3]) for o in content.OBSERVATIONS]
    out = []
    for _ in range(n):
        lang, text = rng.choice(pool)
        words = text.split()
        if len(words) > 3 and rng.random() < 0.6:  # people leave words out
            del words[rng.randrange(1, len(words))]
        text = " ".join(words)
        opener = rng.choice(demo_answers.OPENERS[lang])
        ending = rng.choice(ENDINGS if lang == "bg" else EN_ENDINGS)
        body = text[0].lower() + text[1:] if opener else text
        out.append(f"{opener}{body}{ending}")
    return out


def _timed(call):
    """The call's value, and its wall-clock seconds (its CPU seconds go to `CPU`)."""
    started, cpu = time.perf_counter(), time.process_time()
    value = call()
    CPU.append(time.process_time() - cpu)
    return value, time.perf_counter() - started


CPU: list[float] = []


def page_on_demo(folder: Path) -> list[str]:
    database = connect(f"sqlite:///{folder / 'demo.db'}")
    upgrade(database)
    load_demo(database)
    with database.read() as session:
        prototype = prototypes(session)[0]
        its = iterations(session, prototype.id)
    lines = [
        "| iteration | pieces of feedback | collect s | analyse s (CPU s) | placed in themes |"
    ]
    lines.append("|---|---:|---:|---:|---:|")
    for index, it in enumerate(its):
        with database.read() as session:
            (fingerprint, items), collect = _timed(
                lambda it=it: (
                    feedback_fingerprint(session, it.id),
                    collect_feedback(session, it.id),
                )
            )
        info, analyse = _timed(
            lambda it=it, f=fingerprint, i=items: analyse_iteration(
                database, it.id, collected=(f, i)
            )
        )
        note = " (cold: models load)" if index == 0 else ""
        lines.append(
            f"| {it.number}{note} | {len(items)} | {collect:.2f} | {analyse:.2f} ({CPU[-1]:.2f}) | "
            f"{info.clustered + info.joined} |"
        )
    _info, again = _timed(lambda: analyse_iteration(database, its[-1].id))
    lines.append(
        f"\nRe-analysis of week {its[-1].number} with nothing new: {again:.2f} s "
        f"(CPU {CPU[-1]:.2f} s)."
    )
    return lines


def _bulk_answers(database, questionnaire_id: int, question_id: int, texts, start: int) -> None:
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    with database.write() as session:
        for offset, text in enumerate(texts):
            response_id = session.execute(
                insert(Response)
                .values(
                    questionnaire_id=questionnaire_id,
                    submission_id=f"bench-{start + offset:06d}",
                    language="bg",
                    source="benchmark",
                    submitted_at=now,
                )
                .returning(Response.id)
            ).scalar_one()
            session.execute(
                insert(Answer).values(
                    response_id=response_id, question_id=question_id, value=text, text=text
                )
            )


def page_on_answers(folder: Path, n: int) -> list[str]:
    database = connect(f"sqlite:///{folder / 'big.db'}")
    upgrade(database)
    load_demo(database)
    rng = random.Random(SEED)
    with database.read() as session:
        prototype = prototypes(session)[0]
        last = iterations(session, prototype.id)[-1]
        questionnaire_id, question_id = session.execute(
            select(Questionnaire.id, Question.id)
            .join(Question, Question.questionnaire_id == Questionnaire.id)
            .where(Questionnaire.iteration_id == last.id, Question.name == "improve")
        ).one()
    _bulk_answers(database, questionnaire_id, question_id, _sentences(rng, n), 0)
    with database.read() as session:
        items = collect_feedback(session, last.id)  # warm the models
    with database.read() as session:
        (fingerprint, items), collect = _timed(
            lambda: (feedback_fingerprint(session, last.id), collect_feedback(session, last.id))
        )
    info, first = _timed(
        lambda: analyse_iteration(database, last.id, collected=(fingerprint, items), earlier=False)
    )
    first_cpu = CPU[-1]
    _bulk_answers(database, questionnaire_id, question_id, _sentences(rng, 50), n)
    more, second = _timed(lambda: analyse_iteration(database, last.id, earlier=False))
    second_cpu = CPU[-1]
    distinct = len({i.text for i in items})
    return [
        f"{len(items)} pieces of feedback ({distinct} distinct) in one iteration: collecting "
        f"them (language, sentiment) {collect:.2f} s; first analysis {first:.2f} s "
        f"(CPU {first_cpu:.2f} s) "
        f"({info.clustered} placed in {info.new_themes} themes, {info.unclassified} in none); "
        f"after 50 new answers {second:.2f} s (CPU {second_cpu:.2f} s; collecting included; "
        f"{more.joined} joined "
        f"existing themes, {more.clustered} formed {more.new_themes} new ones, "
        f"{more.kept} placements kept)."
    ]


def cli_on_rows(folder: Path, rows: int) -> list[str]:
    rng = random.Random(SEED + 1)
    path = folder / "answers.csv"
    texts = _sentences(rng, rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "date"])
        for i, text in enumerate(texts):
            writer.writerow([i, text, "2026-11-20"])
    size = path.stat().st_size / 1e6
    lines = [
        f"{rows:,} rows, {len(set(texts)):,} distinct texts, {size:.1f} MB.",
        "",
        "| command | wall s | peak memory MB |",
        "|---|---:|---:|",
    ]
    for command in (["sentiment"], ["cluster"]):
        out = folder / f"{command[0]}.csv"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cli", *command, str(path), "--text-column", "text",
             "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        peak = re.search(r"peak memory (\d+) MB", done.stderr)
        lines.append(f"| `opit {command[0]}` | {wall:.1f} | {peak[1] if peak else '?'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = page_on_demo(folder)
        print("\n".join(demo))
        big = page_on_answers(folder, args.answers)
        print("\n".join(big))
        cli = cli_on_rows(folder, args.rows)
        print("\n".join(cli))
    body = "\n".join(
        [
            "### The themes page on the demo",
            "",
            *demo,
            "",
            f"### {args.answers:,} answers in one iteration",
            "",
            *big,
            "",
            f"### `opit cluster` and `opit sentiment` on {args.rows:,} rows",
            "",
            *cli,
            "",
            "Whole commands, in a fresh process (start-up and model loading included). "
            "`sentiment` streams in chunks of 5,000 rows; `cluster` keeps the text column and "
            "reads the file twice.",
        ]
    )
    command = "python benchmarks/analysis_benchmark.py"
    if args.rows != 100_000 or args.answers != 2000:
        command += f" --rows {args.rows} --answers {args.answers}"
    write_section(
        "analysis", "Theme analysis in the product (themes page, opit cluster)", command, body
    )


if __name__ == "__main__":
    main()
