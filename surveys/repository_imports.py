"""Questionnaires and responses brought in from files, stored in one transaction.

`import_form` stores the questionnaire of an XLSForm or LimeSurvey file (reusing an identical one
imported before) and the responses of an .lsa archive; `import_mapped_responses` stores the rows of
a CSV or Excel export after the column mapping step. Every response carries a stable submission id
(LimeSurvey's response id, or a digest of the row), so importing the same file twice adds nothing.
Rows that do not fit the questionnaire are refused with their row and column, or, when the person
chooses, skipped and counted. The caller runs all of it in one `database.write()`: an import is
stored whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from research.redaction import redact_text
from storage.schema import Answer, Question, Questionnaire, Response, utcnow
from surveys.answers import CleanAnswers, clean_answers
from surveys.definition import TEXT_TYPES, QuestionnaireDefinition
from surveys.form_files import FormFile
from surveys.import_errors import ImportProblems, Problem
from surveys.repository import SUBMISSION_ID, QuestionnaireInfo, definition_of, info_of
from surveys.repository_builder import new_questionnaire, unique_slug
from surveys.response_files import MappedResponses

#: How many problems of skipped rows an import summary keeps.
MAX_PROBLEMS = 20
_CHUNK = 500


@dataclass(frozen=True)
class Incoming:
    """One response to store: a stable submission id and its validated answers."""

    submission_id: str
    answers: CleanAnswers
    language: str = ""
    submitted_at: dt.datetime | None = None


@dataclass(frozen=True)
class ImportSummary:
    questionnaire: QuestionnaireInfo
    #: whether the questionnaire was created by this import (False: an identical one was reused)
    created: bool = False
    added: int = 0
    already: int = 0
    #: LimeSurvey responses never finished, skipped
    incomplete: int = 0
    #: rows whose answers do not fit the questionnaire, skipped
    invalid: int = 0
    problems: tuple[Problem, ...] = ()


def store_responses(
    session: Session,
    questionnaire: QuestionnaireInfo,
    incoming: Sequence[Incoming],
    *,
    source: str,
) -> tuple[int, int]:
    """Store the responses whose submission id is new; returns (added, already stored)."""
    unique: dict[str, Incoming] = {}
    for item in incoming:
        if not item.answers.ok:
            raise ValueError("only valid answers can be stored")
        unique.setdefault(_submission_id(item.submission_id), item)
    known: set[str] = set()
    ids = list(unique)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        known |= set(
            session.scalars(select(Response.submission_id).where(Response.submission_id.in_(chunk)))
        )
    fresh = [(sid, item) for sid, item in unique.items() if sid not in known]
    if fresh:
        _insert(session, questionnaire, fresh, source)
    return len(fresh), len(incoming) - len(fresh)


def count_stored(session: Session, submission_ids: Sequence[str]) -> int:
    """How many of these submission ids are stored already (the import's preview says so)."""
    ids = list(dict.fromkeys(_submission_id(i) for i in submission_ids))
    found = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found += len(
            list(session.scalars(select(Response.id).where(Response.submission_id.in_(chunk))))
        )
    return found


def _submission_id(source_id: str) -> str:
    if SUBMISSION_ID.match(source_id):
        return source_id
    return "imp-" + hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:32]


def _insert(
    session: Session,
    questionnaire: QuestionnaireInfo,
    fresh: list[tuple[str, Incoming]],
    source: str,
) -> None:
    now = utcnow()
    languages = questionnaire.definition.languages or ("bg",)
    params = [
        {
            "questionnaire_id": questionnaire.id,
            "submission_id": sid,
            "language": _language(item.language, languages),
            "source": source[:100],
            "submitted_at": item.submitted_at or now,
        }
        for sid, item in fresh
    ]
    response_ids: dict[str, int] = {}
    for start in range(0, len(params), _CHUNK):
        table = Response.__table__
        rows = session.execute(
            insert(table).returning(table.c.id, table.c.submission_id),
            params[start : start + _CHUNK],
        )
        response_ids.update({sid: rid for rid, sid in rows})
    question_ids = dict(
        session.execute(
            select(Question.name, Question.id).where(Question.questionnaire_id == questionnaire.id)
        ).all()
    )
    types = {q.name: q.type for q in questionnaire.definition.questions}
    answers = []
    for sid, item in fresh:
        for name, value in item.answers.values.items():
            text = None
            if types[name] in TEXT_TYPES:
                text = redact_text(str(value))
                value = text
            elif name in item.answers.others:
                text = redact_text(item.answers.others[name])
            answers.append(
                {
                    "response_id": response_ids[sid],
                    "question_id": question_ids[name],
                    "value": value,
                    "text": text,
                }
            )
    for start in range(0, len(answers), _CHUNK * 10):
        session.execute(insert(Answer.__table__), answers[start : start + _CHUNK * 10])


def _language(language: str, languages: tuple[str, ...]) -> str:
    """A response's language as one of the questionnaire's (LimeSurvey's 'de-informal' → 'de')."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    return code if code in languages else languages[0][:10]


def _row_problems(result: CleanAnswers, row: int, columns: Mapping[str, str]) -> list[Problem]:
    return [
        Problem(err.message, row=row, column=columns.get(name, name), **err.params)
        for name, err in result.errors.items()
    ]


# ---- a questionnaire file --------------------------------------------------------------------


def _identical(
    session: Session, base: str, definition: QuestionnaireDefinition
) -> Questionnaire | None:
    """A questionnaire imported before under `base` (or `base-N`) with the same definition."""
    rows = session.scalars(
        select(Questionnaire)
        .where(or_(Questionnaire.slug == base, Questionnaire.slug.like(f"{base}-%")))
        .order_by(Questionnaire.id)
    )
    return next((row for row in rows if definition_of(row) == definition), None)


def import_form(
    session: Session,
    form: FormFile,
    slug: str,
    *,
    iteration_id: int | None = None,
) -> ImportSummary:
    """Store a questionnaire read from a file and the responses it carries."""
    existing = _identical(session, slug, form.definition)
    if existing is not None:
        questionnaire, created = info_of(existing), False
    else:
        questionnaire = new_questionnaire(
            session, unique_slug(session, slug), form.definition, iteration_id=iteration_id
        )
        created = True
    incoming: list[Incoming] = []
    problems: list[Problem] = []
    incomplete = invalid = 0
    for position, response in enumerate(form.responses, start=1):
        if not response.complete:
            incomplete += 1
            continue
        result = clean_answers(questionnaire.definition, response.answers, response.others)
        if not result.ok:
            invalid += 1
            problems += _row_problems(result, position, {})
            continue
        incoming.append(Incoming(response.source_id, result, response.language))
    added, already = store_responses(session, questionnaire, incoming, source=form.kind)
    return ImportSummary(
        questionnaire,
        created,
        added,
        already,
        incomplete,
        invalid,
        tuple(problems[:MAX_PROBLEMS]),
    )


# ---- a response file -------------------------------------------------------------------------


def import_mapped_responses(
    session: Session,
    questionnaire_id: int,
    mapped: MappedResponses,
    mapping: Mapping[str, str],
    *,
    filename: str,
    skip_invalid: bool = False,
    source: str = "import",
) -> ImportSummary:
    """Store the valid rows of a mapped response file.

    Raises ImportProblems (row and column of each problem) when a row does not fit the
    questionnaire, unless `skip_invalid`, which stores the other rows and counts the skipped ones.
    """
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise ValueError(f"no questionnaire {questionnaire_id}")
    questionnaire = info_of(row)
    columns: dict[str, str] = {}
    for column, target in mapping.items():
        if target:
            columns.setdefault(target.split("[")[0], column)
    problems: list[Problem] = []
    for mapped_row in mapped.rows:
        if not mapped_row.ok:
            problems += _row_problems(mapped_row.result, mapped_row.row_number, columns)
    if problems and not skip_invalid:
        raise ImportProblems(filename, problems)
    incoming = [
        Incoming(r.submission_id, r.result, questionnaire.definition.languages[0])
        for r in mapped.rows
        if r.ok
    ]
    added, already = store_responses(session, questionnaire, incoming, source=source)
    return ImportSummary(
        questionnaire,
        False,
        added,
        already,
        invalid=mapped.invalid_count,
        problems=tuple(problems[:MAX_PROBLEMS]),
    )
