"""Transcripts: Teams/Zoom/Meet exports and .docx become pseudonymous, redacted turns; a passage
becomes an observation; malformed files get clear messages and nothing is stored."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile

import pytest
from sqlalchemy import func, select

from i18n import UserError
from prototypes.repository import iterations, prototypes, tasks
from research.repository import TaskResultInput, add_participant, log_session
from research.repository_sessions import session_detail
from research.repository_transcripts import (
    import_transcript,
    observation_from_passage,
    passage_of,
    transcript_turns,
    transcripts_of_session,
)
from research.transcript_import import findings_by_turn, stored_turns
from research.transcripts import read_transcript
from storage.schema import TranscriptTurn

TEAMS_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Иванова, Мария (СО)>Добър ден, благодаря, че дойдохте.</v>

00:00:05.000 --> 00:00:09.500
<v Петър Петров>Здравейте. Звъннете ми на 0888 123 456, ако трябва.</v>

00:00:10.000 --> 00:00:14.000
<v Петър Петров>Не намерих къде се подписва с КЕП.</v>

00:00:15.000 --> 00:00:18.000
<v Иванова, Мария (СО)>Какво очаквахте да видите?</v>
"""

ZOOM_SRT = """1
00:00:01,000 --> 00:00:03,000
Maria Ivanova: Hello and welcome.

2
00:00:04,000 --> 00:00:07,000
Petar: My card is 4111 1111 1111 1111, is that needed?
"""


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


@pytest.fixture
def logged(demo_database):
    with demo_database.write() as session:
        it = iterations(session, prototypes(session)[0].id)[-1]
        task = tasks(session, it.id)[0]
        person = add_participant(session, "citizen", consent_on=dt.date(2026, 11, 23))
        session_id = log_session(session, it.id, person.id, [TaskResultInput(task.id, "fail")])
    return demo_database, session_id, person.code


def test_teams_export_is_stored_with_pseudonyms_and_redacted(logged):
    db, session_id, code = logged
    transcript = read_transcript(TEAMS_VTT.encode(), "Teams meeting.vtt")
    assert transcript.speakers == ("Иванова, Мария (СО)", "Петър Петров")
    found = findings_by_turn(transcript)
    assert [(f.position, [x.kind.value for x in f.redaction.findings]) for f in found] == [
        (1, ["phone"])
    ]
    pseudonyms = {"Иванова, Мария (СО)": "Интервюиращ", "Петър Петров": code}
    with db.write() as session:
        transcript_id = import_transcript(
            session, session_id, transcript, pseudonyms, title="Интервю 0888 123 456"
        )
    with db.read() as session:
        turns = transcript_turns(session, transcript_id)
        (info,) = transcripts_of_session(session, session_id)
        every_text = " ".join(session.scalars(select(TranscriptTurn.text)))
        every_speaker = set(session.scalars(select(TranscriptTurn.speaker)))
    assert info.turns == 3 and info.format == "vtt"
    assert info.title == "Интервю [ТЕЛЕФОН]"
    assert [t.speaker for t in turns] == ["Интервюиращ", code, "Интервюиращ"]
    assert "[ТЕЛЕФОН]" in turns[1].text and "0888" not in every_text
    assert not {"Петър Петров", "Иванова, Мария (СО)"} & every_speaker
    assert turns[1].start == 5.0 and turns[1].end == 14.0


def test_a_false_positive_can_be_kept_at_import():
    transcript = read_transcript(ZOOM_SRT.encode(), "zoom.srt")
    turns = stored_turns(transcript, {"Maria Ivanova": "R", "Petar": "P"}, keep={1: [0]})
    assert "4111 1111 1111 1111" in turns[1].text
    assert "[КАРТА]" in stored_turns(transcript, {})[1].text


def test_a_passage_becomes_an_observation_of_the_session(logged):
    db, session_id, code = logged
    transcript = read_transcript(TEAMS_VTT.encode(), "teams.vtt")
    with db.write() as session:
        transcript_id = import_transcript(session, session_id, transcript, {"Петър Петров": code})
        version = session_detail(session, session_id).version
        text = passage_of(session, transcript_id, 1, 2)
        observation_id = observation_from_passage(
            session,
            transcript_id,
            1,
            2,
            kind="pain_point",
            severity=3,
            text=text + " Пишете на petar@example.com",
            tags=("Подпис/КЕП",),
        )
    with db.read() as session:
        detail = session_detail(session, session_id)
    (observation,) = [o for o in detail.observations if o.id == observation_id]
    assert observation.text.startswith(f"{code}: Здравейте. Звъннете ми на [ТЕЛЕФОН]")
    assert observation.text.endswith("[ИМЕЙЛ]")
    assert (observation.transcript_id, observation.first_turn, observation.last_turn) == (
        transcript_id,
        1,
        2,
    )
    assert observation.tags == ("Подпис/КЕП",)
    assert detail.version == version + 1
    with pytest.raises(UserError), db.write() as session:
        passage_of(session, transcript_id, 2, 1)


def test_word_documents_are_read():
    data = _docx(["Интервюиращ: Как мина?", "P-003: Трудно, ЕГН-то ми 7501020018 не мина."])
    transcript = read_transcript(data, "интервю.docx")
    turns = stored_turns(transcript, {"P-003": "P-003", "Интервюиращ": "Интервюиращ"})
    assert [t.speaker for t in turns] == ["Интервюиращ", "P-003"]
    assert "[ЕГН]" in turns[1].text


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.vtt"),
        (b"   \n\n", "blank.txt"),
        (b"WEBVTT\n\n00:00:99.000 --> 00:00:01.000\n<v A>text</v>\n", "bad-times.vtt"),
        (b"1\n00:00:01,000 --> banana\nPetar: hi\n", "bad.srt"),
        ("Иван: здравей".encode("utf-32"), "strange-encoding.txt"),
        (b"PK\x03\x04not really", "broken.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old.doc"),
        (b"x" * (2 * 1024 * 1024 + 1), "huge.txt"),
    ],
)
def test_malformed_transcripts_get_a_clear_message_and_nothing_is_stored(logged, data, name):
    db, _session_id, _code = logged
    with pytest.raises(UserError) as caught:
        read_transcript(data, name, max_bytes=2 * 1024 * 1024)
    message = caught.value.render("bg")
    assert message and "Traceback" not in message
    with db.read() as session:
        assert session.scalar(select(func.count(TranscriptTurn.id))) == 0


def test_a_50_mb_file_is_refused_before_it_is_read():
    with pytest.raises(UserError) as caught:
        read_transcript(b"x" * (50 * 1024 * 1024), "teams.vtt", max_bytes=20 * 1024 * 1024)
    assert "50" in caught.value.render("en") and "20" in caught.value.render("en")


def _opit(*args: str, stdin: bytes = b"", env_db: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "", "OPIT_LANGUAGE": "en", "OPIT_MAX_UPLOAD_MB": "1"}
    if env_db:
        env["OPIT_DATABASE_URL"] = env_db
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env=env,
    )


def test_opit_redact_reads_stdin_and_writes_stdout():
    text = "Обадете се на 0888 123 456 или пишете на ivan@abv.bg.\nЕГН 7501020018\n"
    done = _opit("redact", "--report", stdin=text.encode())
    assert done.returncode == 0
    assert done.stdout.decode() == ("Обадете се на [ТЕЛЕФОН] или пишете на [ИМЕЙЛ].\nЕГН [ЕГН]\n")
    assert "egn: 1" in done.stderr.decode() and "0888" not in done.stderr.decode()
    bad = _opit("redact", stdin=b"\xff\xfe\xfa")
    assert bad.returncode == 2 and "UTF-8" in bad.stderr.decode()


def test_opit_transcript_check_names_the_problem(tmp_path):
    good = tmp_path / "teams.vtt"
    good.write_text(TEAMS_VTT, encoding="utf-8")
    done = _opit("transcript", "check", str(good))
    assert done.returncode == 0, done.stderr
    assert "3 turns" in done.stdout.decode() and "1 personal-data" in done.stdout.decode()
    big = tmp_path / "big.txt"
    big.write_bytes(b"a: b\n" * 300_000)
    done = _opit("transcript", "check", str(big))
    assert done.returncode == 2 and "limit" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
