"""LimeSurvey import: a survey structure (.lss) or archive (.lsa) → questionnaire and responses.

`read_limesurvey(data, filename)` gives a `LimeSurveyImport`: the `definition`, and from an .lsa the
`responses`, each with its answers by question name and a stable `source_id`. Question types map to
Opit's (list → single choice, multiple choice, texts, numbers, dates, boilerplate → note, 5-point →
Likert 5, arrays → one question per row, an array of the ten SUS statements → one SUS question);
types Opit cannot ask and relevance beyond simple comparisons are problems naming the element and
its line. The tables come from surveys.limesurvey_xml; the types from surveys.limesurvey_types.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from i18n import N_
from surveys.answers import OTHER
from surveys.definition import (
    NAME_PATTERN,
    Condition,
    Operator,
    Question,
    QuestionnaireDefinition,
    Section,
    check_definition,
)
from surveys.import_errors import ProblemList
from surveys.limesurvey_types import (
    Slot,
    SurveyTexts,
    convert_question,
)
from surveys.limesurvey_xml import LimeDocument, XmlRow, read_lime_files
from surveys.xlsform_syntax import split_top_level, unwrap


@dataclass(frozen=True)
class ImportedResponse:
    """One LimeSurvey response: answers by question name, 'other' texts, a stable source id."""

    source_id: str
    answers: dict[str, object]
    others: dict[str, str] = field(default_factory=dict)
    complete: bool = True
    language: str = ""


@dataclass(frozen=True)
class LimeSurveyImport:
    definition: QuestionnaireDefinition
    responses: tuple[ImportedResponse, ...] = ()
    survey_id: str = ""


def read_limesurvey(data: bytes, filename: str = "survey.lss") -> LimeSurveyImport:
    """The questionnaire (and responses) of a .lss or .lsa; raises UserError / ImportProblems."""
    files = read_lime_files(data, filename)
    definition, slots, survey_id = interpret_survey(files.survey, filename)
    responses = ()
    if files.responses is not None:
        responses = read_responses(files.responses, slots, survey_id)
    return LimeSurveyImport(definition, responses, survey_id)


def interpret_survey(
    document: LimeDocument, filename: str = "survey.lss"
) -> tuple[QuestionnaireDefinition, dict[str, Slot], str]:
    """The definition, where each response column goes, and the survey id."""
    problems = ProblemList(filename)
    texts = SurveyTexts.of(document)
    codes = texts.codes
    survey_id = next((r.get("sid") for r in document.rows("surveys") if r.get("sid")), "")
    sections, group_order = _sections(document, texts)
    roots = _questions_in_order(document, group_order)
    children = defaultdict(list)
    for row in document.rows("subquestions") + [
        r for r in document.rows("questions") if r.get("parent_qid", "0") not in ("", "0")
    ]:
        children[row.get("parent_qid")].append(row)
    questions: list[Question] = []
    slots: dict[str, Slot] = {}
    names: dict[str, int] = {}
    known: dict[str, tuple[str, str | None]] = {}
    for row in roots:
        qid = row.get("qid")
        subs = _unique_by(children.get(qid, []), "qid", "question_order")
        converted = convert_question(row, subs, texts, problems)
        if converted is None:
            continue
        logic = parse_relevance(row, document, known, problems)
        if logic is None:
            continue
        prefix = f"{survey_id}X{row.get('gid')}X{qid}"
        for question, columns in converted:
            if not NAME_PATTERN.match(question.name):
                problems.add(
                    N_(
                        "The code '{name}' cannot be a question name in Opit: it must start "
                        "with a letter and use only letters, digits, '_', '-' or '.'."
                    ),
                    element="question",
                    line=row.line,
                    name=question.name[:64],
                )
                continue
            if question.name in names:
                problems.add(
                    N_("The question code '{name}' is used twice (also on line {other})."),
                    element="question",
                    line=row.line,
                    name=question.name,
                    other=names[question.name],
                )
                continue
            names[question.name] = row.line
            section = f"g{row.get('gid')}" if row.get("gid") in group_order else None
            question = _with(question, logic, section)
            questions.append(question)
            for suffix, slot in columns.items():
                slots[prefix + suffix] = slot
        for question, columns in converted:
            if question.name not in names:
                continue
            for suffix, slot in columns.items():
                known[prefix + suffix] = (slot.question, slot.choice)
                known[_code_alias(row.get("title"), suffix)] = (slot.question, slot.choice)
    if not questions and not problems:
        problems.add(N_("The survey has no question Opit can ask."), element="questions")
    problems.raise_if_any()
    languages = tuple(codes.values()) or ("en",)
    definition = QuestionnaireDefinition(
        title=texts.title or {languages[0]: PurePath(filename).stem or survey_id},
        questions=tuple(questions),
        languages=languages,
        sections=tuple(sections),
        description=texts.description,
    )
    check_definition(definition)
    return definition, slots, survey_id


def _code_alias(title: str, suffix: str) -> str:
    """The Expression Manager name of a column: `q`, `q_SQ001`, `q_other`."""
    return f"{title}_{suffix}" if suffix else title


def _with(question: Question, logic: tuple, section: str | None) -> Question:
    return replace(question, show_when=logic[0], show_when_any=logic[1], section=section)


def _unique_by(rows: list[XmlRow], key: str, order: str) -> list[XmlRow]:
    """One row per id (the first language seen), sorted by `order`."""
    seen: dict[str, XmlRow] = {}
    for row in rows:
        seen.setdefault(row.get(key), row)
    return sorted(seen.values(), key=lambda r: _number(r.get(order)))


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _sections(document: LimeDocument, texts: SurveyTexts) -> tuple[list[Section], dict[str, int]]:
    groups = _unique_by(document.rows("groups"), "gid", "group_order")
    order = {row.get("gid"): position for position, row in enumerate(groups)}
    sections = [Section(f"g{row.get('gid')}", texts.group_names(row.get("gid"))) for row in groups]
    return sections, order


def _questions_in_order(document: LimeDocument, group_order: dict[str, int]) -> list[XmlRow]:
    roots = [r for r in document.rows("questions") if r.get("parent_qid", "0") in ("", "0")]
    unique = _unique_by(roots, "qid", "question_order")
    return sorted(
        unique,
        key=lambda r: (group_order.get(r.get("gid"), 10**6), _number(r.get("question_order"))),
    )


def read_responses(
    document: LimeDocument, slots: dict[str, Slot], survey_id: str
) -> tuple[ImportedResponse, ...]:
    """The responses of an .lsr, answers by question name, in the order of the file."""
    fieldnames = set(document.fieldnames.get("responses", []))
    responses = []
    for position, row in enumerate(document.rows("responses"), start=1):
        values = {}
        for tag, text in row.fields.items():
            name = tag[1:] if tag.startswith("_") and tag[1:] in fieldnames else tag
            values[name] = text
        answers: dict[str, object] = {}
        others: dict[str, str] = {}
        for column, text in values.items():
            slot = slots.get(column)
            if slot is None or text is None or text.strip() == "":
                continue
            _apply(slot, text.strip(), answers, others)
        response_id = values.get("id", "").strip() or str(position)
        responses.append(
            ImportedResponse(
                source_id=f"limesurvey-{survey_id}-{response_id}",
                answers=answers,
                others=others,
                complete=bool(values.get("submitdate", "").strip()),
                language=values.get("startlanguage", ""),
            )
        )
    return tuple(responses)


def _apply(slot: Slot, text: str, answers: dict[str, object], others: dict[str, str]) -> None:
    name = slot.question
    if slot.kind == "value":
        value = slot.recode.get(text, text) if slot.recode else text
        if value == "-oth-":
            value = OTHER
        answers[name] = _date_part(value) if slot.is_date else value
    elif slot.kind == "checked" and text == "Y":
        chosen = answers.setdefault(name, [])
        if isinstance(chosen, list):
            chosen.append(slot.choice)
    elif slot.kind == "other_text":
        others[name] = text
        if slot.adds_other:
            chosen = answers.setdefault(name, [])
            if isinstance(chosen, list) and OTHER not in chosen:
                chosen.append(OTHER)
    elif slot.kind == "item":
        items = answers.setdefault(name, [None] * 10)
        if isinstance(items, list) and slot.position is not None:
            items[slot.position] = slot.recode.get(text, text) if slot.recode else text


def _date_part(value: str) -> str:
    try:
        return dt.datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return value


# ---- relevance ---------------------------------------------------------------------------------

_ATOM = re.compile(
    r"(!?)\s*is_empty\(\s*([\w.]+?)(?:\.NAOK)?\s*\)"
    r"|([\w]+?)(?:\.(?:NAOK|value|code))?\s*(==|!=|<=|>=|<|>|\beq\b|\bne\b|\blt\b|\ble\b|\bgt\b|\bge\b)"
    r"\s*(?:\"([^\"]*)\"|'([^']*)'|(-?\d+(?:\.\d+)?))"
)
_WORDS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_OPS = {
    "==": Operator.EQUALS,
    "!=": Operator.NOT_EQUALS,
    "<": Operator.LESS,
    "<=": Operator.LESS_OR_EQUAL,
    ">": Operator.GREATER,
    ">=": Operator.GREATER_OR_EQUAL,
}


def parse_relevance(
    row: XmlRow,
    document: LimeDocument,
    known: dict[str, tuple[str, str | None]],
    problems: ProblemList,
) -> tuple[tuple[Condition, ...], bool] | None:
    """The question's relevance (or legacy conditions) as Opit skip logic, or None on a problem."""
    expression = row.get("relevance").strip()
    if expression in ("", "1"):
        expression = _legacy_conditions(row.get("qid"), document)
    if not expression:
        return (), False
    text = re.sub(r"\s*&&\s*", " and ", re.sub(r"\s*\|\|\s*", " or ", unwrap(expression)))
    text = re.sub(r"\s+(AND|OR)\s+", lambda m: f" {m.group(1).lower()} ", text)
    parts, joiner = split_top_level(text)
    conditions = []
    for part in parts if joiner else []:
        condition = _condition(unwrap(part), known)
        if isinstance(condition, str):
            problems.add(
                N_("The relevance refers to '{other}', which is not a question asked earlier."),
                element="question",
                line=row.line,
                other=condition,
            )
            return None
        if condition is None:
            break
        conditions.append(condition)
    else:
        if joiner:
            return tuple(conditions), joiner == "or" and len(conditions) > 1
    problems.add(
        N_(
            "Opit understands only simple relevance equations such as {examples}; simplify the "
            "one of '{name}'."
        ),
        element="question",
        line=row.line,
        examples='q == "Y", q > 3, !is_empty(q)',
        name=row.get("title"),
    )
    return None


def _condition(atom: str, known: dict[str, tuple[str, str | None]]) -> Condition | str | None:
    match = _ATOM.fullmatch(atom)
    if not match:
        return None
    if match.group(2) is not None:
        ref = known.get(match.group(2))
        if ref is None:
            return match.group(2)
        op = Operator.NOT_ANSWERED if not match.group(1) else Operator.ANSWERED
        if ref[1] is not None:
            op = Operator.NOT_SELECTED if op is Operator.NOT_ANSWERED else Operator.SELECTED
            return Condition(ref[0], op, ref[1])
        return Condition(ref[0], op)
    ref = known.get(match.group(3))
    if ref is None:
        return match.group(3)
    op = _OPS[_WORDS.get(match.group(4), match.group(4))]
    number = match.group(7)
    text = match.group(5) if match.group(5) is not None else match.group(6)
    if ref[1] is not None:  # a ticked box of a multiple choice: "Y" or ""
        if (op is Operator.EQUALS and text == "Y") or (op is Operator.NOT_EQUALS and text == ""):
            return Condition(ref[0], Operator.SELECTED, ref[1])
        if (op is Operator.NOT_EQUALS and text == "Y") or (op is Operator.EQUALS and text == ""):
            return Condition(ref[0], Operator.NOT_SELECTED, ref[1])
        return None
    if number is not None:
        return Condition(ref[0], op, float(number))
    if text == "":
        if op is Operator.EQUALS:
            return Condition(ref[0], Operator.NOT_ANSWERED)
        return Condition(ref[0], Operator.ANSWERED) if op is Operator.NOT_EQUALS else None
    return Condition(ref[0], op, "other" if text == "-oth-" else text)


def _legacy_conditions(qid: str, document: LimeDocument) -> str:
    """Pre-Expression-Manager conditions as an equation: one scenario → and, several → or."""
    rows = [r for r in document.rows("conditions") if r.get("qid") == qid]
    if not rows:
        return ""
    atoms = [
        f'{r.get("cfieldname").lstrip("+")} {r.get("method") or "=="} "{r.get("value")}"'
        for r in rows
    ]
    scenarios = {r.get("scenario") for r in rows}
    return (" and " if len(scenarios) == 1 else " or ").join(atoms)
