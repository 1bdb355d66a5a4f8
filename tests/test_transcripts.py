"""research.transcripts: formats written inline; every bad input a UserError naming the problem."""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n import UserError
from research import transcript_formats
from research.transcript_formats import TranscriptProblems, decode_text, docx_paragraphs
from research.transcripts import Transcript, Turn, passage, read_transcript

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------- fixtures

TEAMS_VTT = """WEBVTT

NOTE Microsoft Teams transcript, P-003, промяна на адресна регистрация

3f1c9a2e-7b4d-4c1e-9a55-0c3e8f1d2b6a/11-0
00:00:01.120 --> 00:00:04.560
<v Интервюиращ>Здравейте! Разкажете ми как сменихте постоянния си адрес.</v>

3f1c9a2e-7b4d-4c1e-9a55-0c3e8f1d2b6a/12-0
00:00:05.000 --> 00:00:09.800 align:start position:10%
<v P-003>Опитах онлайн, през сайта на Столична община.</v>

3f1c9a2e-7b4d-4c1e-9a55-0c3e8f1d2b6a/12-1
00:00:09.800 --> 00:00:14.250
<v P-003>Но входът с КЕП не проработи &amp; накрая отидох на гише.</v>

3f1c9a2e-7b4d-4c1e-9a55-0c3e8f1d2b6a/13-0
00:00:15.000 --> 00:00:18.000
<v Интервюиращ>Какво точно се случи с <c.yellow>КЕП</c>-а?</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:02.340 --> 00:00:06.120
Интервюиращ: Благодаря, че се включихте. Как подадохте заявлението?

2
00:00:06.500 --> 00:00:11.000
P-003: Започнах от портала за електронни услуги.

3
00:00:11.000 --> 00:00:15.400
P-003: Трябваше да кача документ за собственост,
а нямах скенер вкъщи.
"""

MEET_VTT = """WEBVTT - Google Meet
Kind: captions
Language: bg

01:02.000 --> 01:05.500
Интервюиращ: Колко време ви отне?

01:06.000 --> 01:09.000
P-003: Около две седмици.
"""

SRT = """1
00:00:01,000 --> 00:00:03,500
Интервюиращ: Ползвахте ли електронен подпис?

2
00:00:04,000 --> 00:00:07,250
P-003: Не, нямам. Затова отидох в районната администрация.

3
00:00:07,250 --> 00:00:09,000
P-003: <i>Опашката беше дълга.</i>
"""

PLAIN = """Интервю с P-003 — промяна на адресна регистрация
Седмица 12

[00:00:05] Интервюиращ: Как разбрахте, че трябва да смените адреса си?
P-003: От личната карта — изтичаше.
Потърсих в интернет „смяна на адрес София“.

Интервюиращ (00:01:10): А после?
P-003:
Намерих страницата на общината, но не беше ясно какви документи трябват.
"""


def docx(*paragraphs: str, document: str | None = None) -> bytes:
    """A minimal Word document; "\\n" in a paragraph is a line break, "\\t" a tab."""
    body = "".join(
        "<w:p><w:r>"
        + "".join(
            {"\n": "<w:br/>", "\t": "<w:tab/>"}.get(
                part, f'<w:t xml:space="preserve">{escape(part)}</w:t>'
            )
            for part in re.split(r"(\n|\t)", paragraph)
            if part
        )
        + "</w:r></w:p>"
        for paragraph in paragraphs
    )
    if document is None:
        document = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}<w:sectPr/></w:body></w:document>"
        )
    return zipped({"word/document.xml": document})


def zipped(files: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def user_error(data: bytes, filename: str, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        read_transcript(data, filename, **kwargs)
    return caught.value


def speakers_and_texts(transcript: Transcript) -> list[tuple[str | None, str]]:
    return [(turn.speaker, turn.text) for turn in transcript.turns]


# --------------------------------------------------------------------------------------- WebVTT


def test_teams_vtt_voice_tags_merge_consecutive_cues_of_one_speaker():
    transcript = read_transcript(TEAMS_VTT.encode(), "Интервю P-003.vtt")
    assert transcript.format == "vtt"
    assert transcript.speakers == ("Интервюиращ", "P-003")
    assert transcript.turns[1] == Turn(
        1,
        "P-003",
        5.0,
        14.25,
        "Опитах онлайн, през сайта на Столична община. Но входът с КЕП не проработи & накрая "
        "отидох на гише.",
    )
    assert transcript.turns[2].text == "Какво точно се случи с КЕП-а?"
    assert [t.index for t in transcript.turns] == [0, 1, 2]


def test_zoom_vtt_speaker_in_cue_text_and_wrapped_lines():
    transcript = read_transcript(ZOOM_VTT.encode(), "zoom.vtt")
    assert speakers_and_texts(transcript) == [
        ("Интервюиращ", "Благодаря, че се включихте. Как подадохте заявлението?"),
        (
            "P-003",
            "Започнах от портала за електронни услуги. Трябваше да кача документ за "
            "собственост, а нямах скенер вкъщи.",
        ),
    ]
    assert (transcript.turns[1].start, transcript.turns[1].end) == (6.5, 15.4)


def test_meet_vtt_header_lines_and_times_without_hours():
    transcript = read_transcript(MEET_VTT.encode(), "meet.vtt")
    assert transcript.turns[0].start == 62.0
    assert transcript.turns[1] == Turn(1, "P-003", 66.0, 69.0, "Около две седмици.")


def test_vtt_several_voices_in_one_cue_and_cues_without_speaker():
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Мария>Да.</v> <v.loud Иван>Не!</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\nшум\n\n00:00:04.000 --> 00:00:05.000\nшум\n"
    )
    transcript = read_transcript(text.encode(), "a.vtt")
    assert speakers_and_texts(transcript) == [
        ("Мария", "Да."),
        ("Иван", "Не!"),
        (None, "шум"),
        (None, "шум"),
    ]


def test_vtt_text_that_only_looks_like_a_speaker_stays_text():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nПроблемът беше следният: нямах КЕП.\n"
    assert read_transcript(text.encode(), "a.vtt").turns[0].speaker is None


# ------------------------------------------------------------------------------------------ SRT


def test_srt_in_windows_1251():
    transcript = read_transcript(SRT.encode("cp1251"), "interview.srt")
    assert transcript.format == "srt"
    assert transcript.encoding == "windows-1251"
    assert speakers_and_texts(transcript) == [
        ("Интервюиращ", "Ползвахте ли електронен подпис?"),
        ("P-003", "Не, нямам. Затова отидох в районната администрация. Опашката беше дълга."),
    ]
    assert (transcript.turns[1].start, transcript.turns[1].end) == (4.0, 9.0)


def test_srt_content_in_a_txt_file_is_read_as_srt():
    assert read_transcript(SRT.encode(), "notes.txt").format == "srt"


# ----------------------------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    "encoded",
    [
        PLAIN.encode(),
        codecs.BOM_UTF8 + PLAIN.encode(),
        PLAIN.encode("utf-16"),
        PLAIN.encode("utf-16-le"),
        PLAIN.replace("\n", "\r\n").encode("cp1251", errors="replace"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le-no-bom", "cp1251-crlf"],
)
def test_plain_text_turns_in_every_encoding(encoded):
    transcript = read_transcript(encoded, "P-003.txt")
    texts = speakers_and_texts(transcript)
    assert texts[0] == (None, "Интервю с P-003 — промяна на адресна регистрация\nСедмица 12")
    assert texts[1] == ("Интервюиращ", "Как разбрахте, че трябва да смените адреса си?")
    assert texts[2] == (
        "P-003",
        "От личната карта — изтичаше.\nПотърсих в интернет „смяна на адрес София“.",
    )
    assert transcript.turns[1].start == 5.0
    assert transcript.turns[3] == Turn(3, "Интервюиращ", 70.0, None, "А после?")
    assert texts[4] == (
        "P-003",
        "Намерих страницата на общината, но не беше ясно какви документи трябват.",
    )


def test_plain_text_encodings_are_reported():
    assert decode_text(PLAIN.encode())[1] == "utf-8"
    assert decode_text(codecs.BOM_UTF8 + PLAIN.encode())[1] == "utf-8"
    assert decode_text(PLAIN.encode("utf-16"))[1] == "utf-16"
    assert decode_text(PLAIN.encode("utf-16-be"))[1] == "utf-16-be"
    assert decode_text(PLAIN.encode("cp1251", errors="replace"))[1] == "windows-1251"


def test_plain_text_otter_layout_and_sentences_with_colons():
    text = (
        "Интервюиращ  0:03\nЗдравейте.\n\nP-003  1:02:07\nДобър ден.\nКажете.\n\n"
        "Срещата започна в 10:30\nВажното е следното: нямах КЕП.\n"
    )
    transcript = read_transcript(text.encode(), "otter.txt")
    assert [(t.speaker, t.start, t.text) for t in transcript.turns] == [
        ("Интервюиращ", 3.0, "Здравейте."),
        ("P-003", 3727.0, "Добър ден.\nКажете."),
        (None, None, "Срещата започна в 10:30\nВажното е следното: нямах КЕП."),
    ]


def test_url_is_not_a_speaker():
    transcript = read_transcript(b"https://sofia.bg/address: link", "a.txt")
    assert transcript.turns[0].speaker is None


# ----------------------------------------------------------------------------------------- docx


def test_docx_with_name_colon_paragraphs():
    data = docx(
        "Интервю P-003",
        "Интервюиращ: Как сменихте адреса?",
        "P-003: Онлайн, с КЕП.",
        "Отне ми около час.",
    )
    transcript = read_transcript(data, "P-003.docx")
    assert transcript.format == "docx"
    assert transcript.encoding is None
    assert speakers_and_texts(transcript) == [
        (None, "Интервю P-003"),
        ("Интервюиращ", "Как сменихте адреса?"),
        ("P-003", "Онлайн, с КЕП.\nОтне ми около час."),
    ]


def test_docx_teams_layout_speaker_and_time_line_before_the_text():
    data = docx(
        "Промяна на адресна регистрация – интервю",
        "Интервюиращ\t0:03",
        "Здравейте, виждате ли екрана ми?",
        "P-003   0:09",
        "Да, виждам го.",
        "Интервюиращ   1:02:03\nНатиснете „Подай заявление“.",
    )
    transcript = read_transcript(data, "Meeting Transcript.docx")
    assert [(t.speaker, t.start, t.text) for t in transcript.turns] == [
        (None, None, "Промяна на адресна регистрация – интервю"),
        ("Интервюиращ", 3.0, "Здравейте, виждате ли екрана ми?"),
        ("P-003", 9.0, "Да, виждам го."),
        ("Интервюиращ", 3723.0, "Натиснете „Подай заявление“."),
    ]


def test_docx_tables_are_read_in_order():
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<w:document xmlns:w="{namespace}"><w:body>'
        "<w:p><w:r><w:t>Интервюиращ: Първо.</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>P-003: Второ.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "</w:body></w:document>"
    )
    transcript = read_transcript(docx(document=document), "t.docx")
    assert speakers_and_texts(transcript) == [("Интервюиращ", "Първо."), ("P-003", "Второ.")]


# ------------------------------------------------------------------------------------- passages


def test_passage_joins_turns_with_speakers():
    transcript = read_transcript(TEAMS_VTT.encode(), "t.vtt")
    assert passage(transcript, 0, 1) == (
        "Интервюиращ: Здравейте! Разкажете ми как сменихте постоянния си адрес.\n"
        "P-003: Опитах онлайн, през сайта на Столична община. Но входът с КЕП не проработи & "
        "накрая отидох на гише."
    )
    assert passage(transcript, 2, 2) == "Интервюиращ: Какво точно се случи с КЕП-а?"
    plain = read_transcript(PLAIN.encode(), "p.txt")
    assert passage(plain, 0, 0).startswith("Интервю с P-003")


def test_passage_refuses_programming_mistakes():
    transcript = read_transcript(TEAMS_VTT.encode(), "t.vtt")
    with pytest.raises(ValueError):
        passage(transcript, 2, 1)
    with pytest.raises(ValueError):
        passage(transcript, 0, 3)
    with pytest.raises(TypeError):
        passage(transcript, "0", 1)
    with pytest.raises(TypeError):
        read_transcript("WEBVTT", "t.vtt")


# ---------------------------------------------------------------------------------- bad input


def test_bad_vtt_timestamp_names_cue_and_line():
    text = TEAMS_VTT.replace("00:00:05.000 --> 00:00:09.800", "00:61:05.000 --> 00:00:09.800")
    error = user_error(text.encode(), "t.vtt")
    assert "Cue 2 (line 10)" in str(error)
    assert "00:61:05.000" in str(error)
    assert error.params["cue"] == 2


def test_cue_that_ends_before_it_starts():
    text = "WEBVTT\n\n00:00:09.000 --> 00:00:05.000\n<v P-003>Здравейте</v>\n"
    error = user_error(text.encode(), "t.vtt")
    assert str(error).startswith("Cue 1 (line 3): the cue ends before it starts")


def test_all_bad_cues_are_reported_together_and_translated():
    text = (
        "WEBVTT\n\n00:00:0x.000 --> 00:00:05.000\nЕдно\n\n"
        "00:00:09.000 --> 00:00:05.000\nДве\n\n00:00:10.000 --> 00:00:11.000\nТри\n"
    )
    error = user_error(text.encode(), "t.vtt")
    assert isinstance(error, TranscriptProblems)
    assert [p.params["cue"] for p in error.problems] == [1, 2]
    english = str(error)
    assert english.startswith("Problems found in the file: 2.")
    assert "Cue 1 (line 3): the time range is not valid" in english
    bulgarian = error.render("bg")
    assert bulgarian != english and "2" in bulgarian
    for word in ("Едно", "Две", "Три"):  # the transcript's text never reaches a message
        assert word not in english and word not in bulgarian


def test_missing_webvtt_header():
    error = user_error(b"00:00:01.000 --> 00:00:02.000\nText\n", "t.vtt")
    assert "starts with the word WEBVTT" in str(error)


def test_srt_number_without_times():
    error = user_error("1\nЗдравейте\n\n".encode(), "t.srt")
    assert "Cue 1 (line 1): the cue number is not followed by a time range" in str(error)


def test_bad_time_in_plain_text_names_the_line():
    error = user_error("Интервюиращ: Здравейте\n[00:75:10] P-003: Добър ден\n".encode(), "a.txt")
    assert str(error).startswith("Line 2: “00:75:10” is not a valid time")


def test_bad_time_in_docx_names_the_paragraph():
    error = user_error(docx("Въведение", "P-003   0:99", "Добър ден"), "a.docx")
    assert str(error).startswith("Paragraph 2: “0:99” is not a valid time")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "a.txt", "The file is empty"),
        (b"  \r\n\n\t", "a.vtt", "The file is empty"),
        (b"WEBVTT\n\nNOTE only a note\n", "a.vtt", "contains no transcript text"),
        (codecs.BOM_UTF8, "a.txt", "contains no transcript text"),
        (b"hello", "transcript.pdf", "Files ending in .pdf cannot be imported"),
        (b"hello", "transcript", "has no extension"),
        (b"hello", "transcript.doc", "Old Word documents (.doc)"),
        (b"\x00\x01\x02\x03binary\x00\x00", "a.txt", "does not contain text"),
        (b"P-003: \x8a\x8c\x8d\x8e\x8f\x9a\x9c\x9d", "a.txt", "cannot tell how the text"),
        (b"PK\x03\x04rest of a zip", "a.vtt", "name ends in .vtt, but it is a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.txt", "but it is an Office document"),
    ],
)
def test_bad_files_give_a_message_that_names_the_problem(data, filename, expected):
    assert expected in str(user_error(data, filename))


def test_size_limit_message_gives_both_sizes():
    error = user_error(b"x" * (3 * 1024 * 1024 + 1), "big.txt", max_bytes=3 * 1024 * 1024)
    assert str(error).startswith("The file is 3.1 MB; the limit is 3 MB.")
    assert "3.1" in error.render("bg")
    with pytest.raises(ValueError):
        read_transcript(b"x", "a.txt", max_bytes=0)


# -------------------------------------------------------------------------------- bad .docx files


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Interviewer: hello", "it is not a Word document"),
        (zipped({"content.xml": "<office/>"}), "it has no word/document.xml"),
        (b"PK\x03\x04" + b"\x00" * 40, "The Word document is damaged"),
        (
            transcript_formats.OLE_SIGNATURE
            + b"\x00" * 64
            + "EncryptedPackage".encode("utf-16-le"),
            "password-protected",
        ),
        (transcript_formats.OLE_SIGNATURE + b"\x00" * 64, "old Word 97-2003 document (.doc)"),
        (zipped({"word/document.xml": "<w:document><w:body>"}), "The Word document is damaged"),
        (
            zipped(
                {
                    "word/document.xml": '<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;&a;</d>',
                }
            ),
            "The Word document is damaged",
        ),
    ],
    ids=["not-zip", "no-document-xml", "truncated-zip", "encrypted", "old-doc", "bad-xml", "dtd"],
)
def test_bad_docx(data, expected):
    assert expected in str(user_error(data, "P-003.docx"))


def test_docx_zip_with_encryption_flag_is_password_protected():
    data = bytearray(zipped({"word/document.xml": "<w:document/>"}))
    # zipfile cannot write encrypted members: set the "encrypted" bit in every header by hand.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + flag_offset] |= 0x1
            at = data.find(signature, at + 1)
    assert "password-protected" in str(user_error(bytes(data), "a.docx"))


def test_zip_bomb_is_refused_before_unpacking():
    bomb = zipped({"word/document.xml": b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>"})
    assert len(bomb) < 100_000
    error = user_error(bomb, "bomb.docx")
    assert "unpacks to 20.1 MB of text" in str(error)


def test_document_larger_than_the_unpack_limit_is_refused():
    data = docx("P-003: " + "Дълъг отговор. " * 20_000)
    with pytest.raises(UserError, match=r"more than the 0\.1 MB Opit accepts"):
        docx_paragraphs(data, max_unpacked=100_000)
    assert len(docx_paragraphs(data)) == 1


# -------------------------------------------------------------------------- never a traceback


EXTENSIONS = st.sampled_from(["a.txt", "a.vtt", "a.srt", "a.docx"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.binary(max_size=2000), filename=EXTENSIONS)
def test_random_bytes_give_a_transcript_or_a_user_error(data, filename):
    try:
        transcript = read_transcript(data, filename)
    except UserError as error:
        assert error.render("bg") and str(error)
    else:
        assert transcript.turns and all(t.index == i for i, t in enumerate(transcript.turns))


CUE_TEXT = st.text(alphabet=st.sampled_from(list("0123456789:.,-> \n\tWEBVTTNOTE<v/>P: аб")))


@settings(max_examples=300, deadline=None)
@given(body=CUE_TEXT, filename=EXTENSIONS)
def test_random_cue_like_text_gives_a_transcript_or_a_user_error(body, filename):
    for data in (("WEBVTT\n\n" + body).encode(), body.encode("utf-16"), body.encode()):
        with contextlib.suppress(UserError):
            read_transcript(data, filename)


@settings(max_examples=100, deadline=None)
@given(document=st.binary(max_size=500) | st.text(max_size=200).map(str.encode))
def test_random_document_xml_gives_a_transcript_or_a_user_error(document):
    with contextlib.suppress(UserError):
        read_transcript(zipped({"word/document.xml": document}), "a.docx")


# ------------------------------------------------------------------------------- translations


def test_every_message_has_a_bulgarian_translation_with_the_same_placeholders():
    messages = set()
    for module in ("research/transcripts.py", "research/transcript_formats.py"):
        for _, message, _, _ in extract_from_file("python", ROOT / module, keywords={"N_": None}):
            messages.add(message)
    assert len(messages) > 20
    catalogues = {}
    for lang in ("bg", "en"):
        with (ROOT / "locales" / lang / "LC_MESSAGES" / "research_files.po").open("rb") as fh:
            catalogues[lang] = read_po(fh, locale=lang)
    for message in messages:
        bulgarian = catalogues["bg"].get(message)
        assert bulgarian is not None and bulgarian.string, message
        assert set(re.findall(r"\{(\w+)\}", bulgarian.string)) == set(
            re.findall(r"\{(\w+)\}", message)
        ), message
        assert catalogues["en"].get(message).string == message
