"""The feedback of an iteration, ready for theme analysis: open answers and observations.

`collect_feedback(session, iteration_id)` reads the iteration's pieces of feedback, each with its
language and sentiment:

- **answers**: the text of every answer to a text question (short or long) of the iteration's
  questionnaires. Citizens' text was redacted before it was stored, and answers are anonymous, so
  any of them may be quoted.
- **observations**: what researchers noted in the iteration's interview sessions, with the journey
  step, kind and severity. Observations of erased participants are left out (erasure deletes them
  anyway); one may be *quoted* (on a theme's card, in an export) only when the participant's
  consent allows quotes and was not withdrawn, as in the weekly review's quotes.

`feedback_fingerprint` is a cheap value that changes whenever that feedback could have changed, so
pages cache the analysis by it. `texts_of` reads the text of given members (for the centroids of
themes found in earlier weeks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from research.language import detect_languages
from research.sentiment import score_many
from storage.schema import (
    Answer,
    Consent,
    InterviewSession,
    JourneyStep,
    Observation,
    Participant,
    Question,
    Questionnaire,
    Response,
)
from surveys.definition import TEXT_TYPES

SOURCES = ("answer", "observation")
TEXT_QUESTION_TYPES = tuple(str(t) for t in TEXT_TYPES)


@dataclass(frozen=True)
class FeedbackItem:
    """One piece of feedback: `source` is "answer" or "observation", `source_id` its row's id."""

    source: str
    source_id: int
    iteration_id: int
    text: str
    language: str
    polarity: float
    sentiment: str
    #: the question's name (answers) or "" (observations)
    question: str = ""
    #: observations: the journey step (id and key), kind ("pain_point", …) and severity 1–4
    step_id: int | None = None
    step_key: str | None = None
    kind: str = ""
    severity: int | None = None
    #: may be shown as a quote (answers always; observations with consent to quotes)
    quotable: bool = True

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.source_id)


@dataclass(frozen=True)
class _Raw:
    source: str
    source_id: int
    iteration_id: int
    text: str
    question: str = ""
    step_id: int | None = None
    step_key: str | None = None
    kind: str = ""
    severity: int | None = None
    quotable: bool = True


def _answers(session: Session, iteration_ids: Sequence[int]) -> list[_Raw]:
    rows = session.execute(
        select(Answer.id, Questionnaire.iteration_id, Answer.text, Question.name)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(
            Questionnaire.iteration_id.in_(list(iteration_ids)),
            Question.type.in_(TEXT_QUESTION_TYPES),
            Answer.text.is_not(None),
        )
        .order_by(Answer.id)
    )
    return [
        _Raw("answer", answer_id, iteration_id, text, question=name)
        for answer_id, iteration_id, text, name in rows
        if text and text.strip()
    ]


def _consenting():
    return (
        select(Consent.participant_id)
        .where(Consent.quotes.is_(True), Consent.withdrawn_at.is_(None))
        .scalar_subquery()
    )


def _observations(session: Session, iteration_ids: Sequence[int]) -> list[_Raw]:
    rows = session.execute(
        select(
            Observation.id,
            InterviewSession.iteration_id,
            Observation.text,
            Observation.journey_step_id,
            JourneyStep.key,
            Observation.kind,
            Observation.severity,
            InterviewSession.participant_id.in_(_consenting()),
        )
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .outerjoin(Participant, Participant.id == InterviewSession.participant_id)
        .outerjoin(JourneyStep, JourneyStep.id == Observation.journey_step_id)
        .where(
            InterviewSession.iteration_id.in_(list(iteration_ids)),
            Participant.erased_at.is_(None),
        )
        .order_by(Observation.id)
    )
    return [
        _Raw(
            "observation",
            obs_id,
            iteration_id,
            text,
            step_id=step_id,
            step_key=step_key,
            kind=kind or "",
            severity=severity,
            quotable=bool(quotable),
        )
        for obs_id, iteration_id, text, step_id, step_key, kind, severity, quotable in rows
        if text and text.strip()
    ]


def annotate(raw: Sequence[_Raw]) -> list[FeedbackItem]:
    """Language and sentiment of each piece, each distinct text scored once."""
    first: dict[str, int] = {}
    for item in raw:
        first.setdefault(item.text, len(first))
    unique = list(first)
    langs = detect_languages(unique)
    moods = score_many(unique, langs)
    out = []
    for item in raw:
        j = first[item.text]
        out.append(
            FeedbackItem(
                item.source,
                item.source_id,
                item.iteration_id,
                item.text,
                langs[j],
                float(moods[j].polarity),
                moods[j].label,
                item.question,
                item.step_id,
                item.step_key,
                item.kind,
                item.severity,
                item.quotable,
            )
        )
    return out


def collect_feedback(session: Session, iteration_id: int) -> list[FeedbackItem]:
    """Every piece of feedback of the iteration: open answers first, then observations."""
    return annotate(_answers(session, [iteration_id]) + _observations(session, [iteration_id]))


def feedback_fingerprint(session: Session, iteration_id: int) -> str:
    """A short value that changes whenever the iteration's feedback could have changed."""
    answers = session.execute(
        select(func.count(Answer.id), func.max(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(Questionnaire.iteration_id == iteration_id, Answer.text.is_not(None))
    ).one()
    observations = session.execute(
        select(
            func.count(Observation.id),
            func.max(Observation.id),
            func.max(InterviewSession.updated_at),
        )
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .where(InterviewSession.iteration_id == iteration_id)
    ).one()
    erased = session.scalar(
        select(func.count(Participant.id))
        .join(InterviewSession, InterviewSession.participant_id == Participant.id)
        .where(InterviewSession.iteration_id == iteration_id, Participant.erased_at.is_not(None))
    )
    consents = session.execute(
        select(
            func.count(Consent.id),
            func.max(Consent.withdrawn_at),
            func.sum(case((Consent.quotes.is_(True), Consent.id), else_=0)),
        ).where(
            Consent.participant_id.in_(
                select(InterviewSession.participant_id).where(
                    InterviewSession.iteration_id == iteration_id
                )
            )
        )
    ).one()
    raw = repr((iteration_id, *answers, *observations, erased, *consents))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def texts_of(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The text of each ("answer" | "observation", id) that still exists."""
    wanted: dict[str, list[int]] = {source: [] for source in SOURCES}
    for source, source_id in keys:
        wanted[source].append(source_id)
    found: dict[tuple[str, int], str] = {}
    for start in range(0, len(wanted["answer"]), 900):
        chunk = wanted["answer"][start : start + 900]
        for answer_id, text in session.execute(
            select(Answer.id, Answer.text).where(Answer.id.in_(chunk))
        ):
            if text and text.strip():
                found[("answer", answer_id)] = text
    for start in range(0, len(wanted["observation"]), 900):
        chunk = wanted["observation"][start : start + 900]
        for obs_id, text in session.execute(
            select(Observation.id, Observation.text).where(Observation.id.in_(chunk))
        ):
            if text and text.strip():
                found[("observation", obs_id)] = text
    return found
