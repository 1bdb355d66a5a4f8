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
    tags: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[InterviewSession] = relationship(back_populates="observations")
