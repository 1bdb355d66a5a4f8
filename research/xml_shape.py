"""A cheap first pass over untrusted XML that refuses shapes which make a parser crawl.

Expat expands every element's name with its namespace URI. A file with a namespace URI of
200 KB and 100,000 nested elements (both found by fuzzing a 1 MB codebook) made that expansion
copy about 20 GB: 200 s inside `pyexpat.Parse`, with defusedxml's limits all passed. This pass reads
the file without namespace processing, stops at the first element nested deeper than `max_depth` or
with an attribute (such as `xmlns`) longer than `max_attribute`, and refuses any DTD, so the real
parse only ever sees reasonable shapes. It costs about as much as the parse itself.
"""

from __future__ import annotations

from xml.parsers import expat

MAX_DEPTH = 200
MAX_ATTRIBUTE = 100_000


class XmlShapeError(ValueError):
    """The XML is too deep, has an attribute too long, or declares a DTD; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_xml_shape(
    data: bytes, *, max_depth: int = MAX_DEPTH, max_attribute: int = MAX_ATTRIBUTE
) -> None:
    """Raise XmlShapeError for a pathological shape; malformed XML is left to the real parser."""
    parser = expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise XmlShapeError("depth")
        if any(len(value) > max_attribute for value in attributes.values()):
            raise XmlShapeError("attribute")

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*args: object) -> None:
        raise XmlShapeError("doctype")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return  # the real parser reports where the XML breaks
