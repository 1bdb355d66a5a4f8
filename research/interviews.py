"""What an interview session holds, and the rules its values follow. Pure: no database here.

    TaskResultInput(task_id=7, outcome="partial", seconds=95, seq=4, errors=1, note="…")
    ObservationInput(kind="pain_point", text="…", journey_step_id=3, severity=3, tags=("КЕП",))
    parse_duration("2:35")  # 155.0

Every free text goes through `stored_text`, which redacts personal data and honours the
researcher's undo of false positives (`keep`: indices into `redact(text).findings`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from i18n import N_, UserError
from research.redaction import redact, redact_text

OUTCOMES = ("success", "partial", "fail", "abandoned")
OBSERVATION_KINDS = ("pain_point", "quote", "idea", "positive")
PARTICIPANT_KINDS = ("citizen", "staff")
#: the segment attributes the team starts with; any other key may be added
SEGMENT_ATTRIBUTES = (
    "age_band",
    "district",
    "digital_confidence",
    "assistive_technology",
    "first_language",
)
MAX_NOTE_LENGTH = 5000
MAX_SECONDS = 6 * 3600
MAX_ERRORS = 1000
MAX_TAGS = 20
MAX_SEGMENT_VALUE = 100
_DURATION = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{1,2})(?:[.,](\d+))?|(\d+(?:[.,]\d+)?)")


@dataclass(frozen=True)
class TaskResultInput:
    task_id: int
    outcome: str
    seconds: float | None = None
    seq: int | None = None
    errors: int = 0
    note: str = ""
    #: findings of `redact(note)` the researcher marked as not personal data
    note_keep: tuple[int, ...] = ()


@dataclass(frozen=True)
class ObservationInput:
    kind: str
    text: str
    journey_step_id: int | None = None
    task_id: int | None = None
    severity: int | None = None
    #: tag paths ("Identification/КЕП"); a path not in the codebook yet is added to it
    tags: Sequence[str] = field(default_factory=tuple)
    #: findings of `redact(text)` the researcher marked as not personal data
    keep: tuple[int, ...] = ()
    #: the stored observation this edits (None: a new one)
    id: int | None = None
    transcript_id: int | None = None
    first_turn: int | None = None
    last_turn: int | None = None


def stored_text(text: str, keep: Sequence[int] = ()) -> str:
    """The text as it may be stored: personal data replaced, except findings at `keep`."""
    if not keep:
        return redact_text(text)
    try:
        return redact(text).without(keep).text
    except IndexError:
        # The patterns changed between preview and save: redact everything, keep nothing.
        return redact_text(text)


def check_result(result: TaskResultInput) -> None:
    if result.outcome not in OUTCOMES:
        raise UserError(N_("Choose an outcome for every task."))
    if result.seconds is not None and not 0 <= result.seconds <= MAX_SECONDS:
        raise UserError(N_("Time on task must be between 0 seconds and 6 hours."))
    if result.seq is not None and (
        isinstance(result.seq, bool) or result.seq not in (1, 2, 3, 4, 5, 6, 7)
    ):
        raise UserError(N_("SEQ is a rating from 1 (very difficult) to 7 (very easy)."))
    if not 0 <= result.errors <= MAX_ERRORS:
        raise UserError(N_("The error count must be between 0 and 1000."))
    if len(result.note) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)


def check_observation(item: ObservationInput) -> None:
    if item.kind not in OBSERVATION_KINDS:
        raise UserError(N_("Choose what kind of observation this is."))
    if not item.text.strip():
        raise UserError(N_("An observation needs some text."))
    if len(item.text) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)
    if item.kind == "pain_point" and item.severity not in (1, 2, 3, 4):
        raise UserError(N_("A pain point needs a severity from 1 (cosmetic) to 4 (blocker)."))
    if len(item.tags) > MAX_TAGS:
        raise UserError(N_("An observation can have up to {limit} tags."), limit=MAX_TAGS)


def check_inputs(
    results: Sequence[TaskResultInput], observations: Sequence[ObservationInput], notes: str
) -> None:
    for result in results:
        check_result(result)
    for item in observations:
        check_observation(item)
    if len({r.task_id for r in results}) != len(results):
        raise UserError(N_("Each task can have only one result per session."))
    if len(notes) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)


def parse_duration(text: str) -> float | None:
    """Seconds from "95", "95.5", "1:35" or "1:02:03"; None for an empty text.

    Raises `UserError` for anything else (a negative time, letters, 75 seconds in "1:75").
    """
    value = text.strip()
    if not value:
        return None
    match = _DURATION.fullmatch(value)
    if match is None:
        raise UserError(
            N_("Write the time on task as seconds (95) or minutes:seconds (1:35), not below zero.")
        )
    if match[5] is not None:
        seconds = float(match[5].replace(",", "."))
    else:
        if int(match[3]) > 59 or (match[1] is not None and int(match[2]) > 59):
            raise UserError(N_("Minutes and seconds go up to 59: write 1:35, not 0:95."))
        fraction = float("0." + match[4]) if match[4] else 0.0
        seconds = int(match[1] or 0) * 3600 + int(match[2]) * 60 + int(match[3]) + fraction
    if seconds > MAX_SECONDS:
        raise UserError(N_("Time on task must be between 0 seconds and 6 hours."))
    return seconds


def format_duration(seconds: float | None) -> str:
    """ "1:35" for 95 seconds, "1:02:03" past an hour, "" for None."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clean_segment(segment: dict) -> dict[str, str]:
    """Segment attributes as stored: lower-case keys, short redacted values, no empty ones."""
    cleaned: dict[str, str] = {}
    for key, value in segment.items():
        name = "_".join(str(key).strip().lower().split())[:40]
        text = " ".join(str(value or "").split())
        if not name or not text:
            continue
        if len(text) > MAX_SEGMENT_VALUE:
            raise UserError(
                N_("Keep each segment value under {limit} characters."), limit=MAX_SEGMENT_VALUE
            )
        cleaned[name] = redact_text(text)
    return cleaned
