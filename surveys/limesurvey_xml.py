"""Read LimeSurvey's XML files (.lss structure, .lsr responses, inside or outside an .lsa) into
tables.

A LimeSurvey export is a `<document>` of sections (`<questions>`, `<answers>`, `<groups>`, ...),
each a list of `<row>`s of fields. This module turns the bytes into those tables, remembering the
line of each row for messages; `surveys.limesurvey` says what they mean.

The XML is parsed with expat directly, with document type declarations and entities refused (the
protections of defusedxml), so a hostile file cannot expand entities or reach outside itself.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.parsers import expat

from i18n import N_, UserError
from surveys import safe_files

MAX_ROWS = 200_000
MAX_DEPTH = 12


@dataclass
class XmlRow:
    fields: dict[str, str]
    line: int

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


@dataclass
class LimeDocument:
    """One LimeSurvey XML file: its kind ('Survey', 'Responses', ...) and its sections' rows."""

    doc_type: str
    languages: list[str] = field(default_factory=list)
    sections: dict[str, list[XmlRow]] = field(default_factory=dict)
    fieldnames: dict[str, list[str]] = field(default_factory=dict)

    def rows(self, section: str) -> list[XmlRow]:
        return self.sections.get(section, [])


class _Forbidden(Exception):
    pass


def parse_document(data: bytes, filename: str) -> LimeDocument:
    """Parse one LimeSurvey XML file; raises UserError for anything that is not one."""
    builder = _Builder()
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag, parser.CurrentLineNumber)
    parser.EndElementHandler = lambda tag: builder.end(tag)
    parser.CharacterDataHandler = builder.text
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    try:
        parser.Parse(bytes(data), True)
    except _Forbidden:
        raise UserError(
            N_(
                "{filename} declares a document type or entities, which LimeSurvey exports never "
                "do; Opit does not read it. Export the survey from LimeSurvey again."
            ),
            filename=filename,
        ) from None
    except (expat.ExpatError, ValueError, RecursionError) as err:
        line = getattr(err, "lineno", None) or parser.ErrorLineNumber
        raise UserError(
            N_(
                "{filename} is not well-formed XML (line {line}); it may be damaged or cut short. "
                "Export it from LimeSurvey again."
            ),
            filename=filename,
            line=line,
        ) from None
    if builder.root_tag != "document":
        raise _not_lime(filename, builder.root_tag)
    return builder.document


def _forbid(*_args: object) -> None:
    raise _Forbidden


def _not_lime(filename: str, root: str | None) -> UserError:
    if root == "questionnaire":
        return UserError(
            N_(
                "{filename} is a queXML file. Export the survey from LimeSurvey as a survey "
                "structure (.lss) or a survey archive (.lsa) instead."
            ),
            filename=filename,
        )
    return UserError(
        N_(
            "{filename} is not a LimeSurvey export. Export the survey from LimeSurvey as a "
            "survey structure (.lss) or a survey archive (.lsa)."
        ),
        filename=filename,
    )


class _Builder:
    """Collects `document/<section>/rows/row/<field>` and `document/<section>/fields/fieldname`."""

    def __init__(self) -> None:
        self.document = LimeDocument("")
        self.stack: list[str] = []
        self.root_tag: str | None = None
        self.buffer: list[str] = []
        self.row: XmlRow | None = None
        self.count = 0

    def start(self, tag: str, line: int) -> None:
        if self.root_tag is None:
            self.root_tag = tag
        self.stack.append(tag)
        if len(self.stack) > MAX_DEPTH:
            raise ValueError("too deep")
        self.buffer = []
        if len(self.stack) == 4 and self.stack[2] == "rows" and tag == "row":
            self.row = XmlRow({}, line)

    def text(self, data: str) -> None:
        self.buffer.append(data)

    def end(self, tag: str) -> None:
        path = self.stack
        text = "".join(self.buffer)
        depth = len(path)
        if depth == 2 and tag == "LimeSurveyDocType":
            self.document.doc_type = text.strip()
        elif depth == 3 and path[1] == "languages" and tag == "language":
            self.document.languages.append(text.strip())
        elif depth == 4 and path[2] == "fields" and tag == "fieldname":
            self.document.fieldnames.setdefault(path[1], []).append(text.strip())
        elif depth == 5 and self.row is not None:
            self.row.fields[tag] = text
        elif depth == 4 and tag == "row" and self.row is not None:
            self.document.sections.setdefault(path[1], []).append(self.row)
            self.row = None
            self.count += 1
            if self.count > MAX_ROWS:
                raise ValueError("too many rows")
        self.buffer = []
        self.stack.pop()


@dataclass(frozen=True)
class LimeFiles:
    survey: LimeDocument
    responses: LimeDocument | None
    filename: str


def read_lime_files(data: bytes, filename: str) -> LimeFiles:
    """The survey (and responses, from an .lsa) of an upload; refuses other LimeSurvey formats."""
    safe_files.check_size(data, filename)
    suffix = PurePath(filename).suffix.lower()
    if safe_files.is_zip(data):
        return _read_archive(data, filename)
    safe_files.refuse_encrypted(data, filename)
    head = bytes(data[:200]).lstrip(b"\xef\xbb\xbf")
    if suffix in (".txt", ".tsv") or head.startswith((b"class\t", b'"class"\t', b"id\t")):
        raise UserError(
            N_(
                "{filename} is LimeSurvey's tab-separated format, which Opit does not read. "
                "Export the survey as a survey structure (.lss) or a survey archive (.lsa)."
            ),
            filename=filename,
        )
    document = parse_document(data, filename)
    if document.doc_type != "Survey":
        raise UserError(
            N_(
                "{filename} is a LimeSurvey '{kind}' file, not a survey structure. Upload the "
                ".lss file, or the .lsa archive that holds both the survey and its responses."
            ),
            filename=filename,
            kind=document.doc_type or "?",
        )
    return LimeFiles(document, None, filename)


def _read_archive(data: bytes, filename: str) -> LimeFiles:
    archive = safe_files.open_zip(data, filename)
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        surveys = [n for n in names if n.lower().endswith(".lss")]
        responses = [n for n in names if n.lower().endswith(".lsr")]
        if len(surveys) != 1 or len(responses) > 1:
            raise UserError(
                N_(
                    "{filename} is not a LimeSurvey survey archive: it should hold one .lss "
                    "file (and at most one .lsr). Export it again with 'Survey archive (.lsa)'."
                ),
                filename=filename,
            )
        survey = _member_document(archive, surveys[0], filename, "Survey")
        answers = (
            _member_document(archive, responses[0], filename, "Responses") if responses else None
        )
    return LimeFiles(survey, answers, filename)


def _member_document(archive: zipfile.ZipFile, name: str, filename: str, kind: str) -> LimeDocument:
    label = f"{filename}/{PurePath(name).name}"
    document = parse_document(safe_files.read_member(archive, name, filename), label)
    if document.doc_type != kind:
        raise _not_lime(label, None)
    return document
