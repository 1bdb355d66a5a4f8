"""Preparing a transcript for storage: pseudonyms for speakers, redaction findings per turn. Pure.

Speaker labels in Teams or Zoom exports are real names, so every speaker gets a pseudonym before
anything is stored (the participant's code, "Интервюиращ", …), and every turn's text is redacted;
the researcher sees the findings first and may undo false positives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from i18n import N_, UserError
from research.redaction import Redaction, redact
from research.transcripts import Transcript, Turn, passage

MAX_PSEUDONYM_LENGTH = 60


@dataclass(frozen=True)
class TurnFindings:
    position: int
    redaction: Redaction


def findings_by_turn(transcript: Transcript) -> list[TurnFindings]:
    """The turns in which redaction finds personal data, with what it found."""
    found = []
    for turn in transcript.turns:
        redaction = redact(turn.text)
        if redaction.findings:
            found.append(TurnFindings(turn.index, redaction))
    return found


def check_pseudonyms(speakers: Sequence[str], pseudonyms: Mapping[str, str]) -> dict[str, str]:
    """Speaker → pseudonym, every speaker covered; refuses an empty or overlong pseudonym."""
    mapping = {}
    for n, speaker in enumerate(speakers, start=1):
        value = " ".join(str(pseudonyms.get(speaker) or "").split()) or f"#{n}"
        if len(value) > MAX_PSEUDONYM_LENGTH:
            raise UserError(
                N_("Keep each speaker's pseudonym under {limit} characters."),
                limit=MAX_PSEUDONYM_LENGTH,
            )
        mapping[speaker] = value
    return mapping


def stored_turns(
    transcript: Transcript,
    pseudonyms: Mapping[str, str],
    keep: Mapping[int, Sequence[int]] | None = None,
) -> list[Turn]:
    """The turns as they will be stored: pseudonymous speakers, redacted text."""
    keep = keep or {}
    mapping = check_pseudonyms(transcript.speakers, pseudonyms)
    turns = []
    for turn in transcript.turns:
        redaction = redact(turn.text)
        chosen = keep.get(turn.index)
        text = redaction.without(chosen).text if chosen else redaction.text
        speaker = mapping.get(turn.speaker) if turn.speaker else None
        turns.append(Turn(turn.index, speaker, turn.start, turn.end, text))
    return turns


def passage_text(turns: Sequence[Turn], first: int, last: int) -> str:
    """ "Speaker: text" per turn from `first` to `last` (positions, both included)."""
    return passage(Transcript("txt", tuple(turns)), first, last)
