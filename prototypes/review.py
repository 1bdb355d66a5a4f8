"""The weekly review computed from raw iteration data: pure functions, no database, no Streamlit.

`build_review` turns what `repository_metrics.iteration_data` read into per-iteration summaries with
intervals, per-task figures and each iteration's comparison with the one before it.
`build_scorecard` puts one iteration beside the previous one: the overall comparisons, every task
matched across the two weeks by `Task.key` (completion and time compared with
`compare_completion` / `compare_times`), pain points by journey step and severity, sentiment shares,
theme movement and who took part (:mod:`prototypes.review_parts`). `load_bundle` is the one call
that reads a prototype's figures through a session and computes what can be cached by the data
fingerprint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from prototypes.comparison import (
    Comparison,
    IterationMetrics,
    compare_completion,
    compare_iterations,
    compare_times,
)
from prototypes.repository import IterationInfo, iterations
from prototypes.repository_metrics import (
    IterationData,
    StepRef,
    ThemeCounts,
    iteration_fingerprints,
    open_texts,
    review_inputs,
)
from prototypes.review_parts import (
    HeatCell,
    SegmentReport,
    SentimentShares,
    ThemeMove,
    heatmap_cells,
    segment_report,
    sentiment_of,
    theme_movement,
)
from prototypes.statistics import (
    MeanInterval,
    Proportion,
    SusGrade,
    SusScores,
    TimeSummary,
    completion_ci,
    score_sus_responses,
    seq_summary,
    sus_grade,
    sus_summary,
    time_on_task,
)


@dataclass(frozen=True)
class TaskSummary:
    key: str
    title: dict[str, str]
    completion: Proportion
    time: TimeSummary
    seq: MeanInterval
    #: positive times of the successful attempts (what `time` and `compare_times` use)
    times: tuple[float, ...] = ()
    #: successful attempts without a usable time (none recorded, or zero)
    untimed: int = 0


@dataclass(frozen=True)
class IterationSummary:
    iteration: IterationInfo
    responses: int
    sessions: int
    sus: MeanInterval
    sus_incomplete: int
    grade: SusGrade | None
    completion: Proportion
    seq: MeanInterval
    tasks: tuple[TaskSummary, ...]
    metrics: IterationMetrics
    participants: tuple[tuple[str, dict], ...] = ()
    pain_points: dict[tuple[str | None, int], int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing measured yet: no response and no interview."""
        return self.responses == 0 and self.sessions == 0 and not self.metrics.attempts

    def task(self, key: str) -> TaskSummary | None:
        return next((t for t in self.tasks if t.key == key), None)


@dataclass(frozen=True)
class WeeklyReview:
    summaries: tuple[IterationSummary, ...]
    #: for each compared iteration id, its comparison with the iteration before it (empty for the
    #: first); by default every iteration is compared
    comparisons: dict[int, tuple[Comparison, ...]]

    def summary(self, iteration_id: int) -> IterationSummary | None:
        return next((s for s in self.summaries if s.iteration.id == iteration_id), None)

    def previous(self, iteration_id: int) -> IterationSummary | None:
        ids = [s.iteration.id for s in self.summaries]
        index = ids.index(iteration_id) if iteration_id in ids else 0
        return self.summaries[index - 1] if index > 0 else None


def score_sus(items: Sequence[Sequence[int | None]]) -> SusScores:
    """`statistics.score_sus_responses`, vectorised: the same scores for thousands of responses.

    Brooke's rule on a (responses × 10) array; a response with a missing item is not scored and
    counted as incomplete. Anything that is not ten whole answers 1–5 goes to the checked scalar
    function, which raises the same errors it always does. Unlike it, this does not look at every
    item's type: a ``True`` would count as 1 (`repository_metrics` never hands over booleans).
    """
    if not items:
        return SusScores((), 0)
    try:
        grid = np.array(items, dtype=float)
    except (TypeError, ValueError):
        return score_sus_responses(items)
    answered = grid[~np.isnan(grid)]
    if (
        grid.ndim != 2
        or grid.shape[1] != 10
        or ((answered < 1) | (answered > 5) | (answered != np.round(answered))).any()
    ):
        return score_sus_responses(items)
    complete = ~np.isnan(grid).any(axis=1)
    scored = grid[complete]
    contributions = np.where(np.arange(10) % 2 == 0, scored - 1.0, 5.0 - scored)
    scores = contributions.sum(axis=1) * 2.5
    return SusScores(tuple(float(s) for s in scores), int((~complete).sum()))


def _task_summaries(data: IterationData) -> tuple[TaskSummary, ...]:
    by_task: dict[str, list] = defaultdict(list)
    for attempt in data.attempts:
        by_task[attempt.task_key].append(attempt)
    summaries = []
    for key, attempts in by_task.items():
        successes = [a for a in attempts if a.outcome == "success"]
        times = tuple(float(a.seconds) for a in successes if a.seconds and a.seconds > 0)
        summaries.append(
            TaskSummary(
                key=key,
                title=attempts[0].task_title,
                completion=completion_ci(len(successes), len(attempts)),
                time=time_on_task(times),
                seq=seq_summary([a.seq for a in attempts if a.seq is not None]),
                times=times,
                untimed=len(successes) - len(times),
            )
        )
    return tuple(summaries)


def summarise(data: IterationData) -> IterationSummary:
    scored = score_sus(data.sus_items)
    # sorted, so the bootstrap interval does not depend on the order the database returned rows in
    sus = sus_summary(sorted(scored.scores))
    successes = sum(1 for a in data.attempts if a.outcome == "success")
    metrics = IterationMetrics(
        label=data.iteration.week_label,
        successes=successes,
        attempts=len(data.attempts),
        sus=scored.scores,
        seq=tuple(data.survey_seq),
        nps=tuple(data.nps),
    )
    return IterationSummary(
        iteration=data.iteration,
        responses=data.response_count,
        sessions=data.session_count,
        sus=sus,
        sus_incomplete=scored.incomplete,
        grade=sus_grade(sus.mean) if sus.mean is not None else None,
        completion=completion_ci(successes, len(data.attempts)),
        seq=seq_summary(data.survey_seq),
        tasks=_task_summaries(data),
        metrics=metrics,
        participants=tuple(data.participants),
        pain_points=dict(data.pain_points),
    )


def build_review(
    data: Sequence[IterationData], compare: Collection[int] | None = None
) -> WeeklyReview:
    """Summaries of every iteration; comparisons for the ids in `compare` (all when None)."""
    return review_of(tuple(summarise(d) for d in data), compare)


def review_of(
    summaries: tuple[IterationSummary, ...], compare: Collection[int] | None = None
) -> WeeklyReview:
    """The review of summaries in iteration order, comparing the ids in `compare` (all if None)."""
    comparisons: dict[int, tuple[Comparison, ...]] = {}
    for index, summary in enumerate(summaries):
        if compare is not None and summary.iteration.id not in compare:
            continue
        if index == 0:
            comparisons[summary.iteration.id] = ()
        else:
            previous = summaries[index - 1]
            comparisons[summary.iteration.id] = tuple(
                compare_iterations(summary.metrics, previous.metrics)
            )
    return WeeklyReview(summaries, comparisons)


def trend_rows(review: WeeklyReview) -> list[dict[str, object]]:
    """Long-format rows for trend charts: one per iteration and metric, with interval bounds.

    Completion is given in percent so that it shares an axis scale with SUS (0–100).
    """
    rows: list[dict[str, object]] = []
    for s in review.summaries:
        base = {"iteration": s.iteration.number, "week": s.iteration.week_label}
        if s.sus.mean is not None:
            rows.append(
                base
                | {
                    "metric": "sus",
                    "value": s.sus.mean,
                    "low": s.sus.low,
                    "high": s.sus.high,
                    "n": s.sus.n,
                }
            )
        if s.completion.p is not None:
            rows.append(
                base
                | {
                    "metric": "completion",
                    "value": 100 * s.completion.p,
                    "low": 100 * s.completion.low,
                    "high": 100 * s.completion.high,
                    "n": s.completion.n,
                }
            )
    return rows


def task_trend_rows(review: WeeklyReview, lang: str = "bg") -> list[dict[str, object]]:
    """One row per iteration and task key: completion in percent with its interval, and time."""
    rows: list[dict[str, object]] = []
    for s in review.summaries:
        for t in s.tasks:
            if t.completion.p is None:
                continue
            rows.append(
                {
                    "iteration": s.iteration.number,
                    "week": s.iteration.week_label,
                    "task": t.key,
                    "title": t.title.get(lang) or t.title.get("bg", t.key),
                    "completion": 100 * t.completion.p,
                    "low": 100 * t.completion.low,
                    "high": 100 * t.completion.high,
                    "attempts": t.completion.n,
                    "time": t.time.geometric_mean,
                }
            )
    return rows


# --------------------------------------------------------------------------- the scorecard


@dataclass(frozen=True)
class TaskRow:
    """One task of this week beside the same task (by key) last week."""

    key: str
    title: dict[str, str]
    current: TaskSummary | None
    previous: TaskSummary | None
    #: None when the task is not in both weeks
    completion: Comparison | None
    time: Comparison | None


@dataclass(frozen=True)
class ReviewBundle:
    """What the scorecard of one iteration computes on; cacheable by the data fingerprint."""

    review: WeeklyReview
    steps: tuple[StepRef, ...]
    #: iteration id → sentiment shares of its open answers (this iteration and the previous)
    sentiment: dict[int, SentimentShares]
    #: the iteration's tasks beside last week's (computed when None)
    tasks: tuple[TaskRow, ...] | None = None


@dataclass(frozen=True)
class Scorecard:
    current: IterationSummary
    previous: IterationSummary | None
    comparisons: tuple[Comparison, ...]
    tasks: tuple[TaskRow, ...]
    heatmap: tuple[HeatCell, ...]
    segments: SegmentReport
    themes: tuple[ThemeMove, ...]
    #: False while nobody has found themes for the prototype
    themes_found: bool
    sentiment: SentimentShares
    sentiment_previous: SentimentShares | None


def task_rows(now: IterationSummary, before: IterationSummary | None) -> tuple[TaskRow, ...]:
    """This week's tasks in script order, then last week's tasks that were dropped."""
    keys = [t.key for t in now.tasks]
    if before is not None:
        keys += [t.key for t in before.tasks if t.key not in keys]
    rows = []
    for key in keys:
        current = now.task(key)
        previous = before.task(key) if before is not None else None
        completion = time = None
        if current is not None and previous is not None:
            completion = compare_completion(
                current.completion.successes,
                current.completion.n,
                previous.completion.successes,
                previous.completion.n,
            )
            time = compare_times(current.times, previous.times)
        title = (current or previous).title
        rows.append(TaskRow(key, title, current, previous, completion, time))
    return tuple(rows)


#: (iteration id, (database, its data fingerprint)) → its summary: a week whose data did not
#: change is not read or computed again (emptied when it grows past SUMMARY_CACHE_SIZE)
_SUMMARIES: dict[tuple[int, tuple], IterationSummary] = {}
SUMMARY_CACHE_SIZE = 2000


def forget_summaries() -> None:
    """Empty the summary cache (benchmarks measure a first visit with it)."""
    _SUMMARIES.clear()


def _summaries(session, prototype_id: int) -> tuple[tuple[IterationSummary, ...], tuple]:
    """Every iteration's summary, reading and computing only the weeks whose data changed."""
    its = iterations(session, prototype_id)
    where = str(session.get_bind().url)
    prints = {i: (where, p) for i, p in iteration_fingerprints(session, prototype_id).items()}
    known = {it.id: _SUMMARIES.get((it.id, prints.get(it.id, ()))) for it in its}
    missing = [i for i, summary in known.items() if summary is None]
    inputs = review_inputs(session, prototype_id, only=missing)
    if len(_SUMMARIES) + len(missing) > SUMMARY_CACHE_SIZE:
        _SUMMARIES.clear()
    for data in inputs.iterations:
        summary = summarise(data)
        known[data.iteration.id] = summary
        _SUMMARIES[(data.iteration.id, prints.get(data.iteration.id, ()))] = summary
    # the iteration's own fields (change log, hypothesis) are always the fresh ones
    summaries = tuple(replace(known[it.id], iteration=it) for it in its)
    return summaries, inputs.steps


def load_bundle(session, prototype_id: int, iteration_id: int) -> ReviewBundle:
    """Read the prototype's figures and compute the review of `iteration_id` against the last.

    `session` is a database session (see `storage.db`). Weeks whose data did not change since
    they were last summarised in this process are taken from memory; the sentiment of the open
    answers is scored for this iteration and the one before it (each text once per process).
    """
    summaries, steps = _summaries(session, prototype_id)
    review = review_of(summaries, compare=(iteration_id,))
    previous = review.previous(iteration_id)
    ids = [iteration_id] + ([previous.iteration.id] if previous is not None else [])
    texts = open_texts(session, ids)
    sentiment = {i: sentiment_of(texts.get(i, [])) for i in ids}
    now = review.summary(iteration_id)
    tasks = task_rows(now, previous) if now is not None else ()
    return ReviewBundle(review, steps, sentiment, tasks)


def build_scorecard(bundle: ReviewBundle, iteration_id: int, themes: ThemeCounts) -> Scorecard:
    """The scorecard of one iteration beside the previous one (`themes` read uncached)."""
    review = bundle.review
    now = review.summary(iteration_id)
    if now is None:
        raise ValueError(f"iteration {iteration_id} is not part of this review")
    before = review.previous(iteration_id)
    comparisons = review.comparisons.get(iteration_id)
    if comparisons is None:
        comparisons = (
            tuple(compare_iterations(now.metrics, before.metrics)) if before is not None else ()
        )
    order = [s.iteration.id for s in review.summaries]
    return Scorecard(
        current=now,
        previous=before,
        comparisons=comparisons,
        tasks=bundle.tasks if bundle.tasks is not None else task_rows(now, before),
        heatmap=heatmap_cells(
            bundle.steps, now.pain_points, before.pain_points if before is not None else None
        ),
        segments=segment_report(now.participants),
        themes=theme_movement(themes, order, iteration_id),
        themes_found=bool(themes.labels),
        sentiment=bundle.sentiment.get(iteration_id) or sentiment_of([]),
        sentiment_previous=(
            bundle.sentiment.get(before.iteration.id) if before is not None else None
        ),
    )
