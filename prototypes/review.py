"""The weekly review computed from raw iteration data: pure functions, no database, no Streamlit.

`build_review` turns what `repository_metrics.iteration_data` read into per-iteration summaries with
intervals, per-task figures and each iteration's comparison with the one before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from prototypes.comparison import Comparison, IterationMetrics, compare_iterations
from prototypes.repository import IterationInfo
from prototypes.repository_metrics import IterationData
from prototypes.statistics import (
    MeanInterval,
    Proportion,
    SusGrade,
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


@dataclass(frozen=True)
class WeeklyReview:
    summaries: tuple[IterationSummary, ...]
    #: for each iteration id, its comparison with the iteration before it (empty for the first)
    comparisons: dict[int, tuple[Comparison, ...]]

    def summary(self, iteration_id: int) -> IterationSummary | None:
        return next((s for s in self.summaries if s.iteration.id == iteration_id), None)


def _task_summaries(data: IterationData) -> tuple[TaskSummary, ...]:
    by_task: dict[str, list] = defaultdict(list)
    for attempt in data.attempts:
        by_task[attempt.task_key].append(attempt)
    summaries = []
    for key, attempts in by_task.items():
        successes = [a for a in attempts if a.outcome == "success"]
        summaries.append(
            TaskSummary(
                key=key,
                title=attempts[0].task_title,
                completion=completion_ci(len(successes), len(attempts)),
                time=time_on_task([a.seconds for a in successes if a.seconds and a.seconds > 0]),
                seq=seq_summary([a.seq for a in attempts if a.seq is not None]),
            )
        )
    return tuple(summaries)


def summarise(data: IterationData) -> IterationSummary:
    scored = score_sus_responses(data.sus_items)
    sus = sus_summary(scored.scores)
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
    )


def build_review(data: Sequence[IterationData]) -> WeeklyReview:
    summaries = tuple(summarise(d) for d in data)
    comparisons: dict[int, tuple[Comparison, ...]] = {}
    for index, summary in enumerate(summaries):
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
                base | {"metric": "sus", "value": s.sus.mean, "low": s.sus.low, "high": s.sus.high}
            )
        if s.completion.p is not None:
            rows.append(
                base
                | {
                    "metric": "completion",
                    "value": 100 * s.completion.p,
                    "low": 100 * s.completion.low,
                    "high": 100 * s.completion.high,
                }
            )
    return rows
