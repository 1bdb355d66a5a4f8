"""The weekly review: scorecard figures from raw data, edge cases, and the grouped queries."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import event, select

from prototypes.comparison import compare_completion, compare_times
from prototypes.repository import IterationInfo, TaskInput, add_iteration, prototype_by_slug
from prototypes.repository_metrics import (
    IterationData,
    StepRef,
    TaskAttempt,
    ThemeCounts,
    data_fingerprint,
    review_inputs,
    theme_counts,
    theme_quotes,
)
from prototypes.review import (
    build_review,
    build_scorecard,
    load_bundle,
    score_sus,
    task_rows,
    task_trend_rows,
    trend_rows,
)
from prototypes.review_parts import (
    heatmap_cells,
    segment_report,
    sentiment_of,
    sentiment_shares,
    theme_movement,
)
from prototypes.statistics import score_sus_responses, sus_grade
from research.repository import ObservationInput, add_participant, log_session
from storage.schema import (
    Answer,
    Consent,
    InterviewSession,
    Observation,
    Question,
    Theme,
    ThemeMember,
)


def info(number: int) -> IterationInfo:
    return IterationInfo(number, 1, number, 2026, 40 + number, "", "")


def attempt(key: str, outcome: str, seconds: float | None = 60.0, seq: int | None = 5):
    return TaskAttempt(key, {"bg": f"Задача {key}", "en": f"Task {key}"}, outcome, seconds, seq)


def data(number: int, **fields) -> IterationData:
    return IterationData(info(number), **fields)


# --------------------------------------------------------------------------- pure figures


def test_vectorised_sus_scores_equal_the_checked_scalar_scoring():
    rng = random.Random(7)
    responses = [[rng.randint(1, 5) for _ in range(10)] for _ in range(300)]
    for row in responses[::17]:
        row[rng.randrange(10)] = None
    assert score_sus(responses) == score_sus_responses(responses)
    assert score_sus([]) == score_sus_responses([])
    # Brooke's worked extremes: all-best is 100, all-worst is 0.
    assert score_sus([[5, 1] * 5, [1, 5] * 5]).scores == (100.0, 0.0)
    with pytest.raises(ValueError):
        score_sus([[6] * 10])
    with pytest.raises(ValueError):
        score_sus([[3] * 9])


def test_a_week_without_any_data_gives_clear_empty_figures():
    review = build_review([data(1), data(2)])
    now = review.summary(2)
    assert now.empty and now.sus.n == 0 and now.sus.mean is None and now.grade is None
    assert now.completion.p is None and now.tasks == ()
    assert [c.verdict for c in review.comparisons[2]] == []
    card = build_scorecard(load_free_bundle(review), 2, ThemeCounts({}, {}))
    assert card.tasks == () and card.sentiment.n == 0 and card.segments.participants == 0
    assert trend_rows(review) == [] and task_trend_rows(review) == []


def load_free_bundle(review):
    from prototypes.review import ReviewBundle

    return ReviewBundle(review, (), {})


def test_one_participant_gives_estimates_without_intervals():
    week = data(1, sus_items=[[4, 2] * 5], attempts=[attempt("T1", "success", 42.0, 6)])
    summary = build_review([week]).summary(1)
    assert summary.sus.n == 1 and summary.sus.mean == 75.0
    assert summary.sus.low is None and summary.sus.method == "single_value"
    assert summary.grade == sus_grade(75.0)
    task = summary.tasks[0]
    assert task.time.geometric_mean == pytest.approx(42.0) and task.time.low is None
    assert task.completion.p == 1.0 and 0 < task.completion.low < 1
    assert build_review([week]).comparisons[1] == ()


def test_all_success_and_all_fail_tasks_keep_correct_intervals():
    before = data(1, attempts=[attempt("T1", "fail", 90.0) for _ in range(5)])
    now = data(2, attempts=[attempt("T1", "success", 30.0 + i) for i in range(5)])
    review = build_review([before, now])
    t_before, t_now = review.summary(1).tasks[0], review.summary(2).tasks[0]
    assert (t_before.completion.p, t_before.completion.low) == (0.0, 0.0)
    assert 0 < t_before.completion.high < 0.5
    assert (t_now.completion.p, t_now.completion.high) == (1.0, 1.0)
    assert 0.5 < t_now.completion.low < 1
    (row,) = task_rows(review.summary(2), review.summary(1))
    assert row.completion == compare_completion(5, 5, 0, 5)
    assert row.completion.verdict == "better" and row.completion.test == "fisher_exact"
    # No successful time last week: the time comparison says so instead of failing.
    assert row.time.verdict == "insufficient_data"


def test_missing_sus_items_are_counted_not_scored():
    week = data(1, sus_items=[[4, 2] * 5, [4, None] * 5, [3] * 10], response_count=3)
    summary = build_review([week]).summary(1)
    assert summary.sus.n == 2 and summary.sus_incomplete == 1
    assert summary.sus.mean == pytest.approx((75.0 + 50.0) / 2)


def test_zero_and_missing_times_are_left_out_and_counted():
    attempts = [
        attempt("T1", "success", 0.0),
        attempt("T1", "success", None),
        attempt("T1", "success", 50.0),
        attempt("T1", "success", 70.0),
        attempt("T1", "fail", 0.0),
    ]
    (task,) = build_review([data(1, attempts=attempts)]).summary(1).tasks
    assert task.times == (50.0, 70.0) and task.untimed == 2
    assert task.completion.successes == 4 and task.completion.n == 5
    assert task.time.geometric_mean == pytest.approx((50.0 * 70.0) ** 0.5)


def test_tasks_are_matched_across_weeks_by_key():
    before = data(
        1, attempts=[attempt("T1", "success", 80.0 + i) for i in range(4)] + [attempt("T9", "fail")]
    )
    now = data(
        2, attempts=[attempt("T2", "fail")] + [attempt("T1", "success", 40.0 + i) for i in range(4)]
    )
    review = build_review([before, now])
    rows = task_rows(review.summary(2), review.summary(1))
    assert [r.key for r in rows] == ["T2", "T1", "T9"]
    new, kept, dropped = rows
    assert new.previous is None and new.completion is None
    assert dropped.current is None and dropped.time is None
    assert kept.time == compare_times([40.0, 41.0, 42.0, 43.0], [80.0, 81.0, 82.0, 83.0])
    assert kept.time.verdict == "better"


def test_heatmap_has_every_step_and_severity():
    steps = (StepRef("a", 1, "А", "A"), StepRef("b", 2, "Б", "B"))
    cells = heatmap_cells(steps, {("a", 4): 2, ("b", 1): 1, (None, 3): 5}, {("a", 4): 1})
    assert len(cells) == 3 * 4
    by = {(c.step_key, c.severity): c for c in cells}
    assert by[("a", 4)].count == 2 and by[("a", 4)].previous == 1
    assert by[("b", 2)].count == 0 and by[("b", 2)].previous == 0
    assert by[(None, 3)].count == 5 and by[(None, 3)].step_name("en") == "No step"
    assert len(heatmap_cells(steps, {})) == 8


def test_theme_movement_names_each_kind_of_move():
    counts = {
        1: {"old": 4, "back": 3},
        2: {"steady": 10, "grows": 2, "fades": 12, "gone": 5},
        3: {"steady": 10, "grows": 9, "fades": 2, "fresh": 3, "back": 2},
    }
    labels = {k: k.upper() for k in ("old", "back", "steady", "grows", "fades", "gone", "fresh")}
    moves = {m.key: m for m in theme_movement(ThemeCounts(labels, counts), [1, 2, 3], 3)}
    assert {k: m.status for k, m in moves.items()} == {
        "steady": "recurring",
        "grows": "growing",
        "fades": "fading",
        "gone": "gone",
        "fresh": "new",
        "back": "recurring",
    }
    assert moves["back"].earlier == 3 and moves["fresh"].label == "FRESH"
    assert theme_movement(ThemeCounts({}, {}), [1, 2, 3], 3) == ()
    first = theme_movement(ThemeCounts(labels, counts), [1, 2, 3], 1)
    assert {m.status for m in first} == {"new"}


def test_segments_warn_about_tracked_groups_nobody_fills():
    people = [
        ("citizen", {"age_band": "18-29", "assistive_technology": "няма"}),
        ("citizen", {"age_band": "30–44", "digital_confidence": "ниска"}),
        ("staff", {"age_band": "65+", "assistive_technology": "екранен четец"}),
    ]
    report = segment_report(people)
    assert report.participants == 3 and report.kinds == {"citizen": 2, "staff": 1}
    missing = {(s.field, s.value) for s in report.missing}
    # staff do not fill a citizen segment; "18-29" with a hyphen counts as 18–29
    assert missing == {("age_band", "45–64"), ("age_band", "65+"), ("assistive_technology", None)}
    assert dict(report.fields["age_band"]) == {"18-29": 1, "30–44": 1, "65+": 1}
    assert len(segment_report([]).missing) == 6


def test_sentiment_shares_carry_intervals():
    shares = sentiment_shares(["negative"] * 3 + ["positive"])
    assert shares.n == 4 and shares.negative.p == 0.75 and shares.neutral.p == 0.0
    assert shares.neutral.low == 0.0 and shares.neutral.high > 0.3
    assert sentiment_shares([]).negative.p is None
    scored = sentiment_of(["Много е удобно и бързо, благодаря!", "Не работи, ужасно е."])
    assert (scored.positive.successes, scored.negative.successes) == (1, 1)


# --------------------------------------------------------------------------- from the database


def test_demo_scorecard_beside_the_previous_week(demo_database):
    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        inputs = review_inputs(session, prototype.id)
        last = inputs.iterations[-1].iteration
        bundle = load_bundle(session, prototype.id, last.id)
        card = build_scorecard(bundle, last.id, theme_counts(session, prototype.id))
    assert [s.key for s in inputs.steps][:2] == ["find-info", "prepare-documents"]
    assert card.previous.iteration.number == 2
    assert {c.metric for c in card.comparisons} >= {"completion", "sus", "seq"}
    assert [r.key for r in card.tasks] == ["T1", "T2", "T3", "T4", "T5"]
    assert all(r.completion is not None and r.time is not None for r in card.tasks)
    assert sum(c.count for c in card.heatmap) == sum(card.current.pain_points.values()) > 0
    assert card.segments.participants == 8 and card.segments.kinds["staff"] == 1
    assert [s.field for s in card.segments.missing] == ["assistive_technology"]
    assert card.sentiment.n > 30 and card.sentiment_previous.n > 30
    assert not card.themes_found and card.themes == ()
    # Only the iteration asked for is compared; the rest of the review is there for the trend.
    assert list(bundle.review.comparisons) == [last.id]
    assert len(bundle.review.summaries) == 3


def _count_queries(database, work) -> int:
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", listen)
    try:
        with database.read() as session:
            work(session)
    finally:
        event.remove(database.engine, "before_cursor_execute", listen)
    return len(seen)


def test_the_review_reads_in_a_fixed_number_of_queries(demo_database):
    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        last = review_inputs(session, prototype.id).iterations[-1].iteration

    def work(session):
        load_bundle(session, prototype.id, last.id)
        theme_counts(session, prototype.id)
        data_fingerprint(session, prototype.id)

    before = _count_queries(demo_database, work)
    with demo_database.write() as session:
        for week in (7, 14):
            add_iteration(
                session,
                prototype.id,
                last.monday().fromordinal(last.monday().toordinal() + week),
                [TaskInput("T1", "Задача")],
            )
    assert _count_queries(demo_database, work) == before <= 24


def test_fingerprint_changes_with_new_observations(demo_database):
    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        first = data_fingerprint(session, prototype.id)
        iteration_id = review_inputs(session, prototype.id).iterations[-1].iteration.id
    with demo_database.write() as session:
        person = add_participant(session, "citizen", {"age_band": "65+"}, consent_on=first_day())
        log_session(
            session,
            iteration_id,
            person.id,
            [],
            [ObservationInput("pain_point", "Не намира бутона.", severity=4)],
        )
    with demo_database.read() as session:
        assert data_fingerprint(session, prototype.id) != first
        inputs = review_inputs(session, prototype.id)
    assert inputs.iterations[-1].pain_points[(None, 4)] >= 1


def first_day():
    import datetime as dt

    return dt.date(2026, 11, 9)


def _add_themes(session, prototype_id: int, iteration_ids: list[int]) -> None:
    answers = session.execute(
        select(Answer.id, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.text.is_not(None))
        .order_by(Answer.id)
    ).all()
    fees = Theme(prototype_id=prototype_id, key="fees", label="Такси")
    login = Theme(prototype_id=prototype_id, key="login", label="Вход")
    old = Theme(prototype_id=prototype_id, key="old-login", label="Стар вход")
    session.add_all([fees, login, old])
    session.flush()
    old.merged_into_id = login.id
    observation = session.execute(
        select(Observation.id, InterviewSession.iteration_id)
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .where(InterviewSession.iteration_id == iteration_ids[-1])
        .order_by(Observation.id)
    ).first()
    rows = [(fees, iteration_ids[-2], answers[0][0]), (fees, iteration_ids[-2], answers[1][0])]
    rows += [(login, iteration_ids[-1], answers[k][0]) for k in range(2, 6)]
    rows += [(old, iteration_ids[-1], answers[6][0])]
    for theme, iteration_id, answer_id in rows:
        session.add(
            ThemeMember(
                theme_id=theme.id, iteration_id=iteration_id, source="answer", source_id=answer_id
            )
        )
    session.add(
        ThemeMember(
            theme_id=login.id,
            iteration_id=iteration_ids[-1],
            source="observation",
            source_id=observation[0],
        )
    )


def test_theme_movement_and_quotes_from_stored_themes(demo_database):
    with demo_database.write() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        ids = [d.iteration.id for d in review_inputs(session, prototype.id).iterations]
        _add_themes(session, prototype.id, ids)
    with demo_database.read() as session:
        counts = theme_counts(session, prototype.id)
        quotes = theme_quotes(session, prototype.id, ids[-1])
    assert counts.labels == {"fees": "Такси", "login": "Вход"}
    assert counts.counts[ids[-1]] == {"login": 6} and counts.counts[ids[-2]] == {"fees": 2}
    moves = {m.key: m.status for m in theme_movement(counts, ids, ids[-1])}
    assert moves == {"login": "new", "fees": "gone"}
    assert len(quotes["login"]) == 3 and "fees" not in quotes
    # An observation is quoted only while its participant's consent allows quotes.
    with demo_database.read() as session:
        text, participant_id = session.execute(
            select(Observation.text, InterviewSession.participant_id)
            .join(InterviewSession, InterviewSession.id == Observation.session_id)
            .join(ThemeMember, ThemeMember.source_id == Observation.id)
            .where(ThemeMember.source == "observation")
        ).one()
    for allowed in (False, True):
        with demo_database.write() as session:
            for row in session.scalars(
                select(Consent).where(Consent.participant_id == participant_id)
            ):
                row.quotes = allowed
        with demo_database.read() as session:
            everything = theme_quotes(session, prototype.id, ids[-1], per_theme=10)
        assert (text in everything["login"]) is allowed
        assert len(everything["login"]) == 5 + allowed


def test_every_chart_is_valid_vega_lite_in_both_languages(demo_database):
    from prototypes.reports.charts import (
        heatmap_chart,
        review_charts,
        spec,
        task_chart,
        trend_chart,
    )

    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        last = review_inputs(session, prototype.id).iterations[-1].iteration
        bundle = load_bundle(session, prototype.id, last.id)
    card = build_scorecard(bundle, last.id, ThemeCounts({}, {}))
    for lang in ("bg", "en"):
        charts = (
            heatmap_chart(card.heatmap, lang),
            trend_chart(bundle.review, lang),
            task_chart(bundle.review, lang),
        )
        for chart in charts:
            assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite")
        specs = review_charts(bundle, last.id, lang)
        assert set(specs) == {"heatmap", "trend", "tasks"} and all(specs.values())
    assert "Седмица" in str(review_charts(bundle, last.id, "bg")["trend"])
    assert spec(None) is None
    assert heatmap_chart(heatmap_cells((), {}), "bg") is None


def test_weeks_whose_data_did_not_change_are_not_computed_again(demo_database, monkeypatch):
    import prototypes.review as review_module
    from storage.schema import Question, Questionnaire, Response

    computed: list[int] = []
    original = review_module.summarise

    def counting(data):
        computed.append(data.iteration.number)
        return original(data)

    monkeypatch.setattr(review_module, "summarise", counting)
    with demo_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        last = review_inputs(session, prototype.id).iterations[-1].iteration
        first = load_bundle(session, prototype.id, last.id)
        again = load_bundle(session, prototype.id, last.id)
    assert sorted(computed) == [1, 2, 3] and again.review == first.review
    with demo_database.write() as session:
        form = session.scalar(select(Questionnaire.id).where(Questionnaire.iteration_id == last.id))
        sus = session.scalar(
            select(Question.id).where(Question.questionnaire_id == form, Question.type == "sus")
        )
        response = Response(questionnaire_id=form, submission_id="late-arrival-01")
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id=sus, value=[5, 1] * 5))
    with demo_database.read() as session:
        later = load_bundle(session, prototype.id, last.id)
    assert sorted(computed) == [1, 2, 3, 3]
    now, before = later.review.summary(last.id), first.review.summary(last.id)
    assert now.responses == before.responses + 1 and now.sus.n == before.sus.n + 1
    assert later.review.summaries[0] == first.review.summaries[0]
