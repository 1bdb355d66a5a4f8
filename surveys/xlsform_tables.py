"""Read an XLSForm workbook (.xlsx or .xls) into plain tables; what the tables mean is xlsform.py's
job.

The reading follows pyxform's own backends (`pyxform.xls2json_backends`), and reuses its cell
conversions, so that the tables given to pyxform's checker are the ones pyxform would have read:
cell text stripped, whole numbers without ".0", empty rows inside the data kept (so row numbers
match the spreadsheet), reading stopped after a run of empty rows or header cells. Unlike pyxform,
each table keeps the sheet's real row numbers and a duplicate column header is reported with its
sheet.

Tests build tables directly with `tables_from_lists`.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from i18n import N_, UserError
from surveys import safe_files
from surveys.import_errors import ProblemList

logger = logging.getLogger(__name__)

#: The sheets XLSForm defines (pyxform.constants.SUPPORTED_SHEET_NAMES); others are ignored.
XLSFORM_SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")
MAX_ADJACENT_EMPTY_COLUMNS = 20
MAX_ADJACENT_EMPTY_ROWS = 60
MAX_ROWS = 20_000
MAX_COLUMNS = 500


@dataclass(frozen=True)
class SheetRow:
    """One row: its number in the spreadsheet (the header is row 1) and its non-empty cells."""

    number: int
    cells: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get(column, default)


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class XlsformTables:
    """The XLSForm sheets of a workbook, keyed by lower-case name ('survey', 'choices', ...)."""

    sheets: dict[str, Sheet]
    sheet_names: tuple[str, ...]
    form_stem: str = "form"

    def sheet(self, key: str) -> Sheet | None:
        return self.sheets.get(key)

    def to_pyxform(self) -> dict[str, Any]:
        """Fresh dicts shaped as pyxform's `DefinitionData` (fresh because pyxform mutates them)."""
        book: dict[str, Any] = {"sheet_names": list(self.sheet_names)}
        for key, sheet in self.sheets.items():
            book[key] = [dict(row.cells) for row in sheet.rows]
            book[f"{key}_header"] = [dict.fromkeys(sheet.headers)] if sheet.headers else []
        book["fallback_form_name"] = self.form_stem
        return book


def tables_from_lists(
    form_stem: str = "form", **sheets: Sequence[Sequence[object]]
) -> XlsformTables:
    """Tables written inline: each sheet a list of rows, the first row the headers.

    `tables_from_lists(survey=[["type", "name", "label"], ["text", "q1", "Name?"]])`
    """
    built: dict[str, Sheet] = {}
    for key, rows in sheets.items():
        headers = tuple(str(h) for h in rows[0]) if rows else ()
        body = []
        for number, values in enumerate(rows[1:], start=2):
            cells = {
                header: str(value).strip()
                for header, value in zip(headers, values, strict=False)
                if value is not None and str(value).strip() != ""
            }
            body.append(SheetRow(number, cells))
        built[key] = Sheet(key, headers, tuple(body))
    return XlsformTables(built, tuple(sheets), form_stem)


def read_workbook(data: bytes, filename: str = "form.xlsx") -> XlsformTables:
    """The XLSForm sheets of an .xlsx/.xlsm or .xls file; raises UserError / ImportProblems."""
    safe_files.check_size(data, filename)
    safe_files.refuse_encrypted(data, filename)
    stem = PurePath(filename).stem or "form"
    if safe_files.is_zip(data):
        safe_files.open_zip(data, filename).close()
        return _read(filename, stem, _xlsx_sheets, data)
    if safe_files.is_ole(data):
        return _read(filename, stem, _xls_sheets, data)
    raise UserError(
        N_(
            "{filename} is not an Excel workbook. Save the XLSForm as .xlsx (Excel Workbook) and "
            "upload that file."
        ),
        filename=filename,
    )


class _EncryptedWorkbook(Exception):
    """An .xls whose content is encrypted (xlrd finds a FILEPASS record)."""


def _read(filename: str, stem: str, sheets_of, data: bytes) -> XlsformTables:
    problems = ProblemList(filename)
    sheets: dict[str, Sheet] = {}
    names: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, rows, count in sheets_of(data):
                names.append(name)
                key = name.strip().lower()
                if key not in XLSFORM_SHEETS:
                    if count != 1:
                        continue
                    key = "survey"
                sheets[key] = _read_sheet(name, rows, problems)
    except UserError:
        raise
    except _EncryptedWorkbook:
        raise safe_files.password_error(filename) from None
    except Exception as err:  # openpyxl / xlrd / zip / XML failures of a damaged file
        logger.info("unreadable workbook %s: %s: %s", filename, type(err).__name__, err)
        raise UserError(
            N_(
                "{filename} could not be read as an Excel workbook (it may be damaged, truncated "
                "or in another format). Open it in Excel, save it as .xlsx and upload it again."
            ),
            filename=filename,
        ) from None
    problems.raise_if_any()
    return XlsformTables(sheets, tuple(names), stem)


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[Sequence[str | None]], int]]:
    from openpyxl import load_workbook
    from pyxform.xls2json_backends import xlsx_value_to_str

    def text(value: object) -> str | None:
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            return None
        return xlsx_value_to_str(value)

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheets = workbook.worksheets
        for worksheet in worksheets:
            rows = (tuple(text(v) for v in row) for row in worksheet.iter_rows(values_only=True))
            yield worksheet.title, rows, len(worksheets)
    finally:
        workbook.close()


def _xls_sheets(data: bytes) -> Iterator[tuple[str, Iterator[Sequence[str | None]], int]]:
    import xlrd
    from pyxform.xls2json_backends import xls_value_to_unicode

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise _EncryptedWorkbook from None
        raise

    def cell_text(cell) -> str | None:
        value = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if value is None or value == "":
            return None
        try:
            return xls_value_to_unicode(value, cell.ctype, book.datemode)
        except Exception:  # xlrd.xldate.XLDateAmbiguous and friends: keep the raw number
            return str(value)

    try:
        count = book.nsheets
        for index in range(count):
            sheet = book.sheet_by_index(index)
            rows = (
                tuple(cell_text(cell) for cell in sheet.row(r)[: MAX_COLUMNS * 2])
                for r in range(sheet.nrows)
            )
            yield sheet.name, rows, count
    finally:
        book.release_resources()


def _read_sheet(name: str, rows: Iterator[Sequence[str | None]], problems: ProblemList) -> Sheet:
    first = next(rows, ())
    headers = _headers(name, first, problems)
    body: list[SheetRow] = []
    empty_run = 0
    for number, values in enumerate(rows, start=2):
        cells = {
            header: value
            for header, value in zip(headers, values, strict=False)
            if header is not None and value is not None
        }
        if not cells:
            empty_run += 1
            if empty_run > MAX_ADJACENT_EMPTY_ROWS:
                break
        else:
            empty_run = 0
        body.append(SheetRow(number, cells))
        if len(body) > MAX_ROWS:
            problems.add(
                N_("The sheet has more than {limit} rows; Opit reads questionnaires up to that."),
                sheet=name,
                limit=MAX_ROWS,
            )
            break
    while body and not body[-1].cells:
        body.pop()
    return Sheet(name, tuple(h for h in headers if h is not None), tuple(body))


def _headers(name: str, first: Iterable[str | None], problems: ProblemList) -> list[str | None]:
    headers: list[str | None] = []
    empty_run = 0
    for value in first:
        if value is None or not value.strip():
            headers.append(None)
            empty_run += 1
            if empty_run > MAX_ADJACENT_EMPTY_COLUMNS:
                break
            continue
        empty_run = 0
        header = " ".join(value.split())
        if header in headers:
            problems.add(
                N_("The column '{header}' appears twice in the header row; keep one of them."),
                sheet=name,
                row=1,
                column=header,
                header=header,
            )
            headers.append(None)
            continue
        headers.append(header)
        if len(headers) > MAX_COLUMNS:
            problems.add(
                N_("The sheet has more than {limit} columns."), sheet=name, limit=MAX_COLUMNS
            )
            break
    while headers and headers[-1] is None:
        headers.pop()
    return headers
