"""Report photos: JPEG or PNG only, size-limited, stored without EXIF/GPS metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from field import photos
from field.photos import clean_photo

from .photos import gps_of, image_file, jpeg_claiming, jpeg_with_gps, mpo_file


def test_the_test_photo_really_carries_gps():
    assert gps_of(jpeg_with_gps().read())[1] == "S"


def test_a_cleaned_jpeg_keeps_its_pixels_but_loses_gps_and_camera():
    cleaned = clean_photo(jpeg_with_gps()).read()
    with Image.open(io.BytesIO(cleaned)) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))
        assert len(image.getexif()) == 0
    assert gps_of(cleaned) == {}


def test_a_png_is_accepted_and_stays_png():
    with Image.open(clean_photo(image_file())) as image:
        assert image.format == "PNG"


def test_a_text_file_named_like_a_photo_is_refused_in_indonesian():
    fake = SimpleUploadedFile("foto.jpg", b"bukan gambar", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="bukan berkas gambar yang dapat dibaca"):
        clean_photo(fake)


def test_a_gif_is_refused_as_the_wrong_type():
    with pytest.raises(ValidationError, match="Hanya foto JPEG atau PNG"):
        clean_photo(image_file(fmt="GIF", name="animasi.gif"))


def test_an_oversize_photo_is_refused_before_it_is_read(settings):
    settings.FIELD_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="terlalu besar"):
        clean_photo(image_file(size=(400, 400)))


def test_a_large_photo_is_scaled_down_to_2048_pixels():
    with Image.open(clean_photo(jpeg_with_gps(size=(3000, 1500)))) as image:
        assert image.size == (2048, 1024)


def test_a_cut_off_jpeg_is_refused_in_indonesian_not_a_server_error():
    whole = io.BytesIO()
    Image.new("RGB", (200, 150), "green").save(whole, format="JPEG")
    cut = SimpleUploadedFile("terpotong.jpg", whole.getvalue()[: len(whole.getvalue()) // 2], "image/jpeg")
    with pytest.raises(ValidationError, match="bukan berkas gambar yang dapat dibaca"):
        clean_photo(cut)


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_its_first_picture():
    with Image.open(clean_photo(mpo_file())) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))
        red, _green, blue = image.getpixel((10, 10))
        assert red > 200 and blue < 30


def test_a_photo_over_50_megapixels_is_refused_from_its_header_without_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    with pytest.raises(ValidationError, match="8000 × 7000 piksel. Foto paling besar 50 megapiksel"):
        clean_photo(jpeg_claiming(size=(8000, 7000)))
    assert decoded == []


def test_a_corrupt_jpeg_claiming_far_more_pixels_than_its_bytes_hold_is_refused():
    with pytest.raises(ValidationError, match="bukan berkas gambar yang dapat dibaca"):
        clean_photo(jpeg_claiming(size=(6000, 6600)))


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size) or load(self))
    with Image.open(clean_photo(jpeg_with_gps(size=(8192, 4096)))) as image:
        assert image.size == (2048, 1024)
    assert max(w * h for w, h in decoded) <= 4096 * 2048  # a quarter of the pixels, or fewer


def test_a_png_too_large_to_decode_within_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr(photos, "MAX_DECODED_PIXELS", 1_000_000)
    with pytest.raises(ValidationError, match="1200 × 900 piksel. Foto paling besar 1 megapiksel"):
        clean_photo(image_file(size=(1200, 900)))


def test_a_jpeg_turned_by_its_orientation_tag_is_stored_upright():
    image = Image.new("RGB", (80, 40), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90 degrees clockwise to view
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("miring.jpg", out.getvalue(), content_type="image/jpeg")
    with Image.open(clean_photo(upload)) as stored:
        assert stored.size == (40, 80)
