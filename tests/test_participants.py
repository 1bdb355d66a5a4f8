"""Participants: pseudonymous codes, extensible segments, consent scopes, withdrawal, contact
details only with consent, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from i18n import UserError
from prototypes.repository import iterations, prototypes, tasks
from research.repository import (
    ObservationInput,
    TaskResultInput,
    add_participant,
    log_session,
    participants,
    quotes_allowed,
)
from research.repository_participants import (
    consents,
    participant_contact,
    record_consent,
    retention_overdue,
    segment_values,
    set_contact,
    update_segment,
    withdraw_consent,
)
from research.repository_sessions import session_detail
from storage.schema import InterviewSession

DAY = dt.date(2026, 11, 23)


def test_codes_are_pseudonymous_and_sequential(database):
    with database.write() as session:
        codes = [add_participant(session, "citizen").code for _ in range(3)]
    assert codes == ["P-001", "P-002", "P-003"]


def test_segment_is_extensible_cleaned_and_redacted(database):
    with database.write() as session:
        person = add_participant(
            session,
            "staff",
            {
                "Age band": "30–44",
                "district": " Младост ",
                "device": "таблет",
                "empty": "",
                "note": "тел. 0888 123 456",
            },
            consent_on=DAY,
        )
    assert person.segment == {
        "age_band": "30–44",
        "district": "Младост",
        "device": "таблет",
        "note": "тел. [ТЕЛЕФОН]",
    }
    with database.write() as session:
        update_segment(session, person.id, {"district": "Люлин", "device": "телефон"})
        assert segment_values(session) == {"device": ["телефон"], "district": ["Люлин"]}
    with pytest.raises(UserError), database.write() as session:
        update_segment(session, person.id, {"district": "x" * 101})


def test_filters_by_kind_segment_and_consent(database):
    with database.write() as session:
        add_participant(session, "citizen", {"district": "Младост"}, consent_on=DAY)
        add_participant(session, "citizen", {"district": "Люлин"})
        add_participant(session, "staff", {"district": "Младост"}, consent_on=DAY)
        by_district = participants(session, segment={"district": "Младост"})
        staff = participants(session, kind="staff")
        without = participants(session, with_consent=False)
    assert [p.code for p in by_district] == ["P-001", "P-003"]
    assert [p.code for p in staff] == ["P-003"]
    assert [p.code for p in without] == ["P-002"]


def test_consent_scope_and_retention_are_recorded(database):
    with database.write() as session:
        person = add_participant(
            session, "citizen", consent_on=DAY, retention_days=90, quotes=True, contact=True
        )
        (consent,) = consents(session, person.id)
    assert (consent.notes, consent.quotes, consent.audio, consent.contact, consent.metrics) == (
        True,
        True,
        False,
        True,
        True,
    )
    assert consent.retention_until == DAY + dt.timedelta(days=90)
    with pytest.raises(UserError), database.write() as session:
        record_consent(session, person.id, DAY, DAY - dt.timedelta(days=1))


def test_contact_details_only_with_consent_and_gone_on_withdrawal(database):
    with database.write() as session:
        allowed = add_participant(session, "citizen", consent_on=DAY, contact=True)
        refused = add_participant(session, "citizen", consent_on=DAY)
    with pytest.raises(UserError) as caught, database.write() as session:
        set_contact(session, refused.id, email="a@b.bg")
    assert refused.code in caught.value.render("en")
    with pytest.raises(UserError), database.write() as session:
        set_contact(session, allowed.id, email="not an address")
    with database.write() as session:
        set_contact(session, allowed.id, name="Мария", phone="0888 123 456", actor="r1")
        assert participant_contact(session, allowed.id).name == "Мария"
        withdraw_consent(session, allowed.id, actor="r1")
    with database.read() as session:
        assert participant_contact(session, allowed.id) is None
        assert not participants(session)[0].has_consent


def test_withdrawn_consent_stops_logging_until_a_new_consent(demo_database):
    with demo_database.write() as session:
        it = iterations(session, prototypes(session)[0].id)[-1]
        task = tasks(session, it.id)[0]
        person = add_participant(session, "citizen", consent_on=DAY)
        withdraw_consent(session, person.id)
    with pytest.raises(UserError), demo_database.write() as session:
        log_session(session, it.id, person.id, [TaskResultInput(task.id, "success")])
    with demo_database.write() as session:
        record_consent(session, person.id, DAY, DAY + dt.timedelta(days=30))
        log_session(session, it.id, person.id, [TaskResultInput(task.id, "success")])
        assert len(consents(session, person.id)) == 2


def test_retention_overdue_lists_expired_and_withdrawn(database):
    with database.write() as session:
        add_participant(session, "citizen", consent_on=DAY, retention_days=10)
        gone = add_participant(session, "citizen", consent_on=DAY, retention_days=400)
        add_participant(session, "citizen", consent_on=DAY, retention_days=400)
        withdraw_consent(session, gone.id)
        overdue = retention_overdue(session, today=DAY + dt.timedelta(days=30))
    assert [code for _id, code in overdue] == ["P-001", "P-002"]


def test_only_consenting_participants_can_be_quoted(demo_database):
    with demo_database.write() as session:
        it = iterations(session, prototypes(session)[0].id)[-1]
        task = tasks(session, it.id)[0]
        ids = []
        for quotes in (True, False):
            person = add_participant(session, "citizen", consent_on=DAY, quotes=quotes)
            log_session(
                session,
                it.id,
                person.id,
                [TaskResultInput(task.id, "success")],
                [ObservationInput("quote", "„Лесно беше“")],
            )
        for session_id in session.scalars(
            select(InterviewSession.id).order_by(InterviewSession.id.desc()).limit(2)
        ):
            ids.extend(o.id for o in session_detail(session, session_id).observations)
        allowed = quotes_allowed(session, ids)
    assert len(ids) == 2 and allowed == {min(ids)}
