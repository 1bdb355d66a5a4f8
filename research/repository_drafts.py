"""Session drafts in the database: saved on every change, found again by the key in the address.

A change is a pure function on the draft's data (see `research.session_drafts`), applied to the
stored draft under a row lock, so two tabs changing different fields both keep their change.
Saving a draft logs a new session or edits one (refused with `SessionChanged` when someone else
saved it first; the draft then stays, so nothing typed is lost).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.repository import log_session, require_consent
from research.repository_sessions import session_detail, update_session
from research.session_drafts import draft_from_session, draft_inputs, new_draft
from storage.schema import Iteration, Participant, SessionDraft, utcnow

STALE_AFTER_DAYS = 30


class DraftGone(UserError):
    def __init__(self) -> None:
        super().__init__(
            N_("This draft no longer exists: it was saved or discarded, perhaps in another tab.")
        )


@dataclass(frozen=True)
class DraftInfo:
    key: str
    iteration_id: int
    participant_id: int | None
    participant_code: str
    interview_session_id: int | None
    base_version: int | None
    author: str
    data: dict
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _info(session: Session, row: SessionDraft) -> DraftInfo:
    code = ""
    if row.participant_id is not None:
        code = session.scalar(select(Participant.code).where(Participant.id == row.participant_id))
    return DraftInfo(
        row.key,
        row.iteration_id,
        row.participant_id,
        code or "",
        row.interview_session_id,
        row.base_version,
        row.author,
        dict(row.data),
        row.revision,
        row.created_at,
        row.updated_at,
    )


def create_draft(
    session: Session, iteration_id: int, participant_id: int, task_ids: Sequence[int], author: str
) -> DraftInfo:
    """A new draft for logging a session; the participant must have a valid consent."""
    if session.get(Iteration, iteration_id) is None:
        raise UserError(N_("Choose an iteration."))
    require_consent(session, participant_id)
    row = SessionDraft(
        key=uuid.uuid4().hex,
        iteration_id=iteration_id,
        participant_id=participant_id,
        author=author[:100],
        data=new_draft(participant_id, task_ids),
    )
    session.add(row)
    session.flush()
    return _info(session, row)


def draft_for_session(session: Session, session_id: int, author: str) -> DraftInfo:
    """A draft to edit a logged session, remembering the version it starts from."""
    detail = session_detail(session, session_id)
    row = SessionDraft(
        key=uuid.uuid4().hex,
        iteration_id=detail.iteration_id,
        participant_id=detail.participant_id,
        interview_session_id=detail.id,
        base_version=detail.version,
        author=author[:100],
        data=draft_from_session(detail),
    )
    session.add(row)
    session.flush()
    return _info(session, row)


def _row(session: Session, key: str, *, lock: bool = False) -> SessionDraft | None:
    query = select(SessionDraft).where(SessionDraft.key == key)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def load_draft(session: Session, key: str) -> DraftInfo | None:
    row = _row(session, key)
    return _info(session, row) if row is not None else None


def change_draft(session: Session, key: str, change: Callable[[dict], dict]) -> DraftInfo:
    """Apply `change` to the stored draft and save it (the autosave on every edit)."""
    row = _row(session, key, lock=True)
    if row is None:
        raise DraftGone()
    row.data = change(dict(row.data))
    row.revision += 1
    row.updated_at = utcnow()
    session.flush()
    return _info(session, row)


def discard_draft(session: Session, key: str) -> None:
    session.execute(delete(SessionDraft).where(SessionDraft.key == key))


def drafts(session: Session, iteration_id: int | None = None) -> list[DraftInfo]:
    """Unsaved drafts, newest change first."""
    query = select(SessionDraft).order_by(SessionDraft.updated_at.desc(), SessionDraft.id.desc())
    if iteration_id is not None:
        query = query.where(SessionDraft.iteration_id == iteration_id)
    return [_info(session, row) for row in session.scalars(query)]


def save_draft(
    session: Session,
    key: str,
    task_labels: Mapping[int, str],
    keep: Mapping[str, Sequence[int]] | None = None,
    *,
    researcher_id: int | None = None,
) -> int:
    """Log (or, for an edit, update) the session the draft holds, then delete the draft.

    Returns the session id. Raises `UserError` (the draft stays as it was) when a value is wrong,
    the participant lost their consent, or someone else changed the session since the edit began.
    """
    row = _row(session, key, lock=True)
    if row is None:
        raise DraftGone()
    results, observations, notes, notes_keep = draft_inputs(row.data, task_labels, keep)
    if row.interview_session_id is None:
        if row.participant_id is None:
            raise UserError(N_("Choose a participant."))
        session_id = log_session(
            session,
            row.iteration_id,
            row.participant_id,
            results,
            observations,
            researcher_id=researcher_id,
            held_at=row.created_at,
            notes=notes,
            notes_keep=notes_keep,
        )
    else:
        session_id = row.interview_session_id
        update_session(
            session,
            session_id,
            row.base_version or 0,
            results,
            observations,
            notes=notes,
            notes_keep=notes_keep,
        )
    session.delete(row)
    session.flush()
    return session_id


def purge_stale_drafts(session: Session, older_than_days: int = STALE_AFTER_DAYS) -> int:
    """Delete drafts untouched for `older_than_days` (they hold unredacted text)."""
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    result = session.execute(delete(SessionDraft).where(SessionDraft.updated_at < cutoff))
    return int(result.rowcount or 0)
