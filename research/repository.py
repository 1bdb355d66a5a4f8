"""Participants and interview sessions in the database; functions take a session, give data.

Consent, contacts and erasure live in `repository_participants`, editing a logged session in
`repository_sessions`, autosaved drafts in `repository_drafts`, tags in `repository_tags` and
transcripts in `repository_transcripts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.interviews import (
    MAX_NOTE_LENGTH,
    OBSERVATION_KINDS,
    OUTCOMES,
    PARTICIPANT_KINDS,
    SEGMENT_ATTRIBUTES,
    ObservationInput,
    TaskResultInput,
    check_inputs,
    clean_segment,
    stored_text,
)
from research.repository_tags import set_observation_tags
from storage.schema import (
    Consent,
    InterviewSession,
    Observation,
    Participant,
    TaskResult,
    User,
    utcnow,
)

__all__ = [
    "MAX_NOTE_LENGTH",
    "OBSERVATION_KINDS",
    "OUTCOMES",
    "PARTICIPANT_KINDS",
    "SEGMENT_ATTRIBUTES",
    "ObservationInput",
    "ParticipantInfo",
    "TaskResultInput",
    "add_observations",
    "add_participant",
    "log_session",
    "next_participant_code",
    "participants",
    "quotes_allowed",
    "researchers",
    "sessions_of_iteration",
]


@dataclass(frozen=True)
class ParticipantInfo:
    id: int
    code: str
    kind: str
    segment: dict
    has_consent: bool
    sessions: int = 0
    consent_quotes: bool = False
    consent_audio: bool = False
    retention_until: dt.date | None = None


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
    retention_until: dt.date | None = None,
    quotes: bool = False,
    audio: bool = False,
    metrics: bool = True,
    contact: bool = False,
    code: str | None = None,
) -> ParticipantInfo:
    """A new participant with the next free code; with `consent_on`, their consent record."""
    if kind not in PARTICIPANT_KINDS:
        raise ValueError(f"kind must be one of {PARTICIPANT_KINDS}")
    participant = Participant(
        code=code or next_participant_code(session),
        kind=kind,
        segment=clean_segment(segment or {}),
    )
    if consent_on is not None:
        until = retention_until or consent_on + dt.timedelta(days=retention_days)
        if until < consent_on:
            raise UserError(N_("The retention date cannot be before the date of consent."))
        participant.consents.append(
            Consent(
                given_on=consent_on,
                notes=True,
                quotes=quotes,
                audio=audio,
                metrics=metrics,
                contact=contact,
                retention_until=until,
            )
        )
    session.add(participant)
    session.flush()
    return _participant_info(participant)


def _participant_info(row: Participant, sessions: int = 0) -> ParticipantInfo:
    valid = [c for c in row.consents if c.withdrawn_at is None]
    latest = max(valid, key=lambda c: (c.given_on, c.id or 0)) if valid else None
    return ParticipantInfo(
        id=row.id,
        code=row.code,
        kind=row.kind,
        segment=dict(row.segment),
        has_consent=latest is not None,
        sessions=sessions,
        consent_quotes=bool(latest and latest.quotes),
        consent_audio=bool(latest and latest.audio),
        retention_until=latest.retention_until if latest else None,
    )


def participants(
    session: Session,
    *,
    kind: str | None = None,
    segment: Mapping[str, str] | None = None,
    with_consent: bool | None = None,
) -> list[ParticipantInfo]:
    """Participants not erased, by code; filtered by kind, segment values and consent."""
    query = select(Participant).where(Participant.erased_at.is_(None)).order_by(Participant.code)
    if kind:
        query = query.where(Participant.kind == kind)
    counts = dict(
        session.execute(
            select(InterviewSession.participant_id, func.count(InterviewSession.id)).group_by(
                InterviewSession.participant_id
            )
        ).all()
    )
    found = []
    for row in session.scalars(query):
        if segment and any(str(row.segment.get(k, "")) != v for k, v in segment.items() if v):
            continue
        info = _participant_info(row, counts.get(row.id, 0))
        if with_consent is not None and info.has_consent != with_consent:
            continue
        found.append(info)
    return found


def researchers(session: Session) -> list[tuple[int, str]]:
    """(user id, name) of everyone who has logged a session."""
    rows = session.execute(
        select(User.id, User.display_name, User.username)
        .join(InterviewSession, InterviewSession.researcher_id == User.id)
        .distinct()
        .order_by(User.username)
    )
    return [(r.id, r.display_name or r.username) for r in rows]


def require_consent(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None or participant.erased_at is not None:
        raise UserError(N_("Choose a participant."))
    if not any(c.withdrawn_at is None for c in participant.consents):
        raise UserError(
            N_("Participant {code} has no valid consent; record their consent first."),
            code=participant.code,
        )
    return participant


def _observation_row(item: ObservationInput) -> Observation:
    return Observation(
        kind=item.kind,
        text=stored_text(item.text, item.keep),
        journey_step_id=item.journey_step_id,
        task_id=item.task_id,
        severity=item.severity if item.kind == "pain_point" else None,
        transcript_id=item.transcript_id,
        first_turn=item.first_turn,
        last_turn=item.last_turn,
    )


def _result_row(result: TaskResultInput) -> TaskResult:
    return TaskResult(
        task_id=result.task_id,
        outcome=result.outcome,
        seconds=result.seconds,
        seq=result.seq,
        errors=result.errors,
        note=stored_text(result.note, result.note_keep),
    )


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
    notes_keep: Sequence[int] = (),
) -> int:
    """Store an interview session with its task results and observations; returns its id.

    Every free text is redacted (`notes_keep`, `note_keep` and `keep` undo chosen findings).
    """
    require_consent(session, participant_id)
    check_inputs(results, observations, notes)
    rows = [_observation_row(o) for o in observations]
    interview = InterviewSession(
        iteration_id=iteration_id,
        participant_id=participant_id,
        researcher_id=researcher_id,
        held_at=held_at or utcnow(),
        notes=stored_text(notes, notes_keep),
        results=[_result_row(r) for r in results],
        observations=rows,
    )
    session.add(interview)
    session.flush()
    for row, item in zip(rows, observations, strict=True):
        if item.tags:
            set_observation_tags(session, row.id, item.tags)
    return interview.id


def open_session(session: Session, session_id: int) -> InterviewSession:
    """The session, if it exists and its participant was not erased (nothing may be added)."""
    interview = session.get(InterviewSession, session_id)
    if interview is None:
        raise UserError(N_("This session no longer exists; someone may have deleted it."))
    participant = (
        session.get(Participant, interview.participant_id)
        if interview.participant_id is not None
        else None
    )
    if participant is None or participant.erased_at is not None:
        raise UserError(
            N_("This session's participant was erased; nothing can be added to the session.")
        )
    return interview


def add_observations(
    session: Session, session_id: int, observations: Sequence[ObservationInput]
) -> list[int]:
    """Add observations to a logged session (e.g. from its transcript); bumps its version."""
    interview = open_session(session, session_id)
    check_inputs((), observations, "")
    rows = [_observation_row(o) for o in observations]
    interview.observations.extend(rows)
    interview.updated_at = utcnow()
    session.flush()
    for row, item in zip(rows, observations, strict=True):
        if item.tags:
            set_observation_tags(session, row.id, item.tags)
    return [row.id for row in rows]


def quotes_allowed(session: Session, observation_ids: Sequence[int]) -> set[int]:
    """The observations whose participant currently consents to being quoted in reports."""
    ids = list(observation_ids)
    if not ids:
        return set()
    rows = session.execute(
        select(Observation.id)
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .join(Consent, Consent.participant_id == InterviewSession.participant_id)
        .where(Observation.id.in_(ids), Consent.quotes.is_(True), Consent.withdrawn_at.is_(None))
    )
    return {row[0] for row in rows}


def sessions_of_iteration(
    session: Session,
    iteration_id: int,
    *,
    kind: str | None = None,
    segment: Mapping[str, str] | None = None,
    researcher_id: int | None = None,
) -> list[dict[str, object]]:
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
    query = (
        select(
            InterviewSession.id,
            InterviewSession.held_at,
            Participant.code,
            Participant.kind,
            func.coalesce(results.c.tasks, 0),
            func.coalesce(results.c.successes, 0),
            func.coalesce(notes.c.observations, 0),
            Participant.segment,
            func.coalesce(User.display_name, User.username),
            InterviewSession.version,
        )
        .outerjoin(Participant, Participant.id == InterviewSession.participant_id)
        .outerjoin(User, User.id == InterviewSession.researcher_id)
        .outerjoin(results, results.c.session_id == InterviewSession.id)
        .outerjoin(notes, notes.c.session_id == InterviewSession.id)
        .where(InterviewSession.iteration_id == iteration_id)
        .order_by(InterviewSession.held_at, InterviewSession.id)
    )
    if kind:
        query = query.where(Participant.kind == kind)
    if researcher_id is not None:
        query = query.where(InterviewSession.researcher_id == researcher_id)
    rows = []
    for r in session.execute(query).all():
        seg = dict(r[7] or {})
        if segment and any(str(seg.get(k, "")) != v for k, v in segment.items() if v):
            continue
        rows.append(
            {
                "id": r[0],
                "held_at": r[1],
                "participant": r[2] or "—",
                "kind": r[3] or "",
                "tasks": int(r[4]),
                "successes": int(r[5]),
                "observations": int(r[6]),
                "researcher": r[8] or "",
                "version": r[9],
            }
        )
    return rows
