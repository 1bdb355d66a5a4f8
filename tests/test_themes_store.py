"""Themes in the database: analysis runs on the demo, stable ids across weeks, curation that
survives re-analysis, and the feedback the analysis reads."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from i18n import UserError
from prototypes.repository import iterations, prototypes
from prototypes.repository_feedback import collect_feedback, feedback_fingerprint
from prototypes.repository_theme_board import last_analysis, theme_board, theme_history
from prototypes.repository_theme_curation import (
    merge_themes,
    move_feedback,
    pin_theme,
    rename_theme,
    split_theme,
)
from prototypes.repository_themes import analyse_iteration
from storage.schema import (
    Answer,
    Consent,
    InterviewSession,
    Iteration,
    Observation,
    Theme,
    ThemeMember,
)
from surveys.answers import clean_answers
from surveys.repository import questionnaires_of_iteration, submit_response


def _demo_iterations(database) -> tuple[int, list[int]]:
    with database.read() as session:
        prototype = prototypes(session)[0]
        return prototype.id, [it.id for it in iterations(session, prototype.id)]


def _members(database, iteration_id: int) -> dict[tuple[str, int], int]:
    with database.read() as session:
        rows = session.execute(
            select(ThemeMember.source, ThemeMember.source_id, ThemeMember.theme_id).where(
                ThemeMember.iteration_id == iteration_id
            )
        )
        return {(s, i): t for s, i, t in rows}


def _texts(database, iteration_id: int) -> dict[tuple[str, int], str]:
    with database.read() as session:
        return {item.key: item.text for item in collect_feedback(session, iteration_id)}


def _answer(database, iteration_id: int, text: str, n: int, question: str = "improve") -> int:
    with database.write() as session:
        questionnaire = questionnaires_of_iteration(session, iteration_id)[0]
        raw = {"sus": [4, 2, 4, 2, 4, 2, 4, 2, 4, 2], "seq_overall": 5, question: text}
        result = submit_response(
            session,
            questionnaire,
            f"test-themes-{iteration_id}-{n:04d}",
            clean_answers(questionnaire.definition, raw),
            check_open=False,
            submitted_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC),
        )
        return session.scalar(
            select(Answer.id).where(Answer.response_id == result.response_id, Answer.text == text)
        )


def feedback_fingerprint_of(database, iteration_id: int) -> str:
    with database.read() as session:
        return feedback_fingerprint(session, iteration_id)


def test_feedback_of_an_iteration(demo_database):
    _, (first, *_rest) = _demo_iterations(demo_database)
    with demo_database.read() as session:
        items = collect_feedback(session, first)
        fingerprint = feedback_fingerprint(session, first)
        observations = session.scalar(
            select(func.count(Observation.id)).where(Observation.session_id.is_not(None))
        )
    answers = [i for i in items if i.source == "answer"]
    notes = [i for i in items if i.source == "observation"]
    assert 35 <= len(answers) <= 70 and 25 <= len(notes) <= observations
    assert {i.question for i in answers} <= {"liked", "improve"}
    assert {i.language for i in items} <= {"bg", "en", "other"} and "en" in {
        i.language for i in answers
    }
    assert {i.sentiment for i in items} <= {"negative", "neutral", "positive"}
    assert all(i.step_key for i in notes) and all(i.step_key is None for i in answers)
    assert all(i.quotable for i in answers)
    with demo_database.write() as session:  # a participant withdraws consent to quotes
        session_id = session.get(Observation, notes[0].source_id).session_id
        participant_id = session.get(InterviewSession, session_id).participant_id
        session.execute(
            update(Consent).where(Consent.participant_id == participant_id).values(quotes=False)
        )
    with demo_database.read() as session:
        again = {i.key: i for i in collect_feedback(session, first)}
        assert feedback_fingerprint(session, first) != fingerprint  # pages cache by it
    assert not again[notes[0].key].quotable
    fingerprint = feedback_fingerprint_of(demo_database, first)
    _answer(demo_database, first, "Искам тъмен режим на сайта.", 1)
    assert feedback_fingerprint_of(demo_database, first) != fingerprint


@pytest.fixture
def analysed(demo_database):
    """The demo with its three iterations analysed in order."""
    prototype_id, its = _demo_iterations(demo_database)
    runs = [analyse_iteration(demo_database, it, actor="tests") for it in its]
    return demo_database, prototype_id, its, runs


def test_analysis_places_the_demo_feedback(analysed):
    database, _, its, runs = analysed
    for it, run in zip(its, runs, strict=True):
        assert run.items >= 70 and run.clustered + run.unclassified == run.items
        assert run.unclassified <= 3
        assert len(_members(database, it)) == run.clustered
        with database.read() as session:
            assert last_analysis(session, it).fingerprint == feedback_fingerprint(session, it)


def test_theme_ids_are_stable_across_the_demo_iterations(analysed):
    database, prototype_id, its, runs = analysed
    present = [set(_members(database, it).values()) for it in its]
    assert len(present[1] & present[0]) >= 3 and len(present[2] & present[1]) >= 3
    assert runs[1].new_themes < len(present[1]) and runs[2].new_themes < len(present[2])
    texts = {it: _texts(database, it) for it in its}

    def theme_holding(it: int, words: tuple[str, ...]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for key, theme_id in _members(database, it).items():
            if all(w in texts[it][key].lower() for w in words):
                counts[theme_id] = counts.get(theme_id, 0) + 1
        return counts

    # Google Pay on the iPhone appears in week 3, in a theme that is new that week
    pay = theme_holding(its[2], ("google pay",))
    assert sum(pay.values()) >= 3
    main = max(pay, key=pay.get)
    assert main not in present[0] | present[1]
    with database.read() as session:
        board = theme_board(session, prototype_id, its[2])
    assert board.moves[board.themes[main].key].status == "new"
    # the landlord's declaration: a weekly theme whose complaints fade by week 3
    declaration = [theme_holding(it, ("декларация",)) for it in its[:2]]
    common = set(declaration[0]) & set(declaration[1])
    assert common, "the declaration theme of week 1 continues in week 2"


def test_reanalysis_without_new_feedback_changes_nothing(analysed):
    database, _, its, _runs = analysed
    before = _members(database, its[1])
    run = analyse_iteration(database, its[1])
    assert run.joined == 0 and run.clustered == 0 and run.new_themes == 0
    assert _members(database, its[1]) == before


def test_curation_survives_reanalysis(analysed):
    database, prototype_id, its, _runs = analysed
    week = its[2]
    members = _members(database, week)
    texts = _texts(database, week)
    sizes: dict[int, int] = {}
    for theme_id in members.values():
        sizes[theme_id] = sizes.get(theme_id, 0) + 1
    big, second, third, fourth, *_ = sorted(sizes, key=lambda t: -sizes[t])
    in_big = [k for k, t in members.items() if t == big]
    in_third = [k for k, t in members.items() if t == third]
    moved = next(k for k, t in members.items() if t == second)
    with database.write() as session:
        rename_theme(session, big, "Плащане с Google Pay", actor="tests")
        pin_theme(session, second, actor="tests")
        move_feedback(session, moved, big, actor="tests")
        merge_themes(session, fourth, third, actor="tests")
        split_off = split_theme(session, third, week, in_third[:1], "Отделена тема", actor="tests")
    # new answers arrive: one like the renamed theme's feedback, one about something new
    like_big = texts[in_big[0]]
    close = _answer(database, week, like_big, 1)
    novel = [
        _answer(database, week, text, n)
        for n, text in enumerate(
            (
                "Добавете тъмен режим за вечер.",
                "Няма тъмен режим за вечер.",
                "Искаме тъмен режим вечер.",
            ),
            start=2,
        )
    ]
    run = analyse_iteration(database, week, actor="tests")
    assert run.kept == len(members) + 0 and run.joined + run.clustered == 4
    after = _members(database, week)
    with database.read() as session:
        board = theme_board(session, prototype_id, week)
        assert session.get(Theme, fourth).merged_into_id == third
    assert board.themes[big].label == "Плащане с Google Pay" and board.themes[big].label_edited
    assert board.themes[second].pinned
    assert after[moved] == big and board.placements[moved].manual
    assert after[in_third[0]] == split_off
    assert fourth not in set(after.values())
    assert after[("answer", close)] == big  # joined the curated theme it resembles
    novel_themes = [after.get(("answer", a)) for a in novel]
    assert len(set(novel_themes)) == 1 and novel_themes[0] not in set(members.values())
    # a fresh analysis redoes the analysis' own placements, never the curated ones
    fresh = analyse_iteration(database, week, fresh=True, n_themes=6, actor="tests")
    again = _members(database, week)
    assert fresh.kept >= len([k for k, t in after.items() if t in {big, second, third, split_off}])
    assert again[moved] == big and again[in_third[0]] == split_off
    assert all(again.get(k) == big for k, t in after.items() if t == big)
    with database.read() as session:
        board = theme_board(session, prototype_id, week)
        history = theme_history(session, prototype_id)
    assert board.themes[big].label == "Плащане с Google Pay"
    assert [h.action for h in history][::-1] == ["rename", "pin", "move", "merge", "split"]


def test_curation_refuses_mistakes(analysed):
    database, _, its, _runs = analysed
    members = _members(database, its[0])
    theme_id = next(iter(members.values()))
    with database.write() as session:
        with pytest.raises(UserError):
            rename_theme(session, theme_id, "   ")
        with pytest.raises(UserError):
            merge_themes(session, theme_id, theme_id)
        with pytest.raises(UserError):
            split_theme(session, theme_id, its[0], [], "Нова")
        with pytest.raises(UserError):
            move_feedback(session, ("answer", 10**9), theme_id)
        rename_theme(session, theme_id, "x" * 10)
        rename_theme(session, theme_id, None)
        row = session.get(Theme, theme_id)
        assert not row.label_edited and row.label == row.auto_label


def test_an_iteration_without_feedback(database):
    from prototypes.repository import add_iteration, add_life_event, add_prototype

    with database.write() as session:
        event = add_life_event(session, "move", "Преместване", "Moving", steps=())
        proto = add_prototype(session, "proto", event, "Прототип", "Prototype")
        iteration_id = add_iteration(session, proto, dt.date(2026, 11, 2), [], "", "")
    run = analyse_iteration(database, iteration_id)
    assert run.items == 0 and run.new_themes == 0
    with database.read() as session:
        assert session.scalar(select(func.count(Theme.id))) == 0
        assert session.get(Iteration, iteration_id) is not None
