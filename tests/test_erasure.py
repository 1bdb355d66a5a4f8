"""Erasure: deleting a participant removes every trace of their identity; their task metrics stay
only under an anonymous code and only where consent allowed; the audit log records it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import JSON, String, Text, func, select

from i18n import UserError
from prototypes.repository import iterations, prototypes, tasks
from research.redaction import redact_text
from research.repository import (
    ObservationInput,
    TaskResultInput,
    add_participant,
    log_session,
    participants,
)
from research.repository_audit import audit_events
from research.repository_drafts import create_draft
from research.repository_participants import erase_participant, set_contact
from research.repository_transcripts import import_transcript
from research.transcripts import read_transcript
from storage.schema import (
    AuditEvent,
    Base,
    InterviewSession,
    Observation,
    Participant,
    SessionDraft,
    TaskResult,
    Transcript,
)

DAY = dt.date(2026, 11, 23)
CONTACT = {"name": "Гергана Стоянова", "email": "gergana.st@example.bg", "phone": "0887 654 321"}
SEGMENT = {"district": "Кремиковци", "first_language": "арменски", "device": "брайлов дисплей"}


def _everything(session) -> str:
    """Every text and JSON value of every table, as one string."""
    parts = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            parts.extend(json.dumps(v, ensure_ascii=False, default=str) for v in row)
    return "\n".join(parts)


def _person(db, *, metrics: bool):
    with db.write() as session:
        it = iterations(session, prototypes(session)[0].id)[-1]
        script = tasks(session, it.id)
        person = add_participant(
            session, "citizen", SEGMENT, consent_on=DAY, metrics=metrics, contact=True
        )
        set_contact(session, person.id, **CONTACT, actor="r1")
        held = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)
        session_id = log_session(
            session,
            it.id,
            person.id,
            [
                TaskResultInput(script[0].id, "success", 40, 6, 0, f"{person.code} беше бърз"),
                TaskResultInput(script[1].id, "fail", 300, 2, 3),
            ],
            [ObservationInput("quote", f"{person.code}: „Къде е бутонът?“")],
            notes=f"Сесия с {person.code}",
            held_at=held,
        )
        vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v {CONTACT['name']}>Добре</v>\n"
        import_transcript(
            session,
            session_id,
            read_transcript(vtt.encode(), "t.vtt"),
            {CONTACT["name"]: person.code},
            title=f"Интервю {person.code}",
        )
        create_draft(session, it.id, person.id, [t.id for t in script], "r1")
    return person, session_id


def _identifiers(person) -> list[str]:
    return [person.code, *CONTACT.values(), *SEGMENT.values()]


def test_erasure_keeps_only_anonymous_metrics_when_consent_allowed(demo_database):
    db = demo_database
    person, session_id = _person(db, metrics=True)
    with db.read() as session:
        text = _everything(session)
        assert all(value in text for value in _identifiers(person))
    with db.write() as session:
        summary = erase_participant(session, person.id, actor="dpo")
    assert summary.sessions_kept == 1 and summary.sessions_deleted == 0
    assert summary.anonymous_code.startswith("A-")
    with db.read() as session:
        text = _everything(session)
        left = [v for v in _identifiers(person) if v in text]
        interview = session.get(InterviewSession, session_id)
        results = session.scalars(select(TaskResult).where(TaskResult.session_id == session_id))
        stand_in = session.get(Participant, interview.participant_id)
        observations = session.scalar(
            select(func.count(Observation.id)).where(Observation.session_id == session_id)
        )
        transcripts = session.scalar(select(func.count(Transcript.id)))
        drafts = session.scalar(select(func.count(SessionDraft.id)))
        results = [(r.outcome, r.seconds, r.seq, r.errors, r.note) for r in results]
        events = audit_events(session, "participant", person.id)
    assert left == []
    assert sorted(results) == [("fail", 300, 2, 3, ""), ("success", 40, 6, 0, "")]
    assert (stand_in.code, stand_in.segment, stand_in.kind) == (
        summary.anonymous_code,
        {},
        "erased",
    )
    assert stand_in.id != person.id
    assert interview.notes == "" and interview.researcher_id is None
    assert interview.held_at.replace(tzinfo=None) == dt.datetime(2026, 11, 23)
    assert (observations, transcripts, drafts) == (0, 0, 0)
    erase = events[-1]
    assert (erase["action"], erase["actor"]) == ("erase", "dpo")
    assert erase["detail"]["sessions_kept"] == 1
    assert summary.anonymous_code not in json.dumps(erase["detail"], ensure_ascii=False)
    with db.read() as session:
        assert person.code not in {p.code for p in participants(session)}


def test_erasure_without_metrics_consent_deletes_the_sessions(demo_database):
    db = demo_database
    person, session_id = _person(db, metrics=False)
    with db.read() as session:
        before = session.scalar(select(func.count(TaskResult.id)))
    with db.write() as session:
        summary = erase_participant(session, person.id, actor="dpo")
    with db.read() as session:
        text = _everything(session)
        assert session.get(InterviewSession, session_id) is None
        assert session.scalar(select(func.count(TaskResult.id))) == before - 2
        assert session.get(Participant, person.id) is None
        assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "erase"))
    assert summary.anonymous_code is None and summary.sessions_deleted == 1
    assert [v for v in _identifiers(person) if v in text] == []


def test_erasing_twice_is_a_clear_error(demo_database):
    person, _session_id = _person(demo_database, metrics=True)
    with demo_database.write() as session:
        erase_participant(session, person.id, actor="dpo")
    with pytest.raises(UserError), demo_database.write() as session:
        erase_participant(session, person.id, actor="dpo")


def test_other_participants_are_untouched(demo_database):
    with demo_database.read() as session:
        others = {p.code: p.sessions for p in participants(session)}
    person, _session_id = _person(demo_database, metrics=False)
    with demo_database.write() as session:
        erase_participant(session, person.id, actor="dpo")
    with demo_database.read() as session:
        assert {p.code: p.sessions for p in participants(session)} == others
    assert redact_text(CONTACT["phone"]) == "[ТЕЛЕФОН]"


def test_nothing_can_be_added_to_an_erased_participants_session(demo_database):
    from research.repository import add_observations

    person, session_id = _person(demo_database, metrics=True)
    with demo_database.write() as session:
        erase_participant(session, person.id, actor="dpo")
    with pytest.raises(UserError), demo_database.write() as session:
        add_observations(session, session_id, [ObservationInput("idea", "нова бележка")])
    vtt = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: text\n"
    with pytest.raises(UserError), demo_database.write() as session:
        import_transcript(session, session_id, read_transcript(vtt, "t.vtt"), {})
