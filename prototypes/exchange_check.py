"""Checking a life-event file's JSON data against the format; every problem with its path.

`parse(raw, max_image_bytes)` returns a `LifeEventDocument` or raises `ExchangeProblems`. Every
field is checked for its type, length and allowed values; references inside the file (a task's
step, a prototype's steps, a screenshot's iteration) must point to something the file defines;
iteration numbers and weeks must be unique and in order. Unknown fields are reported, so a typo in
a field's name does not silently lose what it holds.
"""

from __future__ import annotations

import base64
import binascii

from i18n import N_, UserError
from prototypes.exchange_format import (
    FORMAT,
    VERSION,
    ExchangeProblems,
    IterationDoc,
    JsonProblem,
    LifeEventDocument,
    PrototypeDoc,
    ScreenshotDoc,
    StepDoc,
    TaskDoc,
)
from prototypes.images import CheckedImage, check_image
from prototypes.naming import MAX_NAME, MAX_SLUG, MAX_TEXT, SLUG, TASK_KEY, parse_week
from prototypes.repository import CHANNELS, PROTOTYPE_STATUSES

MAX_STEPS = 100
MAX_PROTOTYPES = 100
MAX_ITERATIONS = 500
MAX_TASKS = 100
MAX_SCREENSHOTS = 30


def parse(raw: object, max_image_bytes: int) -> LifeEventDocument:
    checker = Checker(max_image_bytes)
    doc = checker.document(raw)
    if checker.problems or doc is None:
        raise ExchangeProblems(checker.problems)
    return doc


class Checker:
    def __init__(self, max_image_bytes: int) -> None:
        self.problems: list[JsonProblem] = []
        self.max_image_bytes = max_image_bytes

    def fail(self, path: str, message: str, **params: object) -> None:
        self.problems.append(JsonProblem(path, message, **params))

    # -- values ---------------------------------------------------------------------------------

    def obj(self, value: object, path: str, fields: set[str], required: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, N_("Expected an object {…}."))
            return None
        for name in sorted(required - value.keys()):
            self.fail(f"{path}.{name}", N_("This field is missing."))
        for name in sorted(value.keys() - fields):
            self.fail(f"{path}.{name}"[:200], N_("Unknown field; check its spelling."))
        return value

    def items(self, value: object, path: str, limit: int) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, N_("Expected a list […]."))
            return []
        if len(value) > limit:
            self.fail(path, N_("At most {limit} items."), limit=limit)
            return []
        return value

    def text(self, data: dict, name: str, path: str, limit: int, required: bool = False) -> str:
        value = data.get(name)
        where = f"{path}.{name}"
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(where, N_("Expected text."))
            return ""
        if len(value) > limit:
            self.fail(where, N_("At most {limit} characters."), limit=limit)
        if required and not value.strip():
            self.fail(where, N_("This must not be empty."))
        return value.strip()

    def key(self, data: dict, name: str, path: str, task: bool = False) -> str:
        value = self.text(data, name, path, MAX_SLUG, required=True)
        pattern = TASK_KEY if task else SLUG
        if value and not pattern.match(value):
            message = (
                N_("'{value}' is not a valid task key: Latin letters, digits, '-', '_' or '.'.")
                if task
                else N_("'{value}' is not valid: use lower-case Latin letters, digits and hyphens.")
            )
            self.fail(f"{path}.{name}", message, value=value[:60])
        return value

    def choice(
        self, data: dict, name: str, path: str, options: tuple[str, ...], default: str
    ) -> str:
        value = data.get(name, default)
        if value not in options:
            self.fail(
                f"{path}.{name}", N_("Expected one of: {options}."), options=", ".join(options)
            )
            return default
        return value

    def flag(self, data: dict, name: str, path: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.fail(f"{path}.{name}", N_("Expected true or false."))
            return False
        return value

    def names(
        self, data: dict, name: str, path: str, limit: int, required: bool
    ) -> tuple[str, str]:
        where = f"{path}.{name}"
        if data.get(name) is None:
            return "", ""  # a required field that is missing was reported with its parent
        value = self.obj(data[name], where, {"bg", "en"}, {"bg"} if required else set())
        if value is None:
            return "", ""
        return (
            self.text(value, "bg", where, limit, required=required),
            self.text(value, "en", where, limit),
        )

    def integer(self, data: dict, name: str, path: str, low: int, high: int) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                f"{path}.{name}",
                N_("Expected a whole number from {low} to {high}."),
                low=low,
                high=high,
            )
            return None
        return value

    def unique(self, values: list[str], path: str, field: str) -> None:
        for i, value in enumerate(values):
            if value and value in values[:i]:
                self.fail(f"{path}[{i}].{field}", N_("'{value}' appears twice."), value=value[:60])

    # -- the parts of the file ------------------------------------------------------------------

    def document(self, raw: object) -> LifeEventDocument | None:
        fields = {"format", "version", "exported_at", "life_event", "prototypes"}
        top = self.obj(raw, "$", fields, {"format", "version", "life_event"})
        if top is None:
            return None
        if top.get("format") != FORMAT:
            self.fail("$.format", N_('Expected "{expected}".'), expected=FORMAT)
            return None
        if top.get("version") != VERSION:
            self.fail(
                "$.version",
                N_("Version {version} is not supported; this Opit reads version {supported}."),
                version=str(top.get("version"))[:20],
                supported=VERSION,
            )
            return None
        event = self.life_event(top.get("life_event"), "$.life_event")
        keys = {s.key for s in event.steps} if event else set()
        listed = self.items(top.get("prototypes"), "$.prototypes", MAX_PROTOTYPES)
        protos = [self.prototype(p, f"$.prototypes[{i}]", keys) for i, p in enumerate(listed)]
        self.unique([p.slug if p else "" for p in protos], "$.prototypes", "slug")
        if event is None:
            return None
        return LifeEventDocument(
            event.slug,
            event.name_bg,
            event.name_en,
            event.description_bg,
            event.description_en,
            event.archived,
            event.steps,
            tuple(p for p in protos if p),
        )

    def life_event(self, raw: object, path: str) -> LifeEventDocument | None:
        fields = {"slug", "name", "description", "archived", "steps"}
        data = self.obj(raw, path, fields, {"slug", "name"})
        if data is None:
            return None
        slug = self.key(data, "slug", path)
        name_bg, name_en = self.names(data, "name", path, MAX_NAME, required=True)
        description_bg, description_en = self.names(data, "description", path, MAX_TEXT, False)
        listed = self.items(data.get("steps"), f"{path}.steps", MAX_STEPS)
        steps = [self.step(s, f"{path}.steps[{i}]") for i, s in enumerate(listed)]
        self.unique([s.key if s else "" for s in steps], f"{path}.steps", "key")
        return LifeEventDocument(
            slug,
            name_bg,
            name_en,
            description_bg,
            description_en,
            self.flag(data, "archived", path),
            tuple(s for s in steps if s),
            (),
        )

    def step(self, raw: object, path: str) -> StepDoc | None:
        fields = {"key", "name", "channel", "owner", "documents", "fee", "typical_time", "archived"}
        data = self.obj(raw, path, fields, {"key", "name"})
        if data is None:
            return None
        name_bg, name_en = self.names(data, "name", path, MAX_NAME, required=True)
        return StepDoc(
            self.key(data, "key", path),
            name_bg,
            name_en,
            self.choice(data, "channel", path, CHANNELS, "online"),
            self.text(data, "owner", path, 200),
            self.text(data, "documents", path, MAX_TEXT),
            self.text(data, "fee", path, 100),
            self.text(data, "typical_time", path, 100),
            self.flag(data, "archived", path),
        )

    def prototype(self, raw: object, path: str, steps: set[str]) -> PrototypeDoc | None:
        fields = {"slug", "name", "link", "status", "steps", "iterations", "screenshots"}
        data = self.obj(raw, path, fields, {"slug", "name"})
        if data is None:
            return None
        link = self.text(data, "link", path, 500)
        if link and not link.lower().startswith(("https://", "http://")):
            self.fail(f"{path}.link", N_("A link must start with https:// or http://."))
        covered = []
        for i, key in enumerate(self.items(data.get("steps"), f"{path}.steps", MAX_STEPS)):
            if not isinstance(key, str) or key not in steps:
                self.fail(
                    f"{path}.steps[{i}]", N_("The journey has no step '{key}'."), key=str(key)[:80]
                )
            else:
                covered.append(key)
        listed = self.items(data.get("iterations"), f"{path}.iterations", MAX_ITERATIONS)
        its = [self.iteration(it, f"{path}.iterations[{i}]", steps) for i, it in enumerate(listed)]
        self.iteration_order(its, f"{path}.iterations")
        numbers = {it.number for it in its if it}
        shots_raw = self.items(data.get("screenshots"), f"{path}.screenshots", MAX_SCREENSHOTS)
        shots = [
            self.screenshot(s, f"{path}.screenshots[{i}]", numbers) for i, s in enumerate(shots_raw)
        ]
        name_bg, name_en = self.names(data, "name", path, MAX_NAME, required=True)
        return PrototypeDoc(
            self.key(data, "slug", path),
            name_bg,
            name_en,
            link,
            self.choice(data, "status", path, PROTOTYPE_STATUSES, "active"),
            tuple(dict.fromkeys(covered)),
            tuple(it for it in its if it),
            tuple(s for s in shots if s),
        )

    def iteration(self, raw: object, path: str, steps: set[str]) -> IterationDoc | None:
        fields = {"number", "week", "change_log", "hypothesis", "tasks"}
        data = self.obj(raw, path, fields, {"number", "week"})
        if data is None:
            return None
        number = self.integer(data, "number", path, 1, 10_000)
        week = data.get("week")
        try:
            iso_year, iso_week = parse_week(week) if isinstance(week, str) else parse_week("")
        except ValueError:
            self.fail(f"{path}.week", N_('Expected an ISO week such as "2026-W44".'))
            iso_year = iso_week = 0
        listed = self.items(data.get("tasks"), f"{path}.tasks", MAX_TASKS)
        tasks = [self.task(t, f"{path}.tasks[{i}]", steps) for i, t in enumerate(listed)]
        self.unique([t.key if t else "" for t in tasks], f"{path}.tasks", "key")
        if number is None or not iso_year:
            return None
        return IterationDoc(
            number,
            iso_year,
            iso_week,
            self.text(data, "change_log", path, MAX_TEXT),
            self.text(data, "hypothesis", path, MAX_TEXT),
            tuple(t for t in tasks if t),
        )

    def iteration_order(self, its: list[IterationDoc | None], path: str) -> None:
        previous: IterationDoc | None = None
        for i, it in enumerate(its):
            if it is None:
                continue
            if previous and it.number <= previous.number:
                self.fail(f"{path}[{i}].number", N_("Iteration numbers must increase."))
            elif previous and (it.iso_year, it.iso_week) <= (previous.iso_year, previous.iso_week):
                self.fail(
                    f"{path}[{i}].week",
                    N_(
                        "Each iteration needs a later week than the one before; two iterations "
                        "of a prototype cannot share a week."
                    ),
                )
            previous = it

    def task(self, raw: object, path: str, steps: set[str]) -> TaskDoc | None:
        fields = {"key", "step", "title", "scenario", "success_criteria", "target_seconds"}
        data = self.obj(raw, path, fields, {"key", "title"})
        if data is None:
            return None
        step = data.get("step")
        if step is not None and (not isinstance(step, str) or step not in steps):
            self.fail(f"{path}.step", N_("The journey has no step '{key}'."), key=str(step)[:80])
            step = None
        title_bg, title_en = self.names(data, "title", path, 300, required=True)
        scenario_bg, scenario_en = self.names(data, "scenario", path, MAX_TEXT, False)
        return TaskDoc(
            self.key(data, "key", path, task=True),
            step,
            title_bg,
            title_en,
            scenario_bg,
            scenario_en,
            self.text(data, "success_criteria", path, MAX_TEXT),
            self.integer(data, "target_seconds", path, 1, 4 * 3600),
        )

    def screenshot(self, raw: object, path: str, numbers: set[int]) -> ScreenshotDoc | None:
        fields = {"filename", "content_type", "iteration", "data"}
        data = self.obj(raw, path, fields, {"data"})
        if data is None:
            return None
        iteration = self.integer(data, "iteration", path, 1, 10_000)
        if iteration is not None and iteration not in numbers:
            self.fail(
                f"{path}.iteration",
                N_("The prototype has no iteration {number}."),
                number=iteration,
            )
        filename = self.text(data, "filename", path, 200)
        encoded = data.get("data")
        if not isinstance(encoded, str):
            self.fail(f"{path}.data", N_("Expected the image as base64 text."))
            return None
        image = self.image(encoded, f"{path}.data", filename or "screenshot")
        return ScreenshotDoc(image, iteration) if image else None

    def image(self, encoded: str, path: str, filename: str) -> CheckedImage | None:
        if len(encoded) > self.max_image_bytes * 4 // 3 + 8:
            self.fail(
                path,
                N_("The image is larger than {limit} MB."),
                limit=self.max_image_bytes // 1_000_000,
            )
            return None
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.fail(path, N_("Expected the image as base64 text."))
            return None
        try:
            return check_image(raw, filename, self.max_image_bytes)
        except UserError as err:
            self.fail(path, err.message, **err.params)
            return None
