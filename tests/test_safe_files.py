"""Size limits, zip bombs, encrypted Office files and text encodings, checked before any reader."""

from __future__ import annotations

import codecs
import contextlib
import io
import struct
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from i18n import UserError
from surveys import safe_files

OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def small_zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def patch_central_directory(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Change one field of every central directory entry (declared sizes, flags)."""
    patched = bytearray(data)
    start = 0
    while (at := patched.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into(fmt, patched, at + offset, value)
        start = at + 4
    return bytes(patched)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(UserError, match="empty"):
        safe_files.check_size(b"", "a.csv")
    with pytest.raises(UserError, match="largest file"):
        safe_files.check_size(b"x" * 2000, "a.csv", limit=1000)
    safe_files.check_size(b"x" * 1000, "a.csv", limit=1000)


def test_upload_limit_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("OPIT_MAX_UPLOAD_MB", "3")
    assert safe_files.max_upload_bytes() == 3 * 1024 * 1024
    monkeypatch.setenv("OPIT_MAX_UPLOAD_MB", "lots")
    assert safe_files.max_upload_bytes() == 20 * 1024 * 1024


def test_bytes_are_required():
    with pytest.raises(TypeError):
        safe_files.check_size("text", "a.csv")  # type: ignore[arg-type]


def test_password_protected_office_file_is_recognised():
    encrypted = OLE + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500
    assert safe_files.is_ole(encrypted) and safe_files.is_encrypted_office(encrypted)
    assert not safe_files.is_encrypted_office(OLE + b"\0" * 1000)  # a plain .xls
    with pytest.raises(UserError, match="password") as excinfo:
        safe_files.open_zip(encrypted, "secret.xlsx")
    assert "secret.xlsx" in excinfo.value.render("bg")


def test_ordinary_zip_opens():
    archive = safe_files.open_zip(small_zip(**{"a.xml": b"<a/>" * 100}), "ok.xlsx")
    assert archive.namelist() == ["a.xml"]


def test_zip_bomb_by_ratio_is_refused_before_extraction():
    bomb = small_zip(**{"sheet.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UserError, match="expand"):
        safe_files.open_zip(bomb, "bomb.xlsx")


def test_huge_declared_size_is_refused():
    data = patch_central_directory(small_zip(**{"a.xml": b"<a/>"}), 24, "<I", 0xFFFFFFF0)
    with pytest.raises(UserError, match="expand"):
        safe_files.open_zip(data, "huge.xlsx")


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(safe_files, "MAX_MEMBERS", 5)
    with pytest.raises(UserError, match="expand"):
        safe_files.open_zip(small_zip(**{f"{i}.xml": b"x" for i in range(6)}), "many.lsa")


def test_encrypted_zip_member_is_refused():
    data = patch_central_directory(small_zip(**{"a.xml": b"<a/>"}), 8, "<H", 0x1)
    with pytest.raises(UserError, match="encrypted"):
        safe_files.open_zip(data, "locked.lsa")


@pytest.mark.parametrize("data", [b"PK\x03\x04truncated", b"PK\x05\x06" + b"\0" * 5, b"plain"])
def test_damaged_or_foreign_zip_is_refused(data):
    with pytest.raises(UserError):
        safe_files.open_zip(data, "x.xlsx")


def test_truncated_zip_is_refused():
    data = small_zip(**{"a.xml": b"<a/>" * 1000})
    with pytest.raises(UserError, match="damaged"):
        safe_files.open_zip(data[: len(data) - 10], "cut.xlsx")


TEXT = "Име;Оценка\nМария;Напълно съгласен\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1251"), "cp1251"),
    ],
)
def test_encodings_are_detected(data, encoding):
    decoded = safe_files.decode_text(data, "a.csv")
    assert (decoded.text, decoded.encoding) == (TEXT, encoding)


def test_binary_data_is_not_text():
    with pytest.raises(UserError, match="CSV UTF-8"):
        safe_files.decode_text(bytes(range(256)) * 10, "image.csv")


@given(st.binary(max_size=3000))
def test_random_bytes_decode_or_raise_a_user_error(data):
    try:
        decoded = safe_files.decode_text(data, "x.csv")
    except UserError:
        return
    assert isinstance(decoded.text, str)


@given(st.binary(max_size=2000))
def test_random_bytes_never_open_as_anything_but_a_user_error(data):
    for blob in (data, b"PK\x03\x04" + data, OLE + data):
        with contextlib.suppress(UserError):
            safe_files.open_zip(blob, "x.zip").close()
