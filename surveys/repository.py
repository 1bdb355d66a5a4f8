"""Questionnaires and responses in the database. Functions take a session and return plain data."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.redaction import redact_text
from storage.schema import Answer, Question, Questionnaire, Response, utcnow
from surveys.answers import CleanAnswers
from surveys.definition import (
    TEXT_TYPES,
    Choice,
    Condition,
    Operator,
    QuestionnaireDefinition,
    QuestionType,
    Section,
    check_definition,
)
from surveys.definition import Question as QuestionSpec

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
STATUSES = ("draft", "open", "closed")


@dataclass(frozen=True)
class QuestionnaireInfo:
    id: int
    slug: str
    token: str
    status: str
    iteration_id: int | None
    definition: QuestionnaireDefinition

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class SubmitResult:
    response_id: int
    created: bool


def new_token() -> str:
    """An unguessable link token (128 bits)."""
    return secrets.token_urlsafe(16)


def question_row(position: int, spec: QuestionSpec) -> Question:
    return Question(
        position=position,
        name=spec.name,
        type=spec.type.value,
        required=spec.required,
        labels=dict(spec.labels),
        hints=dict(spec.hints),
        choices=[{"value": c.value, "labels": dict(c.labels)} for c in spec.choices],
        allow_other=spec.allow_other,
        show_when=[
            {"question": c.question, "operator": c.operator.value, "value": c.value}
            for c in spec.show_when
        ],
        show_when_any=spec.show_when_any,
        minimum=spec.minimum,
        maximum=spec.maximum,
        max_length=spec.max_length,
        section=spec.section,
    )


def definition_of(row: Questionnaire) -> QuestionnaireDefinition:
    return QuestionnaireDefinition(
        title=dict(row.title),
        description=dict(row.description),
        languages=tuple(row.languages),
        sections=tuple(Section(s["key"], s["labels"]) for s in row.sections),
        questions=tuple(
            QuestionSpec(
                name=q.name,
                type=QuestionType(q.type),
                labels=dict(q.labels),
                hints=dict(q.hints),
                required=q.required,
                choices=tuple(Choice(c["value"], c["labels"]) for c in q.choices),
                allow_other=q.allow_other,
                show_when=tuple(
                    Condition(c["question"], Operator(c["operator"]), c.get("value"))
                    for c in q.show_when
                ),
                show_when_any=q.show_when_any,
                minimum=q.minimum,
                maximum=q.maximum,
                max_length=q.max_length,
                section=q.section,
            )
            for q in row.questions
        ),
    )


def info_of(row: Questionnaire) -> QuestionnaireInfo:
    return QuestionnaireInfo(
        id=row.id,
        slug=row.slug,
        token=row.token,
        status=row.status,
        iteration_id=row.iteration_id,
        definition=definition_of(row),
    )


def create_questionnaire(
    session: Session,
    slug: str,
    definition: QuestionnaireDefinition,
    *,
    iteration_id: int | None = None,
    status: str = "draft",
    token: str | None = None,
) -> QuestionnaireInfo:
    check_definition(definition)
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    if session.scalar(select(Questionnaire.id).where(Questionnaire.slug == slug)) is not None:
        raise UserError(N_("A questionnaire called '{slug}' exists already."), slug=slug)
    row = Questionnaire(
        slug=slug,
        token=token or new_token(),
        iteration_id=iteration_id,
        title=dict(definition.title),
        description=dict(definition.description),
        languages=list(definition.languages),
        sections=[{"key": s.key, "labels": dict(s.labels)} for s in definition.sections],
        status=status,
        questions=[question_row(i, q) for i, q in enumerate(definition.questions, start=1)],
    )
    session.add(row)
    session.flush()
    return info_of(row)


def questionnaire_by_token(session: Session, token: str) -> QuestionnaireInfo | None:
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(Questionnaire).where(Questionnaire.token == token))
    return info_of(row) if row is not None else None


def questionnaire_by_slug(session: Session, slug: str) -> QuestionnaireInfo | None:
    row = session.scalar(select(Questionnaire).where(Questionnaire.slug == slug))
    return info_of(row) if row is not None else None


def questionnaire_by_id(session: Session, questionnaire_id: int) -> QuestionnaireInfo | None:
    row = session.get(Questionnaire, questionnaire_id)
    return info_of(row) if row is not None else None


@dataclass(frozen=True)
class QuestionnaireSummary:
    id: int
    slug: str
    title: dict[str, str]
    status: str
    iteration_id: int | None
    responses: int


def all_questionnaires(session: Session) -> list[QuestionnaireSummary]:
    """Every questionnaire, newest first, with its number of responses (one query)."""
    counts = (
        select(Response.questionnaire_id, func.count(Response.id).label("n"))
        .group_by(Response.questionnaire_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Questionnaire.id,
            Questionnaire.slug,
            Questionnaire.title,
            Questionnaire.status,
            Questionnaire.iteration_id,
            func.coalesce(counts.c.n, 0),
        )
        .outerjoin(counts, counts.c.questionnaire_id == Questionnaire.id)
        .order_by(Questionnaire.id.desc())
    ).all()
    return [QuestionnaireSummary(r[0], r[1], dict(r[2]), r[3], r[4], int(r[5])) for r in rows]


def questionnaires_of_iteration(session: Session, iteration_id: int) -> list[QuestionnaireInfo]:
    rows = session.scalars(
        select(Questionnaire).where(Questionnaire.iteration_id == iteration_id).order_by("id")
    )
    return [info_of(row) for row in rows]


def set_status(session: Session, questionnaire_id: int, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise LookupError(questionnaire_id)
    row.status = status


def submit_response(
    session: Session,
    questionnaire: QuestionnaireInfo,
    submission_id: str,
    answers: CleanAnswers,
    *,
    language: str = "bg",
    source: str = "web",
    check_open: bool = True,
    submitted_at: dt.datetime | None = None,
) -> SubmitResult:
    """Store one response once, however often the same submission id arrives.

    Free text is redacted before it is stored. Raises UserError when the questionnaire is closed
    or the answers carry errors; the caller commits.
    """
    if not SUBMISSION_ID.match(submission_id or ""):
        raise ValueError("submission id must be 8-64 letters, digits, '-' or '_'")
    existing = session.scalar(select(Response.id).where(Response.submission_id == submission_id))
    if existing is not None:
        return SubmitResult(existing, created=False)
    if check_open and not questionnaire.is_open:
        raise UserError(N_("This questionnaire is closed and no longer accepts answers."))
    if not answers.ok:
        raise UserError(N_("Some answers need fixing before they can be sent."))
    question_ids = dict(
        session.execute(
            select(Question.name, Question.id).where(Question.questionnaire_id == questionnaire.id)
        ).all()
    )
    types = {q.name: q.type for q in questionnaire.definition.questions}
    response = Response(
        questionnaire_id=questionnaire.id,
        submission_id=submission_id,
        language=language[:10],
        source=source[:100],
        submitted_at=submitted_at or utcnow(),
    )
    for name, value in answers.values.items():
        text = None
        if types[name] in TEXT_TYPES:
            text = redact_text(str(value))
            value = text
        elif name in answers.others:
            text = redact_text(answers.others[name])
        response.answers.append(Answer(question_id=question_ids[name], value=value, text=text))
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:
        existing = session.scalar(
            select(Response.id).where(Response.submission_id == submission_id)
        )
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    return SubmitResult(response.id, created=True)


def response_count(session: Session, questionnaire_id: int) -> int:
    return session.scalar(
        select(func.count(Response.id)).where(Response.questionnaire_id == questionnaire_id)
    )


def response_rows(session: Session, questionnaire_id: int) -> list[dict[str, object]]:
    """Every response as a dict: id, submitted_at, language, source, then one key per question."""
    names = dict(
        session.execute(
            select(Question.id, Question.name).where(Question.questionnaire_id == questionnaire_id)
        ).all()
    )
    responses = session.execute(
        select(Response.id, Response.submitted_at, Response.language, Response.source)
        .where(Response.questionnaire_id == questionnaire_id)
        .order_by(Response.submitted_at, Response.id)
    ).all()
    rows: dict[int, dict[str, object]] = {
        r.id: {
            "id": r.id,
            "submitted_at": r.submitted_at,
            "language": r.language,
            "source": r.source,
        }
        for r in responses
    }
    answers = session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire_id)
    )
    for response_id, question_id, value, text in answers:
        rows[response_id][names[question_id]] = value
        if text is not None and not isinstance(value, str):
            rows[response_id][f"{names[question_id]}__other"] = text
    return list(rows.values())
