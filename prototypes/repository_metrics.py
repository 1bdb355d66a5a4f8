"""The raw figures of every iteration of a prototype, read in a few grouped queries.

`iteration_data` gathers what the weekly review computes on: response counts, SUS item answers,
SEQ and NPS answers from questionnaires, and task results from interview sessions. The statistics
are computed elsewhere, by pure functions, on what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prototypes.repository import IterationInfo, iterations
from storage.schema import (
    Answer,
    InterviewSession,
    Iteration,
    Question,
    Questionnaire,
    Response,
    Task,
    TaskResult,
)


@dataclass(frozen=True)
class TaskAttempt:
    task_key: str
    task_title: dict[str, str]
    outcome: str
    seconds: float | None
    seq: int | None


@dataclass
class IterationData:
    iteration: IterationInfo
    response_count: int = 0
    session_count: int = 0
    #: one list of ten 1–5 answers (None where skipped) per response that has a SUS block
    sus_items: list[list[int | None]] = field(default_factory=list)
    #: SEQ answers given in questionnaires (1–7)
    survey_seq: list[int] = field(default_factory=list)
    nps: list[int] = field(default_factory=list)
    attempts: list[TaskAttempt] = field(default_factory=list)


def iteration_data(session: Session, prototype_id: int) -> list[IterationData]:
    """Every iteration of the prototype, oldest first, with its raw figures."""
    data = {it.id: IterationData(it) for it in iterations(session, prototype_id)}
    if not data:
        return []
    ids = list(data)

    counts = session.execute(
        select(Questionnaire.iteration_id, func.count(Response.id))
        .join(Response, Response.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.iteration_id.in_(ids))
        .group_by(Questionnaire.iteration_id)
    )
    for iteration_id, count in counts:
        data[iteration_id].response_count = count

    rated = session.execute(
        select(Questionnaire.iteration_id, Question.type, Answer.value)
        .join(Question, Question.questionnaire_id == Questionnaire.id)
        .join(Answer, Answer.question_id == Question.id)
        .where(Questionnaire.iteration_id.in_(ids), Question.type.in_(("sus", "seq", "nps")))
    )
    for iteration_id, kind, value in rated:
        target = data[iteration_id]
        if kind == "sus" and isinstance(value, list) and len(value) == 10:
            target.sus_items.append([int(v) if v is not None else None for v in value])
        elif kind == "seq" and value is not None:
            target.survey_seq.append(int(value))
        elif kind == "nps" and value is not None:
            target.nps.append(int(value))

    sessions = session.execute(
        select(InterviewSession.iteration_id, func.count(InterviewSession.id))
        .where(InterviewSession.iteration_id.in_(ids))
        .group_by(InterviewSession.iteration_id)
    )
    for iteration_id, count in sessions:
        data[iteration_id].session_count = count

    attempts = session.execute(
        select(
            Task.iteration_id,
            Task.key,
            Task.title_bg,
            Task.title_en,
            TaskResult.outcome,
            TaskResult.seconds,
            TaskResult.seq,
        )
        .join(TaskResult, TaskResult.task_id == Task.id)
        .where(Task.iteration_id.in_(ids))
        .order_by(Task.iteration_id, Task.position, TaskResult.id)
    )
    for iteration_id, key, title_bg, title_en, outcome, seconds, seq in attempts:
        title = {"bg": title_bg, "en": title_en or title_bg}
        data[iteration_id].attempts.append(TaskAttempt(key, title, outcome, seconds, seq))
    return list(data.values())


def data_fingerprint(session: Session, prototype_id: int) -> tuple:
    """A cheap value that changes whenever the figures of the prototype's review could change."""
    iteration_ids = select(Iteration.id).where(Iteration.prototype_id == prototype_id)
    responses = session.execute(
        select(func.count(Response.id), func.max(Response.id))
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(Questionnaire.iteration_id.in_(iteration_ids))
    ).one()
    sessions = session.execute(
        select(
            func.count(InterviewSession.id),
            func.max(InterviewSession.id),
            func.max(InterviewSession.updated_at),
        ).where(InterviewSession.iteration_id.in_(iteration_ids))
    ).one()
    iterations_seen = session.execute(
        select(func.count(Iteration.id), func.max(Iteration.id)).where(
            Iteration.prototype_id == prototype_id
        )
    ).one()
    return (*responses, *sessions, *iterations_seen)
