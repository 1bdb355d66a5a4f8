"""The demo project: realistic, Bulgarian-first, deterministic, and its numbers move believably."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from i18n import UserError
from prototypes.demo import load_demo
from prototypes.repository import iterations, prototype_by_slug, tasks
from prototypes.repository_metrics import iteration_data
from prototypes.review import build_review, trend_rows
from storage.schema import InterviewSession, Observation, Response
from surveys.repository import questionnaires_of_iteration, response_rows


def test_demo_has_the_promised_shape(demo_database):
    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        its = iterations(session, prototype.id)
        assert len(its) == 3
        assert [it.week_label for it in its] == ["2026-W44", "2026-W45", "2026-W46"]
        for it in its:
            assert it.change_log
            assert 4 <= len(tasks(session, it.id)) <= 5
            sessions = session.scalar(
                select(func.count(InterviewSession.id)).where(
                    InterviewSession.iteration_id == it.id
                )
            )
            assert 6 <= sessions <= 8
            observations = session.scalar(
                select(func.count(Observation.id))
                .join(InterviewSession)
                .where(
                    InterviewSession.iteration_id == it.id, Observation.journey_step_id.is_not(None)
                )
            )
            assert observations >= 30
            (questionnaire,) = questionnaires_of_iteration(session, it.id)
            rows = response_rows(session, questionnaire.id)
            assert len(rows) >= 40
            languages = Counter(r["language"] for r in rows)
            assert languages["bg"] > languages["en"] > 0


def test_demo_numbers_improve_week_by_week(demo_database):
    with demo_database.read() as session:
        review = build_review(iteration_data(session, 1))
    sus = [s.sus.mean for s in review.summaries]
    completion = [s.completion.p for s in review.summaries]
    assert sus == sorted(sus) and 50 < sus[0] < 65 and 68 < sus[-1] < 82
    assert completion == sorted(completion)
    assert {r["metric"] for r in trend_rows(review)} == {"sus", "completion"}
    last = review.summaries[-1].iteration.id
    assert {c.metric for c in review.comparisons[last]} >= {"completion", "sus"}


def test_demo_is_deterministic(database, tmp_path):
    from storage.db import connect, forget
    from storage.migrate import upgrade

    def utc(moment: dt.datetime) -> dt.datetime:
        # SQLite hands back naive UTC times, PostgreSQL aware ones: compare the instants.
        return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def fingerprint(db):
        with db.read() as session:
            rows = session.execute(
                select(Response.submission_id, Response.language, Response.submitted_at).order_by(
                    Response.submission_id
                )
            ).all()
        return [(sid, lang, utc(at)) for sid, lang, at in rows]

    load_demo(database)
    other_url = f"sqlite:///{tmp_path / 'second.db'}"
    other = connect(other_url)
    upgrade(other)
    load_demo(other)
    try:
        assert fingerprint(database) == fingerprint(other)
    finally:
        forget(other_url)


def test_demo_refuses_to_load_twice(demo_database):
    try:
        load_demo(demo_database)
    except UserError as err:
        assert "demo" in err.render("en")
    else:
        raise AssertionError("loading the demo twice must be refused")
