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
    Participant,
    ParticipantContact,
    TaskResult,
)
from storage.schema.review import Decision, Theme, ThemeMember
from storage.schema.surveys import Answer, Question, Questionnaire, Response

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
    "Participant",
    "ParticipantContact",
    "Prototype",
    "PrototypeScreenshot",
    "Question",
    "Questionnaire",
    "Response",
    "Task",
    "TaskResult",
    "Theme",
    "ThemeMember",
    "User",
    "utcnow",
]
