"""The citizens' link to a questionnaire and its QR code, for posters at municipal counters."""

from __future__ import annotations

import io
from urllib.parse import quote

import settings


def public_link(token: str, base: str | None = None) -> str:
    """`OPIT_PUBLIC_URL/?s=token`: the only address a citizen needs."""
    root = (base or settings.get("OPIT_PUBLIC_URL")).rstrip("/")
    return f"{root}/?s={quote(token, safe='-_')}"


def qr_png(text: str, box_size: int = 12) -> bytes:
    """A PNG QR code of `text` (error correction M, a 4-module quiet zone), sharp when printed."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.image.pil import PilImage

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
