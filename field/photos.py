"""Report photos: checked with Pillow, then re-encoded so no EXIF or GPS data is ever stored.

Memory stays bounded whatever is uploaded: the pixel count is read from the
file's header and checked before any pixel is decoded, a JPEG is decoded
straight at a reduced scale (Image.draft), and a PNG, which cannot be, has a
smaller budget. A multi-picture JPEG (MPO, sent by some phones) is stored as
its first picture.
"""

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from coverage.models import ReportPhoto

ALLOWED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png"}  # format read by Pillow: stored file extension
STORED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
MAX_PIXELS = 50_000_000  # a photo may claim at most 50 megapixels (phones send 12 to 48)
MAX_DECODED_PIXELS = 16_000_000  # at most this many pixels are decoded: a PNG above it is refused
MAX_SIDE = 2048  # stored photos are scaled down to this many pixels on their long side
# Even a one-colour JPEG needs about 6 KB per megapixel; a file far below that only claims its size.
MIN_JPEG_BYTES_PER_MEGAPIXEL = 1000

READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def _unreadable(name):
    return ValidationError(
        _("%(name)s bukan berkas gambar yang dapat dibaca. Kirim foto JPEG atau PNG.") % {"name": name},
        code="not_an_image",
    )


def _too_many_pixels(name, size, limit):
    return ValidationError(
        _("%(name)s berukuran %(width)d × %(height)d piksel. Foto paling besar %(max)d megapiksel.")
        % {"name": name, "width": size[0], "height": size[1], "max": limit // 1_000_000},
        code="too_many_pixels",
    )


def stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo of `size` is stored at: its long side at most MAX_SIDE."""
    scale = min(1, MAX_SIDE / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def clean_photo(upload) -> ContentFile:
    """A JPEG, MPO or PNG upload, checked and re-encoded without metadata, or a ValidationError in Indonesian."""
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
        with Image.open(upload) as probe:  # reads the header only
            image_format, size = probe.format, probe.size
            probe.verify()
    except READ_ERRORS as error:
        raise _unreadable(name) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(name)s berformat %(format)s. Hanya foto JPEG atau PNG yang diterima.")
            % {"name": name, "format": image_format},
            code="wrong_type",
        )
    pixels = size[0] * size[1]
    if pixels > MAX_PIXELS:
        raise _too_many_pixels(name, size, MAX_PIXELS)
    if STORED_FORMAT[image_format] == "JPEG" and upload.size * 1_000_000 < pixels * MIN_JPEG_BYTES_PER_MEGAPIXEL:
        raise _unreadable(name)
    try:
        return _reencode(upload, name)
    except READ_ERRORS as error:
        # verify() passes some broken files (a cut-off JPEG); decoding the pixels does not.
        raise _unreadable(name) from error


def _reencode(upload, name: str) -> ContentFile:
    """Draw the pixels into a fresh file: EXIF (with GPS), XMP and comments stay behind."""
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = STORED_FORMAT[original.format]
        original.draft(None, stored_size(original.size))  # JPEG: decode at 1/2, 1/4 or 1/8 scale; PNG: no-op
        if original.size[0] * original.size[1] > MAX_DECODED_PIXELS:
            raise _too_many_pixels(name, original.size, MAX_DECODED_PIXELS)
        original.thumbnail((MAX_SIDE, MAX_SIDE))  # in place, before any copy; a turn keeps the long side
        image = ImageOps.exif_transpose(original)  # keep the photo upright once the orientation tag is gone
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


PHOTO_FOLDER = "laporan"  # where coverage.models.report_photo_path puts report photos


def sweep_orphan_photos(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete photo files under PHOTO_FOLDER that no ReportPhoto names, and return their names.

    A report's files are written inside its transaction; a worker killed there
    (or timed out) leaves them behind with no row. Files younger than
    `older_than` are kept: their report may still be on its way to the database.
    """
    storage = ReportPhoto._meta.get_field("image").storage
    cutoff = timezone.now() - older_than
    old = [name for name in _files_under(storage, PHOTO_FOLDER) if storage.get_modified_time(name) < cutoff]
    removed = []
    for start in range(0, len(old), 1000):
        chunk = old[start : start + 1000]
        kept = set(ReportPhoto.objects.filter(image__in=chunk).values_list("image", flat=True))
        for name in chunk:
            if name not in kept:
                storage.delete(name)
                removed.append(name)
    return removed


def _files_under(storage, folder: str) -> Iterator[str]:
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")
