"""The whole schema. Import the models from here; Alembic reads `Base.metadata`."""

from storage.schema.access import AuditEvent, User
from storage.schema.base import Base, utcnow
from storage.schema.journeys import (
    Iteration,
    JourneyStep,
    LifeEvent,
    Prototype,
    PrototypeScreenshot,
    Task,
)
from storage.schema.research import (
    Consent,
    InterviewSession,
    Observation,
    ObservationTag,
    Participant,
    ParticipantContact,
    SessionDraft,
    Tag,
    TaskResult,
    Transcript,
    TranscriptTurn,
)
from storage.schema.review import Decision, Theme, ThemeAnalysis, ThemeEdit, ThemeMember
from storage.schema.surveys import Answer, Question, Questionnaire, Response, ResponseDraft

__all__ = [
    "Answer",
    "AuditEvent",
    "Base",
    "Consent",
    "Decision",
    "InterviewSession",
    "Iteration",
    "JourneyStep",
    "LifeEvent",
    "Observation",
    "ObservationTag",
    "Participant",
    "ParticipantContact",
    "Prototype",
    "PrototypeScreenshot",
    "Question",
    "Questionnaire",
    "Response",
    "ResponseDraft",
    "SessionDraft",
    "Tag",
    "Task",
    "TaskResult",
    "Theme",
    "ThemeAnalysis",
    "ThemeEdit",
    "ThemeMember",
    "Transcript",
    "TranscriptTurn",
    "User",
    "utcnow",
]
