"""Codebook exchange in the REFI-QDA Codebook format (.qdc), read by QualCoder, Taguette, NVivo,
ATLAS.ti and MAXQDA.

    data = export_qdc(book)                 # bytes of a .qdc file
    imported = import_qdc(data)             # QdcImport(codebook, sets, origin)

The file is XML in the namespace `urn:QDA-XML:codebook:1.0`:

    <CodeBook origin="Opit 0.1.0"><Codes>
      <Code guid="…" name="Identification" isCodable="true" color="#1F77B4">
        <Description>…</Description>
        <Code guid="…" name="КЕП" isCodable="true"/>
      </Code>
    </Codes><Sets><Set guid="…" name="…"><MemberCode targetGUID="…"/></Set></Sets></CodeBook>

A tag's guid is stable across exports: its key when the key is a GUID (keys from `new_key()` and
from an import are), otherwise a UUID derived from the key. Imported codes keep their guid as key,
so exporting an imported codebook gives the same guids back. A REFI-QDA project file (.qde, root
`<Project>`) is read for its codebook too. Names containing "/" (a path separator in Opit) are
imported with "∕" (division slash) instead.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from i18n import N_, UserError
from research.codebook import SEPARATOR, Codebook, CodebookProblems, Tag, clean_name
from research.xml_shape import MAX_ATTRIBUTE, MAX_DEPTH, XmlShapeError, check_xml_shape

__all__ = ["NAMESPACE", "CodeSet", "QdcImport", "export_qdc", "guid_for", "import_qdc"]

NAMESPACE = "urn:QDA-XML:codebook:1.0"
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
SCHEMA_LOCATION = f"{NAMESPACE} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Fixed forever: changing it changes the guid of every tag whose key is not a GUID.
OPIT_GUID_NAMESPACE = uuid.UUID("6f1c2d0e-8b3a-5e4f-9a7c-0d5e3b2a1c4f")
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class CodeSet:
    """A REFI-QDA set: a named group of tags across the tree (e.g. "Pain points for week 12")."""

    guid: str
    name: str
    description: str = ""
    members: tuple[str, ...] = ()  # tag keys


@dataclass(frozen=True)
class QdcImport:
    codebook: Codebook
    sets: tuple[CodeSet, ...]
    origin: str  # the program that wrote the file, as it says


def guid_for(tag: Tag) -> str:
    """The tag's REFI-QDA guid: its key when that is a GUID, else a UUID5 of the key."""
    if _GUID.fullmatch(tag.key):
        return tag.key
    return str(uuid.uuid5(OPIT_GUID_NAMESPACE, tag.key))


def export_qdc(
    codebook: Codebook, *, sets: Sequence[CodeSet] = (), origin: str | None = None
) -> bytes:
    """The codebook as the UTF-8 bytes of a .qdc file, indented, children nested in order."""
    if not isinstance(codebook, Codebook):
        raise TypeError(f"export_qdc() takes a Codebook, not {type(codebook).__name__}")
    # Plain names with the xmlns written as attributes: ElementTree then writes no ns0: prefixes.
    root = ET.Element(
        "CodeBook",
        {
            "xmlns": NAMESPACE,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": SCHEMA_LOCATION,
            "origin": origin or _origin(),
        },
    )
    elements = {None: ET.SubElement(root, "Codes")}
    for _, tag in codebook.walk():
        attributes = {
            "guid": guid_for(tag),
            "name": _xml_text(tag.name),
            "isCodable": "true" if tag.codable else "false",
        }
        if tag.colour:
            attributes["color"] = tag.colour.upper()
        element = ET.SubElement(elements[tag.parent], "Code", attributes)
        if tag.description:
            ET.SubElement(element, "Description").text = _xml_text(tag.description)
        elements[tag.key] = element
    if sets:
        sets_element = ET.SubElement(root, "Sets")
        for code_set in sets:
            element = ET.SubElement(
                sets_element, "Set", {"guid": code_set.guid, "name": _xml_text(code_set.name)}
            )
            if code_set.description:
                ET.SubElement(element, "Description").text = _xml_text(code_set.description)
            for key in code_set.members:
                ET.SubElement(element, "MemberCode", {"targetGUID": guid_for(codebook.get(key))})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def import_qdc(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> QdcImport:
    """The codebook in a .qdc file (or the codebook part of a .qde project file).

    Raises `UserError` for a file that is not a REFI-QDA codebook, and one `CodebookProblems`
    listing every code that breaks a rule (no name, a bad colour, a repeated guid or name, …).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise UserError(
            N_("The codebook file is {size} MB; the limit is {limit} MB."),
            size=f"{math.ceil(len(data) * 10 / 2**20) / 10:g}",
            limit=f"{max_bytes / 2**20:g}",
        )
    if not data.strip():
        raise UserError(N_("The codebook file is empty. Export the codebook again and import it."))
    if data.startswith(b"PK"):
        raise UserError(
            N_(
                "This is a zip archive, probably a REFI-QDA project (.qdpx). Export the codebook "
                "alone as a .qdc file from your QDA program and import that."
            )
        )
    codebook_element, sets_element = _codebook_elements(_parse(data))
    return _Reader().read(codebook_element, sets_element)


def _parse(data: bytes) -> ET.Element:
    try:
        check_xml_shape(data)
    except XmlShapeError as exc:
        if exc.reason == "doctype":
            raise UserError(
                N_(
                    "The codebook file declares XML entities or external references, which Opit "
                    "does not read for safety. Export the codebook again as .qdc and import the "
                    "new file."
                )
            ) from None
        raise UserError(
            N_(
                "The codebook file is not shaped like a codebook: its XML nests deeper than "
                "{depth} levels or holds an attribute longer than {length} characters. Export "
                "the codebook again as .qdc (REFI-QDA) and import the new file."
            ),
            depth=MAX_DEPTH,
            length=f"{MAX_ATTRIBUTE:,}",
        ) from None
    try:
        return fromstring(data)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise UserError(
            N_(
                "The file is not a valid XML codebook: the XML breaks at line {line}, column "
                "{column}. Export the codebook again as .qdc (REFI-QDA) and import the new file."
            ),
            line=line,
            column=column,
        ) from exc
    except (DefusedXmlException, ValueError, LookupError) as exc:
        raise UserError(
            N_(
                "The codebook file declares XML entities or external references, which Opit does "
                "not read for safety. Export the codebook again as .qdc and import the new file."
            )
        ) from exc


def _codebook_elements(root: ET.Element) -> tuple[ET.Element, ET.Element | None]:
    namespace, _, local = (
        root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    )
    if local == "CodeBook" and namespace in (NAMESPACE, PROJECT_NAMESPACE, ""):
        return root, root.find(f"{{{namespace}}}Sets" if namespace else "Sets")
    if local == "Project" and namespace == PROJECT_NAMESPACE:
        codebook = root.find(f"{{{PROJECT_NAMESPACE}}}CodeBook")
        if codebook is not None:
            return codebook, root.find(f"{{{PROJECT_NAMESPACE}}}Sets")
        raise UserError(
            N_("The REFI-QDA project file has no codebook. Export the codebook as .qdc instead.")
        )
    raise UserError(
        N_(
            "The file is XML but not a REFI-QDA codebook: its root element is <{element}>, not "
            "<CodeBook> in the namespace urn:QDA-XML:codebook:1.0. Export the codebook as .qdc "
            "(REFI-QDA) from your QDA program and import that file."
        ),
        element=local[:40],
    )


class _Reader:
    """Walks the <Codes> tree without recursion, collecting every problem before raising."""

    def __init__(self) -> None:
        self.tags: list[Tag] = []
        self.problems: list[UserError] = []
        self.guids: set[str] = set()

    def read(self, codebook_element: ET.Element, sets_element: ET.Element | None) -> QdcImport:
        ns = codebook_element.tag.partition("}")[0] + "}" if codebook_element.tag[0] == "{" else ""
        codes = codebook_element.find(f"{ns}Codes")
        if codes is None:
            raise UserError(
                N_("The codebook file has no <Codes> element, so it holds no codes to import.")
            )
        stack: list[tuple[ET.Element, str | None, str]] = [
            (code, None, "") for code in reversed(codes.findall(f"{ns}Code"))
        ]
        while stack:
            element, parent, parent_path = stack.pop()
            tag = self._tag(element, parent, parent_path, ns, number=len(self.tags) + 1)
            if tag is None:
                continue
            self.tags.append(tag)
            path = f"{parent_path}{SEPARATOR}{tag.name}" if parent_path else tag.name
            if path.count(SEPARATOR) < 50:  # deeper trees are refused by the depth rule anyway
                stack.extend((c, tag.key, path) for c in reversed(element.findall(f"{ns}Code")))
        if not self.tags and not self.problems:
            raise UserError(N_("The codebook file contains no codes."))
        book = Codebook(tuple(self.tags))
        self.problems.extend(book.problems())
        if len(self.problems) == 1:
            raise self.problems[0]
        if self.problems:
            raise CodebookProblems(self.problems)
        sets = () if sets_element is None else self._sets(sets_element, ns, book)
        return QdcImport(book, sets, codebook_element.get("origin", ""))

    def _tag(
        self, element: ET.Element, parent: str | None, parent_path: str, ns: str, number: int
    ) -> Tag | None:
        name = clean_name(element.get("name", "")).replace(SEPARATOR, "∕")
        where = f"{parent_path}{SEPARATOR}{name}" if parent_path else name
        if not name:
            self.problems.append(
                UserError(N_("Code number {number} in the file has no name."), number=number)
            )
            return None
        guid = element.get("guid", "").strip()
        if not guid:
            guid = str(uuid.uuid5(OPIT_GUID_NAMESPACE, f"qdc:{where}"))
        if guid.lower() in self.guids:
            self.problems.append(
                UserError(
                    N_("The code “{code}” repeats the guid {guid} of another code."),
                    code=where,
                    guid=guid[:40],
                )
            )
            return None
        self.guids.add(guid.lower())
        codable = element.get("isCodable", "true").strip().lower()
        if codable not in ("true", "false", "1", "0"):
            self.problems.append(
                UserError(
                    N_("The code “{code}” has isCodable=“{value}”; it must be true or false."),
                    code=where,
                    value=codable[:20],
                )
            )
        colour = element.get("color")
        if colour is not None and not _COLOUR.fullmatch(colour.strip()):
            self.problems.append(
                UserError(
                    N_("The colour of the code “{code}” is not #RRGGBB (for example #1F77B4)."),
                    code=where,
                )
            )
            colour = None
        description = element.findtext(f"{ns}Description") or ""
        return Tag(
            key=guid,
            name=name,
            parent=parent,
            description=description.replace("\r\n", "\n"),
            colour=colour.strip().upper() if colour else None,
            codable=codable in ("true", "1"),
        )

    def _sets(self, sets_element: ET.Element, ns: str, book: Codebook) -> tuple[CodeSet, ...]:
        by_guid = {tag.key.lower(): tag.key for tag in book}
        sets = []
        for element in sets_element.findall(f"{ns}Set"):
            name = clean_name(element.get("name", ""))
            members = tuple(
                by_guid[target.lower()]
                for member in element.findall(f"{ns}MemberCode")
                if (target := member.get("targetGUID", "")).lower() in by_guid
            )
            guid = element.get("guid") or str(uuid.uuid5(OPIT_GUID_NAMESPACE, f"qdc-set:{name}"))
            description = element.findtext(f"{ns}Description") or ""
            sets.append(CodeSet(guid, name, description, tuple(dict.fromkeys(members))))
        return tuple(sets)


def _xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", text)


def _origin() -> str:
    try:
        return f"Opit {metadata.version('opit')}"
    except metadata.PackageNotFoundError:
        return "Opit"
