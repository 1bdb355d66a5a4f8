"""What LimeSurvey's question types, texts and relevance mean in Opit's terms.

`convert_question` turns one LimeSurvey question (with its subquestions) into Opit questions and
says, for each response column suffix, where its value goes (a `Slot`). `parse_relevance` turns the
simple Expression Manager comparisons (`q == "Y"`, `271X2X3.NAOK > 4`, `!is_empty(q)`) into
conditions. Problems name the element and line of the LimeSurvey file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from i18n import N_
from surveys.definition import (
    AGREEMENT_5,
    SUS_ITEMS,
    Choice,
    Question,
    QuestionType,
)
from surveys.import_errors import ProblemList
from surveys.limesurvey_xml import LimeDocument, XmlRow

UNSUPPORTED = {
    "1": "array dual scale",
    ":": "array of numbers",
    ";": "array of texts",
    "R": "ranking",
    "|": "file upload",
    "*": "equation",
    "I": "language switch",
    "O": "list with comment",
    "P": "multiple choice with comments",
}
FIXED_CHOICES = {
    "Y": (("Y", {"en": "Yes", "bg": "Да"}), ("N", {"en": "No", "bg": "Не"})),
    "G": (("F", {"en": "Female", "bg": "Жена"}), ("M", {"en": "Male", "bg": "Мъж"})),
    "C": (
        ("Y", {"en": "Yes", "bg": "Да"}),
        ("U", {"en": "Uncertain", "bg": "Не съм сигурен"}),
        ("N", {"en": "No", "bg": "Не"}),
    ),
    "E": (
        ("I", {"en": "Increase", "bg": "Увеличава се"}),
        ("S", {"en": "Same", "bg": "Същото"}),
        ("D", {"en": "Decrease", "bg": "Намалява"}),
    ),
}
SIMPLE = {
    "S": QuestionType.SHORT_TEXT,
    "T": QuestionType.LONG_TEXT,
    "U": QuestionType.LONG_TEXT,
    "N": QuestionType.NUMBER,
    "D": QuestionType.DATE,
    "X": QuestionType.NOTE,
    "5": QuestionType.LIKERT5,
}
ARRAYS = set("ABCEFHKQ")
_REFERENCE = re.compile(r"\{[A-Za-z][^{}]*\}")


@dataclass(frozen=True)
class Slot:
    """Where one response column goes: a question's value, a ticked choice, an 'other' text..."""

    question: str
    kind: str  # "value", "checked", "other_text", "item"
    choice: str | None = None
    recode: dict[str, str] = field(default_factory=dict)
    position: int | None = None
    is_date: bool = False
    adds_other: bool = False


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


def language_codes(languages: list[str]) -> dict[str, str]:
    """LimeSurvey language codes → Opit's: 'de-informal' → 'de', 'bg' → 'bg'."""
    codes: dict[str, str] = {}
    for lang in languages:
        base = lang.split("-")[0].lower()
        codes[lang] = base if base not in codes.values() else lang.lower()
    return codes


@dataclass
class SurveyTexts:
    """The survey's texts by id and language, from the per-language rows or the *_l10ns tables."""

    codes: dict[str, str]
    questions: dict[str, dict[str, str]] = field(default_factory=dict)
    helps: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    answers: dict[str, list[tuple[str, float, dict[str, str]]]] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, document: LimeDocument) -> SurveyTexts:
        settings = document.rows("surveys_languagesettings")
        langs = list(document.languages) or [r.get("surveyls_language") for r in settings]
        texts = cls(language_codes([lang for lang in langs if lang]))
        for row in settings:
            lang = texts.lang(row.get("surveyls_language"))
            if html_to_text(row.get("surveyls_title")):
                texts.title[lang] = html_to_text(row.get("surveyls_title"))
            if html_to_text(row.get("surveyls_description")):
                texts.description[lang] = html_to_text(row.get("surveyls_description"))
        for section in ("questions", "subquestions", "question_l10ns"):
            for row in document.rows(section):
                texts._put(texts.questions, row.get("qid"), row, "question")
                texts._put(texts.helps, row.get("qid"), row, "help")
        for section in ("groups", "group_l10ns"):
            for row in document.rows(section):
                texts._put(texts.groups, row.get("gid"), row, "group_name")
        texts._answers(document)
        for row in document.rows("question_attributes"):
            texts.attributes.setdefault(row.get("qid"), {}).setdefault(
                row.get("attribute"), row.get("value")
            )
        return texts

    def lang(self, code: str) -> str:
        return self.codes.get(code) or code.split("-")[0].lower() or "en"

    def _put(self, table: dict, key: str, row: XmlRow, column: str) -> None:
        text = html_to_text(row.get(column))
        if key and text and row.get("language"):
            table.setdefault(key, {})[self.lang(row.get("language"))] = text

    def _answers(self, document: LimeDocument) -> None:
        l10n: dict[str, dict[str, str]] = {}
        for row in document.rows("answer_l10ns"):
            self._put(l10n, row.get("aid"), row, "answer")
        merged: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}
        for row in document.rows("answers"):
            if row.get("scale_id", "0") not in ("", "0"):
                continue
            key = (row.get("qid"), row.get("code"))
            labels = dict(merged.get(key, (0.0, {}))[1])
            if row.get("answer") and row.get("language"):
                labels[self.lang(row.get("language"))] = html_to_text(row.get("answer"))
            labels.update(l10n.get(row.get("aid"), {}))
            merged[key] = (_float(row.get("sortorder")), labels)
        for (qid, code), (order, labels) in merged.items():
            self.answers.setdefault(qid, []).append((code, order, labels))
        for items in self.answers.values():
            items.sort(key=lambda item: item[1])

    def group_names(self, gid: str) -> dict[str, str]:
        return dict(self.groups.get(gid, {}))


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _fixed(letter: str, langs: list[str]) -> tuple[Choice, ...]:
    return tuple(
        Choice(code, {lang: labels.get(lang, labels["en"]) for lang in langs})
        for code, labels in FIXED_CHOICES[letter]
    )


def convert_question(
    row: XmlRow, subs: list[XmlRow], texts: SurveyTexts, problems: ProblemList
) -> list[tuple[Question, dict[str, Slot]]] | None:
    """Opit questions for one LimeSurvey question, with the response columns of each."""
    letter, qid, title = row.get("type"), row.get("qid"), row.get("title").strip()
    labels = texts.questions.get(qid, {})
    hints = texts.helps.get(qid, {})
    langs = list(texts.codes.values()) or ["en"]
    required = row.get("mandatory") == "Y"
    other = row.get("other") == "Y"
    if letter in UNSUPPORTED or (letter not in SIMPLE and letter not in ARRAYS | set("L!MYG")):
        problems.add(
            N_("Opit cannot ask LimeSurvey questions of type '{type}' ({kind}); '{name}' is one."),
            element="question",
            line=row.line,
            type=letter,
            kind=UNSUPPORTED.get(letter, "unknown"),
            name=title,
        )
        return None
    if letter == "X" and not labels:
        return []  # boilerplate without text shows nothing
    if not labels or any(_REFERENCE.search(t) for t in labels.values()):
        message = (
            N_("The question '{name}' has no text.")
            if not labels
            else N_(
                "The label shows another answer ({reference}); Opit shows labels as written. "
                "Reword it without the reference."
            )
        )
        problems.add(message, element="question", line=row.line, name=title, reference="{…}")
        return None
    if letter in SIMPLE:
        return [
            (
                _simple(letter, title, labels, hints, required, texts.attributes.get(qid, {})),
                {"": Slot(title, "value", is_date=letter == "D")},
            )
        ]
    if letter in ("L", "!", "Y", "G"):
        if letter in ("Y", "G"):
            choices = _fixed(letter, langs)
        else:
            choices = tuple(Choice(c, lab) for c, _, lab in texts.answers.get(qid, []))
        question = Question(
            title,
            QuestionType.SINGLE_CHOICE,
            labels,
            hints,
            required,
            choices=choices,
            allow_other=other and letter in ("L", "!"),
        )
        slots = {"": Slot(title, "value")}
        if question.allow_other:
            slots["other"] = Slot(title, "other_text")
        return [(question, slots)]
    sub_texts = [(s.get("title").strip(), texts.questions.get(s.get("qid"), {})) for s in subs]
    if letter == "M":
        choices = tuple(Choice(code, lab or {langs[0]: code}) for code, lab in sub_texts)
        question = Question(
            title,
            QuestionType.MULTIPLE_CHOICE,
            labels,
            hints,
            required,
            choices=choices,
            allow_other=other,
        )
        slots = {code: Slot(title, "checked", choice=code) for code, _ in sub_texts}
        if other:
            slots["other"] = Slot(title, "other_text", adds_other=True)
        return [(question, slots)]
    return _array(letter, title, labels, hints, required, sub_texts, texts, langs, row)


def _simple(letter, title, labels, hints, required, attributes) -> Question:
    qtype = SIMPLE[letter]
    question = Question(title, qtype, labels, hints, required and letter != "X")
    if qtype is QuestionType.NUMBER:
        low, high = attributes.get("min_num_value_n", ""), attributes.get("max_num_value_n", "")
        return Question(
            title,
            qtype,
            labels,
            hints,
            required,
            minimum=_maybe_float(low),
            maximum=_maybe_float(high),
        )
    if qtype in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        limit = _maybe_float(attributes.get("maximum_chars", ""))
        if limit and limit > 0:
            return Question(title, qtype, labels, hints, required, max_length=int(limit))
    return question


def _maybe_float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def _array(letter, title, labels, hints, required, sub_texts, texts, langs, row):
    answers = texts.answers.get(row.get("qid"), [])
    recode: dict[str, str] = {}
    if letter in "FH" and len(answers) == 5 and _agreement(answers):
        recode = {code: str(position) for position, (code, _, _) in enumerate(answers, start=1)}
    is_five = letter == "A" or bool(recode)
    if (
        is_five
        and len(sub_texts) == 10
        and all(
            {_normal(t) for t in lab.values()} & {_normal(t) for t in SUS_ITEMS[i].values()}
            for i, (_, lab) in enumerate(sub_texts)
        )
    ):
        question = Question(title, QuestionType.SUS, labels, hints, required)
        slots = {
            code: Slot(title, "item", position=i, recode=recode)
            for i, (code, _) in enumerate(sub_texts)
        }
        return [(question, slots)]
    result = []
    for code, sub_labels in sub_texts:
        name = f"{title}_{code}"
        item_labels = sub_labels or labels
        item_hints = labels if sub_labels else hints
        if is_five:
            question = Question(name, QuestionType.LIKERT5, item_labels, item_hints, required)
        elif letter == "B":
            question = Question(
                name, QuestionType.NUMBER, item_labels, item_hints, required, minimum=1, maximum=10
            )
        elif letter == "K":
            question = Question(name, QuestionType.NUMBER, item_labels, item_hints, required)
        elif letter == "Q":
            question = Question(name, QuestionType.SHORT_TEXT, item_labels, item_hints, required)
        else:
            choices = (
                _fixed(letter, langs)
                if letter in "CE"
                else tuple(Choice(c, lab) for c, _, lab in answers)
            )
            question = Question(
                name, QuestionType.SINGLE_CHOICE, item_labels, item_hints, required, choices=choices
            )
        result.append((question, {code: Slot(name, "value", recode=recode)}))
    return result


def _agreement(answers: list[tuple[str, float, dict[str, str]]]) -> bool:
    """Whether five answers are the agreement scale, from disagree to agree, in some language."""
    for anchors in AGREEMENT_5.values():
        wanted = [_normal(a) for a in anchors]
        if all(
            any(_normal(t) == wanted[i] for t in lab.values())
            for i, (_, _, lab) in enumerate(answers)
        ):
            return True
    return False
