"""Valid seed files of every kind Opit imports, for benchmarks/fuzz_importers.py to mutate.

XLSForm (the demo questionnaire and a form of every question type), LimeSurvey .lss and .lsa with
responses, CSV and XLSX response exports, WebVTT, SRT, plain-text and Word transcripts, a REFI-QDA
codebook, the demo's journey JSON with a screenshot, a logical and a SQLite backup, plus the public
samples in ../shared/data when present; all in a `Workspace` folder.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


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
