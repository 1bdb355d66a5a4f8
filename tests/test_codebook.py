"""research.codebook (the tag tree) and research.qdc (REFI-QDA codebook exchange)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from defusedxml.ElementTree import fromstring

from i18n import UserError
from research.codebook import MAX_DEPTH, Codebook, CodebookProblems, Tag
from research.qdc import NAMESPACE, CodeSet, export_qdc, guid_for, import_qdc

ROOT = Path(__file__).resolve().parents[1]


def sample() -> Codebook:
    """Identification/{КЕП, ПИК на НОИ}, Payment/{Card}, Counter."""
    return Codebook(
        (
            Tag("id", "Identification", colour="#1F77B4", description="Как хората доказват кои са"),
            Tag("kep", "КЕП", parent="id"),
            Tag("pik", "ПИК на НОИ", parent="id"),
            Tag("pay", "Payment"),
            Tag("card", "Card", parent="pay"),
            Tag("counter", "Counter"),
        )
    )


def paths(book: Codebook) -> list[str]:
    return [book.path(tag.key) for _, tag in book.walk()]


def problem(call) -> UserError:
    with pytest.raises(UserError) as caught:
        call()
    return caught.value


# --------------------------------------------------------------------------------- reading


def test_paths_walk_and_lookup():
    book = sample()
    assert paths(book) == [
        "Identification",
        "Identification/КЕП",
        "Identification/ПИК на НОИ",
        "Payment",
        "Payment/Card",
        "Counter",
    ]
    assert book.by_path("identification/кеп").key == "kep"
    assert book.by_path("Identification/Nothing") is None
    assert [t.key for t in book.children()] == ["id", "pay", "counter"]
    assert [t.key for t in book.ancestors("kep")] == ["id"]
    assert "kep" in book and len(book) == 6
    assert book.problems() == ()


def test_structural_mistakes_are_programming_errors():
    with pytest.raises(ValueError, match="share the key"):
        Codebook((Tag("a", "A"), Tag("a", "B")))
    with pytest.raises(ValueError, match="unknown parent"):
        Codebook((Tag("a", "A", parent="zzz"),))
    with pytest.raises(ValueError, match="cycle"):
        Codebook((Tag("a", "A", parent="b"), Tag("b", "B", parent="a")))
    with pytest.raises(TypeError):
        Codebook(("A",))
    with pytest.raises(ValueError):
        sample().add(Tag("kep", "Other"))


def test_unknown_key_is_a_user_error():
    assert "no longer exists" in str(problem(lambda: sample().rename("gone", "X")))


# --------------------------------------------------------------------------------- editing


def test_add_and_rename_return_new_books_and_clean_names():
    book = sample()
    added = book.add(Tag("mvr", "  МВР   портал ", parent="id", colour="#aabbcc"))
    assert added.get("mvr") == Tag("mvr", "МВР портал", parent="id", colour="#AABBCC")
    assert "mvr" not in book  # the original is unchanged
    renamed = added.rename("mvr", "Портал на МВР")
    assert renamed.path("mvr") == "Identification/Портал на МВР"
    assert added.get("mvr").name == "МВР портал"
    updated = renamed.update("mvr", description="Вход с\r\nКЕП", colour=None, codable=False)
    assert updated.get("mvr").description == "Вход с\nКЕП"
    assert updated.get("mvr").colour is None and not updated.get("mvr").codable


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("   ", "A tag in “Identification” has no name"),
        ("x" * 101, "is 101 characters long; the limit is 100"),
        ("Online/offline", "contains “/”"),
        ("кеп", "There is already a tag called “кеп” in “Identification”"),
    ],
)
def test_name_rules(name, expected):
    assert expected in str(problem(lambda: sample().add(Tag("new", name, parent="id"))))


def test_same_name_is_fine_under_another_parent_but_not_twice_at_the_top():
    book = sample().add(Tag("kep2", "КЕП", parent="pay"))
    assert book.path("kep2") == "Payment/КЕП"
    message = str(problem(lambda: book.add(Tag("x", "COUNTER"))))
    assert message == "There is already a top-level tag called “COUNTER”. Choose another name."


def test_colour_and_description_rules():
    assert "#RRGGBB" in str(problem(lambda: sample().update("kep", colour="red")))
    assert "limit is 5000" in str(problem(lambda: sample().update("kep", description="д" * 5001)))


def test_move_and_cycle_refusal():
    book = sample().move("kep", "pay")
    assert book.path("kep") == "Payment/КЕП"
    assert [t.key for t in book.children("pay")] == ["card", "kep"]
    assert sample().move("card", None).path("card") == "Card"
    for parent in ("id", "kep"):
        error = problem(lambda parent=parent: sample().move("id", parent))
        assert str(error) == (
            "“Identification” cannot be moved under itself or one of its own sub-tags."
        )
    clash = sample().add(Tag("card2", "card", parent="id"))
    assert "already a tag called “card” in “Payment”" in str(
        problem(lambda: clash.move("card2", "pay"))
    )


def test_depth_limit():
    book = Codebook()
    parent = None
    for level in range(MAX_DEPTH):
        book = book.add(Tag(f"t{level}", f"Level {level}", parent=parent))
        parent = f"t{level}"
    error = problem(lambda: book.add(Tag("deep", "Too deep", parent=parent)))
    assert "11 levels deep; a codebook can have up to 10" in str(error)


def test_merge_reparents_children_and_returns_the_mapping():
    book = sample().add(Tag("digital", "Digital ID", description="Електронна самоличност"))
    book = book.add(Tag("kep-d", "кеп", parent="digital", colour="#FF0000"))
    result = book.merge("id", "digital")
    merged = result.codebook
    assert result.mapping == {"id": "digital", "kep": "kep-d"}
    assert "id" not in merged and "kep" not in merged
    assert paths(merged) == [
        "Payment",
        "Payment/Card",
        "Counter",
        "Digital ID",
        "Digital ID/кеп",
        "Digital ID/ПИК на НОИ",
    ]
    assert merged.get("digital").description == "Електронна самоличност"
    assert merged.get("digital").colour == "#1F77B4"  # taken from the source: target had none
    assert merged.get("kep-d").colour == "#FF0000"


def test_merge_into_parent_and_refusals():
    result = sample().merge("kep", "id")
    assert result.mapping == {"kep": "id"}
    assert [t.key for t in result.codebook.children("id")] == ["pik"]
    assert "two different tags" in str(problem(lambda: sample().merge("id", "id")))
    assert str(problem(lambda: sample().merge("id", "kep"))) == (
        "“Identification” cannot be merged into its own sub-tag “Identification/КЕП”."
    )


def test_delete_refuses_tags_in_use_and_tags_with_children():
    book = sample()
    assert "counter" not in book.delete("counter", {})
    error = problem(lambda: book.delete("kep", {"kep": 3}))
    assert str(error).startswith("“Identification/КЕП” is still used by observations (3).")
    assert "has sub-tags (2)" in str(problem(lambda: book.delete("id", {})))
    assert "observations (1)" in str(
        problem(lambda: book.delete("id", {"pik": 1}, with_children=True))
    )
    remaining = book.delete("id", {"counter": 5}, with_children=True)
    assert paths(remaining) == ["Payment", "Payment/Card", "Counter"]


def test_ensure_path_adds_missing_levels():
    book, tag = sample().ensure_path("Identification/Evrotrust/Мобилно приложение")
    assert book.path(tag.key) == "Identification/Evrotrust/Мобилно приложение"
    again, same = book.ensure_path("identification/EVROTRUST/мобилно приложение")
    assert same == tag and again == book


def test_several_problems_render_as_a_list_in_both_languages():
    error = CodebookProblems([UserError("A top-level tag has no name. Give it a name.")] * 2)
    assert str(error).count("• ") == 2
    assert error.render("bg").count("• ") == 2 and error.render("bg") != str(error)


# ------------------------------------------------------------------------------------- QDC


def guid_book() -> Codebook:
    keys = {key: str(uuid.uuid5(uuid.NAMESPACE_URL, key)) for key in ("id", "kep", "pay", "c")}
    return Codebook(
        (
            Tag(keys["id"], "Identification", colour="#1F77B4", description="Ред 1\nРед 2 & <3>"),
            Tag(keys["kep"], "КЕП", parent=keys["id"], description="  с интервали  "),
            Tag(keys["pay"], "Плащане", codable=False),
            Tag(keys["c"], "Карта „Visa“", parent=keys["pay"], colour="#00AA00"),
        )
    )


def test_qdc_round_trip_is_exact():
    book = guid_book()
    sets = (
        CodeSet(str(uuid.uuid4()), "Седмица 12", "Болки", (book.tags[1].key, book.tags[3].key)),
    )
    data = export_qdc(book, sets=sets, origin="Opit test")
    imported = import_qdc(data)
    assert imported.codebook == book
    assert imported.sets == sets
    assert imported.origin == "Opit test"
    assert export_qdc(imported.codebook, sets=imported.sets, origin="Opit test") == data


def test_qdc_export_is_valid_refi_qda_and_guids_are_stable():
    book = sample()
    data = export_qdc(book)
    assert data == export_qdc(sample())
    root = fromstring(data)
    ns = "{urn:QDA-XML:codebook:1.0}"
    assert root.tag == f"{ns}CodeBook" and root.get("origin").startswith("Opit")
    top = root.findall(f"{ns}Codes/{ns}Code")
    assert [c.get("name") for c in top] == ["Identification", "Payment", "Counter"]
    assert (
        top[0].get("guid")
        == guid_for(book.get("id"))
        == str(uuid.uuid5(uuid.UUID("6f1c2d0e-8b3a-5e4f-9a7c-0d5e3b2a1c4f"), "id"))
    )
    assert top[0].get("color") == "#1F77B4" and top[0].get("isCodable") == "true"
    assert [c.get("name") for c in top[0].findall(f"{ns}Code")] == ["КЕП", "ПИК на НОИ"]
    assert top[0].findtext(f"{ns}Description") == "Как хората доказват кои са"
    assert root.find(f"{ns}Sets") is None
    imported = import_qdc(data).codebook
    assert [guid_for(t) for t in imported] == [guid_for(t) for t in book]
    assert paths(imported) == paths(book)


HAND_WRITTEN = """<?xml version="1.0" encoding="utf-8"?>
<!-- written by hand, the way QualCoder and ATLAS.ti write theirs -->
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder 3.5">
  <Codes>
    <Code guid="{6A1E3D2C-1111-4A5B-8C9D-0E1F2A3B4C5D}" name="Идентификация" isCodable="false">
      <Description>Как гражданите доказват самоличността си</Description>
      <Code guid="7b2f4e3d-2222-4b6c-9d0e-1f2a3b4c5d6e" name="КЕП" isCodable="true" color="#ff8800">
        <Code guid="8c3a5f4e-3333-4c7d-8e1f-2a3b4c5d6e7f" name="B-Trust" isCodable="true"/>
        <Code guid="9d4b6a5f-4444-4d8e-9f2a-3b4c5d6e7f80" name="Evrotrust / мобилно" isCodable="1"/>
      </Code>
    </Code>
    <Code guid="a05c7b6a-5555-4e9f-8a3b-4c5d6e7f8091" name="Гише" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="b16d8c7b-6666-4fa0-9b4c-5d6e7f8091a2" name="Болки">
      <Description>Проблеми за седмица 12</Description>
      <MemberCode targetGUID="7B2F4E3D-2222-4B6C-9D0E-1F2A3B4C5D6E"/>
      <MemberCode targetGUID="a05c7b6a-5555-4e9f-8a3b-4c5d6e7f8091"/>
      <MemberCode targetGUID="00000000-0000-0000-0000-000000000000"/>
      <MemberSource targetGUID="c27e9d8c-7777-40b1-8c5d-6e7f8091a2b3"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_import_hand_written_qdc_with_nested_codes_and_sets():
    imported = import_qdc(HAND_WRITTEN.encode())
    book = imported.codebook
    assert imported.origin == "QualCoder 3.5"
    assert paths(book) == [
        "Идентификация",
        "Идентификация/КЕП",
        "Идентификация/КЕП/B-Trust",
        "Идентификация/КЕП/Evrotrust ∕ мобилно",
        "Гише",
    ]
    root = book.by_path("Идентификация")
    assert root.key == "{6A1E3D2C-1111-4A5B-8C9D-0E1F2A3B4C5D}"  # the guid is kept as the key
    assert guid_for(root) == root.key
    assert not root.codable and root.description.startswith("Как гражданите")
    assert book.by_path("Идентификация/КЕП").colour == "#FF8800"
    (code_set,) = imported.sets
    assert code_set.name == "Болки" and code_set.description == "Проблеми за седмица 12"
    assert code_set.members == (
        "7b2f4e3d-2222-4b6c-9d0e-1f2a3b4c5d6e",
        "a05c7b6a-5555-4e9f-8a3b-4c5d6e7f8091",
    )


def test_import_codebook_from_a_refi_qda_project_file():
    project = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Адрес"><CodeBook><Codes>'
        '<Code guid="d38fae9d-8888-41c2-9d6e-7f8091a2b3c4" name="Гише" isCodable="true"/>'
        "</Codes></CodeBook></Project>"
    )
    assert paths(import_qdc(project.encode()).codebook) == ["Гише"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The codebook file is empty"),
        (b"PK\x03\x04...", "REFI-QDA project (.qdpx)"),
        (b"Name,Description\nKEP,x\n", "the XML breaks at line 1, column 0"),
        (b"<html><body/></html>", "its root element is <html>, not <CodeBook>"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"/>', "has no <Codes> element"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "contains no codes"),
        (
            b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>&b;</Codes></CodeBook>',
            "declares XML entities",
        ),
        (b'<Project xmlns="urn:QDA-XML:project:1.0"/>', "project file has no codebook"),
    ],
)
def test_import_rejects_files_that_are_not_codebooks(data, expected):
    assert expected in str(problem(lambda: import_qdc(data)))


def test_import_reports_every_bad_code_together():
    data = """<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes>
      <Code guid="11111111-1111-1111-1111-111111111111" name="КЕП" isCodable="true"/>
      <Code guid="22222222-2222-2222-2222-222222222222" name="кеп" isCodable="true"/>
      <Code guid="11111111-1111-1111-1111-111111111111" name="Друг" isCodable="true"/>
      <Code guid="33333333-3333-3333-3333-333333333333" name="" isCodable="true"/>
      <Code guid="44444444-4444-4444-4444-444444444444" name="Цвят" color="red" isCodable="maybe"/>
    </Codes></CodeBook>""".encode()
    error = problem(lambda: import_qdc(data))
    assert isinstance(error, CodebookProblems)
    text = str(error)
    assert text.startswith("Problems found in the codebook: 5.")
    for expected in (
        "“Друг” repeats the guid 11111111-1111-1111-1111-111111111111",
        "Code number 3 in the file has no name",
        "The colour of the code “Цвят” is not #RRGGBB",
        "isCodable=“maybe”",
        "There is already a top-level tag called “кеп”",
    ):
        assert expected in text
    assert error.render("bg").count("• ") == 5


def test_import_size_limit():
    error = problem(lambda: import_qdc(b" " * 2_000_000, max_bytes=1024 * 1024))
    assert str(error) == "The codebook file is 2 MB; the limit is 1 MB."


def test_every_message_has_a_bulgarian_translation_with_the_same_placeholders():
    messages = set()
    for module in ("research/codebook.py", "research/qdc.py"):
        for _, message, _, _ in extract_from_file("python", ROOT / module, keywords={"N_": None}):
            messages.add(message)
    assert len(messages) > 15
    catalogues = {}
    for lang in ("bg", "en"):
        with (ROOT / "locales" / lang / "LC_MESSAGES" / "research_files.po").open("rb") as fh:
            catalogues[lang] = read_po(fh, locale=lang)
    for message in messages:
        bulgarian = catalogues["bg"].get(message)
        assert bulgarian is not None and bulgarian.string, message
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", bulgarian.string)) == placeholders, message
        assert catalogues["en"].get(message).string == message


def test_a_pathological_shape_is_refused_quickly():
    """Found by fuzzing: a 200 KB namespace on 100,000 nested elements kept expat busy 200 s."""
    namespace = "urn:" + "дълъг ред " * 20_000
    body = "<a>" * 100_000 + "</a>" * 100_000
    data = f'<?xml version="1.0"?><CodeBook xmlns="{namespace}">{body}</CodeBook>'.encode()
    with pytest.raises(UserError) as caught:
        import_qdc(data)
    assert "200" in caught.value.render("en")
    deep = f'<CodeBook xmlns="{NAMESPACE}"><Codes>{body}</Codes></CodeBook>'.encode()
    with pytest.raises(UserError):
        import_qdc(deep)
