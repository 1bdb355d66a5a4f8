"""Citizens answer while the server is killed: every thanked submission is stored once and whole.

The small version of benchmarks/fault_survey.py: a real `opit serve` on a free loopback port,
simulated citizens speaking the browser's websocket protocol (benchmarks/streamlit_client.py),
SIGKILL to the server three times during 50 submissions, and the checks from the database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fault_survey import Server, open_token, run_faults, verify  # noqa: E402
from fuzz_seeds import rich_definition  # noqa: E402
from streamlit_client import Citizen  # noqa: E402

from storage.schema import Answer, Response  # noqa: E402
from surveys.repository import create_questionnaire  # noqa: E402

pytestmark = [pytest.mark.slow]


def _run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests) may have an
    event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def server(app_database, tmp_path):
    served = Server(app_database.url, tmp_path / "serve.log")
    served.start()
    yield served
    served.stop()


def _citizens(server: Server, token: str, count: int, *, phone: bool, seed: int = 500) -> list:
    async def everyone():
        deadline = time.monotonic() + 90
        citizens = [Citizen(server.url, token, seed=seed + n, phone=phone) for n in range(count)]
        return await asyncio.gather(*(c.run(deadline) for c in citizens))

    return _run(everyone())


def test_kills_during_submissions_lose_nothing_and_store_nothing_twice(server, app_database):
    token = open_token(app_database)
    run = _run(run_faults(server, token, submissions=50, kills=3, concurrency=10, time_limit=240))
    verdict = verify(app_database, token, run.outcomes)
    assert len(run.kills) == 3 and server.starts == 4
    assert [o.error for o in run.outcomes if not o.acknowledged] == []
    assert sum(o.reloads for o in run.outcomes) > 0  # the kills did hit citizens mid-way
    assert verdict.acknowledged == 50
    assert (verdict.lost, verdict.duplicated, verdict.half_written, verdict.mismatched) == (
        [],
        [],
        [],
        [],
    )
    assert verdict.stored_run == 50


def test_any_form_is_answered_and_the_checks_catch_damage(server, app_database):
    """The citizen finds its way through a form of every question type (sections, skip logic,
    'other', numbers, dates, SUS) on a phone and a desktop; then the checks must notice a lost
    response, a half-written one and an altered one."""
    with app_database.write() as session:
        info = create_questionnaire(session, "every-type", rich_definition(), status="open")
    phones = _citizens(server, info.token, 2, phone=True)
    desktops = _citizens(server, info.token, 2, phone=False, seed=600)
    assert [o.error for o in phones + desktops] == [None] * 4
    assert all(o.acknowledged and o.submission_id for o in phones + desktops)
    assert all(len(o.steps) >= 3 for o in phones)  # one question per screen: Next, Next, ...
    verdict = verify(app_database, info.token, phones + desktops)
    assert verdict.ok and verdict.stored_run == 4

    token = open_token(app_database)
    outcomes = _citizens(server, token, 3, phone=False, seed=700)
    assert verify(app_database, token, outcomes).ok
    lost, half, altered = (o.submission_id for o in outcomes)
    with app_database.write() as session:
        ids = dict(
            session.execute(
                select(Response.submission_id, Response.id).where(
                    Response.submission_id.in_([lost, half, altered])
                )
            ).all()
        )
        session.execute(delete(Answer).where(Answer.response_id == ids[lost]))
        session.execute(delete(Response).where(Response.id == ids[lost]))
        first = session.scalar(
            select(Answer.id).where(Answer.response_id == ids[half]).order_by(Answer.id).limit(1)
        )
        session.execute(delete(Answer).where(Answer.id == first))
        seq = session.scalars(
            select(Answer).where(Answer.response_id == ids[altered]).order_by(Answer.id)
        ).all()[1]
        session.execute(update(Answer).where(Answer.id == seq.id).values(value=8 - seq.value))
    verdict = verify(app_database, token, outcomes)
    assert verdict.lost == [lost]
    assert half in verdict.half_written
    assert altered in verdict.mismatched
    assert not verdict.ok
