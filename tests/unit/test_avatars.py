"""A creator's picture as it is kept (``core.pictures.picture``): a small upright square
WebP with nothing of the original file's metadata; anything else refused, naming the field."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from functions.common.errors import Invalid
from functions.core import avatars, pictures

RED, BLUE = (255, 0, 0), (0, 0, 255)


def photo(size: tuple[int, int], fmt: str = "JPEG", **save: object) -> bytes:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def kept(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(pictures.picture(data)))
    image.load()
    return image


def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


def test_a_phone_photo_is_kept_small_square_upright_and_without_its_location():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; shown rotated 90° clockwise
    exif[0x8825] = {2: (59.0, 19.0, 48.0)}  # GPSInfo: where it was taken
    exif[0x010F] = "PhoneMaker"  # Make
    image = kept(photo((1200, 800), exif=exif.tobytes()))
    assert image.format == "WEBP" and image.size == (pictures.SIDE, pictures.SIDE)
    assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
    # Upright: the red left half of the sensor is the top once turned clockwise.
    assert near(image.getpixel((128, 20)), RED) and near(image.getpixel((128, 235)), BLUE)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_other_formats_are_read_too(fmt):
    image = kept(photo((300, 300), fmt))
    assert image.size == (pictures.SIDE, pictures.SIDE)
    assert near(image.getpixel((20, 128)), RED) and near(image.getpixel((235, 128)), BLUE)


def test_a_wide_picture_keeps_its_centre():
    wide = Image.new("RGB", (900, 300), BLUE)
    wide.paste(RED, (300, 0, 600, 300))  # the middle third
    out = io.BytesIO()
    wide.save(out, "PNG")
    image = kept(out.getvalue())
    assert near(image.getpixel((5, 128)), RED) and near(image.getpixel((250, 128)), RED)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a picture at all",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        photo((64, 64), "BMP"),  # a picture, but not of a format we take
        photo((64, 64), "PNG")[:60],  # cut short
    ],
)
def test_what_is_not_a_picture_we_read_is_refused_naming_the_field(data):
    with pytest.raises(Invalid) as refused:
        pictures.picture(data)
    assert refused.value.field == "body.image"


def test_too_many_pixels_are_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, "PNG")  # 30 M pixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(Invalid, match="too many pixels") as refused:
        pictures.picture(out.getvalue())
    assert refused.value.field == "body.image"


def test_too_heavy_a_file_is_refused():
    with pytest.raises(Invalid, match="at most 3 MB"):
        pictures.picture(b"\xff" * (pictures.MAX_BYTES + 1))


def test_a_new_picture_has_a_new_version():
    one = pictures.picture(photo((100, 100)))
    other = pictures.picture(photo((80, 120)))
    assert avatars.version_of(one) != avatars.version_of(other)
    assert avatars.url("octo", avatars.version_of(one)) == (
        f"/v1/profiles/octo/avatar?v={avatars.version_of(one)}"
    )
    assert avatars.url("octo", None) is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048), st.integers(min_value=0, max_value=400))
def test_any_bytes_are_a_picture_or_a_clear_refusal(noise, cut):
    """Anyone's bytes: random ones, and real files cut short or with noise spliced in."""
    real = photo((40, 30), "PNG")
    for data in (noise, real[:cut] + noise, real[:cut] + noise + real[cut:]):
        try:
            kept_bytes = pictures.picture(data)
        except Invalid as refused:
            assert refused.field == "body.image"
        else:
            assert kept_bytes[:4] == b"RIFF"
