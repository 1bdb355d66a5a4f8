"""Keys, slugs and weeks: the small names life events, steps, prototypes and tasks are known by.

Pure functions, no database. A slug or key is lower-case Latin letters, digits and hyphens, so it
reads the same in a URL, a JSON file and a spreadsheet; Bulgarian names are transliterated by the
official streamlined system (Закон за транслитерацията).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from i18n import N_, UserError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TASK_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
MAX_SLUG = 80
MAX_NAME = 200
MAX_TEXT = 5000

_BG = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
    "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Bulgarian Cyrillic in Latin letters (streamlined system); other characters unchanged."""
    out = []
    for char in text:
        low = char.lower()
        latin = _BG.get(low)
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char != low else latin)
    return "".join(out)


def slugify(text: str, fallback: str = "item") -> str:
    """A slug made of a name: 'Раждане на дете' → 'razhdane-na-dete'."""
    latin = transliterate(text).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:MAX_SLUG].strip("-")
    return slug or fallback


def unique(candidate: str, taken: Iterable[str], limit: int = MAX_SLUG) -> str:
    """`candidate`, or `candidate-2`, `candidate-3`… whichever is not taken."""
    taken = set(taken)
    if candidate not in taken:
        return candidate
    n = 2
    while True:
        suffix = f"-{n}"
        name = candidate[: limit - len(suffix)] + suffix
        if name not in taken:
            return name
        n += 1


def check_slug(slug: str) -> str:
    slug = slug.strip()
    if not slug or len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise UserError(
            N_(
                "'{slug}' is not a valid short name: use lower-case Latin letters, digits and "
                "hyphens, at most {limit} characters."
            ),
            slug=slug[:100],
            limit=MAX_SLUG,
        )
    return slug


def check_task_key(key: str) -> str:
    key = key.strip()
    if not TASK_KEY.match(key):
        raise UserError(
            N_(
                "'{key}' is not a valid task key: use Latin letters, digits, '-', '_' or '.', "
                "at most 40 characters."
            ),
            key=key[:60],
        )
    return key


def next_task_key(taken: Iterable[str]) -> str:
    """T1, T2, … the first number after the highest `T<n>` in use."""
    numbers = [int(k[1:]) for k in taken if re.fullmatch(r"T\d+", k)]
    return f"T{max(numbers, default=0) + 1}"


def check_name(name_bg: str, name_en: str = "") -> tuple[str, str]:
    """Names trimmed; the Bulgarian one is required."""
    name_bg, name_en = name_bg.strip(), name_en.strip()
    if not name_bg:
        raise UserError(N_("Give the Bulgarian name."))
    if len(name_bg) > MAX_NAME or len(name_en) > MAX_NAME:
        raise UserError(N_("A name can be at most {limit} characters."), limit=MAX_NAME)
    return name_bg, name_en


def check_length(text: str, limit: int = MAX_TEXT) -> str:
    text = text.strip()
    if len(text) > limit:
        raise UserError(N_("A text can be at most {limit} characters."), limit=limit)
    return text


def week_label(iso_year: int, iso_week: int) -> str:
    return f"{iso_year}-W{iso_week:02d}"


def parse_week(label: str) -> tuple[int, int]:
    """'2026-W44' → (2026, 44); raises ValueError when it is not an ISO week that exists."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", label.strip())
    if not match:
        raise ValueError(label)
    year, week = int(match.group(1)), int(match.group(2))
    dt.date.fromisocalendar(year, week, 1)  # raises ValueError for week 53 of a 52-week year
    return year, week


def monday_of(iso_year: int, iso_week: int) -> dt.date:
    return dt.date.fromisocalendar(iso_year, iso_week, 1)


def week_after(iso_year: int, iso_week: int) -> dt.date:
    """The Monday of the ISO week after the given one."""
    return monday_of(iso_year, iso_week) + dt.timedelta(days=7)
