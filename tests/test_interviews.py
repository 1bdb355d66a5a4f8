"""Logging interview sessions: values checked, personal data redacted with the researcher's undo,
drafts saved on every change and restored, edits refused when someone else saved first."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from i18n import UserError
from prototypes.repository import iterations, prototypes, tasks
from research.interviews import format_duration, parse_duration, stored_text
from research.observation_entry import parse_quick_observation
from research.redaction import redact
from research.repository import (
    ObservationInput,
    TaskResultInput,
    add_participant,
    log_session,
    sessions_of_iteration,
)
from research.repository_drafts import (
    DraftGone,
    change_draft,
    create_draft,
    draft_for_session,
    drafts,
    load_draft,
    purge_stale_drafts,
    save_draft,
)
from research.repository_sessions import SessionChanged, session_detail, update_session
from research.session_drafts import (
    add_observation,
    commit_pending,
    draft_inputs,
    set_notes,
    set_pending,
    set_task,
    start_timer,
    stop_timer,
    timer_seconds,
)
from storage.schema import InterviewSession, SessionDraft, TaskResult

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(demo_database):
    """The demo's latest iteration, its tasks, and a fresh participant with consent."""
    with demo_database.write() as session:
        proto = prototypes(session)[0]
        it = iterations(session, proto.id)[-1]
        script = tasks(session, it.id)
        person = add_participant(session, "citizen", {"age_band": "30–44"}, consent_on=T0.date())
    return demo_database, it.id, script, person


# ------------------------------------------------------------------------------- pure values


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("95", 95.0), ("1:35", 95.0), ("1:02:03", 3723.0), ("12,5", 12.5), ("", None), (" ", None)],
)
def test_durations_are_read(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["-5", "abc", "1:75", "7:00:00", "1:-3"])
def test_impossible_durations_are_refused_clearly(text):
    with pytest.raises(UserError) as caught:
        parse_duration(text)
    assert caught.value.render("bg")


def test_durations_are_shown_as_minutes():
    assert format_duration(95) == "1:35"
    assert format_duration(3723) == "1:02:03"
    assert format_duration(None) == ""


def test_stored_text_honours_the_researchers_undo():
    text = "Номер на заявка 0888 123 456, телефон 0899 765 432"
    assert stored_text(text) == redact(text).text
    kept = stored_text(text, keep=[0])
    assert "0888 123 456" in kept and "0899 765 432" not in kept


STEPS = [(11, "find", 1), (12, "apply", 2), (13, "pay", 3)]


@pytest.mark.parametrize(
    ("line", "kind", "severity", "step", "tags", "text"),
    [
        ("!3 @2 #КЕП Не намира бутона", "pain_point", 3, 12, ("КЕП",), "Не намира бутона"),
        ('" Мислех, че е платено"', "quote", None, None, (), "Мислех, че е платено"),
        (
            "+ удобно #форма/поле #нов_таг",
            "positive",
            None,
            None,
            ("форма/поле", "нов таг"),
            "удобно",
        ),
        ("* пример @pay", "idea", None, 13, (), "пример"),
        ("просто текст", "pain_point", 2, None, (), "просто текст"),
    ],
)
def test_quick_entry_reads_one_line(line, kind, severity, step, tags, text):
    quick = parse_quick_observation(line, STEPS, default_severity=2)
    assert (quick.kind, quick.severity, quick.step_id, quick.tags, quick.text) == (
        kind,
        severity,
        step,
        tags,
        text,
    )


@pytest.mark.parametrize("line", ["!3 @9 текст", "!2 #таг"])
def test_quick_entry_refuses_what_it_cannot_read(line):
    with pytest.raises(UserError):
        parse_quick_observation(line, STEPS)


# ------------------------------------------------------------------------------- logging


def test_session_is_stored_redacted_with_the_chosen_undo(world):
    db, iteration_id, script, person = world
    note = "Обадете ми се на 0888 123 456"
    obs = "Референтен номер 0899 765 432 не е телефон"
    with db.write() as session:
        session_id = log_session(
            session,
            iteration_id,
            person.id,
            [TaskResultInput(script[0].id, "partial", 95, 4, 1, note)],
            [
                ObservationInput(
                    "pain_point", obs, severity=3, tags=("Идентификация/КЕП",), keep=(0,)
                )
            ],
            notes="Имейл ivan.petrov@abv.bg",
        )
    with db.read() as session:
        detail = session_detail(session, session_id)
    assert detail.results[0].note == "Обадете ми се на [ТЕЛЕФОН]"
    assert detail.observations[0].text == obs
    assert detail.observations[0].tags == ("Идентификация/КЕП",)
    assert detail.notes == "Имейл [ИМЕЙЛ]"


@pytest.mark.parametrize(
    "result",
    [
        TaskResultInput(1, "success", seconds=-1),
        TaskResultInput(1, "success", seq=9),
        TaskResultInput(1, "success", seq=0),
        TaskResultInput(1, "maybe"),
        TaskResultInput(1, "success", errors=-2),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_stored(world, result):
    db, iteration_id, script, person = world
    result = TaskResultInput(
        script[0].id, result.outcome, result.seconds, result.seq, result.errors
    )
    with db.read() as session:
        before = session.scalar(select(func.count(TaskResult.id)))
    with pytest.raises(UserError), db.write() as session:
        log_session(session, iteration_id, person.id, [result])
    with db.read() as session:
        assert session.scalar(select(func.count(TaskResult.id))) == before


def test_a_participant_without_consent_cannot_be_logged(world):
    db, iteration_id, script, _person = world
    with db.write() as session:
        stranger = add_participant(session, "citizen")
    with pytest.raises(UserError) as caught, db.write() as session:
        log_session(session, iteration_id, stranger.id, [TaskResultInput(script[0].id, "success")])
    assert stranger.code in caught.value.render("en")
    with pytest.raises(UserError), db.write() as session:
        create_draft(session, iteration_id, stranger.id, [t.id for t in script], "r")


def test_list_filters_by_kind_and_segment(world):
    db, iteration_id, script, person = world
    with db.write() as session:
        log_session(session, iteration_id, person.id, [TaskResultInput(script[0].id, "success")])
    with db.read() as session:
        everyone = sessions_of_iteration(session, iteration_id)
        staff = sessions_of_iteration(session, iteration_id, kind="staff")
        mine = sessions_of_iteration(session, iteration_id, segment={"age_band": "30–44"})
    assert len(staff) < len(everyone)
    assert person.code in {r["participant"] for r in mine}
    assert all(r["kind"] == "staff" for r in staff)


# --------------------------------------------------------------------------------- drafts


def test_draft_changes_are_pure_and_timers_use_server_time():
    data = start_timer({"tasks": {}}, 7, T0)
    assert timer_seconds(data["tasks"]["7"], T0 + dt.timedelta(seconds=42)) == 42
    data = stop_timer(data, 7, T0 + dt.timedelta(seconds=42))
    assert data["tasks"]["7"]["seconds"] == 42
    data = start_timer(data, 7, T0 + dt.timedelta(seconds=100))
    data = stop_timer(data, 7, T0 + dt.timedelta(seconds=110))
    assert data["tasks"]["7"]["seconds"] == 52
    with pytest.raises(UserError):
        set_task(data, 7, seq=9)
    with pytest.raises(UserError):
        set_task(data, 7, seconds=-3)


def test_draft_survives_and_becomes_a_session(world):
    db, iteration_id, script, person = world
    labels = {t.id: t.key for t in script}
    with db.write() as session:
        draft = create_draft(session, iteration_id, person.id, [t.id for t in script], "maria")
    key = draft.key
    with db.write() as session:
        change_draft(session, key, lambda d: start_timer(d, script[0].id, T0))
        change_draft(
            session, key, lambda d: stop_timer(d, script[0].id, T0 + dt.timedelta(seconds=80))
        )
        change_draft(session, key, lambda d: set_task(d, script[0].id, outcome="success", seq=6))
        change_draft(session, key, lambda d: set_pending(d, kind="quote", text="Лесно беше"))
        change_draft(session, key, commit_pending)
        change_draft(session, key, lambda d: set_notes(d, "Тел. 0888 123 456"))
    # "the browser closes": everything is read back from the server
    with db.read() as session:
        again = load_draft(session, key)
        assert [d.key for d in drafts(session, iteration_id)] == [key]
    task = again.data["tasks"][str(script[0].id)]
    assert (task["outcome"], task["seconds"], task["seq"]) == ("success", 80, 6)
    assert again.data["observations"][0]["text"] == "Лесно беше"
    assert again.revision == 7
    with db.write() as session:
        session_id = save_draft(session, key, labels)
    with db.read() as session:
        detail = session_detail(session, session_id)
        assert load_draft(session, key) is None
    assert detail.notes == "Тел. [ТЕЛЕФОН]"
    assert [r.seconds for r in detail.results] == [80]
    with pytest.raises(DraftGone), db.write() as session:
        change_draft(session, key, lambda d: d)


def test_a_task_with_values_but_no_outcome_is_named(world):
    _db, _it, script, _person = world
    data = set_task({"tasks": {}}, script[1].id, seq=3)
    with pytest.raises(UserError) as caught:
        draft_inputs(data, {script[1].id: "T2"})
    assert "T2" in caught.value.render("en")
    untouched = {"tasks": {str(script[2].id): {"outcome": None, "errors": 0, "note": ""}}}
    assert draft_inputs(untouched, {})[0] == []


def test_concurrent_edits_never_overwrite_silently(world):
    db, iteration_id, script, person = world
    with db.write() as session:
        session_id = log_session(
            session,
            iteration_id,
            person.id,
            [TaskResultInput(script[0].id, "success", 30)],
            [ObservationInput("idea", "Първа идея")],
        )
    with db.write() as session:
        mine = draft_for_session(session, session_id, "maria")
        theirs = draft_for_session(session, session_id, "petar")
    with db.write() as session:
        change_draft(session, theirs.key, lambda d: set_task(d, script[0].id, outcome="fail"))
        change_draft(session, mine.key, lambda d: add_observation(d, kind="idea", text="Моя идея"))
    with db.write() as session:
        save_draft(session, theirs.key, {})
    with pytest.raises(SessionChanged) as caught, db.write() as session:
        save_draft(session, mine.key, {})
    assert "reload" in caught.value.render("en")
    with db.read() as session:
        detail = session_detail(session, session_id)
        kept = load_draft(session, mine.key)
    assert detail.results[0].outcome == "fail"
    assert [o.text for o in detail.observations] == ["Първа идея"]
    assert [o["text"] for o in kept.data["observations"]] == ["Първа идея", "Моя идея"]
    with pytest.raises(SessionChanged), db.write() as session:
        update_session(session, session_id, detail.version - 1, [], [])


def test_an_edit_keeps_unchanged_texts_and_observation_ids(world):
    db, iteration_id, script, person = world
    kept = "Номер 0888 123 456 е на формуляра"
    with db.write() as session:
        session_id = log_session(
            session,
            iteration_id,
            person.id,
            [TaskResultInput(script[0].id, "success")],
            [ObservationInput("idea", kept, keep=(0,)), ObservationInput("quote", "Махни ме")],
        )
        detail = session_detail(session, session_id)
        first, second = detail.observations
        version = update_session(
            session,
            session_id,
            detail.version,
            [TaskResultInput(script[0].id, "partial")],
            [ObservationInput("idea", first.text, id=first.id, tags=("Нов",))],
        )
    with db.read() as session:
        after = session_detail(session, session_id)
        assert session.get(InterviewSession, session_id).version == version == detail.version + 1
    assert [(o.id, o.text, o.tags) for o in after.observations] == [(first.id, kept, ("Нов",))]
    assert second.id not in {o.id for o in after.observations}


def test_stale_drafts_are_purged(world):
    db, iteration_id, script, person = world
    with db.write() as session:
        draft = create_draft(session, iteration_id, person.id, [t.id for t in script], "r")
        row = session.scalar(select(SessionDraft).where(SessionDraft.key == draft.key))
        row.updated_at = T0 - dt.timedelta(days=60)
    with db.write() as session:
        assert purge_stale_drafts(session, 30) == 1
