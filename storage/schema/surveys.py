"""Questionnaires, their questions, responses and answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.schema.base import Base, utcnow


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: the unguessable part of the public link (?s=token); revoked by replacing it
    token: Mapped[str] = mapped_column(String(64), unique=True)
    iteration_id: Mapped[int | None] = mapped_column(
        ForeignKey("iterations.id", ondelete="SET NULL")
    )
    title: Mapped[dict] = mapped_column(default=dict)
    description: Mapped[dict] = mapped_column(default=dict)
    languages: Mapped[list] = mapped_column(default=lambda: ["bg", "en"])
    sections: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(30))
    required: Mapped[bool] = mapped_column(default=False)
    labels: Mapped[dict] = mapped_column(default=dict)
    hints: Mapped[dict] = mapped_column(default=dict)
    #: [{"value": "...", "labels": {"bg": "...", "en": "..."}}]
    choices: Mapped[list] = mapped_column(default=list)
    allow_other: Mapped[bool] = mapped_column(default=False)
    #: [{"question": "...", "operator": "=", "value": ...}]
    show_when: Mapped[list] = mapped_column(default=list)
    show_when_any: Mapped[bool] = mapped_column(default=False)
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    max_length: Mapped[int | None]
    section: Mapped[str | None] = mapped_column(String(64))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")


class Response(Base):
    """One respondent's submission, stored once per client-generated submission id."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_questionnaire", "questionnaire_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(10), default="bg")
    source: Mapped[str] = mapped_column(String(100), default="web")
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    #: the typed value: a number, a choice value, a list (multiple choice, SUS items) or text
    value: Mapped[object | None] = mapped_column(JSON)
    #: free text (a text answer or the "other" of a choice), redacted before it is stored
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class ResponseDraft(Base):
    """A citizen's answers kept across a reload until they are sent (?s=token&d=draft id).

    Drafts hold the raw text the citizen typed (not yet redacted), so they are short-lived: each
    save moves `expires_at` forward a few hours, expired drafts are purged, and sending deletes the
    draft in the same transaction that stores the response. The draft id is also the response's
    submission id, so a send repeated after a reload is still stored once.
    """

    __tablename__ = "response_drafts"
    __table_args__ = (Index("ix_response_drafts_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    #: raw answers by question name, and the "other" texts of choice questions
    answers: Mapped[dict] = mapped_column(default=dict)
    others: Mapped[dict] = mapped_column(default=dict)
    page: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(10), default="bg")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
