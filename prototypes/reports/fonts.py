"""A TrueType font with Cyrillic letters for the PDF report and its chart, found on this machine.

The PDF's core fonts (Helvetica …) have no Cyrillic, so the report embeds a Unicode TTF. Looked for
in this order, the first found wins:

1. the PyPI package ``font-roboto`` (Roboto, Apache 2.0; installs with Opit, so every fresh
   machine has it);
2. matplotlib's bundled DejaVu Sans, when matplotlib happens to be installed;
3. Debian's ``fonts-dejavu-core`` (``/usr/share/fonts/truetype/dejavu``).

When none is there, :func:`report_font` raises a :class:`i18n.UserError` that names the fix.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from i18n import N_, UserError

DEBIAN_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class ReportFont:
    family: str
    regular: Path
    bold: Path
    source: str

    @property
    def folder(self) -> Path:
        return self.regular.parent


def _package_folder(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def candidates() -> list[ReportFont]:
    """Every usable font, in order of preference (files that exist only)."""
    found: list[ReportFont] = []
    roboto = _package_folder("font_roboto")
    if roboto is not None:
        found.append(
            ReportFont(
                "Roboto",
                roboto / "files" / "Roboto-Regular.ttf",
                roboto / "files" / "Roboto-Bold.ttf",
                "font-roboto (PyPI)",
            )
        )
    matplotlib = _package_folder("matplotlib")
    if matplotlib is not None:
        folder = matplotlib / "mpl-data" / "fonts" / "ttf"
        found.append(
            ReportFont(
                "DejaVu Sans",
                folder / "DejaVuSans.ttf",
                folder / "DejaVuSans-Bold.ttf",
                "matplotlib (PyPI)",
            )
        )
    found.append(
        ReportFont(
            "DejaVu Sans",
            DEBIAN_DEJAVU / "DejaVuSans.ttf",
            DEBIAN_DEJAVU / "DejaVuSans-Bold.ttf",
            "fonts-dejavu-core (Debian)",
        )
    )
    return [f for f in found if f.regular.is_file() and f.bold.is_file()]


@cache
def report_font() -> ReportFont:
    fonts = candidates()
    if not fonts:
        raise UserError(
            N_(
                "No font with Cyrillic letters was found for the PDF report. Install the Python "
                "package font-roboto (pip install font-roboto) or Debian's fonts-dejavu-core."
            )
        )
    return fonts[0]
