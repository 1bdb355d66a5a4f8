"""A participant's consent, contact details, segment, and erasure.

Contact details are kept only while a valid consent allows them, in their own table; nothing
here exports them, and `participant_contact` is the one reader. `erase_participant` removes every
trace of a person's identity, keeps their task metrics under an anonymous code only where their
consent allowed it, and writes the erasure to the audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.interviews import clean_segment
from research.redaction import redact
from research.repository_audit import record_audit
from storage.schema import (
    Consent,
    InterviewSession,
    Observation,
    Participant,
    ParticipantContact,
    SessionDraft,
    TaskResult,
    Transcript,
    utcnow,
)

MAX_CONTACT_LENGTH = 200
ERASED_KIND = "erased"


@dataclass(frozen=True)
class ConsentInfo:
    id: int
    given_on: dt.date
    notes: bool
    audio: bool
    quotes: bool
    metrics: bool
    contact: bool
    retention_until: dt.date
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class ContactInfo:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class ErasureSummary:
    anonymous_code: str | None  # None when no metrics were kept
    sessions_kept: int
    sessions_deleted: int
    observations_deleted: int
    transcripts_deleted: int


def _participant(session: Session, participant_id: int) -> Participant:
    row = session.get(Participant, participant_id)
    if row is None or row.erased_at is not None:
        raise UserError(N_("This participant no longer exists; someone may have erased them."))
    return row


def consents(session: Session, participant_id: int) -> list[ConsentInfo]:
    rows = session.scalars(
        select(Consent)
        .where(Consent.participant_id == participant_id)
        .order_by(Consent.given_on, Consent.id)
    )
    return [
        ConsentInfo(
            r.id,
            r.given_on,
            r.notes,
            r.audio,
            r.quotes,
            r.metrics,
            r.contact,
            r.retention_until,
            r.withdrawn_at,
        )
        for r in rows
    ]


def record_consent(
    session: Session,
    participant_id: int,
    given_on: dt.date,
    retention_until: dt.date,
    *,
    audio: bool = False,
    quotes: bool = False,
    metrics: bool = True,
    contact: bool = False,
    actor: str = "",
) -> None:
    """A new consent record (scope and retention); it supersedes the earlier ones."""
    row = _participant(session, participant_id)
    if retention_until < given_on:
        raise UserError(N_("The retention date cannot be before the date of consent."))
    if given_on > dt.date.today() + dt.timedelta(days=1):
        raise UserError(N_("The date of consent cannot be in the future."))
    now = utcnow()
    for consent in row.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    row.consents.append(
        Consent(
            given_on=given_on,
            notes=True,
            audio=audio,
            quotes=quotes,
            metrics=metrics,
            contact=contact,
            retention_until=retention_until,
        )
    )
    if not contact:
        session.execute(
            delete(ParticipantContact).where(ParticipantContact.participant_id == row.id)
        )
    record_audit(
        session,
        actor,
        "consent",
        "participant",
        row.id,
        {"audio": audio, "quotes": quotes, "metrics": metrics, "contact": contact},
    )


def withdraw_consent(session: Session, participant_id: int, *, actor: str = "") -> None:
    """Withdraw every valid consent: no new session can be logged; contact details go at once."""
    row = _participant(session, participant_id)
    now = utcnow()
    for consent in row.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    session.execute(delete(ParticipantContact).where(ParticipantContact.participant_id == row.id))
    record_audit(session, actor, "withdraw_consent", "participant", row.id, {})


def update_segment(session: Session, participant_id: int, segment: dict, *, kind: str = "") -> None:
    row = _participant(session, participant_id)
    row.segment = clean_segment(segment)
    if kind:
        row.kind = kind


def segment_values(session: Session) -> dict[str, list[str]]:
    """Every segment attribute in use with its values, for filters and suggestions."""
    found: dict[str, set[str]] = {}
    for segment in session.scalars(
        select(Participant.segment).where(Participant.erased_at.is_(None))
    ):
        for key, value in (segment or {}).items():
            if value:
                found.setdefault(key, set()).add(str(value))
    return {key: sorted(values) for key, values in sorted(found.items())}


def set_contact(
    session: Session,
    participant_id: int,
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    actor: str = "",
) -> None:
    """Keep contact details, only while a valid consent allows it (kept apart, never exported)."""
    row = _participant(session, participant_id)
    if not any(c.withdrawn_at is None and c.contact for c in row.consents):
        raise UserError(
            N_(
                "Participant {code} has not agreed to be contacted; record that consent before "
                "keeping contact details."
            ),
            code=row.code,
        )
    values = [" ".join(v.split()) for v in (name, email, phone)]
    if any(len(v) > MAX_CONTACT_LENGTH for v in values):
        raise UserError(
            N_("Keep each contact detail under {limit} characters."), limit=MAX_CONTACT_LENGTH
        )
    if values[1] and not any(f.kind.value == "email" for f in redact(values[1]).findings):
        raise UserError(N_("The e-mail address does not look right; check it and try again."))
    contact = session.scalar(
        select(ParticipantContact).where(ParticipantContact.participant_id == row.id)
    )
    if not any(values):
        if contact is not None:
            session.delete(contact)
        return
    if contact is None:
        contact = ParticipantContact(participant_id=row.id)
        session.add(contact)
    contact.name, contact.email, contact.phone = values
    record_audit(session, actor, "set_contact", "participant", row.id, {})


def participant_contact(session: Session, participant_id: int) -> ContactInfo | None:
    """The contact details, for researchers only; never part of an export or a reviewer's page."""
    row = session.scalar(
        select(ParticipantContact).where(ParticipantContact.participant_id == participant_id)
    )
    return ContactInfo(row.name, row.email, row.phone) if row is not None else None


def retention_overdue(session: Session, today: dt.date | None = None) -> list[tuple[int, str]]:
    """(id, code) of participants whose consent is withdrawn or past its retention date."""
    today = today or dt.date.today()
    overdue = []
    for row in session.scalars(
        select(Participant).where(Participant.erased_at.is_(None)).order_by(Participant.code)
    ):
        valid = [c for c in row.consents if c.withdrawn_at is None]
        if not valid or max(c.retention_until for c in valid) < today:
            overdue.append((row.id, row.code))
    return overdue


def _anonymous_code(session: Session) -> str:
    while True:
        code = f"A-{secrets.token_hex(4)}"
        if session.scalar(select(Participant.id).where(Participant.code == code)) is None:
            return code


def _week_start(moment: dt.datetime) -> dt.datetime:
    """Monday 00:00 UTC of the moment's ISO week: the day and hour could identify a person."""
    day = moment.date() - dt.timedelta(days=moment.weekday())
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def erase_participant(session: Session, participant_id: int, *, actor: str) -> ErasureSummary:
    """Remove every trace of the person's identity.

    Their code, segment, consents, contact details, drafts, transcripts, observations and free-text
    notes go. Their task outcomes, times, SEQ and error counts stay, under a new random code, only
    if their latest consent allowed anonymous metrics; otherwise their sessions are deleted.
    """
    row = session.get(Participant, participant_id)
    if row is None or row.erased_at is not None:
        raise UserError(N_("This participant no longer exists; someone may have erased them."))
    latest = max(row.consents, key=lambda c: (c.given_on, c.id), default=None)
    keep_metrics = bool(latest and latest.metrics)
    session_ids = list(
        session.scalars(
            select(InterviewSession.id).where(InterviewSession.participant_id == row.id)
        )
    )
    transcripts = observations = 0
    if session_ids:
        transcripts = session.scalar(
            select(func.count(Transcript.id)).where(Transcript.session_id.in_(session_ids))
        )
        observations = session.scalar(
            select(func.count(Observation.id)).where(Observation.session_id.in_(session_ids))
        )
    session.execute(delete(SessionDraft).where(SessionDraft.participant_id == row.id))
    if session_ids:
        session.execute(
            delete(SessionDraft).where(SessionDraft.interview_session_id.in_(session_ids))
        )
        session.execute(delete(Transcript).where(Transcript.session_id.in_(session_ids)))
        session.execute(delete(Observation).where(Observation.session_id.in_(session_ids)))
    session.execute(delete(ParticipantContact).where(ParticipantContact.participant_id == row.id))
    session.execute(delete(Consent).where(Consent.participant_id == row.id))
    session.expire_all()
    anonymous = None
    if keep_metrics and session_ids:
        session.execute(
            update(TaskResult).where(TaskResult.session_id.in_(session_ids)).values(note="")
        )
        # A new row under a random code: nothing stored links it to the old id or code.
        stand_in = Participant(
            code=_anonymous_code(session), kind=ERASED_KIND, segment={}, erased_at=utcnow()
        )
        session.add(stand_in)
        session.flush()
        for interview in session.scalars(
            select(InterviewSession).where(InterviewSession.id.in_(session_ids))
        ):
            interview.participant_id = stand_in.id
            interview.notes = ""
            interview.researcher_id = None
            interview.held_at = _week_start(interview.held_at)
            interview.updated_at = utcnow()
        session.flush()
        anonymous = stand_in.code
        kept, deleted = len(session_ids), 0
    else:
        if session_ids:
            session.execute(delete(InterviewSession).where(InterviewSession.id.in_(session_ids)))
        kept, deleted = 0, len(session_ids)
    session.execute(delete(Participant).where(Participant.id == participant_id))
    session.expire_all()
    summary = ErasureSummary(anonymous, kept, deleted, int(observations), int(transcripts))
    record_audit(
        session,
        actor,
        "erase",
        "participant",
        participant_id,
        {
            "metrics_kept": keep_metrics and bool(session_ids),
            "sessions_kept": kept,
            "sessions_deleted": deleted,
            "observations_deleted": summary.observations_deleted,
            "transcripts_deleted": summary.transcripts_deleted,
        },
    )
    return summary
