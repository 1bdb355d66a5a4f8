"""Faults: citizens keep answering while the server is killed (-9) and restarted; nothing is lost.

    .venv/bin/python benchmarks/fault_survey.py [--submissions 1000] [--kills 5]
        [--concurrency 40] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Serves a fresh demo database (SQLite in a temporary folder, or the schema `opit_faults` of the
PostgreSQL database given) with `opit serve` on a free loopback port, and lets simulated citizens
(benchmarks/streamlit_client.py: the browser's websocket protocol) answer the open questionnaire,
`--concurrency` at a time, until `--submissions` citizens have been through it. Meanwhile the server
is killed with SIGKILL `--kills` times, spread over the run, and started again after a short
downtime; with `--postgres`, PostgreSQL itself is restarted once (`pg_ctlcluster ... restart`).
A citizen whose connection drops reloads the page with the same URL, whose draft id (`d=`) is the
submission id, and goes on (as a browser that resends).

Afterwards, from the database: every submission a citizen was thanked for is stored exactly once,
with the answers that citizen gave (its texts carry the citizen's marker, its numeric choices are
the ones last sent), no citizen is stored twice under another id, and every response stored
during the run passes the questionnaire's validation (all required answers: nothing half-written).
Writes the `faults` section of benchmarks/RESULTS.md (not with --no-write). Loopback only; every
loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from streamlit_client import Citizen, Outcome  # noqa: E402

from storage.db import Database, connect, forget  # noqa: E402
from storage.schema import Answer, Question, Response  # noqa: E402
from surveys.answers import clean_answers  # noqa: E402
from surveys.definition import TEXT_TYPES  # noqa: E402
from surveys.repository import questionnaire_by_token  # noqa: E402

#: The server the benchmarks start accepts any number of answers per link (the rate limits are
#: per process and would otherwise refuse a load test coming from one address).
SERVER_ENV = {
    "OPIT_SUBMISSIONS_PER_CLIENT_HOUR": "1000000",
    "OPIT_SUBMISSIONS_PER_LINK_MINUTE": "1000000",
    "OPIT_LANGUAGE": "bg",
    "OPIT_LOG_LEVEL": "WARNING",
}
PG_RESTART = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- the server ------------------------------------------------------------------------------


def _yield_memory_first() -> None:
    """On a shared machine short of memory, the kernel ends this server before others' work."""
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("500")


class Server:
    """`opit serve` on 127.0.0.1, in a process group of its own so that it can be killed whole."""

    def __init__(self, database_url: str, log_path: Path, port: int | None = None) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, wait: float = 90.0) -> float:
        """Start and wait until it answers; returns the seconds it took."""
        started = time.monotonic()
        env = {**os.environ, **SERVER_ENV, "OPIT_DATABASE_URL": self.database_url}
        command = [sys.executable, "-m", "cli", "serve"]
        command += ["--port", str(self.port), "--address", "127.0.0.1"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_yield_memory_first,
            )  # fmt: skip
        self.starts += 1
        deadline = started + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"opit serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"opit serve did not answer within {wait} s (log: {self.log_path})")

    def kill(self) -> None:
        """SIGKILL to every process of the server: no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def pids(self) -> list[int]:
        """The server's processes: `opit serve` and the Streamlit process it runs."""
        if self.process is None:
            return []
        found, parents = [self.process.pid], {self.process.pid}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) in parents:
                found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server's processes have used, from /proc."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def rss_bytes(self) -> int:
        """Resident memory of all the server's processes, from /proc."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total


# ---- the database ----------------------------------------------------------------------------


def schema_url(url: str, schema: str) -> str:
    """`url` with every connection's search_path set to `schema` (created empty here)."""
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def prepare_database(folder: Path, postgres: str | None = None, schema: str = "opit_load") -> str:
    """A fresh database holding the demo project; returns its URL."""
    from prototypes.demo import load_demo
    from storage.migrate import upgrade

    url = schema_url(postgres, schema) if postgres else f"sqlite:///{folder / 'opit.db'}"
    database = connect(url)
    upgrade(database)
    load_demo(database)
    forget(url)
    return url


def open_token(database: Database) -> str:
    """The token of the demo's one open questionnaire."""
    from storage.schema import Questionnaire

    with database.read() as session:
        return session.scalar(select(Questionnaire.token).where(Questionnaire.status == "open"))


# ---- the checks ------------------------------------------------------------------------------


@dataclass
class Verdict:
    acknowledged: int = 0
    stored_run: int = 0  # responses stored by this run (not the demo's)
    lost: list[str] = field(default_factory=list)  # thanked, not stored
    duplicated: list[str] = field(default_factory=list)  # one citizen stored more than once
    half_written: list[str] = field(default_factory=list)  # stored but failing validation
    mismatched: list[str] = field(default_factory=list)  # stored answers are not the ones sent

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.half_written or self.mismatched)


def _flat_numbers(values: dict[str, object], types: dict[str, object]) -> list[int]:
    numbers: list[int] = []
    for name, value in values.items():
        if types.get(name) in TEXT_TYPES:
            continue
        items = value if isinstance(value, list) else [value]
        numbers += [v for v in items if isinstance(v, int) and not isinstance(v, bool)]
    return sorted(numbers)


def verify(database: Database, token: str, outcomes: list[Outcome]) -> Verdict:
    """Check, from the database, that every thanked submission is stored once and whole."""
    with database.read() as session:
        info = questionnaire_by_token(session, token)
        names = dict(
            session.execute(
                select(Question.id, Question.name).where(Question.questionnaire_id == info.id)
            ).all()
        )
        responses = session.execute(
            select(Response.id, Response.submission_id).where(
                Response.questionnaire_id == info.id, Response.source != "demo"
            )
        ).all()
        answers: dict[int, list[tuple[str, object, str | None]]] = {r.id: [] for r in responses}
        for response_id, question_id, value, other in session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value, Answer.text).where(
                Answer.response_id.in_(list(answers) or [-1])
            )
        ):
            answers[response_id].append((names[question_id], value, other))
    definition = info.definition
    types = {q.name: q.type for q in definition.questions}
    verdict = Verdict(stored_run=len(responses))
    by_submission: dict[str, list[int]] = {}
    texts: dict[int, str] = {}
    for response_id, submission_id in responses:
        by_submission.setdefault(submission_id, []).append(response_id)
        rows = answers[response_id]
        values = {name: value for name, value, _ in rows}
        others = {n: o for n, v, o in rows if o is not None and types[n] not in TEXT_TYPES}
        texts[response_id] = "\n".join(str(v) for n, v, _ in rows if types[n] in TEXT_TYPES)
        if not rows or not clean_answers(definition, values, others).ok:
            verdict.half_written.append(submission_id)
    for outcome in outcomes:
        tag = f"({outcome.marker})"
        carrying = [rid for rid, body in texts.items() if tag in body]
        if len(carrying) > 1:
            verdict.duplicated.append(outcome.marker)
        if not outcome.acknowledged:
            continue
        verdict.acknowledged += 1
        stored = by_submission.get(outcome.submission_id, [])
        if len(stored) != 1:
            (verdict.lost if not stored else verdict.duplicated).append(outcome.submission_id)
            continue
        rows = answers[stored[0]]
        sent = sorted(int(v) for v in outcome.chosen.values() if isinstance(v, str) and v.isdigit())
        wrote_text = any(tag in str(v) for v in outcome.chosen.values())
        values = {name: value for name, value, _ in rows}
        if (wrote_text and tag not in texts[stored[0]]) or sent != _flat_numbers(values, types):
            verdict.mismatched.append(outcome.submission_id)
    return verdict


# ---- the run ---------------------------------------------------------------------------------


@dataclass
class FaultRun:
    outcomes: list[Outcome] = field(default_factory=list)
    kills: list[float] = field(default_factory=list)  # seconds into the run
    restarts: list[float] = field(default_factory=list)  # seconds each start took
    pg_restarts: int = 0
    seconds: float = 0.0


async def run_faults(
    server: Server,
    token: str,
    *,
    submissions: int,
    kills: int,
    concurrency: int,
    seed: int = 9,
    time_limit: float = 900.0,
    pg_restart: bool = False,
    downtime: tuple[float, float] = (0.3, 1.5),
    progress: bool = False,
) -> FaultRun:
    """Citizens answer while the server is killed `kills` times; returns what each saw."""
    run = FaultRun()
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = started + time_limit
    next_citizen = iter(range(submissions))
    done = 0

    async def citizen_worker() -> None:
        nonlocal done
        for n in next_citizen:
            if time.monotonic() >= deadline:
                return
            citizen = Citizen(
                server.url, token, seed=seed * 100_003 + n, phone=n % 4 != 0, think=(0.0, 0.2)
            )
            run.outcomes.append(await citizen.run(deadline, max_reloads=40))
            done += 1
            if progress and done % 100 == 0:
                thanked = sum(o.acknowledged for o in run.outcomes)
                print(f"{done} citizens, {thanked} thanked, {len(run.kills)} kills", flush=True)

    async def chaos() -> None:
        marks = [submissions * (k + 1) / (kills + 1) for k in range(kills)]
        pg_mark = submissions * (kills + 0.5) / (kills + 1) if pg_restart else None
        while (marks or pg_mark is not None) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if marks and done >= marks[0]:
                marks.pop(0)
                run.kills.append(time.monotonic() - started)
                server.kill()
                await asyncio.sleep(rng.uniform(*downtime))
                run.restarts.append(await asyncio.to_thread(server.start))
            elif pg_mark is not None and done >= pg_mark:
                pg_mark = None
                await asyncio.to_thread(
                    subprocess.run, PG_RESTART, shell=True, check=True, timeout=120
                )
                run.pg_restarts += 1

    workers = [asyncio.create_task(citizen_worker()) for _ in range(concurrency)]
    monkey = asyncio.create_task(chaos())
    await asyncio.gather(*workers)
    monkey.cancel()
    run.seconds = time.monotonic() - started
    return run


def summary(run: FaultRun, verdict: Verdict) -> dict[str, object]:
    failed = [o for o in run.outcomes if not o.acknowledged]
    return {
        "citizens": len(run.outcomes),
        "thanked": verdict.acknowledged,
        "not_thanked": len(failed),
        "not_thanked_reasons": sorted({o.error or "?" for o in failed})[:5],
        "reloads": sum(o.reloads for o in run.outcomes),
        "thanked_on_reload": sum(o.acknowledged and o.thanked_on_reload for o in run.outcomes),
        "exceptions": sum(o.exceptions for o in run.outcomes),
        "kills": len(run.kills),
        "pg_restarts": run.pg_restarts,
        "kills_and_pg": f"{len(run.kills)} / {run.pg_restarts}",
        "restarts": ", ".join(f"{s:.1f}" for s in run.restarts) or "–",
        "stored_by_run": verdict.stored_run,
        "lost": len(verdict.lost),
        "duplicated": len(verdict.duplicated),
        "half_written": len(verdict.half_written),
        "mismatched": len(verdict.mismatched),
        "seconds": round(run.seconds, 1),
    }


def backend_run(postgres: str | None, args: argparse.Namespace) -> dict[str, object]:
    """One fault run on a fresh demo database; returns its summary."""
    with tempfile.TemporaryDirectory(prefix="opit-faults-") as folder:
        url = prepare_database(Path(folder), postgres, schema="opit_faults")
        server = Server(url, Path(folder) / "serve.log")
        try:
            first_start = server.start()
            token = open_token(connect(url))
            run = asyncio.run(
                run_faults(
                    server,
                    token,
                    submissions=args.submissions,
                    kills=args.kills,
                    concurrency=args.concurrency,
                    seed=args.seed,
                    time_limit=args.time_limit,
                    pg_restart=bool(postgres),
                    progress=True,
                )
            )
        finally:
            server.stop()
        forget(url)
        verdict = verify(connect(url), token, run.outcomes)
        forget(url)
        if postgres:
            drop_schema(postgres, "opit_faults")
    result = summary(run, verdict)
    result["backend"] = "PostgreSQL" if postgres else "SQLite"
    result["first_start_seconds"] = round(first_start, 1)
    result["ok"] = verdict.ok and result["not_thanked"] == 0
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument(
        "--postgres", help="also run on PostgreSQL (schema opit_faults), restarting it once"
    )
    parser.add_argument("--time-limit", type=float, default=1200.0)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = [backend_run(pg, args) for pg in ([None, args.postgres] if args.postgres else [None])]
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if not args.no_write:
        write_faults_section(args, results)
    return 0 if all(r["ok"] for r in results) else 1


def write_faults_section(args: argparse.Namespace, results: list[dict]) -> None:
    command = "python benchmarks/fault_survey.py"
    if args.postgres:
        command += f" --postgres {args.postgres}"
    lines = [
        f"{args.submissions} simulated citizens answered the demo questionnaire over the browser's "
        f"websocket protocol, {args.concurrency} at a time (3 in 4 on a phone: 4 screens), while "
        f"the one app process was killed with SIGKILL {args.kills} times, spread over the run, and "
        "started again after 0.3–1.5 s"
        + (", and PostgreSQL was restarted once" if args.postgres else "")
        + ". A citizen whose connection dropped reloaded the same URL (its draft id is the "
        "submission id) and went on, as a person would.",
        "",
        "| figure | " + " | ".join(r["backend"] for r in results) + " | must be |",
        "|---|" + "---:|" * len(results) + "---:|",
    ]

    def row(name: str, key: str, must: str = "", bold: bool = False) -> None:
        cells = [f"**{r[key]}**" if bold else str(r[key]) for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {must} |")

    row("citizens", "citizens")
    row("thanked (thank-you page shown)", "thanked", "all")
    row("thanked only after a reload (stored by a server that then died)", "thanked_on_reload")
    row("page reloads after a dropped connection", "reloads")
    row("pages that showed an error instead of the form (then reloaded)", "exceptions")
    row("server kills / PostgreSQL restarts", "kills_and_pg")
    row("seconds each restart took", "restarts")
    row("responses stored by the run", "stored_by_run", "= citizens")
    row("thanked but not stored (lost)", "lost", "0", bold=True)
    row("stored twice (same submission id or same citizen)", "duplicated", "0", bold=True)
    row("stored but incomplete (half-written)", "half_written", "0", bold=True)
    row("stored answers differ from those last sent", "mismatched", "0", bold=True)
    row("wall time, s", "seconds")
    lines += ["", "The machine is shared with other engineers' work, so times are noisy."]
    write_section("faults", "Faults: server killed during submissions", command, "\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
