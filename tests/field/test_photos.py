"""Report photos: JPEG or PNG only, size-limited, stored without EXIF/GPS metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from field.photos import clean_photo

from .photos import gps_of, image_file, jpeg_with_gps


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
