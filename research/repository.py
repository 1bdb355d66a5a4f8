"""Participants and interview sessions in the database; functions take a session, give data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.redaction import redact_text
from storage.schema import (
    Consent,
    InterviewSession,
    Observation,
    Participant,
    TaskResult,
    utcnow,
)

OUTCOMES = ("success", "partial", "fail", "abandoned")
OBSERVATION_KINDS = ("pain_point", "quote", "idea", "positive")
PARTICIPANT_KINDS = ("citizen", "staff")
MAX_NOTE_LENGTH = 5000


@dataclass(frozen=True)
class ParticipantInfo:
    id: int
    code: str
    kind: str
    segment: dict
    has_consent: bool


@dataclass(frozen=True)
class TaskResultInput:
    task_id: int
    outcome: str
    seconds: float | None = None
    seq: int | None = None
    errors: int = 0
    note: str = ""


@dataclass(frozen=True)
class ObservationInput:
    kind: str
    text: str
    journey_step_id: int | None = None
    task_id: int | None = None
    severity: int | None = None
    tags: Sequence[str] = field(default_factory=tuple)


def next_participant_code(session: Session) -> str:
    count = session.scalar(select(func.count(Participant.id))) or 0
    code = f"P-{count + 1:03d}"
    while session.scalar(select(Participant.id).where(Participant.code == code)) is not None:
        count += 1
        code = f"P-{count + 1:03d}"
    return code


def add_participant(
    session: Session,
    kind: str,
    segment: dict | None = None,
    *,
    consent_on: dt.date | None = None,
    retention_days: int = 365,
    quotes: bool = False,
    audio: bool = False,
    code: str | None = None,
) -> ParticipantInfo:
    if kind not in PARTICIPANT_KINDS:
        raise ValueError(f"kind must be one of {PARTICIPANT_KINDS}")
    participant = Participant(
        code=code or next_participant_code(session), kind=kind, segment=segment or {}
    )
    if consent_on is not None:
        participant.consents.append(
            Consent(
                given_on=consent_on,
                notes=True,
                quotes=quotes,
                audio=audio,
                retention_until=consent_on + dt.timedelta(days=retention_days),
            )
        )
    session.add(participant)
    session.flush()
    return _participant_info(participant)


def _participant_info(row: Participant) -> ParticipantInfo:
    return ParticipantInfo(
        id=row.id,
        code=row.code,
        kind=row.kind,
        segment=dict(row.segment),
        has_consent=any(c.withdrawn_at is None for c in row.consents),
    )


def participants(session: Session) -> list[ParticipantInfo]:
    rows = session.scalars(
        select(Participant).where(Participant.erased_at.is_(None)).order_by(Participant.code)
    )
    return [_participant_info(row) for row in rows]


def _check_result(result: TaskResultInput) -> None:
    if result.outcome not in OUTCOMES:
        raise UserError(N_("Choose an outcome for every task."))
    if result.seconds is not None and not 0 <= result.seconds <= 6 * 3600:
        raise UserError(N_("Time on task must be between 0 seconds and 6 hours."))
    if result.seq is not None and not 1 <= result.seq <= 7:
        raise UserError(N_("SEQ is a rating from 1 (very difficult) to 7 (very easy)."))
    if not 0 <= result.errors <= 1000:
        raise UserError(N_("The error count must be between 0 and 1000."))
    if len(result.note) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)


def _check_observation(item: ObservationInput) -> None:
    if item.kind not in OBSERVATION_KINDS:
        raise UserError(N_("Choose what kind of observation this is."))
    if not item.text.strip():
        raise UserError(N_("An observation needs some text."))
    if len(item.text) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)
    if item.kind == "pain_point" and item.severity not in (1, 2, 3, 4):
        raise UserError(N_("A pain point needs a severity from 1 (cosmetic) to 4 (blocker)."))


def log_session(
    session: Session,
    iteration_id: int,
    participant_id: int,
    results: Sequence[TaskResultInput],
    observations: Sequence[ObservationInput] = (),
    *,
    researcher_id: int | None = None,
    held_at: dt.datetime | None = None,
    notes: str = "",
) -> int:
    """Store an interview session with its task results and observations; returns its id."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.erased_at is not None:
        raise UserError(N_("Choose a participant."))
    if not any(c.withdrawn_at is None for c in participant.consents):
        raise UserError(
            N_("Participant {code} has no valid consent; record their consent first."),
            code=participant.code,
        )
    for result in results:
        _check_result(result)
    for item in observations:
        _check_observation(item)
    if len({r.task_id for r in results}) != len(results):
        raise UserError(N_("Each task can have only one result per session."))
    interview = InterviewSession(
        iteration_id=iteration_id,
        participant_id=participant_id,
        researcher_id=researcher_id,
        held_at=held_at or utcnow(),
        notes=redact_text(notes),
        results=[
            TaskResult(
                task_id=r.task_id,
                outcome=r.outcome,
                seconds=r.seconds,
                seq=r.seq,
                errors=r.errors,
                note=redact_text(r.note),
            )
            for r in results
        ],
        observations=[
            Observation(
                kind=o.kind,
                text=redact_text(o.text),
                journey_step_id=o.journey_step_id,
                task_id=o.task_id,
                severity=o.severity if o.kind == "pain_point" else None,
                tags=list(o.tags),
            )
            for o in observations
        ],
    )
    session.add(interview)
    session.flush()
    return interview.id


def sessions_of_iteration(session: Session, iteration_id: int) -> list[dict[str, object]]:
    """One row per interview session: when, who (code), tasks done, successes, observations."""
    results = (
        select(
            TaskResult.session_id,
            func.count(TaskResult.id).label("tasks"),
            func.sum(case((TaskResult.outcome == "success", 1), else_=0)).label("successes"),
        )
        .group_by(TaskResult.session_id)
        .subquery()
    )
    notes = (
        select(Observation.session_id, func.count(Observation.id).label("observations"))
        .group_by(Observation.session_id)
        .subquery()
    )
    rows = session.execute(
        select(
            InterviewSession.id,
            InterviewSession.held_at,
            Participant.code,
            Participant.kind,
            func.coalesce(results.c.tasks, 0),
            func.coalesce(results.c.successes, 0),
            func.coalesce(notes.c.observations, 0),
        )
        .outerjoin(Participant, Participant.id == InterviewSession.participant_id)
        .outerjoin(results, results.c.session_id == InterviewSession.id)
        .outerjoin(notes, notes.c.session_id == InterviewSession.id)
        .where(InterviewSession.iteration_id == iteration_id)
        .order_by(InterviewSession.held_at)
    ).all()
    return [
        {
            "id": r[0],
            "held_at": r[1],
            "participant": r[2] or "—",
            "kind": r[3] or "",
            "tasks": int(r[4]),
            "successes": int(r[5]),
            "observations": int(r[6]),
        }
        for r in rows
    ]
