"""Checking an uploaded screenshot before it is stored: size, kind, and that it really decodes.

The file's first bytes must be those of a PNG, JPEG, GIF or WebP image, Pillow must decode the
whole image, and its pixel count must stay under a limit, so a small file that unpacks into a
huge image (a decompression bomb) is refused before it is decoded. Camera metadata (EXIF: place,
device) is removed by saving the image again without it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image, UnidentifiedImageError

from i18n import N_, UserError

#: A screenshot of a phone or a desktop page is well under this (8K is 33 million pixels).
MAX_PIXELS = 40_000_000
MAX_FILENAME = 120

#: first bytes → (Pillow format, content type)
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG", "image/png"),
    (b"\xff\xd8\xff", "JPEG", "image/jpeg"),
    (b"GIF87a", "GIF", "image/gif"),
    (b"GIF89a", "GIF", "image/gif"),
)


@dataclass(frozen=True)
class CheckedImage:
    filename: str
    content_type: str
    data: bytes
    width: int
    height: int


def sniff(data: bytes) -> tuple[str, str] | None:
    """(Pillow format, content type) from the file's first bytes, or None when not an image."""
    for magic, fmt, content_type in _SIGNATURES:
        if data.startswith(magic):
            return fmt, content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP", "image/webp"
    return None


def clean_filename(name: str) -> str:
    """The file's own name, without folders or control characters, at most 120 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return base.strip()[-MAX_FILENAME:] or "screenshot"


def check_image(data: bytes, filename: str, max_bytes: int) -> CheckedImage:
    """The upload as a stored screenshot, or UserError saying why it is refused."""
    if len(data) > max_bytes:
        raise UserError(
            N_("The file is {size} MB; the largest accepted is {limit} MB."),
            size=f"{len(data) / 1_000_000:.1f}",
            limit=f"{max_bytes / 1_000_000:g}",
        )
    kind = sniff(data)
    if kind is None:
        raise UserError(N_("This is not a PNG, JPEG, GIF or WebP image."))
    fmt, content_type = kind
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise UserError(
                        N_(
                            "The image is {width} × {height} pixels; the largest accepted has "
                            "{limit} million pixels."
                        ),
                        width=width,
                        height=height,
                        limit=MAX_PIXELS // 1_000_000,
                    )
                image.load()
                data = _without_metadata(image, fmt, data)
    except UserError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as err:
        raise UserError(N_("The image is damaged or incomplete and cannot be shown.")) from err
    return CheckedImage(clean_filename(filename), content_type, data, width, height)


def _without_metadata(image: Image.Image, fmt: str, data: bytes) -> bytes:
    """The same picture without EXIF when it carries any; otherwise the original bytes."""
    if fmt not in ("JPEG", "WEBP", "PNG") or not image.getexif():
        return data
    out = io.BytesIO()
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
    image.save(out, format=fmt, **options)
    return out.getvalue()
