"""Photos made with Pillow for the tests: a JPEG with GPS EXIF, a PNG, a GIF."""

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def jpeg_with_gps(*, name="kegiatan.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG whose EXIF places it at Parenggean (about 1.93 S, 113.05 E) and names the camera."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[GPS_IFD] = {1: "S", 2: (1.0, 55.0, 48.0), 3: "E", 4: (113.0, 3.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def image_file(*, fmt="PNG", name="foto.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 30)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def gps_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(GPS_IFD))


def jpeg_claiming(*, size=(6000, 6600), name="rusak.jpg") -> SimpleUploadedFile:
    """A small JPEG whose header was altered to claim `size`: a few hundred bytes that decode to millions of pixels."""
    out = io.BytesIO()
    Image.new("RGB", (60, 66), (10, 200, 30)).save(out, format="JPEG")
    data = bytearray(out.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", size[1], size[0])
    return SimpleUploadedFile(name, bytes(data), content_type="image/jpeg")


def mpo_file(*, name="kamera-ganda.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A multi-picture JPEG (MPO) as some phones send: a red first picture and a blue second one."""
    out = io.BytesIO()
    first, second = Image.new("RGB", size, (220, 0, 0)), Image.new("RGB", size, (0, 0, 220))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
