"""Report photos: checked with Pillow, then re-encoded so no EXIF or GPS data is ever stored."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is more than any phone sends
MAX_SIDE = 2048  # stored photos are scaled down to this many pixels on their long side


def clean_photo(upload) -> ContentFile:
    """A JPEG or PNG upload, checked and re-encoded without metadata, or a ValidationError in Indonesian."""
    name = upload.name or _("foto")
    if upload.size > settings.FIELD_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s terlalu besar (%(size)s). Ukuran foto paling besar %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.FIELD_PHOTO_MAX_BYTES),
            },
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(name)s bukan berkas gambar yang dapat dibaca. Kirim foto JPEG atau PNG.") % {"name": name},
            code="not_an_image",
        ) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(name)s berformat %(format)s. Hanya foto JPEG atau PNG yang diterima.")
            % {"name": name, "format": image_format},
            code="wrong_type",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("%(name)s terlalu besar ukuran pikselnya.") % {"name": name}, code="too_many_pixels")
    try:
        return _reencode(upload, image_format)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        # verify() passes some broken files (a cut-off JPEG); decoding the pixels does not.
        raise ValidationError(
            _("%(name)s bukan berkas gambar yang dapat dibaca. Kirim foto JPEG atau PNG.") % {"name": name},
            code="not_an_image",
        ) from error


def _reencode(upload, image_format: str) -> ContentFile:
    """Draw the pixels into a fresh file: EXIF (with GPS), XMP and comments stay behind."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)  # keep the photo upright once the orientation tag is gone
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        has_alpha = image_format == "PNG" and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
        mode = "RGBA" if has_alpha else "L" if image.mode == "L" else "RGB"
        image = image.convert(mode)
        clean = Image.new(mode, image.size)
        clean.paste(image)  # pixels only: no .info, no EXIF
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, format="JPEG", quality=85, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}")
