"""Storing edits, copies and drafts of questionnaires (surveys.repository_builder, _drafts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from i18n import UserError
from storage.schema import Answer, Question, Response, ResponseDraft
from surveys.answers import clean_answers
from surveys.builder import add_question, move_question, new_question, starter_definition
from surveys.definition import QuestionType
from surveys.links import public_link, qr_png
from surveys.repository import (
    all_questionnaires,
    create_questionnaire,
    questionnaire_by_id,
    response_rows,
    set_status,
    submit_response,
)
from surveys.repository_builder import (
    VersionNeeded,
    copy_questionnaire,
    delete_questionnaire,
    new_questionnaire,
    unique_slug,
    update_definition,
)
from surveys.repository_drafts import (
    DRAFT_LIFETIME,
    Draft,
    is_submitted,
    load_draft,
    new_draft_id,
    save_draft,
    send_response,
)

TITLE = {"bg": "Анкета", "en": "Survey"}


def _standard(database, slug="week-1", status="open"):
    with database.write() as session:
        return create_questionnaire(
            session, slug, starter_definition(TITLE, standard=True), status=status
        )


def _answer(database, info, submission_id="sub-00000001"):
    raw = {"sus": [4, 2] * 5, "seq_overall": 6, "liked": "Бързо"}
    with database.write() as session:
        return submit_response(
            session, info, submission_id, clean_answers(info.definition, raw), language="bg"
        )


def test_edits_keep_question_rows_and_their_answers(database):
    info = _standard(database)
    _answer(database, info)
    with database.read() as session:
        ids_before = dict(session.execute(select(Question.name, Question.id)).all())
    edited = move_question(info.definition, "improve", -3)
    edited = add_question(edited, new_question(edited, QuestionType.NPS))
    liked = replace(edited.question("liked"), labels={"bg": "Какво беше добре?", "en": "Good?"})
    edited = replace(
        edited,
        questions=tuple(liked if q.name == "liked" else q for q in edited.questions),
    )
    with database.write() as session:
        stored = update_definition(session, info.id, edited)
    assert [q.name for q in stored.definition.questions] == [
        "improve",
        "sus",
        "seq_overall",
        "liked",
        "nps",
    ]
    assert stored.definition.question("liked").labels["bg"] == "Какво беше добре?"
    with database.read() as session:
        ids_after = dict(
            session.execute(
                select(Question.name, Question.id).where(Question.questionnaire_id == info.id)
            ).all()
        )
        assert session.scalar(select(func.count(Answer.id))) == 3
        rows = response_rows(session, info.id)
    assert {k: ids_after[k] for k in ids_before} == ids_before
    assert rows[0]["liked"] == "Бързо"
    with database.read() as session:
        assert questionnaire_by_id(session, info.id).definition == stored.definition


def test_destructive_changes_need_a_new_version_once_there_are_responses(database):
    info = _standard(database)
    without_liked = replace(
        info.definition, questions=tuple(q for q in info.definition.questions if q.name != "liked")
    )
    with database.write() as session:  # no responses yet: anything goes
        update_definition(session, info.id, without_liked)
    _answer(database, _reload(database, info))
    retyped = replace(
        without_liked,
        questions=tuple(
            replace(q, type=QuestionType.SHORT_TEXT) if q.name == "improve" else q
            for q in without_liked.questions
        ),
    )
    with pytest.raises(VersionNeeded) as err, database.write() as session:
        update_definition(session, info.id, retyped)
    assert "improve" in err.value.render("en") and "type" in err.value.render("en")
    removed = replace(without_liked, questions=without_liked.questions[:1])
    with pytest.raises(VersionNeeded), database.write() as session:
        update_definition(session, info.id, removed)
    with database.write() as session:
        copy = copy_questionnaire(session, info.id, "week-1-v2", iteration_id=None)
        update_definition(session, copy.id, removed)  # the copy has no responses
        assert copy.status == "draft" and copy.token != info.token
        with pytest.raises(UserError):
            delete_questionnaire(session, info.id)
        delete_questionnaire(session, copy.id)
    with database.read() as session:
        assert [q.slug for q in all_questionnaires(session)] == ["week-1"]
        assert all_questionnaires(session)[0].responses == 1


def _reload(database, info):
    with database.read() as session:
        return questionnaire_by_id(session, info.id)


def test_slugs_are_checked_and_made_unique(database):
    _standard(database, slug="week-1")
    with database.write() as session:
        assert unique_slug(session, "week-1") == "week-1-2"
        assert unique_slug(session, "week-2") == "week-2"
        with pytest.raises(UserError):
            new_questionnaire(session, "Седмица 1", starter_definition(TITLE, False))


def test_a_draft_is_kept_for_hours_then_forgotten(database):
    info = _standard(database)
    draft_id = new_draft_id()
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with database.write() as session:
        save_draft(session, info.id, Draft(draft_id, {"seq_overall": 5}, {}, 1, "en"), now=now)
    with database.read() as session:
        kept = load_draft(session, info.id, draft_id, now=now + dt.timedelta(hours=1))
        gone = load_draft(session, info.id, draft_id, now=now + DRAFT_LIFETIME)
        other = load_draft(session, info.id + 1, draft_id, now=now)
    assert kept == Draft(draft_id, {"seq_overall": 5}, {}, 1, "en")
    assert gone is None and other is None
    with database.write() as session:  # any later save purges expired drafts
        save_draft(session, info.id, Draft(new_draft_id()), now=now + 2 * DRAFT_LIFETIME)
    with database.read() as session:
        assert session.get(ResponseDraft, draft_id) is None


def test_sending_stores_once_and_deletes_the_draft(database):
    info = _standard(database)
    draft_id = new_draft_id()
    with database.write() as session:
        save_draft(session, info.id, Draft(draft_id, {"liked": "ЕГН 8001010000"}))
    answers = clean_answers(info.definition, {"sus": [3] * 10, "seq_overall": 4})
    for _ in range(3):
        with database.write() as session:
            send_response(session, info.id, draft_id, answers, language="bg")
    with database.read() as session:
        assert session.scalar(select(func.count(Response.id))) == 1
        assert session.scalar(select(func.count(ResponseDraft.id))) == 0
        assert is_submitted(session, draft_id)
    with database.write() as session:
        set_status(session, info.id, "closed")
    with pytest.raises(UserError), database.write() as session:
        send_response(session, info.id, new_draft_id(), answers, language="bg")


def test_public_link_and_qr_code(monkeypatch):
    monkeypatch.setenv("OPIT_PUBLIC_URL", "https://opit.sofia.bg/")
    assert public_link("abc_-1") == "https://opit.sofia.bg/?s=abc_-1"
    png = qr_png(public_link("abc_-1"))
    assert png.startswith(b"\x89PNG") and len(png) > 300
