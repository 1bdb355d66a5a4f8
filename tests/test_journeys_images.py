"""Screenshot uploads: images only, size-limited, decoded for real, bombs and metadata removed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from i18n import UserError
from prototypes.images import MAX_PIXELS, check_image, clean_filename, sniff

LIMIT = 2_000_000


def _image(fmt: str, size=(64, 48), mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 120).save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_each_image_kind_is_accepted(fmt, content_type):
    checked = check_image(_image(fmt), "screen.bin", LIMIT)
    assert checked.content_type == content_type
    assert (checked.width, checked.height) == (64, 48)


def test_the_kind_comes_from_the_bytes_not_the_name():
    checked = check_image(_image("PNG"), "photo.jpg", LIMIT)
    assert checked.content_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, not an image",
        b"%PDF-1.7\n1 0 obj\n",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"",
    ],
)
def test_what_is_not_an_image_is_refused(data):
    with pytest.raises(UserError, match="not a PNG, JPEG, GIF or WebP"):
        check_image(data, "x.png", LIMIT)


def test_a_truncated_image_is_refused():
    noisy = Image.effect_noise((300, 300), 60).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    data = out.getvalue()
    with pytest.raises(UserError, match="damaged"):
        check_image(data[: len(data) // 2], "x.png", LIMIT)


def test_an_oversized_file_is_refused():
    data = _image("PNG")
    assert len(data) > 100
    with pytest.raises(UserError, match=r"largest accepted is 0\.0001 MB"):
        check_image(data, "x.png", 100)


def test_a_decompression_bomb_is_refused_before_decoding():
    side = int(MAX_PIXELS**0.5) + 100
    bomb = _image("PNG", size=(side, side), mode="1")
    assert len(bomb) < LIMIT  # small on disk, huge in memory
    with pytest.raises(UserError, match="million pixels") as refused:
        check_image(bomb, "bomb.png", LIMIT)
    assert "милиона пиксела" in refused.value.render("bg")


def test_camera_metadata_is_removed():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (42.0, 41.0, 0.0)}  # GPS info
    data = _image("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()
    checked = check_image(data, "photo.jpg", LIMIT)
    assert not Image.open(io.BytesIO(checked.data)).getexif()
    assert checked.content_type == "image/jpeg"


def test_filenames_lose_folders_and_odd_characters():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\x\\Екран 1.png") == "Екран 1.png"
    assert clean_filename('a<b>"c"\x00.png') == "abc.png"
    assert clean_filename("") == "screenshot"
    assert len(clean_filename("x" * 500 + ".png")) == 120


def test_sniff_knows_the_four_kinds():
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("WEBP", "image/webp")
    assert sniff(b"GIF89a...") == ("GIF", "image/gif")
    assert sniff(b"\x00\x00\x01\x00") is None  # an icon file is not accepted
