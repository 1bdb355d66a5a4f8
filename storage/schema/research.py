"""Participants and consent, interview sessions, task results and observations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.schema.base import Base, utcnow


class Participant(Base):
    """A person who took part, known by a pseudonymous code; contact details live apart."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="citizen")
    #: segment attributes: age band, district, digital confidence, assistive technology, language
    segment: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]

    consents: Mapped[list[Consent]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    given_on: Mapped[dt.date]
    notes: Mapped[bool] = mapped_column(default=True)
    audio: Mapped[bool] = mapped_column(default=False)
    quotes: Mapped[bool] = mapped_column(default=False)
    #: task metrics may stay, under an anonymous code, after the participant is erased
    metrics: Mapped[bool] = mapped_column(default=True)
    #: contact details may be kept (apart, never exported or shown to reviewers)
    contact: Mapped[bool] = mapped_column(default=False)
    retention_until: Mapped[dt.date]
    withdrawn_at: Mapped[dt.datetime | None]

    participant: Mapped[Participant] = relationship(back_populates="consents")


class ParticipantContact(Base):
    """Contact details, kept only with consent, never exported or shown to reviewers."""

    __tablename__ = "participant_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class InterviewSession(Base):
    __tablename__ = "interview_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    researcher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    held_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="complete")
    #: bumped on every edit; an edit based on an older version is refused
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    results: Mapped[list[TaskResult]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )
    observations: Mapped[list[Observation]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class TaskResult(Base):
    __tablename__ = "task_results"
    __table_args__ = (UniqueConstraint("session_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    seconds: Mapped[float | None]
    seq: Mapped[int | None]
    errors: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    session: Mapped[InterviewSession] = relationship(back_populates="results")


class Observation(Base):
    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_step", "journey_step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    journey_step_id: Mapped[int | None] = mapped_column(ForeignKey("journey_steps.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    #: the transcript passage (turns first_turn..last_turn) the observation was taken from
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="SET NULL")
    )
    first_turn: Mapped[int | None]
    last_turn: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[InterviewSession] = relationship(back_populates="observations")


class Tag(Base):
    """A code of the codebook: a tree by `parent_id`; `key` is stable (the REFI-QDA guid)."""

    __tablename__ = "tags"
    __table_args__ = (Index("ix_tags_parent", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str | None] = mapped_column(String(7))
    codable: Mapped[bool] = mapped_column(default=True)
    #: order among all tags (children are shown in this order under their parent)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ObservationTag(Base):
    __tablename__ = "observation_tags"
    __table_args__ = (Index("ix_observation_tags_tag", "tag_id"),)

    observation_id: Mapped[int] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class Transcript(Base):
    """An imported transcript of an interview session; turn texts are stored redacted."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100), default="")

    turns: Mapped[list[TranscriptTurn]] = relationship(
        back_populates="transcript",
        cascade="all, delete-orphan",
        order_by="TranscriptTurn.position",
    )


class TranscriptTurn(Base):
    __tablename__ = "transcript_turns"
    __table_args__ = (UniqueConstraint("transcript_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: a pseudonym chosen at import (the participant's code, "Интервюиращ"), never a real name
    speaker: Mapped[str | None] = mapped_column(String(60))
    start_seconds: Mapped[float | None]
    end_seconds: Mapped[float | None]
    text: Mapped[str] = mapped_column(Text)

    transcript: Mapped[Transcript] = relationship(back_populates="turns")


class SessionDraft(Base):
    """What a researcher is typing while a session runs, saved on every change.

    `key` goes in the page's address, so a reload or another browser finds the draft again. A
    draft of an edit carries the session's `base_version`; saving is refused if the session has
    changed since. Drafts hold unredacted text: they are deleted on save, discard and erasure.
    """

    __tablename__ = "session_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE")
    )
    base_version: Mapped[int | None]
    author: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[dict] = mapped_column(default=dict)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
