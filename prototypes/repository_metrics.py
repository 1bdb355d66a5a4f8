"""The raw figures of every iteration of a prototype, read in a few grouped queries.

`iteration_data` gathers what the weekly review computes on: response counts, SUS item answers,
SEQ and NPS answers from questionnaires, and task results from interview sessions.
`review_inputs` adds what the scorecard shows beside them: who took part (kind and segment), pain
points by journey step and severity, and the journey's steps. Both can read only some iterations
(`only`), so a week whose `iteration_fingerprints` entry did not change need not be read again.
Every function runs a fixed number of queries, whatever the number of iterations (no query per
row). Theme counts, quotes and open answers live in `prototypes.repository_review` (re-exported
here). The statistics are computed elsewhere, by pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import String, Text, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from prototypes.repository import IterationInfo, iterations
from prototypes.repository_review import ThemeCounts as ThemeCounts  # re-exported
from prototypes.repository_review import open_texts as open_texts
from prototypes.repository_review import theme_counts as theme_counts
from prototypes.repository_review import theme_quotes as theme_quotes
from storage.schema import (
    Answer,
    InterviewSession,
    Iteration,
    JourneyStep,
    Observation,
    Participant,
    Prototype,
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
    #: (kind, segment) of each participant interviewed in the iteration, once per participant
    participants: list[tuple[str, dict]] = field(default_factory=list)
    #: (journey step key or None, severity 1–4) → number of pain points observed
    pain_points: dict[tuple[str | None, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class StepRef:
    key: str
    position: int
    name_bg: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_bg


@dataclass
class ReviewInputs:
    iterations: list[IterationData]
    steps: tuple[StepRef, ...] = ()


def _decode(raw: object) -> object:
    """JSON read as text (SQLite); PostgreSQL's driver hands over decoded values already."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _decode_joined(joined: str | None) -> list:
    """Comma-joined JSON values as a list; a value that does not read as JSON is skipped."""
    if not joined:
        return []
    try:
        return json.loads("[" + joined + "]")
    except ValueError:
        pass
    decoder, values, position = json.JSONDecoder(), [], 0
    while position < len(joined):
        try:
            value, position = decoder.raw_decode(joined, position)
            values.append(value)
            position += 1
        except ValueError:
            following = joined.find(",", position)
            if following < 0:
                break
            position = following + 1
    return values


def iteration_data(
    session: Session, prototype_id: int, only: Collection[int] | None = None
) -> list[IterationData]:
    """Every iteration of the prototype (or those in `only`), oldest first, with its raw figures."""
    data = {
        it.id: IterationData(it)
        for it in iterations(session, prototype_id)
        if only is None or it.id in only
    }
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

    # One string of comma-joined JSON values per iteration and question type, decoded as one JSON
    # array: per-row JSON processing costs more than everything else here on a project with tens
    # of thousands of answers.
    rated = session.execute(
        select(
            Questionnaire.iteration_id,
            Question.type,
            func.aggregate_strings(cast(Answer.value, Text), ","),
        )
        .join(Question, Question.questionnaire_id == Questionnaire.id)
        .join(Answer, Answer.question_id == Question.id)
        .where(
            Questionnaire.iteration_id.in_(ids),
            Question.type.in_(("sus", "seq", "nps")),
            Answer.value.is_not(None),
        )
        .group_by(Questionnaire.iteration_id, Question.type)
    )
    for iteration_id, kind, joined in rated:
        joined = joined or ""
        target, values = data[iteration_id], _decode_joined(joined)
        if kind == "sus":
            answers = [v for v in values if type(v) is list and len(v) == 10]
            if "true" in joined or "false" in joined:  # a boolean is never a SUS answer
                answers = [v for v in answers if not any(type(i) is bool for i in v)]
            target.sus_items.extend(answers)
        else:
            numbers = [int(v) for v in values if type(v) is int or type(v) is float]
            (target.survey_seq if kind == "seq" else target.nps).extend(numbers)

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
    titles: dict[tuple[str, str | None], dict[str, str]] = {}
    for iteration_id, key, title_bg, title_en, outcome, seconds, seq in attempts:
        title = titles.setdefault(
            (title_bg, title_en), {"bg": title_bg, "en": title_en or title_bg}
        )
        data[iteration_id].attempts.append(TaskAttempt(key, title, outcome, seconds, seq))
    return list(data.values())


def _journey_steps(session: Session, prototype_id: int) -> tuple[StepRef, ...]:
    rows = session.execute(
        select(JourneyStep.key, JourneyStep.position, JourneyStep.name_bg, JourneyStep.name_en)
        .join(Prototype, Prototype.life_event_id == JourneyStep.life_event_id)
        .where(Prototype.id == prototype_id)
        .order_by(JourneyStep.position, JourneyStep.id)
    )
    seen: dict[str, StepRef] = {}
    for key, position, name_bg, name_en in rows:
        seen.setdefault(key, StepRef(key, position, name_bg, name_en or ""))
    return tuple(seen.values())


def review_inputs(
    session: Session, prototype_id: int, only: Collection[int] | None = None
) -> ReviewInputs:
    """`iteration_data` plus participants, pain points and the journey's steps."""
    data = iteration_data(session, prototype_id, only)
    if not data:
        return ReviewInputs([], _journey_steps(session, prototype_id))
    by_id = {d.iteration.id: d for d in data}
    ids = list(by_id)

    people = session.execute(
        select(
            InterviewSession.iteration_id,
            InterviewSession.id,
            Participant.id,
            Participant.kind,
            type_coerce(Participant.segment, String),
        )
        .outerjoin(Participant, Participant.id == InterviewSession.participant_id)
        .where(InterviewSession.iteration_id.in_(ids))
        .order_by(InterviewSession.iteration_id, InterviewSession.id)
    )
    seen: set[tuple[int, int]] = set()
    for iteration_id, session_id, participant_id, kind, segment in people:
        if participant_id is not None and (iteration_id, participant_id) in seen:
            continue
        seen.add((iteration_id, participant_id if participant_id is not None else -session_id))
        decoded = _decode(segment)
        by_id[iteration_id].participants.append(
            (kind or "unknown", decoded if isinstance(decoded, dict) else {})
        )

    pains = session.execute(
        select(
            InterviewSession.iteration_id,
            JourneyStep.key,
            Observation.severity,
            func.count(Observation.id),
        )
        .join(Observation, Observation.session_id == InterviewSession.id)
        .outerjoin(JourneyStep, JourneyStep.id == Observation.journey_step_id)
        .where(
            InterviewSession.iteration_id.in_(ids),
            Observation.kind == "pain_point",
            Observation.severity.is_not(None),
        )
        .group_by(InterviewSession.iteration_id, JourneyStep.key, Observation.severity)
    )
    for iteration_id, step_key, severity, count in pains:
        cell = (step_key, int(severity))
        target = by_id[iteration_id].pain_points
        target[cell] = target.get(cell, 0) + int(count)
    return ReviewInputs(data, _journey_steps(session, prototype_id))


def iteration_fingerprints(session: Session, prototype_id: int) -> dict[int, tuple]:
    """Per iteration, a cheap value that changes whenever its figures could change.

    Counts and highest ids of its responses, sessions (and their last edit), task results,
    observations and tasks, in five grouped queries.
    """
    ids = select(Iteration.id).where(Iteration.prototype_id == prototype_id)
    queries = (
        select(Questionnaire.iteration_id, func.count(Response.id), func.max(Response.id))
        .join(Response, Response.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.iteration_id.in_(ids))
        .group_by(Questionnaire.iteration_id),
        select(
            InterviewSession.iteration_id,
            func.count(InterviewSession.id),
            func.max(InterviewSession.id),
            func.max(InterviewSession.updated_at),
        )
        .where(InterviewSession.iteration_id.in_(ids))
        .group_by(InterviewSession.iteration_id),
        select(InterviewSession.iteration_id, func.count(TaskResult.id), func.max(TaskResult.id))
        .join(TaskResult, TaskResult.session_id == InterviewSession.id)
        .where(InterviewSession.iteration_id.in_(ids))
        .group_by(InterviewSession.iteration_id),
        select(InterviewSession.iteration_id, func.count(Observation.id), func.max(Observation.id))
        .join(Observation, Observation.session_id == InterviewSession.id)
        .where(InterviewSession.iteration_id.in_(ids))
        .group_by(InterviewSession.iteration_id),
        select(Task.iteration_id, func.count(Task.id), func.max(Task.id))
        .where(Task.iteration_id.in_(ids))
        .group_by(Task.iteration_id),
    )
    found: dict[int, tuple] = {i: ((),) * len(queries) for i in session.scalars(ids)}
    for position, query in enumerate(queries):
        for iteration_id, *values in session.execute(query):
            parts = list(found[iteration_id])
            parts[position] = tuple(str(v) for v in values)
            found[iteration_id] = tuple(parts)
    return found


def data_fingerprint(session: Session, prototype_id: int) -> tuple:
    """A cheap value that changes whenever the figures of the prototype's review could change."""
    return tuple(sorted(iteration_fingerprints(session, prototype_id).items()))
