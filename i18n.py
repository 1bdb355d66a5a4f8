"""Interface language: gettext catalogues for Bulgarian and English, and the user error.

Message ids are English. Mark a string for translation with `_()` where it is shown, or `N_()`
where it is only defined (module constants, error messages raised deep in the domain). The
catalogues live in `locales/<lang>/LC_MESSAGES/*.po` (one file per area of the code, merged) and
are compiled in memory on first use.

A mistake the user can fix raises `UserError(N_("... {name} ..."), name=...)`; the page or the
command line renders it in the person's language with `err.render(lang)`.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import settings

LANGUAGES: dict[str, str] = {"bg": "Български", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


def default_language() -> str:
    lang = settings.get("OPIT_LANGUAGE")
    return lang if lang in LANGUAGES else "bg"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of one language (English falls back to the message ids)."""
    merged = None
    for po_path in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id:
                    merged[message.id] = message
    if merged is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str):
    """A `_` function for one language."""
    return translations(lang if lang in LANGUAGES else default_language()).gettext


def translate(message: str, lang: str | None = None, **params: object) -> str:
    text = gettext_for(lang or default_language())(message)
    return text.format(**params) if params else text


class UserError(Exception):
    """A mistake the person can fix; the message says what to fix, in their language.

    `message` is an English message id marked with `N_`; `params` fill its `{placeholders}`.
    Never put personal data in the params: messages are logged.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def render(self, lang: str | None = None) -> str:
        return translate(self.message, lang, **self.params)

    def __str__(self) -> str:
        return translate(self.message, "en", **self.params)
