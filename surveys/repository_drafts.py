"""A citizen's answers kept across a reload (`?s=token&d=draft id`) until they are sent.

The draft id doubles as the response's client-generated submission id: a send repeated after a
reload, or after a lost connection, is still stored once, and a reload after sending shows the
thank-you page. Drafts hold raw text, so they live a few hours after their last save, expired ones
are purged whenever a draft is saved, and sending deletes the draft in the transaction that stores
the response.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_, UserError
from storage.schema import Questionnaire, Response, ResponseDraft, utcnow
from surveys.answers import CleanAnswers
from surveys.repository import QuestionnaireInfo, SubmitResult, info_of, submit_response

DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
#: A draft is kept this long after its last save.
DRAFT_LIFETIME = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Draft:
    id: str
    answers: dict[str, object] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)
    page: int = 0
    language: str = "bg"


def new_draft_id() -> str:
    """An unguessable draft (and submission) id: 128 random bits."""
    return secrets.token_urlsafe(16)


def is_draft_id(text: str | None) -> bool:
    return bool(text) and DRAFT_ID.match(text or "") is not None


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def load_draft(
    session: Session, questionnaire_id: int, draft_id: str, *, now: dt.datetime | None = None
) -> Draft | None:
    """The unexpired draft of this questionnaire under `draft_id`, or None."""
    if not is_draft_id(draft_id):
        return None
    row = session.get(ResponseDraft, draft_id)
    if row is None or row.questionnaire_id != questionnaire_id:
        return None
    if _aware(row.expires_at) <= (now or utcnow()):
        return None
    return Draft(row.id, dict(row.answers), dict(row.others), row.page, row.language)


def save_draft(
    session: Session,
    questionnaire_id: int,
    draft: Draft,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Keep the draft for DRAFT_LIFETIME from now, and purge drafts that have expired."""
    if not is_draft_id(draft.id):
        raise ValueError("draft id must be 16-64 letters, digits, '-' or '_'")
    now = now or utcnow()
    purge_expired_drafts(session, now=now)
    values = {
        "questionnaire_id": questionnaire_id,
        "answers": draft.answers,
        "others": draft.others,
        "page": max(0, min(int(draft.page), 10_000)),
        "language": draft.language[:10],
        "updated_at": now,
        "expires_at": now + DRAFT_LIFETIME,
    }
    row = session.get(ResponseDraft, draft.id)
    if row is not None:
        if row.questionnaire_id != questionnaire_id:
            return  # an id of another questionnaire's draft: never overwrite it
        for key, value in values.items():
            setattr(row, key, value)
        return
    try:
        with session.begin_nested():
            session.add(ResponseDraft(id=draft.id, **values))
    except IntegrityError:
        pass  # the same draft saved at the same moment by another tab: one of them is kept


def delete_draft(session: Session, draft_id: str) -> None:
    session.execute(delete(ResponseDraft).where(ResponseDraft.id == draft_id))


def purge_expired_drafts(session: Session, *, now: dt.datetime | None = None) -> int:
    result = session.execute(
        delete(ResponseDraft).where(ResponseDraft.expires_at <= (now or utcnow()))
    )
    return result.rowcount or 0


def is_submitted(session: Session, submission_id: str) -> bool:
    """Whether a response with this submission id is stored (the citizen sent it already)."""
    if not is_draft_id(submission_id):
        return False
    return bool(session.scalar(select(exists().where(Response.submission_id == submission_id))))


def send_response(
    session: Session,
    questionnaire_id: int,
    submission_id: str,
    answers: CleanAnswers,
    *,
    language: str,
) -> SubmitResult:
    """Store the response once and delete its draft, in the caller's write transaction.

    The questionnaire is read again inside the transaction, so a questionnaire closed a moment
    ago accepts nothing even if the page still showed it open.
    """
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise UserError(N_("This questionnaire is closed and no longer accepts answers."))
    current: QuestionnaireInfo = info_of(row)
    result = submit_response(session, current, submission_id, answers, language=language)
    delete_draft(session, submission_id)
    return result
