"""Checks an uploaded file passes before any reader opens it: size, zip bombs, encryption, encoding.

Every importer calls these first, on the raw bytes, so that a reader (openpyxl, xlrd, an XML parser)
only ever sees a file of a sane size whose zip members declare sane sizes. A zip member cannot
decompress to more than the size it declares (Python's zipfile stops there), so checking the
declared sizes and ratios in the central directory, before extracting anything, bounds the work.

Password-protected Office files are not zips at all: Excel wraps them in an OLE compound file (the
same container as the old .xls format), recognisable by its first eight bytes and an
`EncryptedPackage` stream.
"""

from __future__ import annotations

import codecs
import io
import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass

import settings
from i18n import N_, UserError

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: The name of the stream that holds an encrypted Office document, as OLE stores it (UTF-16-LE).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XLS_ENCRYPTION_MARKERS = ("Microsoft Enhanced Cryptographic".encode("utf-16-le"),)

#: Bounds on a zip container (xlsx, lsa): all members together, members, and compression ratio.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200
#: Members smaller than this are not ratio-checked (tiny XML parts compress extremely well).
RATIO_FLOOR_BYTES = 1024 * 1024


#: What zipfile raises on a damaged or unsupported archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def max_upload_bytes() -> int:
    """The size limit of every upload, from the OPIT_MAX_UPLOAD_MB setting."""
    try:
        megabytes = settings.get_int("OPIT_MAX_UPLOAD_MB")
    except ValueError:
        megabytes = 20
    return max(1, megabytes) * 1024 * 1024


def check_size(data: bytes, filename: str, limit: int | None = None) -> None:
    """Refuse an empty file or one over the upload limit."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("file contents must be bytes")
    limit = max_upload_bytes() if limit is None else limit
    if len(data) == 0:
        raise UserError(N_("{filename} is empty. Choose the file again."), filename=filename)
    if len(data) > limit:
        raise UserError(
            N_(
                "{filename} is {size} MB; the largest file Opit accepts is {limit} MB. Split it "
                "or remove unused sheets and columns."
            ),
            filename=filename,
            size=f"{len(data) / 1024 / 1024:.1f}",
            limit=f"{limit / 1024 / 1024:.0f}",
        )


def is_zip(data: bytes) -> bool:
    return bytes(data[:4]) in ZIP_MAGICS


def is_ole(data: bytes) -> bool:
    return bytes(data[:8]) == OLE_MAGIC


def is_encrypted_office(data: bytes) -> bool:
    """An OLE file holding an encrypted (password-protected) Office document."""
    if not is_ole(data):
        return False
    head = bytes(data[: 4 * 1024 * 1024])
    return _ENCRYPTED_STREAM in head or any(marker in head for marker in _XLS_ENCRYPTION_MARKERS)


def password_error(filename: str) -> UserError:
    return UserError(
        N_(
            "{filename} is protected with a password. Open it in Excel, remove the password "
            "(File → Info → Protect Workbook → Encrypt with Password, leave it empty), save "
            "it and upload it again."
        ),
        filename=filename,
    )


def refuse_encrypted(data: bytes, filename: str) -> None:
    if is_encrypted_office(data):
        raise password_error(filename)


def open_zip(
    data: bytes, filename: str, *, max_total: int = MAX_UNCOMPRESSED_BYTES
) -> zipfile.ZipFile:
    """Open a zip container after checking what its central directory declares.

    Refuses a damaged zip, encrypted members, too many members, a declared total over `max_total`,
    and members that claim to expand more than MAX_RATIO times. Nothing is decompressed here.
    """
    refuse_encrypted(data, filename)
    if not is_zip(data):
        raise UserError(
            N_(
                "{filename} is not the expected kind of file (it is not a zip container such as "
                ".xlsx or .lsa). Save it again in that format and upload it."
            ),
            filename=filename,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
        members = archive.infolist()
    except _ZIP_ERRORS:
        raise UserError(
            N_(
                "{filename} is damaged or incomplete (its zip structure cannot be read). Upload it "
                "again, or open it and save a new copy."
            ),
            filename=filename,
        ) from None
    if len(members) > MAX_MEMBERS:
        raise _too_big(filename)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UserError(
                N_("{filename} contains encrypted parts. Remove the password and upload it again."),
                filename=filename,
            )
        total += member.file_size
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _too_big(filename)
    if total > max_total:
        raise _too_big(filename)
    return archive


def _too_big(filename: str) -> UserError:
    return UserError(
        N_(
            "{filename} would expand to far more data than a questionnaire or response file "
            "holds, so Opit does not open it. Check that it is the right file."
        ),
        filename=filename,
    )


def read_member(archive: zipfile.ZipFile, name: str, filename: str) -> bytes:
    """One member's bytes (already bounded by open_zip), translating zip errors."""
    try:
        return archive.read(name)
    except (*_ZIP_ERRORS, KeyError):
        raise UserError(
            N_(
                "{filename} is damaged or incomplete (its zip structure cannot be read). Upload it "
                "again, or open it and save a new copy."
            ),
            filename=filename,
        ) from None


def decode_text(data: bytes, filename: str) -> DecodedText:
    """Text of a file in UTF-8 (BOM or not), UTF-16 (BOM or detectable) or Windows-1251.

    UTF-8 is tried first because Windows-1251 decodes nearly any bytes; a file that is neither
    (binary data, another encoding that leaves control characters) is refused with the fix.
    """
    data = bytes(data)
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(_decode(data[3:], "utf-8", filename), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(_decode(data, "utf-16", filename), "utf-16")
    guessed = _utf16_without_bom(data)
    if guessed:
        return DecodedText(_decode(data, guessed, filename), guessed)
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text = _decode(data, "cp1251", filename)
        encoding = "cp1251"
    _refuse_binary(text, filename)
    return DecodedText(text, encoding)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: the reading in which nearly every character is Latin or Cyrillic."""
    sample = data[:4000]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        plausible = sum(1 for ch in text if _plausible(ch))
        if plausible >= 0.95 * len(text):
            return encoding
    return None


def _plausible(ch: str) -> bool:
    code = ord(ch)
    return (
        ch in "\r\n\t"
        or (32 <= code < 0x250 and ch.isprintable())
        or 0x400 <= code <= 0x4FF
        or 0x2000 <= code <= 0x206F
    )


def _decode(data: bytes, encoding: str, filename: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise _encoding_error(filename) from None
    _refuse_binary(text, filename)
    return text


def _refuse_binary(text: str, filename: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    if "\x00" in sample or controls > max(10, len(sample) // 100):
        raise _encoding_error(filename)


def _encoding_error(filename: str) -> UserError:
    return UserError(
        N_(
            "{filename} is not readable text in UTF-8, UTF-16 or Windows-1251 (Cyrillic). Save it "
            "again as 'CSV UTF-8' (in Excel: File → Save As → CSV UTF-8) and upload it."
        ),
        filename=filename,
    )
