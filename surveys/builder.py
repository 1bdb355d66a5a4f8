"""Edit a questionnaire as plain data: add, change, move and remove questions; slugs; text syntaxes.

Each builder click is one of these functions: it returns a new, checked `QuestionnaireDefinition`.

Editing a questionnaire that already has responses: changes that would orphan or reinterpret
stored answers are refused with an explanation (`destructive_changes`), and the researcher is
offered a copy as a new version instead. Wording, hints, required, order, skip logic, sections,
new questions and new choices stay editable, because stored answers keep their meaning.

Two small text syntaxes keep the editor compact:
- choices, one a line: `value | label in the first language | label in the second …`
- skip logic, one condition a line: `question operator value`, with the operators
  =, !=, >, >=, <, <=, selected, not_selected, answered, not_answered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace

from i18n import N_, UserError
from surveys.definition import (
    CHOICE_TYPES,
    NAME_PATTERN,
    Choice,
    Condition,
    Operator,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    Section,
    check_definition,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_CHOICES = 100
MAX_CONDITIONS = 10
#: Bulgarian letters in Latin (the official Streamlined System), for slugs.
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_WEEK_SUFFIX = re.compile(r"-\d{4}-w\d{2}$")

#: Labels a new question of these types starts with; the researcher can reword them.
DEFAULT_LABELS: dict[QuestionType, dict[str, str]] = {
    QuestionType.SUS: {
        "bg": "Доколко сте съгласни със следните твърдения за услугата?",
        "en": "How much do you agree with these statements about the service?",
    },
    QuestionType.SEQ: {
        "bg": "Като цяло, колко лесно или трудно беше да изпълните задачата?",
        "en": "Overall, how difficult or easy was the task to complete?",
    },
    QuestionType.NPS: {
        "bg": "Колко вероятно е да препоръчате услугата на приятел или колега?",
        "en": "How likely are you to recommend the service to a friend or colleague?",
    },
}


# ---- slugs and names -----------------------------------------------------------------------


def slugify(text: str, fallback: str = "questionnaire") -> str:
    """A URL-safe slug: Bulgarian transliterated, lower case, words joined by '-'."""
    folded = "".join(_TRANSLIT.get(ch, ch) for ch in text.casefold())
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].rstrip("-")
    return slug or fallback


def check_slug(slug: str) -> None:
    if not SLUG_PATTERN.match(slug or ""):
        raise UserError(
            N_(
                "The short name '{slug}' may use only lower-case Latin letters, digits and '-' "
                "(at most 80 characters), for example address-change-2026-w12."
            ),
            slug=(slug or "")[:80],
        )


def week_slug(slug: str, week_label: str) -> str:
    """The slug of a copy for another week: `address-change-2026-w11` → `…-2026-w12`."""
    week = slugify(week_label, "")
    base = _WEEK_SUFFIX.sub("", slug)
    return f"{base}-{week}"[:80] if week else base


def free_name(definition: QuestionnaireDefinition, base: str) -> str:
    """`base`, or `base_2`, `base_3`… whichever no question of the definition uses yet."""
    names = {q.name for q in definition.questions}
    stem = re.sub(r"[^A-Za-z0-9_]", "_", base)[:60] or "q"
    if not stem[0].isalpha():
        stem = "q_" + stem
    if stem not in names:
        return stem
    number = 2
    while f"{stem}_{number}" in names:
        number += 1
    return f"{stem}_{number}"


# ---- whole questionnaires ----------------------------------------------------------------


def starter_definition(title: Mapping[str, str], standard: bool) -> QuestionnaireDefinition:
    """A new questionnaire: empty, or the team's standard set (SUS, SEQ, two open questions)."""
    questions: tuple[Question, ...] = ()
    if standard:
        open_hint = {
            "bg": "Не пишете лични данни (ЕГН, телефон, адрес).",
            "en": "Please leave out personal data (ID number, phone, address).",
        }
        questions = (
            Question("sus", QuestionType.SUS, DEFAULT_LABELS[QuestionType.SUS], required=True),
            Question(
                "seq_overall", QuestionType.SEQ, DEFAULT_LABELS[QuestionType.SEQ], required=True
            ),
            Question(
                "liked",
                QuestionType.LONG_TEXT,
                {"bg": "Какво ви хареса?", "en": "What did you like?"},
                hints=open_hint,
            ),
            Question(
                "improve",
                QuestionType.LONG_TEXT,
                {"bg": "Какво бихте променили?", "en": "What would you change?"},
                hints=open_hint,
            ),
        )
    return _checked(QuestionnaireDefinition(title=labels_from(title), questions=questions))


def format_sections(sections: tuple[Section, ...], languages: tuple[str, ...]) -> str:
    return "\n".join(
        " | ".join([s.key, *(s.labels.get(lang, "") for lang in languages)]) for s in sections
    )


def parse_sections(text: str, languages: tuple[str, ...]) -> tuple[Section, ...]:
    """Sections from lines `key | title | title…`, in the syntax of choices."""
    return tuple(Section(c.value, c.labels) for c in parse_choices(text, languages))


def parse_languages(text: str) -> tuple[str, ...]:
    """Language codes from `bg, en`; the first is the questionnaire's default."""
    codes = tuple(dict.fromkeys(c.strip().lower() for c in re.split(r"[,;\s]+", text) if c.strip()))
    if not codes or any(not re.fullmatch(r"[a-z]{2,3}", c) for c in codes):
        raise UserError(
            N_("Write the languages as two-letter codes separated by commas, for example: bg, en.")
        )
    return codes


# ---- questions -------------------------------------------------------------------------------


def new_question(definition: QuestionnaireDefinition, kind: QuestionType) -> Question:
    """A question of `kind` with a free name and starting labels, ready to be edited."""
    name = free_name(definition, kind.value if kind in DEFAULT_LABELS else "q")
    if name == "q":
        name = free_name(definition, f"q{len(definition.questions) + 1}")
    labels = dict(DEFAULT_LABELS.get(kind, {}))
    if not labels:
        labels = {lang: "" for lang in definition.languages}
        labels[definition.languages[0] if definition.languages else "bg"] = "?"
    choices: tuple[Choice, ...] = ()
    if kind in CHOICE_TYPES:
        choices = (
            Choice("yes", {"bg": "Да", "en": "Yes"}),
            Choice("no", {"bg": "Не", "en": "No"}),
        )
    return Question(name, kind, labels, choices=choices)


def _checked(definition: QuestionnaireDefinition) -> QuestionnaireDefinition:
    check_definition(definition)
    return definition


def add_question(
    definition: QuestionnaireDefinition, question: Question, after: str | None = None
) -> QuestionnaireDefinition:
    """The definition with `question` after the question named `after` (at the end when None)."""
    questions = list(definition.questions)
    position = len(questions)
    if after is not None:
        position = _index(definition, after) + 1
    questions.insert(position, question)
    return _checked(replace(definition, questions=tuple(questions)))


def replace_question(
    definition: QuestionnaireDefinition, name: str, question: Question
) -> QuestionnaireDefinition:
    questions = list(definition.questions)
    questions[_index(definition, name)] = question
    if question.name != name:
        questions = [_renamed_in_logic(q, name, question.name) for q in questions]
    return _checked(replace(definition, questions=tuple(questions)))


def remove_question(definition: QuestionnaireDefinition, name: str) -> QuestionnaireDefinition:
    users = [q.name for q in definition.questions if any(c.question == name for c in q.show_when)]
    if users:
        raise UserError(
            N_(
                "'{name}' cannot be removed: the skip logic of '{other}' depends on it. Change "
                "that first."
            ),
            name=name,
            other=users[0],
        )
    questions = tuple(q for q in definition.questions if q.name != name)
    return _checked(replace(definition, questions=questions))


def move_question(
    definition: QuestionnaireDefinition, name: str, offset: int
) -> QuestionnaireDefinition:
    """Move a question up (offset < 0) or down; the skip logic must still point backwards."""
    questions = list(definition.questions)
    index = _index(definition, name)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    return _checked(replace(definition, questions=tuple(questions)))


def _index(definition: QuestionnaireDefinition, name: str) -> int:
    for index, question in enumerate(definition.questions):
        if question.name == name:
            return index
    raise KeyError(name)


def _renamed_in_logic(question: Question, old: str, new: str) -> Question:
    if not any(c.question == old for c in question.show_when):
        return question
    conditions = tuple(
        replace(c, question=new) if c.question == old else c for c in question.show_when
    )
    return replace(question, show_when=conditions)


# ---- changes a questionnaire with responses cannot take ------------------------------------


def destructive_changes(
    old: QuestionnaireDefinition, new: QuestionnaireDefinition
) -> list[UserError]:
    """What in `new` would orphan or reinterpret answers already stored under `old`."""
    problems: list[UserError] = []
    now = {q.name: q for q in new.questions}
    for before in old.questions:
        after = now.get(before.name)
        if after is None:
            problems.append(
                UserError(
                    N_("'{name}' has answers already, so it cannot be removed."), name=before.name
                )
            )
            continue
        if after.type is not before.type:
            problems.append(
                UserError(
                    N_("'{name}' has answers already, so its type cannot change."),
                    name=before.name,
                )
            )
            continue
        kept = {c.value for c in after.choices}
        for choice in before.choices:
            if choice.value not in kept:
                problems.append(
                    UserError(
                        N_(
                            "The choice '{value}' of '{name}' may have been chosen already, so it "
                            "cannot be removed or renamed (its label can change)."
                        ),
                        name=before.name,
                        value=choice.value,
                    )
                )
        if before.allow_other and not after.allow_other:
            problems.append(
                UserError(
                    N_("'{name}' has answers already, so its 'other' option must stay."),
                    name=before.name,
                )
            )
    return problems


# ---- text syntaxes ---------------------------------------------------------------------------


def format_choices(choices: tuple[Choice, ...], languages: tuple[str, ...]) -> str:
    return "\n".join(
        " | ".join([c.value, *(c.labels.get(lang, "") for lang in languages)]) for c in choices
    )


def parse_choices(text: str, languages: tuple[str, ...]) -> tuple[Choice, ...]:
    """Choices from lines `value | label | label…` (labels in the order of `languages`)."""
    choices: list[Choice] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        value = parts[0]
        if not NAME_PATTERN.match(value):
            raise UserError(
                N_(
                    "Choice line {line}: the value '{value}' must start with a letter and use "
                    "only letters, digits, '_', '-' or '.'."
                ),
                line=number,
                value=value[:64],
            )
        labels = {lang: text for lang, text in zip(languages, parts[1:], strict=False) if text}
        choices.append(Choice(value, labels or {languages[0] if languages else "bg": value}))
    if len(choices) > MAX_CHOICES:
        raise UserError(N_("A question can have at most {limit} choices."), limit=MAX_CHOICES)
    return tuple(choices)


_OPERATOR_WORDS = sorted((op.value for op in Operator), key=len, reverse=True)


def format_conditions(conditions: tuple[Condition, ...]) -> str:
    lines = []
    for c in conditions:
        value = "" if c.value is None else f" {_format_value(c.value)}"
        lines.append(f"{c.question} {c.operator.value}{value}")
    return "\n".join(lines)


def _format_value(value: str | float) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def parse_conditions(text: str) -> tuple[Condition, ...]:
    """Conditions from lines `question operator value` (value absent for answered/not_answered)."""
    conditions: list[Condition] = []
    pattern = re.compile(
        r"^\s*(?P<q>[A-Za-z_][A-Za-z0-9_.-]*)\s*(?P<op>"
        + "|".join(re.escape(op) for op in _OPERATOR_WORDS)
        + r")(?:\s+|(?<=[=<>])\s*)(?P<value>.*?)\s*$"
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = pattern.match(line + " ")
        if not found:
            raise UserError(
                N_(
                    "Skip logic line {line} is not of the form 'question operator value', for "
                    "example: visited = yes, age >= 18, services selected tax, comment answered."
                ),
                line=number,
            )
        operator = Operator(found["op"])
        raw = found["value"].strip().strip("'\"")
        needs_value = operator not in (Operator.ANSWERED, Operator.NOT_ANSWERED)
        if needs_value != bool(raw):
            raise UserError(
                N_("Skip logic line {line}: '{operator}' needs a value after it.")
                if needs_value
                else N_("Skip logic line {line}: '{operator}' takes no value."),
                line=number,
                operator=operator.value,
            )
        value: str | float | None = raw or None
        if raw and operator not in (Operator.SELECTED, Operator.NOT_SELECTED):
            value = _parse_value(raw)
        conditions.append(Condition(found["q"], operator, value))
    if len(conditions) > MAX_CONDITIONS:
        raise UserError(N_("At most {limit} skip-logic conditions."), limit=MAX_CONDITIONS)
    return tuple(conditions)


def _parse_value(raw: str) -> str | float:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return raw


def labels_from(values: Mapping[str, str]) -> dict[str, str]:
    """Labels typed in the editor, without the empty ones and with whitespace trimmed."""
    return {lang: text.strip() for lang, text in values.items() if text and text.strip()}
