"""The interview pages render on the demo project, and a session can be logged through them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from research.repository import participants
from storage.schema import InterviewSession, SessionDraft
from tests.accounts import sign_in

TIMEOUT = 30


def page(module: str) -> AppTest:
    at = AppTest.from_string(
        f"from ui.pages import {module}\n{module}.render()\n", default_timeout=TIMEOUT
    )
    return sign_in(at, "researcher")


@pytest.mark.parametrize("module", ["sessions", "participants", "transcripts", "codebook"])
def test_page_renders_on_demo(app_database, module):
    at = page(module).run()
    assert not at.exception, at.exception
    assert at.title


def test_reviewer_cannot_open_participants(app_database):
    at = AppTest.from_string(
        "from ui.pages import participants\nparticipants.render()\n", default_timeout=TIMEOUT
    )
    sign_in(at, "reviewer").run()
    assert not at.exception
    assert not any("P-001" in str(df.value) for df in at.dataframe)


def _count(database, model) -> int:
    with database.read() as session:
        return session.scalar(select(func.count(model.id)))


def test_log_a_session_through_the_page(app_database):
    with app_database.read() as session:
        person = participants(session, with_consent=True)[0]
    before = _count(app_database, InterviewSession)
    at = page("sessions").run()
    at.selectbox(key="sessions.start_participant").set_value(person.id)
    at.button(key="sessions.start").click().run()
    assert not at.exception, at.exception
    draft = at.query_params["draft"]
    draft = draft[0] if isinstance(draft, list) else draft
    assert _count(app_database, SessionDraft) == 1
    prefix = f"sessions.d.{draft[:12]}"
    with app_database.read() as session:
        first = sorted(session.scalar(select(SessionDraft.data))["tasks"], key=int)[0]
    at.segmented_control(key=f"{prefix}.outcome.{first}").set_value("partial").run()
    at.text_input(key=f"{prefix}.time.{first}").input("1:35").run()
    at.text_input(key=f"{prefix}.quick").input("!3 Не намира бутона, звъни на 0888 123 456").run()
    assert not at.exception, at.exception
    with app_database.read() as session:
        data = session.scalar(select(SessionDraft.data))
    assert data["tasks"][first]["outcome"] == "partial"
    assert data["tasks"][first]["seconds"] == 95
    assert data["observations"][0]["severity"] == 3
    at.button(key=next(b.key for b in at.button if b.label == "Прегледай и запази")).click().run()
    assert not at.exception, at.exception
    assert any("[ТЕЛЕФОН]" in t.value for t in at.text)
    save = next(b for b in at.button if b.label == "Запази сесията")
    save.click().run()
    assert not at.exception, at.exception
    assert _count(app_database, InterviewSession) == before + 1
    assert _count(app_database, SessionDraft) == 0


def _participants(database) -> int:
    with database.read() as session:
        return len(participants(session))


def test_a_participant_needs_consent_to_be_added(app_database):
    before = _participants(app_database)
    at = page("participants").run()
    submit = next(b for b in at.button if b.label == "Добави участник")
    submit.click().run()
    assert not at.exception, at.exception
    assert any("съгласие" in e.value for e in at.error)
    assert _participants(app_database) == before
    consent = next(c for c in at.checkbox if c.label.startswith("Дадено е писмено съгласие"))
    consent.check()
    next(b for b in at.button if b.label == "Добави участник").click().run()
    assert not at.exception, at.exception
    assert _participants(app_database) == before + 1
    assert any("е добавен" in s.value for s in at.success)


def test_codebook_page_adds_a_tag_and_refuses_its_twin(app_database):
    at = page("codebook").run()
    at.text_input(key="codebook.add_name").input("Идентификация")
    at.button(key="codebook.add").click().run()
    assert not at.exception, at.exception
    assert any("добавен" in s.value for s in at.success)
    at.text_input(key="codebook.add_name").input("идентификация")
    at.button(key="codebook.add").click().run()
    assert any("идентификация" in e.value.casefold() for e in at.error)
