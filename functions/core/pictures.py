"""A picture as we keep it: whatever a person uploads (a phone's photo with its location in
EXIF, a huge PNG) is decoded within bounds by Pillow and re-encoded as a small square WebP
without metadata: what a page needs, nothing of the original. Apart from ``avatars`` so that
only the Lambda that takes uploads imports Pillow (about 40 ms of a cold start)."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from functions.common.errors import Invalid

SIDE = 256  # pixels: twice the largest size a page shows it at
MAX_BYTES = 3_000_000  # what an upload may weigh (a phone photo); kept, it is ~10-30 KB
MAX_PIXELS = 25_000_000  # refused before decoding above this (6000 x 4000 is 24 M)
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
FIELD = "body.image"


def picture(data: bytes) -> bytes:
    """``data`` as we keep it: a SIDE x SIDE WebP of its centre, upright, without metadata;
    ``Invalid`` naming the field for anything that is not a picture we can read."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"at most {MAX_BYTES // 1_000_000} MB", field=FIELD)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Invalid("too many pixels (at most 25 million)", field=FIELD)
                image.draft("RGB", (SIDE * 2, SIDE * 2))  # JPEG: decoded at a smaller scale
                upright = ImageOps.exif_transpose(image)
                square = ImageOps.fit(
                    upright.convert("RGBA"), (SIDE, SIDE), Image.Resampling.LANCZOS
                )
    except Invalid:
        raise
    except Exception as error:
        # (UnidentifiedImageError, OSError, SyntaxError, struct.error, a bomb warning...):
        # each is the same answer to the person, never a 500.
        raise Invalid("not a PNG, JPEG, WebP or GIF picture", field=FIELD) from error
    out = io.BytesIO()
    square.save(out, "WEBP", quality=85, method=4)  # no exif, icc or xmp passed: none kept
    return out.getvalue()
