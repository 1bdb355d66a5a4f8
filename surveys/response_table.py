"""Read a file of responses gathered elsewhere (CSV or Excel) into a plain table of text cells.

LimeSurvey, Google Forms and KoboToolbox all export one response per row under a header row. The
encoding of a CSV file is detected (UTF-8 with or without BOM, UTF-16, Windows-1251), its delimiter
sniffed among ',', ';' and tab; an .xlsx is read from its first sheet. Every cell becomes text (or
None when empty), so that the mapping step and the submission ids do not depend on the format. Blank
or repeated header cells are renamed and noted; the limits on rows and columns are checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from i18n import N_, UserError
from surveys import safe_files
from surveys.import_errors import Problem

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
MAX_CELL_CHARACTERS = 100_000
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ResponseTable:
    """Headers, rows of text cells, and the row number of each row in the file (header = 1)."""

    filename: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    row_numbers: tuple[int, ...]
    encoding: str | None = None
    delimiter: str | None = None
    notes: tuple[Problem, ...] = ()

    def records(self) -> Iterator[dict[str, str | None]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))

    def __len__(self) -> int:
        return len(self.rows)


def read_response_table(data: bytes, filename: str = "responses.csv") -> ResponseTable:
    """The responses in a CSV (any of the usual encodings and delimiters) or Excel file."""
    safe_files.check_size(data, filename)
    safe_files.refuse_encrypted(data, filename)
    if safe_files.is_zip(data):
        safe_files.open_zip(data, filename).close()
        raw = _guarded(filename, _xlsx_rows, data)
        return _table(filename, raw, None, None)
    if safe_files.is_ole(data):
        raw = _guarded(filename, _xls_rows, data)
        return _table(filename, raw, None, None)
    if PurePath(filename).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise UserError(
            N_(
                "{filename} is not a readable Excel workbook (it may be damaged or cut short). "
                "Save it again as .xlsx or as CSV UTF-8 and upload it."
            ),
            filename=filename,
        )
    decoded = safe_files.decode_text(data, filename)
    delimiter = sniff_delimiter(decoded.text)
    raw = _csv_rows(decoded.text, delimiter, filename)
    return _table(filename, raw, decoded.encoding, delimiter)


def sniff_delimiter(text: str) -> str:
    """The delimiter used most in the header line, outside quotes (',' when none is)."""
    header = _first_record(text)
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(text: str) -> str:
    quoted = False
    for index, ch in enumerate(text[:200_000]):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text[:index]
    return text[:200_000]


def _csv_rows(text: str, delimiter: str, filename: str) -> list[list[str | None]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str | None]] = []
    try:
        for record in reader:
            rows.append([cell if cell.strip() else None for cell in record])
            _check_rows(len(rows), filename)
    except csv.Error:
        raise UserError(
            N_(
                "{filename} could not be read as CSV near line {line} (a cell is too long or "
                "the file is damaged). Export the responses again."
            ),
            filename=filename,
            line=reader.line_num,
        ) from None
    return rows


def _guarded(filename: str, read, data: bytes) -> list[list[str | None]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read(data, filename)
    except UserError:
        raise
    except Exception as err:  # openpyxl / xlrd / zip / XML failures of a damaged file
        logger.info("unreadable workbook %s: %s: %s", filename, type(err).__name__, err)
        raise UserError(
            N_(
                "{filename} is not a readable Excel workbook (it may be damaged or cut short). "
                "Save it again as .xlsx or as CSV UTF-8 and upload it."
            ),
            filename=filename,
        ) from None


def cell_text(value: object) -> str | None:
    """An Excel cell as text: dates as ISO dates, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def _xlsx_rows(data: bytes, filename: str) -> list[list[str | None]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            return []
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([cell_text(v) for v in values[: MAX_COLUMNS + 1]])
            _check_rows(len(rows), filename)
        return rows
    finally:
        workbook.close()


def _xls_rows(data: bytes, filename: str) -> list[list[str | None]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise safe_files.password_error(filename) from None
        raise
    try:
        sheet = book.sheet_by_index(0)
        _check_rows(sheet.nrows, filename)
        rows = []
        for r in range(sheet.nrows):
            cells = sheet.row(r)[: MAX_COLUMNS + 1]
            rows.append([_xls_cell(cell, book.datemode) for cell in cells])
        return rows
    finally:
        book.release_resources()


def _xls_cell(cell, datemode: int) -> str | None:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
        except Exception:
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    return cell_text(cell.value)


def _check_rows(count: int, filename: str) -> None:
    if count > MAX_ROWS + 1:
        raise UserError(
            N_(
                "{filename} has more than {limit} rows; split it into smaller files and import "
                "them one after the other."
            ),
            filename=filename,
            limit=MAX_ROWS,
        )


def _table(
    filename: str, raw: list[list[str | None]], encoding: str | None, delimiter: str | None
) -> ResponseTable:
    numbered = [(number, row) for number, row in enumerate(raw, start=1) if any(row)]
    if not numbered:
        raise UserError(N_("{filename} has no rows."), filename=filename)
    header_number, header = numbered[0]
    while header and header[-1] is None:
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise UserError(
            N_("{filename} has more than {limit} columns."), filename=filename, limit=MAX_COLUMNS
        )
    columns, notes = _columns(header, header_number)
    width = len(columns)
    rows, numbers = [], []
    for number, row in numbered[1:]:
        cells = list(row[:width]) + [None] * (width - len(row))
        if any(cell is not None for cell in row[width:]):
            notes.append(
                Problem(
                    N_(
                        "The row has more cells than the header has columns; the extra cells "
                        "are ignored."
                    ),
                    row=number,
                )
            )
        if any(cell is not None and len(cell) > MAX_CELL_CHARACTERS for cell in cells):
            raise UserError(
                N_("{filename}: a cell on row {row} is longer than {limit} characters."),
                filename=filename,
                row=number,
                limit=MAX_CELL_CHARACTERS,
            )
        rows.append(tuple(cells))
        numbers.append(number)
    return ResponseTable(
        filename, tuple(columns), tuple(rows), tuple(numbers), encoding, delimiter, tuple(notes)
    )


def _columns(header: Sequence[str | None], row: int) -> tuple[list[str], list[Problem]]:
    columns: list[str] = []
    notes: list[Problem] = []
    for position, cell in enumerate(header, start=1):
        name = " ".join((cell or "").split())
        if not name:
            name = f"#{position}"
            notes.append(
                Problem(
                    N_("The column has no header; it is called '{name}' here."),
                    row=row,
                    column=name,
                    name=name,
                )
            )
        if name in columns:
            original, copy = name, 2
            while f"{original} ({copy})" in columns:
                copy += 1
            name = f"{original} ({copy})"
            notes.append(
                Problem(
                    N_(
                        "The header '{header}' appears more than once; this copy is called "
                        "'{name}'."
                    ),
                    row=row,
                    column=name,
                    header=original,
                    name=name,
                )
            )
        columns.append(name)
    return columns, notes
