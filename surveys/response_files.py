"""Responses gathered elsewhere: read the file, map its columns to questions, validate every row.

`read_response_table(data, filename)` reads a CSV or Excel export (surveys.response_table).
`suggest_mapping(table, definition)` proposes which column answers which question, by name or by
label in any language (and SUS items by their statement), for the mapping step's preview.
`map_responses(table, definition, mapping, id_column)` turns each row into answers — choice labels
in any language back to choice values, "Strongly agree" / "Напълно съгласен" to 1–5, comma decimals
— validates them with `surveys.answers.clean_answers`, and gives each row a stable `submission_id`,
so importing the same file twice yields the same ids and the storage layer adds nothing the second
time.

A mapping target is a question name, or `name[3]` for the third statement of a SUS question.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from i18n import N_, UserError
from surveys.answers import OTHER, CleanAnswers, clean_answers
from surveys.definition import (
    AGREEMENT_5,
    CHOICE_TYPES,
    SUS_ITEMS,
    Question,
    QuestionnaireDefinition,
    QuestionType,
)
from surveys.import_errors import Problem
from surveys.response_table import ResponseTable, read_response_table

__all__ = [
    "MappedResponses",
    "MappedRow",
    "ResponseTable",
    "map_responses",
    "read_response_table",
    "suggest_id_column",
    "suggest_mapping",
]

#: Headers that identify a response in the usual exports (LimeSurvey, KoboToolbox, Google Forms).
ID_COLUMNS = (
    "id",
    "response id",
    "_uuid",
    "meta/instanceid",
    "instanceid",
    "_id",
    "timestamp",
    "времева марка",
    "клеймо за време",
    "submission id",
)
_SUS_TARGET = re.compile(r"^(?P<name>.+)\[(?P<item>\d{1,2})\]$")
_ISO_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_LEADING_INT = re.compile(r"^\s*(\d{1,2})(?:\s*(?:[-–—.:)]\s*.*|\s.*)?)?$")


@dataclass(frozen=True)
class MappedRow:
    row_number: int
    submission_id: str
    answers: dict[str, object]
    others: dict[str, str]
    result: CleanAnswers

    @property
    def ok(self) -> bool:
        return self.result.ok


@dataclass(frozen=True)
class MappedResponses:
    rows: tuple[MappedRow, ...]
    unmapped_columns: tuple[str, ...] = ()
    notes: tuple[Problem, ...] = ()

    @property
    def valid_count(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def invalid_count(self) -> int:
        return len(self.rows) - self.valid_count


def normal(text: object) -> str:
    """Text compared loosely: NFKC, case-folded, whitespace collapsed, edge punctuation dropped."""
    return _normal(str(text))


@lru_cache(maxsize=65536)
def _normal(text: str) -> str:
    # cached: a response file repeats the same few cell values thousands of times
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(" *:?.!;,")


def _header_key(column: str) -> str:
    """A header as a name: Kobo's `group/name` → `name`, LimeSurvey's `q[SQ001]` → `q_SQ001`."""
    last = column.rsplit("/", 1)[-1]
    return normal(re.sub(r"\[(\w+)\]$", r"_\1", last))


# ---- suggestions ----------------------------------------------------------------------------


def suggest_mapping(table: ResponseTable, definition: QuestionnaireDefinition) -> dict[str, str]:
    """Column → target for the columns that match a question by name, label or SUS statement."""
    targets: dict[str, str] = {}
    for question in definition.questions:
        if question.type is QuestionType.NOTE:
            continue
        if question.type is QuestionType.SUS:
            for position, statement in enumerate(SUS_ITEMS, start=1):
                target = f"{question.name}[{position}]"
                for key in (f"{question.name}_{position}", *statement.values()):
                    targets.setdefault(normal(key), target)
            continue
        targets.setdefault(normal(question.name), question.name)
        for label in question.labels.values():
            targets.setdefault(normal(label), question.name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in table.columns:
        target = targets.get(normal(column)) or targets.get(_header_key(column))
        if target and target not in used:
            mapping[column] = target
            used.add(target)
    return mapping


def suggest_id_column(table: ResponseTable) -> str | None:
    """The column that identifies responses in the usual exports, if there is one."""
    by_key = {normal(column): column for column in table.columns}
    return next((by_key[key] for key in ID_COLUMNS if key in by_key), None)


# ---- mapping -----------------------------------------------------------------------------------


def map_responses(
    table: ResponseTable,
    definition: QuestionnaireDefinition,
    mapping: Mapping[str, str],
    id_column: str | None = None,
    *,
    questionnaire_key: str | None = None,
) -> MappedResponses:
    """Every row as answers with a stable submission id and its validation result."""
    targets = _check_mapping(table, definition, mapping, id_column)
    key = questionnaire_key or _fingerprint(definition)
    column_index = {column: i for i, column in enumerate(table.columns)}
    id_values = (
        [_normal_cell(row[column_index[id_column]]) for row in table.rows] if id_column else []
    )
    id_counts = Counter(id_values)
    seen: Counter[str] = Counter()
    rows = []
    for position, (number, row) in enumerate(zip(table.row_numbers, table.rows, strict=True)):
        answers: dict[str, object] = {}
        others: dict[str, str] = {}
        for column, (question, item) in targets.items():
            _put(question, item, row[column_index[column]], answers, others)
        identity = id_values[position] if id_column else ""
        if identity and id_counts[identity] == 1:
            digest = _digest(key, "id", identity)
        else:
            digest = _digest(key, "row", identity, *_row_content(table.columns, row))
        seen[digest] += 1
        submission_id = f"imp-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
        result = clean_answers(definition, answers, others)
        rows.append(MappedRow(number, submission_id, answers, others, result))
    unmapped = tuple(c for c in table.columns if c not in mapping and c != id_column)
    notes = tuple(
        Problem(N_("The column is not mapped to a question; it is not imported."), column=c)
        for c in unmapped
    )
    return MappedResponses(tuple(rows), unmapped, table.notes + notes)


def _check_mapping(
    table: ResponseTable,
    definition: QuestionnaireDefinition,
    mapping: Mapping[str, str],
    id_column: str | None,
) -> dict[str, tuple[Question, int | None]]:
    if id_column is not None and id_column not in table.columns:
        raise ValueError(f"id column {id_column!r} is not in the table")
    questions = {q.name: q for q in definition.questions}
    targets: dict[str, tuple[Question, int | None]] = {}
    taken: dict[str, str] = {}
    for column, target in mapping.items():
        if column not in table.columns:
            raise ValueError(f"column {column!r} is not in the table")
        if not target:
            continue
        found = _SUS_TARGET.match(target)
        name, item = (found["name"], int(found["item"])) if found else (target, None)
        question = questions.get(name)
        if question is None or (item is not None and not 1 <= item <= 10):
            raise ValueError(f"mapping target {target!r} is not a question of the questionnaire")
        if question.type is QuestionType.NOTE or (
            (item is None) == (question.type is QuestionType.SUS)
        ):
            raise UserError(
                N_("The column '{column}' cannot answer '{target}'; choose another question."),
                column=column,
                target=target,
            )
        if target in taken:
            raise UserError(
                N_("The columns '{first}' and '{second}' both answer '{target}'; keep one."),
                first=taken[target],
                second=column,
                target=target,
            )
        taken[target] = column
        targets[column] = (question, item - 1 if item is not None else None)
    return targets


def _put(
    question: Question,
    item: int | None,
    cell: str | None,
    answers: dict[str, object],
    others: dict[str, str],
) -> None:
    if cell is None or not cell.strip():
        return
    text = cell.strip()
    if item is not None:
        items = answers.setdefault(question.name, [None] * 10)
        if isinstance(items, list):
            items[item] = scale_value(text, 5)
        return
    kind = question.type
    if kind in CHOICE_TYPES:
        value, other = choice_value(question, text)
        answers[question.name] = value
        if other:
            others[question.name] = other
    elif kind in (QuestionType.LIKERT5, QuestionType.LIKERT7, QuestionType.SEQ, QuestionType.NPS):
        answers[question.name] = scale_value(text, 5 if kind is QuestionType.LIKERT5 else 11)
    elif kind is QuestionType.NUMBER:
        answers[question.name] = re.sub(r"[\s\u00a0\u202f']", "", text)
    elif kind is QuestionType.DATE:
        found = _ISO_DATETIME.match(text)
        answers[question.name] = found.group(1) if found else text
    else:
        answers[question.name] = cell


def scale_value(text: str, points: int) -> str:
    """'4', '4.0', '4 – Agree', 'Agree', 'Съгласен' → '4' (agreement words on 5-point scales)."""
    if points == 5:
        position = _agreement_positions().get(normal(text))
        if position is not None:
            return position
    number = re.fullmatch(r"\s*(\d{1,2})(?:[.,]0+)?\s*", text)
    if number:
        return number.group(1)
    leading = _LEADING_INT.match(text)
    return leading.group(1) if leading else text


@cache
def _agreement_positions() -> dict[str, str]:
    """Each agreement word of a 5-point scale, compared loosely → its position ('1'…'5')."""
    positions: dict[str, str] = {}
    for anchors in AGREEMENT_5.values():
        for position, anchor in enumerate(anchors, start=1):
            positions.setdefault(normal(anchor), str(position))
    return positions


def choice_value(question: Question, text: str) -> tuple[object, str | None]:
    """Choice value(s) for a cell holding values or labels in any language (and 'other' text)."""
    index: dict[str, str] = {}
    for choice in question.choices:
        index.setdefault(normal(choice.value), choice.value)
        for label in choice.labels.values():
            index.setdefault(normal(label), choice.value)
    whole = index.get(normal(text))
    if question.type is QuestionType.SINGLE_CHOICE:
        if whole is not None:
            return whole, None
        if question.allow_other:
            return OTHER, text
        return text, None
    if whole is not None:
        return [whole], None
    tokens = text.split()
    if all(normal(t) in index for t in tokens):  # KoboToolbox: space-separated choice names
        return [index[normal(t)] for t in tokens], None
    picked, other = _split_labels(text, index)
    if other and question.allow_other:
        return [*picked, OTHER], other
    return picked + ([other] if other else []), None


def _split_labels(text: str, index: dict[str, str]) -> tuple[list[str], str | None]:
    """Google Forms joins chosen labels with ', ' (labels may hold commas): rejoin greedily."""
    parts = [p for p in re.split(r"\s*[;,]\s*", text) if p.strip()]
    picked: list[str] = []
    leftover: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            candidate = normal(", ".join(parts[start:end]))
            if candidate in index:
                picked.append(index[candidate])
                start = end
                break
        else:
            leftover.append(parts[start])
            start += 1
    return picked, (", ".join(leftover) if leftover else None)


# ---- identity ----------------------------------------------------------------------------------


def _normal_cell(cell: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", cell or "").split())


def _row_content(columns: tuple[str, ...], row: tuple[str | None, ...]) -> list[str]:
    pairs = sorted((normal(c), _normal_cell(v)) for c, v in zip(columns, row, strict=True))
    return [f"{c}\x1e{v}" for c, v in pairs]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _fingerprint(definition: QuestionnaireDefinition) -> str:
    """What identifies a questionnaire for ids: its question names (labels may be edited)."""
    return _digest("questionnaire", *sorted(q.name for q in definition.questions))
