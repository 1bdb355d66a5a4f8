"""Builder edits as plain data (surveys.builder) and the screens of the public form (form_pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from i18n import UserError
from surveys.answers import clean_answers
from surveys.builder import (
    add_question,
    destructive_changes,
    format_choices,
    format_conditions,
    move_question,
    new_question,
    parse_choices,
    parse_conditions,
    parse_languages,
    parse_sections,
    remove_question,
    replace_question,
    slugify,
    starter_definition,
    week_slug,
)
from surveys.definition import Choice, Condition, Operator, Question, QuestionType, is_shown
from surveys.form_pages import (
    draft_values,
    may_continue,
    plan_screens,
    settle,
    shown_screens,
    step,
    visible,
    widget_value,
)
from tests.test_public_form import skip_logic_definition

TITLE = {"bg": "Анкета", "en": "Survey"}


def test_slugs_transliterate_bulgarian_and_follow_the_week():
    assert slugify("Смяна на адрес — седмица 12") == "smyana-na-adres-sedmitsa-12"
    assert slugify("!!!") == "questionnaire"
    assert week_slug("address-change-2026-w11", "2026-W12") == "address-change-2026-w12"
    assert week_slug("address-change", "2026-W12") == "address-change-2026-w12"


def test_new_questions_get_free_names_and_starting_labels():
    definition = starter_definition(TITLE, standard=True)
    assert [q.name for q in definition.questions] == ["sus", "seq_overall", "liked", "improve"]
    sus = new_question(definition, QuestionType.SUS)
    assert sus.name == "sus_2" and sus.labels["bg"].startswith("Доколко")
    choice = new_question(definition, QuestionType.MULTIPLE_CHOICE)
    assert [c.value for c in choice.choices] == ["yes", "no"]
    assert new_question(definition, QuestionType.NUMBER).name == "q5"


def test_add_move_replace_and_remove_keep_the_definition_valid():
    definition = skip_logic_definition()
    moved = move_question(definition, "nps", -10)
    assert moved.questions[0].name == "nps"
    with pytest.raises(UserError):  # the SEQ's skip logic would point forwards
        move_question(definition, "used_online", 3)
    with pytest.raises(UserError) as err:
        remove_question(definition, "used_online")
    assert "difficulty" in err.value.render("en")
    renamed = replace_question(
        definition, "used_online", replace(definition.question("used_online"), name="online")
    )
    assert renamed.question("seq").show_when[0].question == "online"
    added = add_question(definition, new_question(definition, QuestionType.DATE), after="seq")
    assert [q.name for q in added.questions][4] == "q6"


def test_destructive_changes_are_named():
    old = skip_logic_definition()
    new = replace(
        old,
        questions=(
            replace(old.question("used_online"), choices=old.question("used_online").choices[:1]),
            replace(old.question("difficulty"), type=QuestionType.SHORT_TEXT),
            replace(old.question("channel"), allow_other=False),
            old.question("seq"),
        ),
    )
    messages = [e.render("en") for e in destructive_changes(old, new)]
    assert any("'no'" in m for m in messages)
    assert any("difficulty" in m and "type" in m for m in messages)
    assert any("channel" in m and "'other'" in m for m in messages)
    assert any("nps" in m and "removed" in m for m in messages)
    relabelled = replace(
        old,
        questions=tuple(replace(q, labels={"bg": "Нов текст"}) for q in reversed(old.questions)),
    )
    assert destructive_changes(old, relabelled) == []


def test_choice_and_condition_syntax_round_trips():
    choices = (Choice("yes", {"bg": "Да", "en": "Yes"}), Choice("no", {"bg": "Не"}))
    text = format_choices(choices, ("bg", "en"))
    assert text == "yes | Да | Yes\nno | Не | "
    assert parse_choices(text, ("bg", "en")) == choices
    with pytest.raises(UserError):
        parse_choices("2 yes | Да", ("bg",))
    conditions = (
        Condition("used_online", Operator.EQUALS, "yes"),
        Condition("age", Operator.GREATER_OR_EQUAL, 18.0),
        Condition("channel", Operator.SELECTED, "1"),
        Condition("comment", Operator.ANSWERED),
    )
    assert parse_conditions(format_conditions(conditions)) == conditions
    assert parse_conditions("age>=18")[0] == conditions[1]
    for wrong in ("used_online yes", "comment answered now", "age >="):
        with pytest.raises(UserError):
            parse_conditions(wrong)
    assert parse_languages("bg, en ,de") == ("bg", "en", "de")
    with pytest.raises(UserError):
        parse_languages("Bulgarian")
    assert parse_sections("use | Употреба", ("bg",))[0].key == "use"


def test_screens_break_at_sections_and_before_dependent_questions():
    definition = skip_logic_definition()
    desktop = plan_screens(definition)
    assert [s.names for s in desktop] == [
        ("used_online",),
        ("difficulty", "channel"),
        ("seq", "nps"),
    ]
    phone = plan_screens(definition, one_per_screen=True)
    assert [s.names for s in phone] == [(q.name,) for q in definition.questions]
    note = Question("intro", QuestionType.NOTE, {"bg": "Въведение"})
    with_note = replace(definition, questions=(note, *definition.questions), sections=())
    with_note = replace(
        with_note, questions=tuple(replace(q, section=None) for q in with_note.questions)
    )
    assert plan_screens(with_note, one_per_screen=True)[0].names == ("intro", "used_online")
    assert plan_screens(with_note)[0].names == ("intro", "used_online")


def test_which_screens_show_follows_the_cleaned_answers():
    definition = skip_logic_definition()
    screens = plan_screens(definition)

    def values(raw):
        return clean_answers(definition, raw).values

    assert shown_screens(definition, screens, {}) == [0, 2]
    yes = values({"used_online": "yes"})
    assert [q.name for q in visible(definition, screens[1], yes)] == ["difficulty"]
    assert [q.name for q in visible(definition, screens[2], yes)] == ["seq", "nps"]
    no = values({"used_online": "no", "difficulty": "stale"})
    assert [q.name for q in visible(definition, screens[1], no)] == ["channel"]
    assert [q.name for q in visible(definition, screens[2], no)] == ["nps"]
    assert step([0, 1, 2], 0, 1) == 1 and step([0, 2], 2, -1) == 0 and step([0, 2], 2, 1) is None
    assert settle([0, 2], 1) == 0 and settle([], 3) == 0
    assert may_continue(definition, screens, 0, {})  # the next screen waits for this answer
    assert not may_continue(definition, screens, 2, yes)


def test_drafts_keep_small_json_values_only():
    definition = skip_logic_definition()
    kept = draft_values(
        definition,
        {
            "used_online": "yes",
            "difficulty": "x" * 10_000,
            "seq": 6,
            "nps": None,
            "unknown": "dropped",
        },
    )
    assert set(kept) == {"used_online", "difficulty", "seq"}
    assert len(kept["difficulty"]) == 6000
    date_question = Question("moved", QuestionType.DATE, {"bg": "Кога?"})
    assert widget_value(date_question, "2026-03-02") == dt.date(2026, 3, 2)
    assert widget_value(date_question, "nonsense") is None
    assert is_shown(definition.question("seq"), {"used_online": "yes"})
    # a draft saved before the questionnaire was edited restores only what still fits
    assert widget_value(definition.question("used_online"), "maybe") is None
    assert widget_value(definition.question("channel"), ["post", "gone", "other"]) == [
        "post",
        "other",
    ]
    assert widget_value(definition.question("seq"), 9) is None
    assert widget_value(definition.question("seq"), 7) == 7
    assert widget_value(definition.question("difficulty"), ["not", "text"]) is None
