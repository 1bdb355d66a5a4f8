"""Transcripts of interview sessions in the database, and passages taken into observations.

Turns are stored with pseudonymous speakers and redacted text (see `research.transcript_import`);
an observation made from a passage remembers the transcript and the turns it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.interviews import ObservationInput
from research.redaction import redact_text
from research.repository import add_observations, open_session
from research.transcript_import import passage_text, stored_turns
from research.transcripts import Transcript, Turn
from storage.schema import Transcript as TranscriptRow
from storage.schema import TranscriptTurn, utcnow

MAX_TITLE_LENGTH = 200
_BATCH = 2000


@dataclass(frozen=True)
class TranscriptInfo:
    id: int
    session_id: int
    title: str
    format: str
    turns: int
    imported_at: dt.datetime
    imported_by: str


def import_transcript(
    session: Session,
    session_id: int,
    transcript: Transcript,
    pseudonyms: Mapping[str, str],
    *,
    keep: Mapping[int, Sequence[int]] | None = None,
    title: str = "",
    actor: str = "",
) -> int:
    """Store a read transcript for a logged session; returns the transcript's id."""
    open_session(session, session_id)
    turns = stored_turns(transcript, pseudonyms, keep)
    row = TranscriptRow(
        session_id=session_id,
        title=redact_text(" ".join(title.split()))[:MAX_TITLE_LENGTH],
        format=transcript.format,
        encoding=transcript.encoding,
        imported_at=utcnow(),
        imported_by=actor[:100],
    )
    session.add(row)
    session.flush()
    values = [
        {
            "transcript_id": row.id,
            "position": t.index,
            "speaker": t.speaker,
            "start_seconds": t.start,
            "end_seconds": t.end,
            "text": t.text,
        }
        for t in turns
    ]
    for start in range(0, len(values), _BATCH):
        session.execute(insert(TranscriptTurn), values[start : start + _BATCH])
    return row.id


def transcripts_of_session(session: Session, session_id: int) -> list[TranscriptInfo]:
    counts = (
        select(TranscriptTurn.transcript_id, func.count(TranscriptTurn.id).label("n"))
        .group_by(TranscriptTurn.transcript_id)
        .subquery()
    )
    rows = session.execute(
        select(TranscriptRow, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.transcript_id == TranscriptRow.id)
        .where(TranscriptRow.session_id == session_id)
        .order_by(TranscriptRow.imported_at, TranscriptRow.id)
    ).all()
    return [
        TranscriptInfo(r.id, r.session_id, r.title, r.format, int(n), r.imported_at, r.imported_by)
        for r, n in rows
    ]


def transcript_turns(session: Session, transcript_id: int) -> list[Turn]:
    rows = session.execute(
        select(
            TranscriptTurn.position,
            TranscriptTurn.speaker,
            TranscriptTurn.start_seconds,
            TranscriptTurn.end_seconds,
            TranscriptTurn.text,
        )
        .where(TranscriptTurn.transcript_id == transcript_id)
        .order_by(TranscriptTurn.position)
    ).all()
    return [Turn(*row) for row in rows]


def delete_transcript(session: Session, transcript_id: int) -> None:
    session.execute(delete(TranscriptRow).where(TranscriptRow.id == transcript_id))


def passage_of(session: Session, transcript_id: int, first: int, last: int) -> str:
    """The stored text of turns `first`..`last`, "Speaker: text" per turn."""
    turns = transcript_turns(session, transcript_id)
    if not turns:
        raise UserError(N_("This transcript no longer exists; someone may have deleted it."))
    if not 0 <= first <= last < len(turns):
        raise UserError(
            N_("Choose turns from {low} to {high}, the first not after the last."),
            low=1,
            high=len(turns),
        )
    return passage_text(turns, first, last)


def observation_from_passage(
    session: Session,
    transcript_id: int,
    first: int,
    last: int,
    *,
    kind: str,
    text: str | None = None,
    keep: Sequence[int] = (),
    journey_step_id: int | None = None,
    task_id: int | None = None,
    severity: int | None = None,
    tags: Sequence[str] = (),
) -> int:
    """An observation of the transcript's session made from turns `first`..`last`.

    `text` is the passage as the researcher edited it (default: the passage itself); it passes
    through redaction, with `keep` undoing chosen findings.
    """
    row = session.get(TranscriptRow, transcript_id)
    if row is None:
        raise UserError(N_("This transcript no longer exists; someone may have deleted it."))
    body = passage_of(session, transcript_id, first, last) if text is None else text
    (observation_id,) = add_observations(
        session,
        row.session_id,
        [
            ObservationInput(
                kind=kind,
                text=body,
                journey_step_id=journey_step_id,
                task_id=task_id,
                severity=severity,
                tags=tuple(tags),
                keep=tuple(keep),
                transcript_id=transcript_id,
                first_turn=first,
                last_turn=last,
            )
        ],
    )
    return observation_id
