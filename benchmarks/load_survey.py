"""Load: many citizens answer the open questionnaire at once, through the browser's own protocol.

    .venv/bin/python benchmarks/load_survey.py [--users 200] [--think 2 6] [--ramp 20]
    .venv/bin/python benchmarks/load_survey.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/load_survey.py --url http://127.0.0.1:8501 --token TOKEN [--pid PID]

Without `--url` the script prepares a fresh demo database (SQLite in a temporary folder; with
`--postgres`, the schema `opit_load` of that database) and starts `opit serve` on free loopback
ports itself. Each simulated citizen (benchmarks/streamlit_client.py) GETs the page, opens the
websocket `/_stcore/stream`, and answers whatever the form draws, screen by screen, with a think
time of `--think` seconds per screen; three in four use a phone's User-Agent (one question per
screen), the others a desktop's. Citizens arrive spread over `--ramp` seconds and keep their page
open until the last one is done, so that all `--users` sessions are alive at once.

Reports the submit latency (pressing Send until the thank-you page) at p50/p95/p99, the screen
latency (pressing Next), errors, throughput, and the server's resident memory (from /proc) before,
with every session open, and after; then checks in the database that every thanked submission is
stored once and whole. Targets (one process, SQLite, 2 cores): 200 citizens, p95 submit <= 1 s, no
errors, <= 2 MB per session.

Then (not with `--url` or `--no-throughput`) a closed-loop throughput run: `--clients` citizens
without think time, each starting again as soon as it is thanked, for `--seconds`; with
`--postgres` on one app process and on two (citizens alternate between them, as sticky sessions
behind a balancer would), to show how throughput scales. Writes the `load` section of
benchmarks/RESULTS.md (not with --no-write). Loopback only; bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402
from fault_survey import (  # noqa: E402
    Server,
    drop_schema,
    open_token,
    prepare_database,
    verify,
)
from streamlit_client import Citizen, Gathering, Outcome  # noqa: E402

from storage.db import connect, forget  # noqa: E402

MB = 1024 * 1024


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def concurrent_run(
    urls: list[str],
    token: str,
    *,
    users: int,
    think: tuple[float, float],
    ramp: float,
    time_limit: float,
    rss=None,
    cpu=None,
    seed: int = 1,
) -> dict:
    """`users` citizens at once; every page stays open until the last citizen is thanked."""
    rng = random.Random(seed)
    deadline = time.monotonic() + time_limit
    outcomes: list[Outcome] = []
    peak = {"rss": 0, "with_all_open": 0}

    def all_open() -> None:
        if rss is not None:
            peak["with_all_open"] = rss()

    gathering = Gathering(users, all_open)

    async def citizen(n: int) -> None:
        await asyncio.sleep(rng.uniform(0, ramp))
        c = Citizen(urls[n % len(urls)], token, seed=seed * 7919 + n, phone=n % 4 != 0, think=think)
        outcome = await c.run(deadline, hold=gathering)
        if not outcome.acknowledged:
            gathering.arrive()
        outcomes.append(outcome)

    async def sampler() -> None:
        while not gathering.complete and rss is not None and time.monotonic() < deadline:
            peak["rss"] = max(peak["rss"], rss())
            await asyncio.sleep(0.5)

    server_cpu = cpu() if cpu else 0.0
    client_cpu = _cpu_seconds()
    started = time.monotonic()
    sampling = asyncio.create_task(sampler())
    await asyncio.gather(*(citizen(n) for n in range(users)))
    elapsed = time.monotonic() - started
    await sampling
    return {
        "outcomes": outcomes,
        "seconds": elapsed,
        "client_cpu": _cpu_seconds() - client_cpu,
        "server_cpu": (cpu() - server_cpu) if cpu else None,
        "rss_peak": peak["rss"],
        "rss_all_open": peak["with_all_open"],
    }


async def closed_loop(servers: list[Server], token: str, *, clients: int, seconds: float) -> dict:
    """`clients` citizens without think time, each starting again when thanked, for `seconds`."""
    urls = [server.url for server in servers]
    server_cpu = sum(server.cpu_seconds() for server in servers)
    stop = time.monotonic() + seconds
    outcomes: list[Outcome] = []
    counter = iter(range(10**9))

    async def client(k: int) -> None:
        while time.monotonic() < stop:
            n = next(counter)
            c = Citizen(urls[k % len(urls)], token, seed=1_000_003 + n, phone=n % 4 != 0)
            outcomes.append(await c.run(stop + 30))

    cpu = _cpu_seconds()
    started = time.monotonic()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.monotonic() - started
    done = [o for o in outcomes if o.acknowledged]
    screens = sum(len(o.steps) + 2 for o in done)  # load + each Next + Send
    server_cpu = sum(server.cpu_seconds() for server in servers) - server_cpu
    return {
        "clients": clients,
        "processes": len(urls),
        "seconds": elapsed,
        "thanked": len(done),
        "errors": len(outcomes) - len(done),
        "per_second": len(done) / elapsed,
        "reruns_per_second": screens / elapsed,
        "p95_submit": percentile([o.submit for o in done if o.submit is not None], 95),
        "client_cpu": _cpu_seconds() - cpu,
        "server_cpu": server_cpu,
        "server_cpu_ms_per_run": 1000 * server_cpu / max(1, screens),
        "server_cores": server_cpu / elapsed,
        "machine_load": os.getloadavg()[0],
    }


def describe(result: dict) -> dict:
    outcomes: list[Outcome] = result["outcomes"]
    done = [o for o in outcomes if o.acknowledged]
    submits = [o.submit for o in done if o.submit is not None]
    steps = [s for o in done for s in o.steps]
    loads = [o.load for o in outcomes if o.load is not None]
    errors = [o for o in outcomes if not o.acknowledged or o.reloads or o.exceptions]
    return {
        "users": len(outcomes),
        "thanked": len(done),
        "errors": len(errors),
        "error_kinds": sorted({o.error or f"reloads={o.reloads}" for o in errors})[:5],
        "seconds": round(result["seconds"], 1),
        "submissions_per_second": round(len(done) / result["seconds"], 2),
        "submit_p50": percentile(submits, 50),
        "submit_p95": percentile(submits, 95),
        "submit_p99": percentile(submits, 99),
        "submit_max": max(submits, default=None),
        "next_p50": percentile(steps, 50),
        "next_p95": percentile(steps, 95),
        "load_p95": percentile(loads, 95),
        "client_cpu_seconds": round(result["client_cpu"], 1),
    }


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--ramp", type=float, default=20.0, help="arrivals spread over seconds")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--url", help="a running `opit serve` (127.0.0.1 only)")
    parser.add_argument("--token", help="the questionnaire token, with --url")
    parser.add_argument("--pid", type=int, help="the server's process id, for its memory")
    parser.add_argument("--postgres", help="PostgreSQL URL (the schema opit_load is used)")
    parser.add_argument("--clients", type=int, default=40, help="closed-loop clients")
    parser.add_argument("--seconds", type=float, default=30.0, help="closed-loop duration")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    think = tuple(args.think)
    if args.url:
        return _against_running(args, think)
    report: dict = {"think": think, "users": args.users, "runs": []}
    for postgres in [None, args.postgres] if args.postgres else [None]:
        report["runs"].append(_backend_run(postgres, args, think))
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    if not args.no_write:
        write_load_section(args, report)
    ok = all(run["main"]["errors"] == 0 and run["main"]["verdict_ok"] for run in report["runs"])
    return 0 if ok else 1


def _backend_run(postgres: str | None, args, think) -> dict:
    """The concurrent run and the throughput runs on a fresh demo database of one backend."""
    run: dict = {"backend": "PostgreSQL" if postgres else "SQLite"}
    with tempfile.TemporaryDirectory(prefix="opit-load-") as folder:
        url = prepare_database(Path(folder), postgres, schema="opit_load")
        token = open_token(connect(url))
        servers = [Server(url, Path(folder) / f"serve{i}.log") for i in range(2)]
        try:
            servers[0].start()
            load_before = os.getloadavg()[0]
            run["main"] = _measured(servers[0], token, args, think)
            run["main"]["machine_load"] = f"{load_before:.0f}–{os.getloadavg()[0]:.0f}"
            print(json.dumps(run, ensure_ascii=False, default=str), flush=True)
            if not args.no_throughput:
                run["throughput"] = _throughput(servers, token, args, two=bool(postgres))
        finally:
            for server in servers:
                server.stop()
            forget(url)
            if postgres:
                drop_schema(postgres, "opit_load")
    return run


def _measured(server: Server, token: str, args, think) -> dict:
    warm = asyncio.run(
        concurrent_run([server.url], token, users=3, think=(0, 0), ramp=0, time_limit=60, seed=2)
    )
    time.sleep(2)
    before = server.rss_bytes()
    result = asyncio.run(
        concurrent_run(
            [server.url],
            token,
            users=args.users,
            think=think,
            ramp=args.ramp,
            time_limit=args.time_limit,
            rss=server.rss_bytes,
            cpu=server.cpu_seconds,
        )
    )
    time.sleep(3)
    after = server.rss_bytes()
    figures = describe(result)
    verdict = verify(connect(server.database_url), token, warm["outcomes"] + result["outcomes"])
    runs = sum(len(o.steps) + 2 for o in result["outcomes"] if o.acknowledged)
    figures.update(
        server_cpu_seconds=round(result["server_cpu"], 1),
        server_cpu_ms_per_run=round(1000 * result["server_cpu"] / max(1, runs), 1),
        rss_before_mb=round(before / MB, 1),
        rss_all_open_mb=round(result["rss_all_open"] / MB, 1),
        rss_peak_mb=round(result["rss_peak"] / MB, 1),
        rss_after_mb=round(after / MB, 1),
        mb_per_session=round((result["rss_all_open"] - before) / MB / max(1, args.users), 3),
        verdict_ok=verdict.ok,
        lost=len(verdict.lost),
        duplicated=len(verdict.duplicated),
        half_written=len(verdict.half_written),
    )
    return figures


def _throughput(servers: list[Server], token: str, args, two: bool) -> list[dict]:
    runs = [
        asyncio.run(closed_loop(servers[:1], token, clients=args.clients, seconds=args.seconds))
    ]
    if two:
        servers[1].start()
        runs.append(
            asyncio.run(closed_loop(servers, token, clients=args.clients, seconds=args.seconds))
        )
    for run in runs:
        for key in (
            "seconds",
            "per_second",
            "reruns_per_second",
            "client_cpu",
            "server_cpu",
            "server_cpu_ms_per_run",
            "server_cores",
            "machine_load",
        ):
            run[key] = round(run[key], 2)
        print(json.dumps(run, default=str), flush=True)
    return runs


def _against_running(args, think) -> int:
    if not args.token:
        raise SystemExit("--url needs --token (printed by `opit demo`)")
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("only a server on this machine (127.0.0.1) may be loaded")

    def rss() -> int:
        if not args.pid:
            return 0
        for line in Path(f"/proc/{args.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    before = rss()
    result = asyncio.run(
        concurrent_run(
            [args.url], args.token, users=args.users, think=think, ramp=args.ramp,
            time_limit=args.time_limit, rss=rss,
        )
    )  # fmt: skip
    figures = describe(result)
    if args.pid:
        figures["mb_per_session"] = round(
            (result["rss_all_open"] - before) / MB / max(1, args.users), 3
        )
    print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    return 0 if figures["errors"] == 0 else 1


def write_load_section(args, report: dict) -> None:
    lo, hi = report["think"]
    command = "python benchmarks/load_survey.py" + (
        f" --postgres {args.postgres}" if args.postgres else ""
    )
    runs = report["runs"]
    lines = [
        f"{args.users} simulated citizens on one app process, all pages open at once: each GETs "
        f"the page, opens the websocket and answers the demo questionnaire (3 in 4 on a phone: "
        f"4 screens, one question each; the others one screen), thinking {lo:g}–{hi:g} s per "
        f"screen, arriving over {args.ramp:g} s. The rate limits per link are lifted for the run.",
        "",
        "| figure | " + " | ".join(r["backend"] for r in runs) + " | target |",
        "|---|" + "---:|" * len(runs) + "---:|",
    ]

    def row(name: str, cell, target: str = "") -> None:
        lines.append(f"| {name} | " + " | ".join(cell(r["main"]) for r in runs) + f" | {target} |")

    row("citizens thanked", lambda m: f"{m['thanked']} of {m['users']}", "all")
    row("errors (not thanked, reloads, exceptions)", lambda m: str(m["errors"]), "0")
    row("submit p50", lambda m: _ms(m["submit_p50"]))
    row("**submit p95**", lambda m: f"**{_ms(m['submit_p95'])}**", "≤ 1 s")
    row("submit p99 / max", lambda m: f"{_ms(m['submit_p99'])} / {_ms(m['submit_max'])}")
    row("Next p50 / p95", lambda m: f"{_ms(m['next_p50'])} / {_ms(m['next_p95'])}")
    row("first page p95 (GET, websocket, first run)", lambda m: _ms(m["load_p95"]))
    row("throughput over the run", lambda m: f"{m['submissions_per_second']} /s")
    row("server CPU per script run", lambda m: f"{m['server_cpu_ms_per_run']} ms")
    row("machine load average (2 cores) before–after", lambda m: m.get("machine_load", "?"))
    row("server memory before", lambda m: f"{m['rss_before_mb']} MB")
    row(f"… with all {args.users} sessions open", lambda m: f"{m['rss_all_open_mb']} MB")
    row("… after they closed", lambda m: f"{m['rss_after_mb']} MB")
    row("**memory per session**", lambda m: f"**{m['mb_per_session']} MB**", "≤ 2 MB")
    row(
        "thanked but lost / stored twice / half-written",
        lambda m: f"{m['lost']} / {m['duplicated']} / {m['half_written']}",
        "0",
    )
    if any(r.get("throughput") for r in runs):
        lines += [
            "",
            f"Throughput, closed loop: {args.clients} citizens without think time, each starting "
            f"again as soon as it is thanked, {args.seconds:g} s per configuration.",
            "",
            "| configuration | questionnaires/s | script runs/s | p95 submit | errors | "
            "server CPU per run | cores the server got | machine load | load client CPU |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in runs:
            for t in r.get("throughput", []):
                name = f"{r['backend']}, {t['processes']} app process" + (
                    "es" if t["processes"] > 1 else ""
                )
                lines.append(
                    f"| {name} | {t['per_second']} | {t['reruns_per_second']} | "
                    f"{_ms(t['p95_submit'])} | {t['errors']} | {t['server_cpu_ms_per_run']} ms | "
                    f"{t['server_cores']} | {t['machine_load']} | {t['client_cpu']} s |"
                )
    cpu_ms = runs[0]["main"]["server_cpu_ms_per_run"]
    lines += [
        "",
        "The load client runs on the same 2 cores as the server, and the machine is shared with "
        "other engineers' builds and tests while this runs (see the load averages): latency and "
        "throughput are noisy and bounded by the CPU time the server processes were given "
        '("cores the server got"). The server\'s own cost is steadier: at '
        f"{cpu_ms} ms of CPU per script run, one process on one free core serves about "
        f"{1000 / max(cpu_ms, 0.1):.0f} script runs/s, {1000 / max(cpu_ms, 0.1) / 4.25:.0f} "
        "questionnaires/s (4.25 runs each on average: load, three Next on a phone, Send).",
    ]
    write_section("load", "Load: many citizens at once", command, "\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
