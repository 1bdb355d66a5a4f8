"""Interview transcripts: a .txt, .vtt, .srt or .docx file becomes speaker turns, turns passages.

    transcript = read_transcript(data, "P-003 интервю.vtt")
    transcript.turns[4]        # Turn(index=4, speaker="P-003", start=83.2, end=97.0, text="…")
    passage(transcript, 4, 6)  # "P-003: …\nИнтервюиращ: …\nP-003: …", becomes an observation

What each format gives:

- plain text: "Speaker: text", "[00:01:23] Speaker: text", "Speaker (00:01:23): text", and the
  Otter and Teams layout of a "Speaker Name   0:03" line followed by the text. Other lines continue
  the turn; a blank line ends it.
- WebVTT: Teams' `<v Speaker Name>` voice tags, or Zoom's and Meet's "Name: text" in the cue text;
  consecutive cues of one speaker become one turn (first start, last end).
- SRT: numbered cues, speakers written as "Name: text".
- .docx: paragraphs read as the lines of a plain-text transcript (both layouts above).

Reading the file (encodings, cue syntax, the Word zip) lives in `research.transcript_formats`; this
module decides what is a speaker and what is a turn. Problems a person can fix raise `UserError`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from i18n import N_, UserError
from research.transcript_formats import (
    MB,
    OLE_SIGNATURE,
    TIME,
    ZIP_SIGNATURES,
    Cue,
    decode_text,
    docx_paragraphs,
    megabytes,
    parse_cues,
    parse_time,
    raise_problems,
)

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "Transcript", "Turn", "passage", "read_transcript"]

FORMATS = ("txt", "vtt", "srt", "docx")
DEFAULT_MAX_BYTES = 50 * MB
MAX_SPEAKER_LENGTH = 60

# A speaker label: up to four words, the first starting with a letter ("P-003", "Интервюиращ",
# "Ivanova, Maria (SOFIA)"). `_is_speaker` also wants every later word capitalised, so that
# "Проблемът беше следният: …" stays text.
_NAME = r"[^\W\d_][\w.'’&-]*(?:,?[ \t]+[\w(][\w.'’&()-]*){0,3}"
_SPEAKER_LINE = re.compile(
    rf"(?:[\[(]?(?P<before>{TIME})[\])]?\s*[-–—]?\s*)?"
    rf"(?P<name>{_NAME})(?:\s*[\[(](?P<after>{TIME})[\])])?\s*:(?:\s+(?P<text>.*))?"
)
_HEADER_LINE = re.compile(
    rf"(?P<name>{_NAME})\s+[\[(]?(?P<start>{TIME})(?:\s*-->\s*(?P<end>{TIME}))?[\])]?"
)
_TIME_LINE = re.compile(rf"[\[(]?(?P<start>{TIME})(?:\s*-->\s*(?P<end>{TIME}))?[\])]?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>")
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<\d[^>\n]*>|\{\\[^}\n]*\}")


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted speech; times in seconds from the start of the recording."""

    index: int
    speaker: str | None
    start: float | None
    end: float | None
    text: str


@dataclass(frozen=True)
class Transcript:
    """The turns of one transcript file, `turns[i].index == i`."""

    format: str  # "txt" | "vtt" | "srt" | "docx"
    turns: tuple[Turn, ...]
    encoding: str | None = field(default=None, compare=False)  # of text files; None for .docx

    @property
    def speakers(self) -> tuple[str, ...]:
        """Each speaker once, in order of first appearance."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns if t.speaker))


def read_transcript(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Transcript:
    """The turns of a transcript file; the name's extension tells the format.

    Raises `UserError` for anything wrong with the file (format, encoding, size, times, a damaged or
    protected Word document) and `TypeError`/`ValueError` for wrong arguments.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive int, not {max_bytes!r}")
    data = bytes(data)
    extension = PurePath(filename.replace("\\", "/")).suffix.lower()
    by_name = _format_from_extension(extension)
    if len(data) > max_bytes:
        raise UserError(
            N_(
                "The file is {size} MB; the limit is {limit} MB. Split the transcript into "
                "smaller files, or save it without pictures, and import them one by one."
            ),
            size=megabytes(len(data), round_up=True),
            limit=megabytes(max_bytes),
        )
    if not data.strip():
        raise UserError(
            N_("The file is empty. Export the transcript again and import the new file.")
        )
    encoding = None
    if by_name == "docx":
        fmt = "docx"
        lines = _numbered_lines(docx_paragraphs(data))
        turns = _turns_from_lines(lines, in_word=True)
    else:
        _refuse_office_file(data, extension)
        text, encoding = decode_text(data)
        fmt = _text_format(text, by_name)
        if fmt == "txt":
            turns = _turns_from_lines(enumerate(text.split("\n"), start=1), in_word=False)
        else:
            turns = _turns_from_cues(parse_cues(text, fmt))
    if not turns:
        raise UserError(
            N_(
                "The file contains no transcript text. Check that you chose the right file and "
                "that the transcript was exported with its text."
            )
        )
    return Transcript(
        format=fmt,
        turns=tuple(Turn(i, *turn) for i, turn in enumerate(turns)),
        encoding=encoding,
    )


def passage(transcript: Transcript, start_turn: int, end_turn: int) -> str:
    """The text of turns `start_turn`..`end_turn` (both included), one "Speaker: text" per turn."""
    if not isinstance(transcript, Transcript):
        raise TypeError(f"transcript must be a Transcript, not {type(transcript).__name__}")
    for value in (start_turn, end_turn):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"turn numbers must be int, not {type(value).__name__}")
    if not 0 <= start_turn <= end_turn < len(transcript.turns):
        raise ValueError(
            f"turns {start_turn}..{end_turn} are outside 0..{len(transcript.turns) - 1} "
            "or in the wrong order"
        )
    return "\n".join(
        f"{turn.speaker}: {turn.text}" if turn.speaker else turn.text
        for turn in transcript.turns[start_turn : end_turn + 1]
    )


# ------------------------------------------------------------------------------- file and format


def _format_from_extension(extension: str) -> str:
    if extension in (".txt", ".vtt", ".srt", ".docx"):
        return extension[1:]
    if extension == ".doc":
        raise UserError(
            N_(
                "Old Word documents (.doc) cannot be read. Open the file in Word, save it as "
                "“Word Document (.docx)” and import it again."
            )
        )
    if not extension:
        raise UserError(
            N_(
                "The file name has no extension, so Opit cannot tell its format. Rename it to end "
                "in .txt, .vtt, .srt or .docx."
            )
        )
    raise UserError(
        N_(
            "Files ending in {extension} cannot be imported as transcripts. Import a .txt, .vtt, "
            ".srt or .docx file; Teams, Zoom and Meet can save transcripts in one of these."
        ),
        extension=extension[:20],
    )


def _refuse_office_file(data: bytes, extension: str) -> None:
    if data.startswith(ZIP_SIGNATURES):
        raise UserError(
            N_(
                "The file's name ends in {extension}, but it is a Word document or another zip "
                "archive. If it is a Word document, rename it to end in .docx."
            ),
            extension=extension,
        )
    if data.startswith(OLE_SIGNATURE):
        raise UserError(
            N_(
                "The file's name ends in {extension}, but it is an Office document. Save it from "
                "Word as .docx or as plain text (.txt) and import that file."
            ),
            extension=extension,
        )


def _text_format(text: str, by_name: str) -> str:
    """The content decides between the text formats; the extension is the fallback."""
    head = [line.strip() for line in text.split("\n", 50)[:50] if line.strip()][:2]
    if head and re.match(r"WEBVTT(?:\s|$)", head[0]):
        return "vtt"
    if len(head) == 2 and head[0].isdigit() and "-->" in head[1]:
        return "srt"
    return by_name


def _numbered_lines(paragraphs: list[str]) -> Iterable[tuple[int, str]]:
    """Each line of each paragraph, numbered by paragraph; an empty paragraph is a blank line."""
    for number, paragraph in enumerate(paragraphs, start=1):
        for line in paragraph.split("\n"):
            yield number, line


# ----------------------------------------------------------------------------- plain-text lines


@dataclass
class _Draft:
    speaker: str | None
    start: float | None
    end: float | None
    parts: list[str]


_Raw = tuple[str | None, float | None, float | None, str]


def _turns_from_lines(lines: Iterable[tuple[int, str]], *, in_word: bool) -> list[_Raw]:
    turns: list[_Raw] = []
    problems: list[UserError] = []
    current: _Draft | None = None
    accepts_text = False
    pending: tuple[float | None, float | None] = (None, None)

    def time(token: str | None, number: int) -> float | None:
        if token is None:
            return None
        value = parse_time(token)
        if value is None:
            message = (
                N_(
                    "Paragraph {line}: “{value}” is not a valid time. Write times like 00:01:23; "
                    "minutes and seconds go up to 59."
                )
                if in_word
                else N_(
                    "Line {line}: “{value}” is not a valid time. Write times like 00:01:23; "
                    "minutes and seconds go up to 59."
                )
            )
            problems.append(UserError(message, line=number, value=token))
        return value

    def finish() -> None:
        if current is not None and current.parts:
            turns.append((current.speaker, current.start, current.end, "\n".join(current.parts)))

    for number, raw in lines:
        line = " ".join(raw.split())
        if not line:
            if current is not None and current.parts:
                accepts_text = False
            continue
        speaker = _SPEAKER_LINE.fullmatch(line)
        if speaker and not _is_speaker(speaker["name"]):
            speaker = None
        header = None if speaker else _HEADER_LINE.fullmatch(line)
        if speaker:
            start = time(speaker["before"] or speaker["after"], number)
            finish()
            current = _Draft(
                speaker["name"], start, None, [speaker["text"]] if speaker["text"] else []
            )
            if start is None:
                current.start, current.end = pending
        elif header and _is_speaker(header["name"]):
            finish()
            start, end = time(header["start"], number), time(header["end"], number)
            current = _Draft(header["name"], start, end, [])
        elif timing := _TIME_LINE.fullmatch(line):
            pending = (time(timing["start"], number), time(timing["end"], number))
            continue
        elif current is not None and accepts_text:
            current.parts.append(line)
            continue
        else:
            finish()
            current = _Draft(None, *pending, [line])
        accepts_text = True
        pending = (None, None)
    finish()
    raise_problems(problems)
    return turns


def _is_speaker(name: str) -> bool:
    later_words = name.split()[1:]
    return len(name) <= MAX_SPEAKER_LENGTH and all(
        word[0].isupper() or word[0].isdigit() or word[0] == "(" for word in later_words
    )


# ------------------------------------------------------------------------------------------ cues


def _turns_from_cues(cues: list[Cue]) -> list[_Raw]:
    drafts: list[_Draft] = []
    for cue in cues:
        for speaker, text in _cue_segments(cue):
            if not text:
                continue
            last = drafts[-1] if drafts else None
            if last is not None and speaker is not None and last.speaker == speaker:
                last.end = max(cue.end, last.end or cue.end)
                last.parts.append(text)
            else:
                drafts.append(_Draft(speaker, cue.start, cue.end, [text]))
    return [(d.speaker, d.start, d.end, " ".join(d.parts)) for d in drafts]


def _cue_segments(cue: Cue) -> list[tuple[str | None, str]]:
    """(speaker, text) pairs of one cue: Teams voice tags, or a "Name: text" payload."""
    payload = " ".join(line.strip() for line in cue.lines)
    voices = list(_VOICE.finditer(payload))
    if voices:
        segments = [(None, _plain(payload[: voices[0].start()]))]
        for voice, after in zip(voices, [*voices[1:], None], strict=True):
            text = payload[voice.end() : after.start() if after else len(payload)]
            segments.append((_plain(voice["name"] or "") or None, _plain(text)))
        return segments
    text = _plain(payload)
    speaker = _SPEAKER_LINE.fullmatch(text)
    if speaker and speaker["text"] and not speaker["before"] and _is_speaker(speaker["name"]):
        return [(speaker["name"], speaker["text"])]
    return [(None, text)]


def _plain(markup: str) -> str:
    """Cue text without tags or entities, whitespace collapsed."""
    if "<" in markup or "{" in markup:
        markup = _TAG.sub("", markup)
    if "&" in markup:
        markup = html.unescape(markup)
    return " ".join(markup.split())
