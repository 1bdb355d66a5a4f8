"""Fill Bulgarian translations into locales/bg/LC_MESSAGES/opit.po from a Python dict file.

Usage: python -m tools.translate FILE.py   (FILE.py defines T = {"English msgid": "Български", ...})
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po

from tools.catalogues import LOCALES


def fill(translations: dict[str, str], lang: str = "bg") -> int:
    path = LOCALES / lang / "LC_MESSAGES" / "opit.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            filled += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    return filled


if __name__ == "__main__":
    print(fill(runpy.run_path(sys.argv[1])["T"]), "translations filled")
