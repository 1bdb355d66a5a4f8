"""Transcript files apart from their meaning: bytes → text, WebVTT/SRT cues, .docx paragraphs.

`research.transcripts` interprets what this module reads (who speaks, which lines make a turn); this
module only knows the file formats. Every failure a person can fix — an unknown text encoding, a
damaged Word file, a time that is not a time — becomes one `UserError` that names the line or cue
and says how to fix it. Messages never quote the transcript's text: it is personal data.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from i18n import N_, UserError, translate

MB = 1024 * 1024
MAX_UNPACKED_BYTES = 100 * MB  # the largest word/document.xml we unpack
MAX_COMPRESSION_RATIO = 100  # real document.xml compresses 5-20 times; zip bombs 1000 times
MAX_ZIP_ENTRIES = 10_000
MAX_LISTED_PROBLEMS = 20

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and encrypted Office files
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# hh:mm:ss.mmm, h:m:s.m (old Teams), mm:ss.mmm; "," as in SRT or "." as in WebVTT.
TIME = r"\d{1,4}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
_TIME_PARTS = re.compile(r"(?:(\d{1,4}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?")
_TIMING = re.compile(r"\s*(\S+)\s+-->\s+(\S+)")
_SAFE_TIMING = re.compile(r"[\d:.,]{1,20} --> [\d:.,]{1,20}")
_VTT_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:\s|$)")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u200b\u200e\u200f\ufeff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Bulgarian and Russian letters plus the punctuation Windows-1251 texts use.
_CP1251_EXPECTED = re.compile("[\u0410-\u044f\u0401\u0451\u045d\u040d«»„“”‘’–—…№•\u00a0°§€]")


class TranscriptProblems(UserError):
    """Several problems found in one file, reported together with a line each."""

    def __init__(self, problems: Sequence[UserError]) -> None:
        super().__init__(
            N_("Problems found in the file: {count}. Fix them and import the file again."),
            count=len(problems),
        )
        self.problems = tuple(problems)

    def render(self, lang: str | None = None) -> str:
        lines = [super().render(lang)]
        lines += [f"• {p.render(lang)}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            more = len(self.problems) - MAX_LISTED_PROBLEMS
            lines.append(translate(N_("…and {count} more."), lang, count=more))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def raise_problems(problems: Sequence[UserError]) -> None:
    """Raise the one problem, or all of them together; do nothing when there are none."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise TranscriptProblems(problems)


def megabytes(size: int, *, round_up: bool = False) -> str:
    """A size in MB with at most one decimal, rounded up when a limit is exceeded."""
    tenths = -(-size * 10 // MB) if round_up else round(size * 10 / MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


# ---------------------------------------------------------------------------------------- text


def _without_cut_character(data: bytes, encoding: str) -> str | None:
    """The text of UTF-8 `data` whose last character was cut off (up to 3 bytes); else None."""
    for cut in (1, 2, 3):
        try:
            return data[:-cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a transcript file with "\\n" line ends, and the encoding it was written in.

    UTF-8 (with or without BOM), UTF-16 (with BOM, or without when its zero bytes show it) and
    Windows-1251 are recognised; Windows-1251 only when the result reads as Cyrillic text.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        utf16 = _utf16_without_bom(data)
        candidates = [utf16] if utf16 else ["utf-8", "windows-1251"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if not (encoding.startswith("utf-8") and exc.reason == "unexpected end of data"):
                continue
            text = _without_cut_character(data, encoding)  # a file cut inside its last character
            if text is None:
                continue
        if encoding == "windows-1251" and not _reads_as_cyrillic(text):
            continue
        break
    else:
        raise UserError(
            N_(
                "Opit cannot tell how the text in this file is encoded: it is not UTF-8, UTF-16 "
                "or Windows-1251. Open the file in a text editor, save it as UTF-8 and import "
                "it again."
            )
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise UserError(
            N_(
                "This file does not contain text. Check that you chose the transcript file "
                "(.txt, .vtt, .srt or .docx) and not a recording or another document."
            )
        )
    return _INVISIBLE.sub("", _CONTROL.sub("", text)), encoding.removesuffix("-sig")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as one byte of each pair being almost always 0x00 or 0x04."""
    sample = data[:4000]
    if len(sample) < 4 or len(data) % 2 or b"\x00" not in sample:
        return None
    for encoding, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        high_share = (high.count(0) + high.count(4)) / len(high)
        low_share = (low.count(0) + low.count(4)) / len(low)
        if high.count(0) and high_share >= 0.9 and low_share < 0.5:
            return encoding
    return None


def _reads_as_cyrillic(text: str) -> bool:
    non_ascii = _NON_ASCII.findall(text)
    expected = _CP1251_EXPECTED.findall(text)
    return bool(non_ascii) and len(expected) >= 0.9 * len(non_ascii)


# ----------------------------------------------------------------------------------------- time


def parse_time(token: str) -> float | None:
    """Seconds from hh:mm:ss.mmm, mm:ss.mmm or h:m:s.m ("," or "."); None when it is not a time."""
    match = _TIME_PARTS.fullmatch(token)
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return round(total + int((fraction or "0").ljust(3, "0")) / 1000, 3)


# ----------------------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cue:
    """One timed cue of a WebVTT or SRT file, its payload lines as written."""

    number: int  # 1-based position among the cues of the file
    line: int  # line number of the cue's timing line
    start: float
    end: float
    lines: tuple[str, ...]


def parse_cues(text: str, kind: str) -> list[Cue]:
    """The cues of a WebVTT ("vtt") or SRT ("srt") text; all timing problems raised together."""
    if kind not in ("vtt", "srt"):
        raise ValueError(f"kind must be 'vtt' or 'srt', not {kind!r}")
    blocks = _blocks(text)
    if kind == "vtt":
        blocks = _after_vtt_header(blocks)
    example = "00:01:23.456 --> 00:01:25.000" if kind == "vtt" else "00:01:23,456 --> 00:01:25,000"
    drafts: list[tuple[int, int, float, float, list[str]]] = []
    problems: list[UserError] = []
    attempted = 0
    for block in blocks:
        first = block[0][1].strip()
        if kind == "vtt" and _VTT_SKIPPED_BLOCK.match(first):
            continue
        timing_at = next((i for i, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            if kind == "srt" and first.isdigit() and len(first) < 10:
                attempted += 1
                problems.append(
                    UserError(
                        N_(
                            "Cue {cue} (line {line}): the cue number is not followed by a time "
                            "range. Write the times on the next line, like {example}."
                        ),
                        cue=attempted,
                        line=block[0][0],
                        example=example,
                    )
                )
            elif drafts:  # a blank line inside a cue's text: keep the text with that cue
                drafts[-1][4].extend(line for _, line in block)
            continue
        attempted += 1
        line_number, timing = block[timing_at]
        start, end = _timing(timing)
        if start is None or end is None:
            shown = _SAFE_TIMING.match(" --> ".join(timing.split()[:3:2]))
            if shown:
                message = N_(
                    "Cue {cue} (line {line}): “{value}” is not a valid time range. Write it "
                    "like {example}; minutes and seconds go up to 59."
                )
                params = {"value": shown.group(0)}
            else:
                message = N_(
                    "Cue {cue} (line {line}): the time range is not valid. Write it like {example}."
                )
                params = {}
            problems.append(
                UserError(message, cue=attempted, line=line_number, example=example, **params)
            )
            continue
        if end < start:
            problems.append(
                UserError(
                    N_(
                        "Cue {cue} (line {line}): the cue ends before it starts. Correct the "
                        "times so that the end comes after the start."
                    ),
                    cue=attempted,
                    line=line_number,
                )
            )
            continue
        drafts.append(
            (attempted, line_number, start, end, [line for _, line in block[timing_at + 1 :]])
        )
    raise_problems(problems)
    return [Cue(n, line, start, end, tuple(lines)) for n, line, start, end, lines in drafts]


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its 1-based line number."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _after_vtt_header(blocks: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    if not blocks or not re.match(r"WEBVTT(?:[ \t]|$)", blocks[0][0][1]):
        raise UserError(
            N_(
                "Line 1: a WebVTT file starts with the word WEBVTT. Add WEBVTT as the first line, "
                "or, if this is an SRT file, rename it to end in .srt."
            )
        )
    header = blocks[0][1:]
    cue_at = next((i for i, (_, line) in enumerate(header) if "-->" in line), None)
    return ([header[cue_at:]] if cue_at is not None else []) + blocks[1:]


def _timing(line: str) -> tuple[float | None, float | None]:
    match = _TIMING.match(line)
    if match is None:
        return None, None
    return parse_time(match.group(1)), parse_time(match.group(2))


# ----------------------------------------------------------------------------------------- docx


def docx_paragraphs(data: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> list[str]:
    """The text of each paragraph of a Word .docx file, in document order (tables included)."""
    if data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UserError(
                N_(
                    "The Word document is password-protected. Open it in Word, remove the "
                    "password (File › Info › Protect Document › Encrypt with Password), save it "
                    "and import it again."
                )
            )
        raise UserError(
            N_(
                "The file is an old Word 97-2003 document (.doc), not a .docx. Open it in Word, "
                "save it as “Word Document (.docx)” and import it again."
            )
        )
    if not data.startswith(ZIP_SIGNATURES):
        raise UserError(
            N_(
                "The file's name ends in .docx, but it is not a Word document. If it is a text "
                "transcript, rename it to end in .txt, .vtt or .srt."
            )
        )
    xml = _read_document_xml(data, max_unpacked)
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        raise UserError(
            N_(
                "The Word document is damaged: its text cannot be read. Open it in Word, save it "
                "again as .docx and import the new file."
            )
        ) from exc
    body = root.find(f"{_W}body")
    if body is None:
        return []
    return [_paragraph_text(paragraph) for paragraph in body.iter(f"{_W}p")]


def _read_document_xml(data: bytes, max_unpacked: int) -> bytes:
    damaged = N_(
        "The Word document is damaged and cannot be opened as a .docx. Open it in Word, save it "
        "again as .docx and import the new file."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > MAX_ZIP_ENTRIES:
                raise UserError(damaged)
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                raise UserError(
                    N_(
                        "The file is a zip archive but not a Word document: it has no "
                        "word/document.xml. Open the transcript in Word, save it as .docx and "
                        "import it again."
                    )
                ) from None
            if info.flag_bits & 0x1:
                raise UserError(
                    N_(
                        "The Word document is password-protected. Open it in Word, remove the "
                        "password (File › Info › Protect Document › Encrypt with Password), save "
                        "it and import it again."
                    )
                )
            _refuse_bomb(info.file_size, info.compress_size, max_unpacked)
            with archive.open(info) as member:
                xml = member.read(max_unpacked + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise UserError(damaged) from exc
    _refuse_bomb(len(xml), info.compress_size, max_unpacked)
    return xml


def _refuse_bomb(size: int, compressed: int, max_unpacked: int) -> None:
    """Refuse text that would unpack too large, or that is packed far tighter than real text."""
    ratio_too_high = size > MB and size > MAX_COMPRESSION_RATIO * max(compressed, 1)
    if size > max_unpacked or ratio_too_high:
        raise UserError(
            N_(
                "The Word document unpacks to {size} MB of text, more than the {limit} MB Opit "
                "accepts, or is packed in a way no real transcript is. Save the transcript again "
                "from Word, or export it as .vtt or .txt, and import that file."
            ),
            size=megabytes(size, round_up=True),
            limit=megabytes(max_unpacked),
        )


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        element = stack.pop()
        tag = element.tag
        if tag == f"{_W}t":
            parts.append(element.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag not in (f"{_W}txbxContent", f"{_W}p", f"{_W}del", f"{_W}instrText"):
            stack.extend(reversed(list(element)))
    return "".join(parts)
