"""The shape of a life-event file: what it holds, as plain data, and the problems reading finds.

See `prototypes/exchange.py` for reading and writing the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_, UserError, translate
from prototypes.images import CheckedImage

FORMAT = "opit-life-event"
VERSION = 1
#: At most this many problems are listed; the rest are counted.
MAX_LISTED = 30


@dataclass(frozen=True)
class StepDoc:
    key: str
    name_bg: str
    name_en: str
    channel: str
    owner: str
    documents: str
    fee: str
    typical_time: str
    archived: bool = False


@dataclass(frozen=True)
class TaskDoc:
    key: str
    step_key: str | None
    title_bg: str
    title_en: str
    scenario_bg: str
    scenario_en: str
    success_criteria: str
    target_seconds: int | None


@dataclass(frozen=True)
class IterationDoc:
    number: int
    iso_year: int
    iso_week: int
    change_log: str
    hypothesis: str
    tasks: tuple[TaskDoc, ...]


@dataclass(frozen=True)
class ScreenshotDoc:
    image: CheckedImage
    iteration: int | None


@dataclass(frozen=True)
class PrototypeDoc:
    slug: str
    name_bg: str
    name_en: str
    link: str
    status: str
    step_keys: tuple[str, ...]
    iterations: tuple[IterationDoc, ...]
    screenshots: tuple[ScreenshotDoc, ...] = ()


@dataclass(frozen=True)
class LifeEventDocument:
    slug: str
    name_bg: str
    name_en: str
    description_bg: str
    description_en: str
    archived: bool
    steps: tuple[StepDoc, ...]
    prototypes: tuple[PrototypeDoc, ...]


class JsonProblem(UserError):
    """One fixable mistake at one place of the file, named by its JSON path."""

    def __init__(self, path: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.path = path

    def render(self, lang: str | None = None) -> str:
        return f"{self.path}: {translate(self.message, lang, **self.params)}"


class ExchangeProblems(UserError):
    """Every problem of one file; renders as one line per problem (at most 30, then a count)."""

    def __init__(self, problems: list[JsonProblem]) -> None:
        super().__init__(N_("The file is not a valid life-event file."))
        self.problems = problems

    def render(self, lang: str | None = None) -> str:
        lines = [translate(self.message, lang)]
        lines += ["  " + p.render(lang) for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            more = len(self.problems) - MAX_LISTED
            lines.append("  " + translate(N_("… and {count} more problems."), lang, count=more))
        return "\n".join(lines)
