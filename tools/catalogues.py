"""Extract interface strings and keep the gettext catalogues complete.

`python -m tools.catalogues` (or `make i18n`) finds every `_("...")` and `N_("...")` in the code
and adds the ones no catalogue has yet to `locales/<lang>/LC_MESSAGES/opit.po`: with the English
text as the English translation, and empty in Bulgarian, for a person to translate. The i18n test
fails while any Bulgarian translation is missing.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "commands",
    "app.py",
    "cli.py",
    "settings.py",
    "i18n.py",
    "storage",
    "research",
    "surveys",
    "prototypes",
    "ui",
)
LOCALES = ROOT / "locales"
LANGUAGES = ("bg", "en")


def source_files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [f for f in files if "migrations" not in f.parts]


def extract_messages(files: list[Path] | None = None) -> dict[str, list[str]]:
    """Every message id in the code, with the places it appears."""
    found: dict[str, list[str]] = {}
    for path in files or source_files():
        for lineno, message, _comments, _context in extract_from_file("python", path):
            if isinstance(message, tuple):
                message = message[0]
            if message:
                found.setdefault(message, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def catalogue_files(lang: str) -> list[Path]:
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


def translations(lang: str) -> dict[str, str]:
    """Every msgid of a language's catalogues with its translation ('' when missing)."""
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and isinstance(message.id, str):
                    merged[message.id] = message.string or ""
    return merged


def update(files: list[Path] | None = None) -> dict[str, int]:
    """Add missing messages to each language's opit.po; returns how many were added per language.

    Entries of opit.po that another catalogue of the same language translates are dropped, so each
    message has one home.
    """
    messages = extract_messages(files)
    added: dict[str, int] = {}
    for lang in LANGUAGES:
        path = LOCALES / lang / "LC_MESSAGES" / "opit.po"
        others: set[str] = set()
        for other in catalogue_files(lang):
            if other != path:
                with other.open("rb") as fh:
                    others |= {m.id for m in read_po(fh, locale=lang) if m.id and m.string}
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Opit", charset="utf-8")
        for message_id in others:
            if message_id in catalog:
                del catalog[message_id]
        known = {m.id for m in catalog if m.id} | others
        count = 0
        for message_id, places in sorted(messages.items()):
            if message_id in known:
                continue
            string = message_id if lang == "en" else ""
            catalog.add(
                message_id,
                string,
                locations=[(p.split(":")[0], int(p.split(":")[1])) for p in places],
            )
            count += 1
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
        added[lang] = count
    return added


if __name__ == "__main__":
    for lang, count in update().items():
        print(f"{lang}: {count} new messages")
