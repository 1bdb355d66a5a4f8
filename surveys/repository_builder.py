"""What the builder page changes: questions, title, iteration of a questionnaire; copies, versions.

Questions are matched by name when a definition is stored again, so the rows (and the answers that
point at them) survive reordering and rewording. A questionnaire that has responses takes only the
changes `surveys.builder.destructive_changes` allows; anything else is refused with the reason, and
the page offers `copy_questionnaire` to make a new version instead.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from storage.schema import Iteration, Questionnaire
from surveys.builder import check_slug, destructive_changes
from surveys.definition import QuestionnaireDefinition, check_definition
from surveys.repository import (
    QuestionnaireInfo,
    create_questionnaire,
    definition_of,
    info_of,
    question_row,
    response_count,
)

_QUESTION_FIELDS = (
    "position",
    "type",
    "required",
    "labels",
    "hints",
    "choices",
    "allow_other",
    "show_when",
    "show_when_any",
    "minimum",
    "maximum",
    "max_length",
    "section",
)


class VersionNeeded(UserError):
    """A change the stored answers cannot follow; the way out is a copy as a new version."""


def _row(session: Session, questionnaire_id: int) -> Questionnaire:
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise UserError(N_("The questionnaire no longer exists; it may have been deleted."))
    return row


def update_definition(
    session: Session, questionnaire_id: int, definition: QuestionnaireDefinition
) -> QuestionnaireInfo:
    """Store an edited definition; refuses changes that would orphan stored answers."""
    check_definition(definition)
    row = _row(session, questionnaire_id)
    if response_count(session, questionnaire_id):
        problems = destructive_changes(definition_of(row), definition)
        if problems:
            raise VersionNeeded(problems[0].message, **problems[0].params)
    row.title = dict(definition.title)
    row.description = dict(definition.description)
    row.languages = list(definition.languages)
    row.sections = [{"key": s.key, "labels": dict(s.labels)} for s in definition.sections]
    kept = {q.name for q in definition.questions}
    existing = {q.name: q for q in row.questions}
    for question in list(row.questions):
        if question.name not in kept:
            row.questions.remove(question)
    session.flush()
    for position, spec in enumerate(definition.questions, start=1):
        fresh = question_row(position, spec)
        current = existing.get(spec.name)
        if current is None:
            row.questions.append(fresh)
            continue
        for field in _QUESTION_FIELDS:
            setattr(current, field, getattr(fresh, field))
    session.flush()
    session.expire(row, ["questions"])
    return info_of(row)


def set_iteration(session: Session, questionnaire_id: int, iteration_id: int | None) -> None:
    row = _row(session, questionnaire_id)
    if iteration_id is not None and session.get(Iteration, iteration_id) is None:
        raise UserError(N_("That iteration no longer exists."))
    row.iteration_id = iteration_id


def slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(exists().where(Questionnaire.slug == slug))) or False


def unique_slug(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`… whichever no questionnaire uses yet."""
    check_slug(base)
    if not slug_taken(session, base):
        return base
    number = 2
    while slug_taken(session, f"{base[:74]}-{number}"):
        number += 1
    return f"{base[:74]}-{number}"


def new_questionnaire(
    session: Session,
    slug: str,
    definition: QuestionnaireDefinition,
    *,
    iteration_id: int | None = None,
) -> QuestionnaireInfo:
    """A draft questionnaire under a checked slug."""
    check_slug(slug)
    return create_questionnaire(session, slug, definition, iteration_id=iteration_id)


def copy_questionnaire(
    session: Session,
    source_id: int,
    slug: str,
    *,
    iteration_id: int | None,
) -> QuestionnaireInfo:
    """A draft copy (new link token, no responses) under `slug`, tied to `iteration_id`."""
    source = _row(session, source_id)
    return new_questionnaire(
        session, unique_slug(session, slug), definition_of(source), iteration_id=iteration_id
    )


def delete_questionnaire(session: Session, questionnaire_id: int) -> None:
    """Delete a questionnaire that has no responses (a mistake, an unused copy)."""
    row = _row(session, questionnaire_id)
    if response_count(session, questionnaire_id):
        raise UserError(N_("A questionnaire with responses cannot be deleted; close it instead."))
    session.delete(row)
