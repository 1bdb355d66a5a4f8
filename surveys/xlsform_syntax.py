"""The small languages inside XLSForm cells: column headers, type strings, relevant and constraint.

Each is parsed into plain values for `surveys.xlsform` and written back for
`surveys.xlsform_export`, so the two directions share one grammar. Only the simple forms Opit can
represent are understood; anything else parses to None and the importer reports it where it is.

Header aliases follow pyxform's (`pyxform/aliases.py`): `bind:relevant`, `relevance`, `caption`,
`list name`, single-colon language suffixes (`label:English`) and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from surveys.definition import Condition, Operator

#: Header aliases (after snake-casing) to the name Opit's importer uses.
HEADER_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "readonly": "read_only",
    "calculate": "calculation",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "constraint-msg": "constraint_message",
    "jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "list name": "list_name",
    "command": "type",
    "tag": "name",
    "value": "name",
    "set_form_title": "title",
    "form_title": "title",
    "set_form_id": "form_id",
    "id_string": "form_id",
}
_PREFIXES = {"bind", "control", "body", "instance", "media"}
TRANSLATABLE = {"label", "hint", "constraint_message", "required_message", "guidance_hint"}


@dataclass(frozen=True)
class Header:
    key: str
    lang: str | None = None


def snake(text: str) -> str:
    return "_".join(text.split()).lower()


def parse_header(header: str) -> Header:
    """`label::Bulgarian (bg)` → Header('label', 'Bulgarian (bg)'); `bind:relevant` → 'relevant'."""
    text = header.strip()
    if "::" in text:
        tokens = [t.strip() for t in text.split("::")]
    else:
        tokens = [t.strip() for t in text.split(":")]
        if "jr" in tokens[:-1]:
            at = tokens.index("jr")
            tokens = [*tokens[:at], f"jr:{tokens[at + 1]}", *tokens[at + 2 :]]
    if len(tokens) > 1 and snake(tokens[0]) in _PREFIXES:
        tokens = tokens[1:]
    key = snake(tokens[0])
    key = HEADER_ALIASES.get(key, HEADER_ALIASES.get(key.replace("_", " "), key))
    lang = tokens[1] if len(tokens) > 1 and tokens[1] else None
    return Header(key, lang)


@cache
def _language_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for code, name in Locale("en").languages.items():
        if "_" not in code:
            names.setdefault(name.casefold(), code)
    return names


_CODE_IN_PARENS = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*\)\s*$")


def language_code(name: str) -> str:
    """`Bulgarian (bg)`, `bg`, `Bulgarian`, `english` → an ISO code ('bg', 'en')."""
    text = name.strip()
    found = _CODE_IN_PARENS.search(text)
    if found:
        return found.group(1).lower().replace("_", "-")
    if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})?", text):
        code = text.lower().replace("_", "-")
        if code.split("-")[0] in {c for c in _language_names().values()}:
            return code
    by_name = _language_names().get(text.casefold())
    if by_name:
        return by_name
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug or "default"


def language_column_name(code: str) -> str:
    """`bg` → `Bulgarian (bg)`, the form ODK and KoboToolbox expect."""
    from babel import Locale

    name = Locale("en").languages.get(code.split("-")[0], code)
    return f"{name} ({code})"


# ---- type column -----------------------------------------------------------------------------

_SELECT_PREFIXES = (
    ("add select one prompt using ", "select_one"),
    ("add select multiple prompt using ", "select_multiple"),
    ("select all that apply from ", "select_multiple"),
    ("select one from file ", "select_one_from_file"),
    ("select multiple from file ", "select_multiple_from_file"),
    ("select_one_from_file ", "select_one_from_file"),
    ("select_multiple_from_file ", "select_multiple_from_file"),
    ("select_one_external ", "select_one_external"),
    ("select one external ", "select_one_external"),
    ("select all that apply ", "select_multiple"),
    ("select one from ", "select_one"),
    ("select_multiple ", "select_multiple"),
    ("select multiple ", "select_multiple"),
    ("select_one ", "select_one"),
    ("select one ", "select_one"),
    ("select1 ", "select_one"),
    ("rank ", "rank"),
)
_TYPE_ALIASES = {
    "string": "text",
    "int": "integer",
    "imei": "deviceid",
    "uri:deviceid": "deviceid",
    "get device id": "deviceid",
    "get start time": "start",
    "get end time": "end",
    "get today": "today",
    "get subscriber id": "subscriberid",
    "get sim id": "simserial",
    "get phone number": "phonenumber",
    "phone number": "phonenumber",
    "image": "photo",
    "add image prompt": "photo",
    "add photo prompt": "photo",
    "add audio prompt": "audio",
    "add video prompt": "video",
    "add file prompt": "file",
    "gps": "geopoint",
    "location": "geopoint",
    "add location prompt": "geopoint",
}


@dataclass(frozen=True)
class TypeSpec:
    kind: str
    list_name: str | None = None
    or_other: bool = False


def parse_type(text: str) -> TypeSpec:
    """`select_one yes_no or_other` → TypeSpec('select_one', 'yes_no', True); `begin_group` → ..."""
    raw = " ".join(text.split())
    lowered = raw.lower()
    control = re.fullmatch(r"(begin|end)[ _](group|repeat|loop|lgroup|looped group)\b.*", lowered)
    if control:
        kind = "group" if control.group(2) == "group" else "repeat"
        return TypeSpec(f"{control.group(1)} {kind}")
    for prefix, kind in _SELECT_PREFIXES:
        if lowered.startswith(prefix):
            rest = raw[len(prefix) :].strip()
            or_other = False
            for suffix in (" or_other", " or specify other"):
                if rest.lower().endswith(suffix):
                    rest, or_other = rest[: -len(suffix)].strip(), True
            return TypeSpec(kind, rest or None, or_other)
    if lowered.startswith("osm "):
        return TypeSpec("osm", raw[4:].strip() or None)
    return TypeSpec(_TYPE_ALIASES.get(lowered, lowered))


def parse_parameters(text: str) -> dict[str, str]:
    """`start=1 end=5 step=1` (or separated by ';' / ',') → {'start': '1', ...}."""
    pairs = re.findall(r"([A-Za-z_-]+)\s*=\s*([^\s;,]+)", text)
    return {key.lower(): value for key, value in pairs}


# ---- relevant and constraint -----------------------------------------------------------------

_SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_NAME = r"\$\{\s*([A-Za-z_][\w.-]*)\s*\}"
_QUOTED = r"(?:'([^']*)'|\"([^\"]*)\")"
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_COMPARISON = re.compile(rf"{_NAME}\s*(!=|>=|<=|=|>|<)\s*(?:{_QUOTED}|{_NUMBER})")
_SELECTED = re.compile(rf"selected\(\s*{_NAME}\s*,\s*{_QUOTED}\s*\)")
_NOT_SELECTED = re.compile(rf"not\(\s*selected\(\s*{_NAME}\s*,\s*{_QUOTED}\s*\)\s*\)")
_LENGTH = re.compile(rf"(?:string-length|count-selected)\(\s*{_NAME}\s*\)\s*(>|!=|>=|=)\s*(\d+)")


def split_top_level(expr: str) -> tuple[list[str], str | None]:
    """Split on `and` / `or` outside quotes and parentheses; the joiner is None when mixed."""
    parts: list[str] = []
    joiners: set[str] = set()
    depth, quote, start, i = 0, "", 0, 0
    while i < len(expr):
        ch = expr[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch.isspace():
            word = re.match(r"\s+(and|or)\s+", expr[i:])
            if word:
                parts.append(expr[start:i])
                joiners.add(word.group(1))
                i += word.end()
                start = i
                continue
        i += 1
    parts.append(expr[start:])
    if len(joiners) > 1:
        return parts, None
    return parts, (joiners.pop() if joiners else "and")


def unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote


def _condition(atom: str) -> Condition | None:
    atom = unwrap(atom)
    match = _NOT_SELECTED.fullmatch(atom)
    if match:
        return Condition(match.group(1), Operator.NOT_SELECTED, _first(match, 2, 3))
    match = _SELECTED.fullmatch(atom)
    if match:
        return Condition(match.group(1), Operator.SELECTED, _first(match, 2, 3))
    match = _LENGTH.fullmatch(atom)
    if match:
        op, size = match.group(2), int(match.group(3))
        if (op in (">", "!=") and size == 0) or (op == ">=" and size == 1):
            return Condition(match.group(1), Operator.ANSWERED)
        if op == "=" and size == 0:
            return Condition(match.group(1), Operator.NOT_ANSWERED)
        return None
    match = _COMPARISON.fullmatch(atom)
    if not match:
        return None
    name, op = match.group(1), Operator(match.group(2))
    if match.group(5) is not None:
        return Condition(name, op, float(match.group(5)))
    text = _first(match, 3, 4)
    if text == "":
        if op is Operator.EQUALS:
            return Condition(name, Operator.NOT_ANSWERED)
        if op is Operator.NOT_EQUALS:
            return Condition(name, Operator.ANSWERED)
        return None
    return Condition(name, op, text)


def _first(match: re.Match[str], *groups: int) -> str:
    return next((match.group(g) for g in groups if match.group(g) is not None), "")


def parse_relevant(expr: str) -> tuple[tuple[Condition, ...], bool] | None:
    """Conditions and whether any one suffices, or None when the expression is not that simple."""
    expr = unwrap(expr.translate(_SMART))
    if not expr:
        return (), False
    parts, joiner = split_top_level(expr)
    if joiner is None:
        return None
    conditions = [_condition(part) for part in parts]
    if any(c is None for c in conditions):
        return None
    return tuple(c for c in conditions if c is not None), joiner == "or" and len(conditions) > 1


def _quote(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise ValueError("a condition value cannot hold both kinds of quote in XLSForm")


def format_number(value: float) -> str:
    """A number as XLSForm expressions write it: no exponent, no trailing '.0'."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def write_condition(condition: Condition) -> str:
    ref = f"${{{condition.question}}}"
    op, value = condition.operator, condition.value
    if op is Operator.ANSWERED:
        return f"{ref} != ''"
    if op is Operator.NOT_ANSWERED:
        return f"{ref} = ''"
    if op is Operator.SELECTED:
        return f"selected({ref}, {_quote(str(value))})"
    if op is Operator.NOT_SELECTED:
        return f"not(selected({ref}, {_quote(str(value))}))"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{ref} {op.value} {format_number(value)}"
    return f"{ref} {op.value} {_quote(str(value))}"


def write_relevant(conditions: tuple[Condition, ...], any_of: bool) -> str:
    return (" or " if any_of else " and ").join(write_condition(c) for c in conditions)


@dataclass(frozen=True)
class Bounds:
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None


_BOUND = re.compile(rf"\.\s*(>=|<=|>|<)\s*{_NUMBER}")
_BOUND_REVERSED = re.compile(rf"{_NUMBER}\s*(<=|>=|<|>)\s*\.")
_MAX_LENGTH = re.compile(r"string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)")
_FLIP = {"<=": ">=", ">=": "<=", "<": ">", ">": "<"}


def parse_constraint(expr: str, whole_numbers: bool = False) -> Bounds | None:
    """`. >= 1 and . <= 10` → Bounds(1, 10); `string-length(.) <= 200` → max_length 200."""
    expr = unwrap(expr.translate(_SMART))
    if not expr:
        return Bounds()
    parts, joiner = split_top_level(expr)
    if joiner != "and":
        return None
    low = high = length = None
    for part in parts:
        part = unwrap(part)
        match = _BOUND.fullmatch(part)
        reversed_match = _BOUND_REVERSED.fullmatch(part)
        length_match = _MAX_LENGTH.fullmatch(part)
        if length_match:
            limit = int(length_match.group(2)) - (1 if length_match.group(1) == "<" else 0)
            length = limit if length is None else min(length, limit)
            continue
        if match:
            op, number = match.group(1), float(match.group(2))
        elif reversed_match:
            op, number = _FLIP[reversed_match.group(2)], float(reversed_match.group(1))
        else:
            return None
        if op in (">", "<"):
            if not (whole_numbers and number.is_integer()):
                return None
            number, op = (number + 1, ">=") if op == ">" else (number - 1, "<=")
        if op == ">=":
            low = number if low is None else max(low, number)
        else:
            high = number if high is None else min(high, number)
    return Bounds(low, high, length)


def write_constraint(minimum: float | None, maximum: float | None, max_length: int | None) -> str:
    parts = []
    if minimum is not None:
        parts.append(f". >= {format_number(minimum)}")
    if maximum is not None:
        parts.append(f". <= {format_number(maximum)}")
    if max_length is not None:
        parts.append(f"string-length(.) <= {max_length}")
    return " and ".join(parts)
