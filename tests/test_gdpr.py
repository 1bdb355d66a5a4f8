"""A participant's data: exported whole, erased everywhere (scanned table by table), retention."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cli import main
from research.gdpr import export_json, export_xlsx
from research.repository_gdpr import (
    ErasureIncomplete,
    apply_retention,
    erase_participant,
    participant_export,
    retention_due,
)
from storage.schema import (
    AuditEvent,
    Base,
    Decision,
    InterviewSession,
    Observation,
    Participant,
    ParticipantContact,
    TaskResult,
    Theme,
    ThemeMember,
    Transcript,
    TranscriptTurn,
)

CONTACT = {"name": "Мария Петрова", "email": "maria.petrova@example.bg", "phone": "+359888111222"}


def _prepare(database, *, metrics: bool) -> tuple[int, str]:
    """A demo participant with contact details, a transcript, a theme placement and a decision."""
    with database.write() as session:
        participant = session.scalars(
            select(Participant)
            .join(InterviewSession, InterviewSession.participant_id == Participant.id)
            .order_by(Participant.id)
        ).first()
        for consent in participant.consents:
            consent.metrics = metrics
        session.add(ParticipantContact(participant_id=participant.id, **CONTACT))
        interview = session.scalars(
            select(InterviewSession).where(InterviewSession.participant_id == participant.id)
        ).first()
        interview.notes = f"Разговор с {participant.code}"
        transcript = Transcript(session_id=interview.id, title="Интервю", format="txt")
        transcript.turns = [
            TranscriptTurn(position=0, speaker=participant.code, text="Смених адреса си онлайн.")
        ]
        session.add(transcript)
        observation = session.scalars(
            select(Observation).where(Observation.session_id == interview.id)
        ).first()
        theme = session.scalars(select(Theme)).first()
        if theme is None:
            theme = Theme(prototype_id=1, key="t-test", label="Тест")
            session.add(theme)
            session.flush()
        session.add(
            ThemeMember(
                theme_id=theme.id,
                iteration_id=interview.iteration_id,
                source="observation",
                source_id=observation.id,
            )
        )
        session.add(
            Decision(
                iteration_id=interview.iteration_id,
                title="Да се опрости формата",
                observation_ids=[observation.id, 999_999],
            )
        )
        return participant.id, participant.code


def _scan(database, identifiers: list[str]) -> list[str]:
    """Every table, every column, every row, read back as text: where is any identifier?"""
    pattern = re.compile(
        "|".join(rf"(?<![\w-]){re.escape(i)}(?![\w])" for i in identifiers), re.IGNORECASE
    )
    hits = []
    with database.read() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for column, value in row._mapping.items():
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and pattern.search(value):
                        hits.append(f"{table.name}.{column}")
    return hits


def test_export_holds_everything_about_the_participant(demo_database):
    participant_id, code = _prepare(demo_database, metrics=False)
    with demo_database.write() as session:
        export = participant_export(session, participant_id, actor="admin")
    tables = export["tables"]
    assert tables["participants"][0]["code"] == code
    assert tables["participant_contacts"][0]["email"] == CONTACT["email"]
    for name in ("consents", "interview_sessions", "task_results", "observations"):
        assert tables[name], name
    assert tables["transcript_turns"][0]["speaker"] == code
    assert json.loads(export_json(export))["participant_id"] == participant_id
    book = load_workbook(io.BytesIO(export_xlsx(export, "bg")))
    assert {"Участник", "Данни за контакт", "Наблюдения", "Резултати по задачи"} <= set(
        book.sheetnames
    )
    results = book["Резултати по задачи"]
    header = [c.value for c in results[1]]
    assert "task_id:label" in header  # the task's title beside its id
    with demo_database.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.entity_id == str(participant_id)
    assert code not in json.dumps(event.detail)


def test_erasure_leaves_no_identifier_in_any_table(demo_database):
    participant_id, code = _prepare(demo_database, metrics=False)
    identifiers = [code, *CONTACT.values()]
    assert _scan(demo_database, identifiers)  # the scan does find them before
    with demo_database.write() as session:
        sessions = session.scalars(
            select(InterviewSession.id).where(InterviewSession.participant_id == participant_id)
        ).all()
        report = erase_participant(session, participant_id, actor="admin")
    assert _scan(demo_database, identifiers) == []
    assert not report.kept_metrics
    with demo_database.read() as session:
        assert (
            session.scalar(
                select(func.count(TaskResult.id)).where(TaskResult.session_id.in_(sessions))
            )
            == 0
        )
        members = session.scalars(select(ThemeMember.source_id)).all()
        observations = set(session.scalars(select(Observation.id)).all())
        assert set(members) <= observations
        decision = session.scalars(select(Decision).where(Decision.title.like("Да се%"))).one()
        assert decision.observation_ids == [999_999]
        assert (
            session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.entity == "participant", AuditEvent.entity_id == str(participant_id)
                )
            ).all()[-1]
            == "erase"
        )


def test_erasure_keeps_anonymous_metrics_when_the_consent_allowed_it(demo_database):
    participant_id, code = _prepare(demo_database, metrics=True)
    with demo_database.read() as session:
        sessions = session.scalars(
            select(InterviewSession.id).where(InterviewSession.participant_id == participant_id)
        ).all()
        results = session.scalar(
            select(func.count(TaskResult.id)).where(TaskResult.session_id.in_(sessions))
        )
    with demo_database.write() as session:
        report = erase_participant(session, participant_id, actor="admin")
    assert report.kept_metrics and report.anonymous_code and report.anonymous_code != code
    assert _scan(demo_database, [code, *CONTACT.values()]) == []
    with demo_database.read() as session:
        kept = session.scalars(select(TaskResult).where(TaskResult.session_id.in_(sessions))).all()
        assert len(kept) == results and all(r.note == "" for r in kept)
        assert not session.scalars(
            select(Observation).where(Observation.session_id.in_(sessions))
        ).all()
        assert not session.scalars(select(Transcript)).all()


def test_erasure_refuses_and_changes_nothing_when_an_identifier_remains(demo_database):
    participant_id, code = _prepare(demo_database, metrics=False)
    with demo_database.write() as session:
        session.add(Decision(iteration_id=1, title="x", rationale=f"Както каза {code}"))
    with pytest.raises(ErasureIncomplete) as caught, demo_database.write() as session:
        erase_participant(session, participant_id, actor="admin")
    assert "decisions.rationale" in str(caught.value)
    assert code not in str(caught.value)
    with demo_database.read() as session:
        assert session.get(Participant, participant_id).code == code
        assert session.scalar(select(func.count(ParticipantContact.id))) == 1


def test_retention_lists_and_erases_what_is_due(demo_database, capsys, monkeypatch):
    monkeypatch.setenv("OPIT_DATABASE_URL", demo_database.url)
    today = dt.date.today()
    with demo_database.write() as session:
        first, second = session.scalars(select(Participant).order_by(Participant.id).limit(2))
        for consent in first.consents:
            consent.retention_until = today - dt.timedelta(days=1)
        for consent in second.consents:
            consent.withdrawn_at = dt.datetime.now(dt.UTC)
        codes = {first.code, second.code}
    with demo_database.read() as session:
        due = retention_due(session, today)
    assert {d.code for d in due} == codes
    assert main(["retention"]) == 0
    assert "--apply" in capsys.readouterr().out
    with demo_database.read() as session:
        assert len(retention_due(session, today)) == 2  # listing erased nothing
    assert main(["retention", "--apply"]) == 0
    assert "Erased 2" in capsys.readouterr().out
    with demo_database.read() as session:
        assert retention_due(session, today) == []
        remaining = set(session.scalars(select(Participant.code)).all())
    assert not codes & remaining
    with demo_database.write() as session:
        assert apply_retention(session, actor="test") == []


def test_cli_exports_and_erases_one_participant(demo_database, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPIT_DATABASE_URL", demo_database.url)
    participant_id, code = _prepare(demo_database, metrics=False)
    assert main(["gdpr-export", code, "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / f"opit-participant-{participant_id}.json").read_text("utf-8"))
    assert data["tables"]["participants"][0]["code"] == code
    assert (tmp_path / f"opit-participant-{participant_id}.xlsx").stat().st_size > 0
    assert main(["erase", code, "--yes"]) == 0
    assert _scan(demo_database, [code, *CONTACT.values()]) == []
    assert main(["gdpr-export", code, "--out", str(tmp_path)]) == 2  # nobody left to export


def test_spreadsheet_cells_never_become_formulas():
    export = {
        "participant_id": 1,
        "exported_at": "2026-01-01T00:00:00",
        "tables": {"observations": [{"id": 1, "text": '=HYPERLINK("http://x")'}]},
    }
    book = load_workbook(io.BytesIO(export_xlsx(export, "en")))
    assert book["Observations"]["B2"].value.startswith("'=")
