"""Hostile files: every importer ends in success or a clear UserError, never a crash or half-write.
The seed files are built in fuzz_seeds.py and damaged in fuzz_mutations.py.

    .venv/bin/python benchmarks/fuzz_importers.py [--cases 12000] [--seed 1] [--timeout 10]
        [--targets xlsform,limesurvey,...] [--workers 1] [--no-write]

Builds valid seed files of every kind Opit imports (XLSForm from the demo questionnaire and a form
of every question type; LimeSurvey .lss and .lsa with responses; CSV and XLSX response exports;
WebVTT, SRT, plain text and Word transcripts; a REFI-QDA codebook; the demo's journey JSON with a
screenshot; a logical and a SQLite backup; plus the public samples in ../shared/data when present),
then mutates them, case by case, from a fixed seed: bit flips, byte changes, truncation, chunk
duplication and deletion, splices, zip members mutated and re-zipped, zip bombs, path-traversal and
duplicate members, XML entity bombs, external entities and deep nesting, formula strings,
HTML/script payloads, huge cells, wrong encodings, JSON turned inside out, and image bombs.

Each case runs in a worker process with a per-case timeout (a hang) and a memory limit, through
the same calls the app and the command line make: the reader, then the store in one
`database.write()` for the importers that write (questionnaire files, response files, transcripts,
codebooks, journeys) and `restore` into an empty database for backups. A case passes when it
succeeds or raises `i18n.UserError` whose message renders in Bulgarian and English, and, when it
raised, the database is exactly as it was (row count and highest rowid of every table). Failing
inputs are saved to benchmarks/out/fuzz-failures/. Writes the `fuzz` section of
benchmarks/RESULTS.md (not with --no-write); exits 1 when any case failed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import multiprocessing
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402
from fuzz_mutations import Case, make_case  # noqa: E402
from fuzz_seeds import Workspace, build_workspace  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "fuzz-failures"
MEMORY_LIMIT = 3 * 1024**3
FAILURES = ("crash", "hang", "partial-write", "bad-message")
TARGETS = (
    "xlsform",
    "limesurvey",
    "responses",
    "transcript",
    "codebook",
    "journey",
    "backup",
)


@dataclass
class Result:
    case: Case
    status: str  # ok, user-error, crash, hang, partial-write, bad-message
    detail: str = ""
    where: str = ""
    seconds: float = 0.0


# ---- the importers, as the app calls them (run in the worker) ----------------------------------


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and highest rowid of every table: what a partial write would change."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: tuple(
                conn.execute(f'SELECT count(*), coalesce(max(rowid), 0) FROM "{t}"').fetchone()
            )
            for t in tables
            if not t.startswith("sqlite_")
        }
    finally:
        conn.close()


class PartialWrite(Exception):
    pass


class Importers:
    """Each importer as the app runs it; the writing ones inside one `database.write()`."""

    def __init__(self, work: Workspace) -> None:
        from storage.db import connect

        self.work = work
        self.db_path = work.folder / f"work-{os.getpid()}.db"
        self.url = f"sqlite:///{self.db_path}"
        self.dirty = True
        database = connect(f"sqlite:///{work.template}")
        with database.read() as session:
            from sqlalchemy import select

            from storage.schema import InterviewSession, Questionnaire

            self.questionnaire_id, self.slug = session.execute(
                select(Questionnaire.id, Questionnaire.slug).where(Questionnaire.status == "open")
            ).one()
            self.interview_id = session.scalar(select(InterviewSession.id).limit(1))

    def database(self):
        from storage.db import connect, forget

        if self.dirty:
            forget(self.url)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
            shutil.copy(self.work.template, self.db_path)
            self.dirty = False
        return connect(self.url)

    def stored(self, store) -> None:
        """Run `store(session)` in one write transaction; on an error nothing may have changed."""
        from i18n import UserError

        database = self.database()
        before = fingerprint(self.db_path)
        try:
            with database.write() as session:
                store(session)
        except UserError:
            if fingerprint(self.db_path) != before:
                self.dirty = True
                raise PartialWrite("the database changed although the import was refused") from None
            raise
        except BaseException:
            self.dirty = True
            raise
        self.dirty = True

    def run(self, target: str, data: bytes, filename: str) -> None:
        getattr(self, target.replace("-", "_"))(data, filename)

    def xlsform(self, data: bytes, filename: str) -> None:
        from surveys.form_files import read_form_file
        from surveys.repository_imports import import_form

        form = read_form_file(data, filename)
        self.stored(lambda session: import_form(session, form, "fuzz-form"))

    limesurvey = xlsform

    def responses(self, data: bytes, filename: str) -> None:
        from surveys.repository import questionnaire_by_id
        from surveys.repository_imports import import_mapped_responses
        from surveys.response_files import (
            map_responses,
            read_response_table,
            suggest_id_column,
            suggest_mapping,
        )

        table = read_response_table(data, filename)
        with self.database().read() as session:
            definition = questionnaire_by_id(session, self.questionnaire_id).definition
        mapping = suggest_mapping(table, definition)
        if not mapping:
            return
        mapped = map_responses(
            table, definition, mapping, suggest_id_column(table), questionnaire_key=self.slug
        )
        skip = hashlib.sha256(data).digest()[0] % 2 == 0
        self.stored(
            lambda session: import_mapped_responses(
                session, self.questionnaire_id, mapped, mapping, filename=filename,
                skip_invalid=skip,
            )
        )  # fmt: skip

    def transcript(self, data: bytes, filename: str) -> None:
        from research.repository_transcripts import import_transcript
        from research.transcripts import read_transcript

        transcript = read_transcript(data, filename)
        names = {speaker: f"P-{n}" for n, speaker in enumerate(transcript.speakers, start=1)}
        self.stored(
            lambda session: import_transcript(
                session, self.interview_id, transcript, names, title=filename
            )
        )

    def codebook(self, data: bytes, filename: str) -> None:
        from research.repository_tags import import_codebook

        self.stored(lambda session: import_codebook(session, data))

    def journey(self, data: bytes, filename: str) -> None:
        from prototypes.exchange import loads
        from prototypes.repository_exchange import write_document

        doc = loads(data, 5_000_000)
        self.stored(lambda session: write_document(session, doc))

    def backup(self, data: bytes, filename: str) -> None:
        from i18n import UserError
        from storage.backup import restore
        from storage.db import connect, forget

        source = self.work.folder / f"case-{os.getpid()}{Path(filename).suffix or '.zip'}"
        source.write_bytes(data)
        target = self.work.folder / f"restored-{os.getpid()}.db"
        url = f"sqlite:///{target}"
        forget(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.work.empty, target)
        try:
            restore(connect(url), source)
        except UserError:
            forget(url)
            rows = {t: n for t, (n, _) in fingerprint(target).items() if t != "alembic_version"}
            if any(rows.values()):
                raise PartialWrite("a refused restore left rows in the database") from None
            raise
        finally:
            forget(url)


def _where(exc: BaseException) -> str:
    """The deepest frame of the project's own code (not a library's) that the error passed."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if str(ROOT) in f.filename and ".venv" not in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = Path(frame.filename)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{name}:{frame.lineno} {frame.name}"


def run_one(importers: Importers, case: Case) -> Result:
    from i18n import UserError

    started = time.monotonic()
    try:
        importers.run(case.target, case.data, case.filename)
        status, detail, where = "ok", "", ""
    except PartialWrite as exc:
        status, detail, where = "partial-write", str(exc), _where(exc)
    except UserError as exc:
        status, detail, where = "user-error", "", ""
        try:
            for lang in ("bg", "en"):
                message = exc.render(lang)
                if not isinstance(message, str) or not message.strip():
                    raise ValueError(f"empty message in {lang}")
            detail = exc.render("en")[:200]
        except Exception as bad:  # a message that cannot be shown is not a clear error
            status, detail, where = "bad-message", f"{type(bad).__name__}: {bad}"[:300], _where(bad)
    except BaseException as exc:  # everything else is a crash, MemoryError and RecursionError too
        status, detail, where = "crash", f"{type(exc).__name__}: {exc}"[:300], _where(exc)
    return Result(case, status, detail, where, time.monotonic() - started)


def _address_space() -> int:
    """Bytes of virtual memory this process maps now (VmSize), 0 where /proc cannot tell."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        line = next(x for x in status if x.startswith("VmSize:"))
        return int(line.split()[1]) * 1024
    return 0


def _worker(conn, work: Workspace) -> None:
    # MEMORY_LIMIT more than the worker inherited: a fork of a large process (pytest after the
    # browser tests maps over 3 GB) under a flat 3 GB limit could not even map SQLite's WAL index,
    # and every case failed with "disk I/O error"
    limit = _address_space() + MEMORY_LIMIT
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(OSError):  # on a shared machine short of memory, die first
        Path("/proc/self/oom_score_adj").write_text("1000")
    with contextlib.suppress(Exception):  # and die with the parent (PR_SET_PDEATHSIG)
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)
    import logging

    logging.disable(logging.CRITICAL)
    importers = Importers(work)
    while True:
        case = conn.recv()
        if case is None:
            return
        result = run_one(importers, case)
        result.case = None  # the parent has it; do not send the data back
        conn.send(result)


class Runner:
    """One worker process at a time; a case that outlives its timeout is a hang."""

    def __init__(self, work: Workspace, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.context = multiprocessing.get_context("fork")
        self.process = None
        self.conn = None

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        self.process = self.context.Process(target=_worker, args=(child, self.work), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent

    def run(self, case: Case) -> Result:
        """The case's result; a hang or a dead worker is tried once more in a fresh worker with
        twice the time (a busy shared machine, or the kernel's OOM killer, can fake either)."""
        result = self._run(case, self.timeout)
        if result.status in ("hang", "crash") and result.detail.startswith(("no answer", "the wo")):
            self.stop(kill=True)
            result = self._run(case, 2 * self.timeout)
        return result

    def _run(self, case: Case, timeout: float) -> Result:
        if self.process is None or not self.process.is_alive():
            self._start()
        started = time.monotonic()
        try:
            self.conn.send(case)
            if self.conn.poll(timeout):
                result = self.conn.recv()
                result.case = case
                return result
            status, detail = "hang", f"no answer within {timeout:g} s"
        except (EOFError, OSError, BrokenPipeError) as exc:
            status, detail = "crash", f"the worker died: {type(exc).__name__}"
        self.stop(kill=True)
        return Result(case, status, detail, "", time.monotonic() - started)

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)
        self.process = None


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if r.status in FAILURES]

    def by_target(self) -> dict[str, collections.Counter]:
        table: dict[str, collections.Counter] = {}
        for r in self.results:
            table.setdefault(r.case.target, collections.Counter())[r.status] += 1
        return table

    def groups(self) -> list[tuple[tuple[str, str, str], list[Result]]]:
        """Failures grouped by importer, kind and place: one group is one bug, most likely."""
        found: dict[tuple[str, str, str], list[Result]] = {}
        for r in self.failures:
            kind = r.detail.split(":")[0] if r.status == "crash" else r.status
            found.setdefault((r.case.target, kind, r.where), []).append(r)
        return sorted(found.items(), key=lambda item: -len(item[1]))


def fuzz(
    work: Workspace,
    cases: int,
    *,
    seed: int = 1,
    timeout: float = 10.0,
    targets: tuple[str, ...] = TARGETS,
    time_limit: float = 3600.0,
    progress=None,
    workers: int = 1,
) -> Report:
    """Run `cases` mutated files through the importers, each in a worker with a timeout."""
    report = Report()
    runners = [Runner(work, timeout) for _ in range(workers)]
    for runner in runners:  # fork the workers before any thread runs
        runner._start()
    lock = threading.Lock()
    indexes = iter(range(cases))
    started = time.monotonic()

    def loop(runner: Runner) -> None:
        while time.monotonic() - started <= time_limit:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            try:
                case = make_case(work, index, seed, targets)
            except Exception as exc:  # a bug of the mutator: say so, keep fuzzing
                print(f"case {index}: the mutator failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            result = runner.run(case)
            with lock:
                report.results.append(result)
                if progress is not None:
                    progress(result)

    threads = [threading.Thread(target=loop, args=(r,), daemon=True) for r in runners]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for runner in runners:
            runner.stop()
    report.results.sort(key=lambda r: r.case.index)
    report.seconds = time.monotonic() - started
    return report


def save_failures(report: Report, folder: Path = OUT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for (target, _kind, where), results in report.groups():
        first = results[0]
        stem = f"{target}-{first.case.index}"
        (folder / f"{stem}-{Path(first.case.filename).name}").write_bytes(first.case.data)
        (folder / f"{stem}.txt").write_text(
            f"{target} {first.case.filename} mutation={first.case.mutation}\n{first.status}: "
            f"{first.detail}\nat {where}\ncases like it: {len(results)}\n",
            encoding="utf-8",
        )


# ---- the benchmark -----------------------------------------------------------------------------


def summary_markdown(report: Report, args: argparse.Namespace) -> str:
    lines = [
        f"{len(report.results):,} mutated files (seed {args.seed}, {args.timeout:g} s per case, "
        f"{MEMORY_LIMIT // 1024**3} GB memory limit) through every importer, as the app calls "
        f"them, in {report.seconds:.0f} s. A case passes when it imports or raises a UserError "
        "that renders in both languages, and a refused import leaves the database unchanged.",
        "",
        "| importer | cases | imported | refused (UserError) | crash | hang | partial write | "
        "bad message | mean | slowest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    slowest: dict[str, float] = {}
    total: dict[str, float] = collections.Counter()
    for r in report.results:
        slowest[r.case.target] = max(slowest.get(r.case.target, 0.0), r.seconds)
        total[r.case.target] += r.seconds
    for target, counts in report.by_target().items():
        lines.append(
            f"| {target} | {sum(counts.values()):,} | {counts['ok']:,} | {counts['user-error']:,} "
            f"| {counts['crash']} | {counts['hang']} | {counts['partial-write']} | "
            f"{counts['bad-message']} | {1000 * total[target] / sum(counts.values()):.0f} ms | "
            f"{slowest[target]:.1f} s |"
        )
    mutations = collections.Counter(
        m.split("_")[0] if not m.startswith("zip") else "_".join(m.split("_")[:2])
        for r in report.results
        for m in r.case.mutation.split("+")
    )
    lines += [
        "",
        "Mutations applied (a case may stack up to three): "
        + ", ".join(f"{name} {n:,}" for name, n in mutations.most_common()),
        "",
    ]
    groups = report.groups()
    if groups:
        lines += [
            f"**{len(report.failures)} cases failed**, in {len(groups)} places "
            "(inputs in benchmarks/out/fuzz-failures/):",
            "",
            "| importer | failure | where | cases | example mutation |",
            "|---|---|---|---:|---|",
        ]
        for (target, _kind, where), results in groups[:40]:
            detail = results[0].detail.replace("|", "\\|").replace("\n", " ")[:120]
            lines.append(
                f"| {target} | {detail} | `{where}` | {len(results)} | {results[0].case.mutation} |"
            )
    else:
        lines.append("**No case crashed, hung, wrote partially or gave an unreadable message.**")
    lines += ["", "The machine is shared with other engineers' work: times are noisy."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per case")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--time-limit", type=float, default=3 * 3600.0)
    parser.add_argument("--workers", type=int, default=1, help="worker processes in parallel")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    targets = tuple(t for t in args.targets.split(",") if t)
    unknown = set(targets) - set(TARGETS)
    if unknown:
        raise SystemExit(f"unknown targets: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="opit-fuzz-") as folder:
        work = build_workspace(Path(folder))
        print("seeds: " + ", ".join(f"{t} {len(s)}" for t, s in work.seeds.items()), flush=True)
        done = collections.Counter()

        def progress(result: Result) -> None:
            done[result.status] += 1
            n = sum(done.values())
            if result.status in FAILURES:
                print(
                    f"#{result.case.index} {result.case.target} {result.status} "
                    f"{result.detail[:100]} at {result.where} ({result.case.mutation})",
                    flush=True,
                )
            if n % 500 == 0:
                print(f"{n} cases: {dict(done)}", flush=True)

        report = fuzz(
            work, args.cases, seed=args.seed, timeout=args.timeout, targets=targets,
            time_limit=args.time_limit, progress=progress, workers=args.workers,
        )  # fmt: skip
    save_failures(report)
    text = summary_markdown(report, args)
    print(text)
    if not args.no_write:
        write_section(
            "fuzz",
            "Fuzz: hostile files through every importer",
            f"python benchmarks/fuzz_importers.py --cases {args.cases} --seed {args.seed}"
            + (f" --workers {args.workers}" if args.workers > 1 else ""),
            text,
        )
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
