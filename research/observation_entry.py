"""Fast keyboard entry of an observation in one line. Pure.

    !3 @2 #КЕП Не намира бутона за подпис   → pain point, severity 3, journey step 2, tag "КЕП"
    " Мислех, че е платено                   → quote
    + Шаблонът е удобен #декларация          → positive
    * Да има пример за попълване             → idea

The first character may choose the kind (`!` pain point, `"` or `„` quote, `*` idea, `+`
positive); after `!` a digit 1–4 is the severity. `@key` or `@number` names the journey step,
`#tag` or `#parent/child` adds a tag (write `_` for a space inside a tag). The rest is the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from i18n import N_, UserError

MARKERS = {
    "!": "pain_point",
    '"': "quote",
    "„": "quote",
    "“": "quote",
    "*": "idea",
    "+": "positive",
}
_STEP = re.compile(r"(?<!\S)@(\S+)")
_TAG = re.compile(r"(?<!\S)#(\S+)")


@dataclass(frozen=True)
class QuickObservation:
    kind: str
    text: str
    severity: int | None = None
    step_id: int | None = None
    tags: tuple[str, ...] = ()


def parse_quick_observation(
    line: str,
    steps: Sequence[tuple[int, str, int]],
    default_kind: str = "pain_point",
    default_severity: int | None = None,
) -> QuickObservation:
    """Read one line of quick entry; `steps` are (id, key, position) of the journey's steps."""
    text = line.strip()
    kind, severity = default_kind, None
    if text[:1] in MARKERS:
        kind = MARKERS[text[0]]
        text = text[1:]
        if kind == "pain_point" and text[:1] in "1234" and text[:1]:
            severity = int(text[0])
            text = text[1:]
    step_id = None
    for match in _STEP.finditer(text):
        step_id = _step(match[1], steps)
    tags = tuple(dict.fromkeys(t.replace("_", " ").strip("/") for t in _TAG.findall(text)))
    text = _TAG.sub("", _STEP.sub("", text))
    text = " ".join(text.split())
    if kind == "quote":
        text = text.strip('"„“”')
    if not text:
        raise UserError(N_("Type what happened after the markers, then press Enter."))
    if kind == "pain_point" and severity is None:
        severity = default_severity
    return QuickObservation(kind, text, severity, step_id, tuple(t for t in tags if t))


def _step(token: str, steps: Sequence[tuple[int, str, int]]) -> int:
    wanted = token.strip(".,;:").casefold()
    for step_id, key, position in steps:
        if wanted == key.casefold() or wanted == str(position):
            return step_id
    matches = [s for s in steps if s[1].casefold().startswith(wanted)]
    if len(matches) == 1:
        return matches[0][0]
    raise UserError(
        N_("There is no journey step “{step}”. Write @ and the step's number or key."),
        step=token[:40],
    )
