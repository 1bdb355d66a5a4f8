"""`opit cluster` and `opit sentiment`: themes, language and sentiment of one column of a CSV file.

    opit cluster IN.csv --text-column COL [--k N] [--out OUT.csv]
    opit sentiment IN.csv --text-column COL [--out OUT.csv]

Both write every input row (blank lines aside) with columns added at the end: `theme_id` and
`theme_label` (-1 for a text with no content word), or `language`, `polarity` and `sentiment`.
The file is read as a stream: its encoding (UTF-8 with or without BOM, UTF-16, Windows-1251) is
found by `surveys.safe_files.decode_text` on its start and checked on the whole, its delimiter by
`surveys.response_table.sniff_delimiter`. `sentiment` scores rows in chunks, so memory stays flat
however long the file; `cluster` keeps only the text column in memory, fits once, and reads the
file a second time to write it. The output goes to OUT.csv (UTF-8 with a BOM, so that Excel shows
Cyrillic) or, without --out, to standard output (UTF-8); a summary goes to standard error.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import io
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from i18n import N_, UserError

SAMPLE_BYTES = 256 * 1024
CHUNK_ROWS = 5000
MAX_FIELD = 16 * 1024 * 1024
MAX_REMEMBERED = 200_000  # distinct texts whose sentiment `opit sentiment` keeps for repeats


@dataclass(frozen=True)
class CsvSource:
    path: Path
    encoding: str
    delimiter: str


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return number


def _csv_command(subcommands, name: str, handler, summary: str, description: str):
    """A subcommand that reads IN.csv's --text-column and writes OUT.csv (or standard output)."""
    command = subcommands.add_parser(name, help=summary, description=description)
    command.add_argument("input", metavar="IN.csv")
    command.add_argument("--text-column", required=True, metavar="COL")
    command.add_argument("--out", metavar="OUT.csv", help="output file (default: standard output)")
    command.set_defaults(handler=handler)
    return command


def register(subcommands) -> None:
    cluster = _csv_command(
        subcommands,
        "cluster",
        cmd_cluster,
        summary="group the texts of one CSV column into themes",
        description="Add theme_id and theme_label to every row of a CSV file, from one column.",
    )
    cluster.add_argument(
        "--k", type=_positive, metavar="N", help="number of themes (default: chosen from the data)"
    )
    _csv_command(
        subcommands,
        "sentiment",
        cmd_sentiment,
        summary="language and sentiment of the texts of one CSV column",
        description="Add language, polarity and sentiment to every row of a CSV file.",
    )


# --------------------------------------------------------------------------- reading


def _cannot_read(path: str, err: OSError) -> UserError:
    return UserError(N_("Cannot read {path}: {reason}"), path=path, reason=err.strerror or "?")


def _valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def open_source(path_text: str) -> CsvSource:
    """The file's encoding and delimiter, from its start (and, for UTF-8, all of it)."""
    from surveys.response_table import sniff_delimiter
    from surveys.safe_files import decode_text

    path = Path(path_text)
    try:
        with path.open("rb") as stream:
            sample = stream.read(SAMPLE_BYTES)
            whole = not stream.read(1)
    except OSError as err:
        raise _cannot_read(path_text, err) from err
    if not sample.strip(b"\xef\xbb\xbf\xff\xfe\x00\r\n\t "):
        raise UserError(N_("{filename} is empty."), filename=path.name)
    if not whole:  # end the sample on a line break, never inside a character
        cut = sample.rfind(b"\n") + 1
        if cut > 0:
            wide = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
                sample[:400].count(b"\x00") > 50
            )
            sample = sample[: cut + (cut % 2 if wide else 0)]
    decoded = decode_text(sample, path.name)
    encoding = decoded.encoding
    if encoding == "utf-8" and not whole and not _valid_utf8(path):
        encoding = "cp1251"
    return CsvSource(path, encoding, sniff_delimiter(decoded.text))


@contextlib.contextmanager
def _records(source: CsvSource) -> Iterator[Iterator[list[str]]]:
    """The file's non-blank rows, the header first; a decoding or CSV error is a UserError."""
    csv.field_size_limit(MAX_FIELD)
    with source.path.open("r", encoding=source.encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=source.delimiter)

        def rows() -> Iterator[list[str]]:
            try:
                for row in reader:
                    if row and any(cell.strip() for cell in row):
                        yield row
            except UnicodeDecodeError:
                raise UserError(
                    N_(
                        "{filename} is not readable {encoding} text near line {line}. Save it "
                        "again as 'CSV UTF-8' and try again."
                    ),
                    filename=source.path.name,
                    encoding=source.encoding,
                    line=reader.line_num,
                ) from None
            except csv.Error:
                raise UserError(
                    N_("{filename} could not be read as CSV near line {line}."),
                    filename=source.path.name,
                    line=reader.line_num,
                ) from None

        yield rows()


def _header_and_column(
    rows: Iterator[list[str]], source: CsvSource, wanted: str
) -> tuple[list[str], int]:
    """The header row and the index of the text column in it (the file must have a header)."""
    header = next(rows, None)
    if header is None:
        raise UserError(N_("{filename} is empty."), filename=source.path.name)
    return header, _column(header, wanted, source.path.name)


def _column(header: list[str], wanted: str, filename: str) -> int:
    cleaned = [h.strip().lstrip("\ufeff") for h in header]
    for names in (cleaned, [h.casefold() for h in cleaned]):
        target = wanted.strip() if names is cleaned else wanted.strip().casefold()
        if target in names:
            return names.index(target)
    raise UserError(
        N_("{filename} has no column '{column}'. Its columns are: {columns}."),
        filename=filename,
        column=wanted,
        columns=", ".join(cleaned[:30]) + (" …" if len(cleaned) > 30 else ""),
    )


@contextlib.contextmanager
def _writer(out: str | None, delimiter: str) -> Iterator[csv.writer]:
    """A CSV writer on standard output, or on OUT written whole or not at all (a temporary file
    beside it replaces it at the end; on an error it is removed)."""
    if out is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield csv.writer(stream, delimiter=delimiter)
        finally:
            stream.flush()
            stream.detach()
        return
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            yield csv.writer(handle, delimiter=delimiter)
        partial.replace(target)
    except OSError as err:
        raise UserError(
            N_("Cannot write {path}: {reason}"), path=out, reason=err.strerror or "?"
        ) from err
    finally:
        partial.unlink(missing_ok=True)


def _fit(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row)) if len(row) < width else row


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- commands


def cmd_sentiment(args: argparse.Namespace) -> int:
    from research.language import detect_languages
    from research.sentiment import score_many

    started = time.perf_counter()
    source = open_source(args.input)
    seen: dict[str, tuple[str, float, str]] = {}
    rows_done = 0
    with _records(source) as rows, _writer(args.out, source.delimiter) as out:
        header, column = _header_and_column(rows, source, args.text_column)
        out.writerow([*header, "language", "polarity", "sentiment"])
        chunk: list[list[str]] = []

        def flush() -> None:
            if len(seen) > MAX_REMEMBERED:  # forget before scoring: the chunk's texts stay
                seen.clear()
            texts = [row[column] if column < len(row) else "" for row in chunk]
            fresh = list(dict.fromkeys(t for t in texts if t not in seen))
            if fresh:
                langs = detect_languages(fresh)
                for text, mood in zip(fresh, score_many(fresh, langs), strict=True):
                    seen[text] = (mood.language, round(mood.polarity, 4), mood.label)
            for row, text in zip(chunk, texts, strict=True):
                out.writerow([*_fit(row, len(header)), *seen.get(text, ("other", 0.0, "neutral"))])
            chunk.clear()

        for row in rows:
            chunk.append(row)
            rows_done += 1
            if len(chunk) >= CHUNK_ROWS:
                flush()
        flush()
    _summary(f"{rows_done} rows scored", started)
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    from research.themes import UNCLASSIFIED_ID, UNCLASSIFIED_LABEL, ThemeModel
    from surveys.exports import neutralise

    started = time.perf_counter()
    source = open_source(args.input)
    texts: list[str] = []
    with _records(source) as rows:
        header, column = _header_and_column(rows, source, args.text_column)
        for row in rows:
            texts.append(row[column] if column < len(row) else "")
    model = ThemeModel(args.k).fit(texts)
    labels = {theme.id: neutralise(theme.label) for theme in model.themes_}
    labels[UNCLASSIFIED_ID] = UNCLASSIFIED_LABEL
    with _records(source) as rows, _writer(args.out, source.delimiter) as out:
        header = next(rows)
        out.writerow([*header, "theme_id", "theme_label"])
        for row, label in zip(rows, model.labels_, strict=False):
            out.writerow([*_fit(row, len(header)), int(label), labels[int(label)]])
    _summary(f"{len(texts)} rows in {len(model.themes_)} themes", started)
    return 0


def _summary(what: str, started: float) -> None:
    seconds = time.perf_counter() - started
    print(f"opit: {what} in {seconds:.1f} s (peak memory {_peak_mb():.0f} MB)", file=sys.stderr)
