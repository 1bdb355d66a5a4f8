"""A logged interview session: read it whole, edit it without overwriting someone else's edit.

Every edit names the version it was based on. If the session changed since, `SessionChanged` is
raised and nothing is written; the caller keeps the researcher's edits (in their draft) so nothing
is lost. The version check also holds between processes: the row's `version` column is SQLAlchemy's
version counter, so an UPDATE based on an old version matches no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from i18n import N_, UserError
from research.interviews import (
    ObservationInput,
    TaskResultInput,
    check_inputs,
    stored_text,
)
from research.repository_tags import set_observation_tags, tags_of_observations
from storage.schema import (
    InterviewSession,
    Observation,
    Participant,
    TaskResult,
    User,
    utcnow,
)


class SessionChanged(UserError):
    """Someone saved the session after this edit began; nothing of this edit was written."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "Someone else changed this session; reload to see their changes. Your edits are "
                "kept in this draft, so nothing is lost."
            )
        )


class SessionGone(UserError):
    def __init__(self) -> None:
        super().__init__(N_("This session no longer exists; someone may have deleted it."))


@dataclass(frozen=True)
class ResultDetail:
    task_id: int
    outcome: str
    seconds: float | None
    seq: int | None
    errors: int
    note: str


@dataclass(frozen=True)
class ObservationDetail:
    id: int
    kind: str
    text: str
    journey_step_id: int | None
    task_id: int | None
    severity: int | None
    tags: tuple[str, ...]
    transcript_id: int | None
    first_turn: int | None
    last_turn: int | None


@dataclass(frozen=True)
class SessionDetail:
    id: int
    iteration_id: int
    participant_id: int | None
    participant_code: str
    participant_kind: str
    segment: dict
    researcher: str
    held_at: dt.datetime
    notes: str
    version: int
    results: tuple[ResultDetail, ...]
    observations: tuple[ObservationDetail, ...]


def session_detail(session: Session, session_id: int) -> SessionDetail:
    interview = session.get(InterviewSession, session_id)
    if interview is None:
        raise SessionGone()
    participant = (
        session.get(Participant, interview.participant_id)
        if interview.participant_id is not None
        else None
    )
    researcher = (
        session.get(User, interview.researcher_id) if interview.researcher_id is not None else None
    )
    observations = sorted(interview.observations, key=lambda o: o.id)
    tags = tags_of_observations(session, [o.id for o in observations])
    return SessionDetail(
        id=interview.id,
        iteration_id=interview.iteration_id,
        participant_id=interview.participant_id,
        participant_code=participant.code if participant else "—",
        participant_kind=participant.kind if participant else "",
        segment=dict(participant.segment) if participant else {},
        researcher=(researcher.display_name or researcher.username) if researcher else "",
        held_at=interview.held_at,
        notes=interview.notes,
        version=interview.version,
        results=tuple(
            ResultDetail(r.task_id, r.outcome, r.seconds, r.seq, r.errors, r.note)
            for r in sorted(interview.results, key=lambda r: r.id)
        ),
        observations=tuple(
            ObservationDetail(
                o.id,
                o.kind,
                o.text,
                o.journey_step_id,
                o.task_id,
                o.severity,
                tuple(tags.get(o.id, ())),
                o.transcript_id,
                o.first_turn,
                o.last_turn,
            )
            for o in observations
        ),
    )


def session_version(session: Session, session_id: int) -> int | None:
    return session.scalar(select(InterviewSession.version).where(InterviewSession.id == session_id))


def update_session(
    session: Session,
    session_id: int,
    expected_version: int,
    results: Sequence[TaskResultInput],
    observations: Sequence[ObservationInput],
    *,
    notes: str = "",
    notes_keep: Sequence[int] = (),
) -> int:
    """Replace the session's results, observations and notes; returns the new version.

    Texts that did not change are kept as stored (a false positive undone earlier stays undone);
    changed texts are redacted again. Observations keep their ids, so themes and decisions that
    point at them still do.
    """
    interview = session.get(InterviewSession, session_id)
    if interview is None:
        raise SessionGone()
    if interview.version != expected_version:
        raise SessionChanged()
    check_inputs(results, observations, notes)
    if notes != interview.notes:
        interview.notes = stored_text(notes, notes_keep)
    by_task = {r.task_id: r for r in interview.results}
    for result in results:
        row = by_task.pop(result.task_id, None)
        if row is None:
            row = TaskResult(task_id=result.task_id, note="")
            interview.results.append(row)
        row.outcome, row.seconds, row.seq, row.errors = (
            result.outcome,
            result.seconds,
            result.seq,
            result.errors,
        )
        if result.note != row.note:
            row.note = stored_text(result.note, result.note_keep)
    for row in by_task.values():
        interview.results.remove(row)
    by_id = {o.id: o for o in interview.observations}
    tagged: list[tuple[Observation, Sequence[str]]] = []
    for item in observations:
        row = by_id.pop(item.id, None) if item.id is not None else None
        if row is None:
            row = Observation(text="")
            interview.observations.append(row)
        if item.text != row.text:
            row.text = stored_text(item.text, item.keep)
        row.kind = item.kind
        row.journey_step_id = item.journey_step_id
        row.task_id = item.task_id
        row.severity = item.severity if item.kind == "pain_point" else None
        if item.transcript_id is not None:
            row.transcript_id, row.first_turn, row.last_turn = (
                item.transcript_id,
                item.first_turn,
                item.last_turn,
            )
        tagged.append((row, item.tags))
    for row in by_id.values():
        interview.observations.remove(row)
    interview.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError as err:
        raise SessionChanged() from err
    for row, paths in tagged:
        set_observation_tags(session, row.id, paths)
    return interview.version


def delete_session(session: Session, session_id: int, expected_version: int) -> None:
    interview = session.get(InterviewSession, session_id)
    if interview is None:
        raise SessionGone()
    if interview.version != expected_version:
        raise SessionChanged()
    session.delete(interview)
    try:
        session.flush()
    except StaleDataError as err:
        raise SessionChanged() from err
