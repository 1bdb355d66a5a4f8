"""Every interface string has a Bulgarian and an English translation with the same placeholders."""

from __future__ import annotations

import re

import pytest

import i18n
from tools.catalogues import LANGUAGES, extract_messages, translations

PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.fixture(scope="module")
def messages() -> dict[str, list[str]]:
    return extract_messages()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(messages, lang):
    known = translations(lang)
    missing = [f"{msg!r} ({places[0]})" for msg, places in messages.items() if not known.get(msg)]
    assert missing == [], f"run `make i18n` and translate these in locales/{lang}: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders(lang):
    wrong = [
        msgid
        for msgid, text in translations(lang).items()
        if text and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_user_error_renders_in_each_language():
    err = i18n.UserError(i18n.N_("Choose a whole number from {low} to {high}."), low=1, high=7)
    assert err.render("bg") == "Изберете цяло число от 1 до 7."
    assert err.render("en") == "Choose a whole number from 1 to 7."
    assert str(err) == "Choose a whole number from 1 to 7."


def test_bulgarian_is_the_default(monkeypatch):
    monkeypatch.delenv("OPIT_LANGUAGE", raising=False)
    assert i18n.default_language() == "bg"
    assert i18n.translate("Weekly review") == "Седмичен преглед"
