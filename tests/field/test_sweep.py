"""Photo files left behind by a worker killed while storing a report are swept, never a stored photo."""

import os
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from coverage.models import ReportPhoto

from .photos import image_file
from .test_reports import JSON, SUBMIT, report_data


def aged(path, *, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_sweeping_removes_only_old_files_no_report_names(agus_client, parenggean, media_root, capsys):
    agus_client.post(SUBMIT, report_data(parenggean, photos=[image_file()]), **JSON)
    stored = aged(media_root / ReportPhoto.objects.get().image.name, hours=3)
    folder = media_root / "laporan" / "2024" / "01"
    folder.mkdir(parents=True)
    orphan = folder / "sisa.jpg"
    orphan.write_bytes(b"x")
    aged(orphan, hours=2)
    in_flight = folder / "baru.jpg"
    in_flight.write_bytes(b"x")
    call_command("sweep_photos")
    assert (stored.exists(), orphan.exists(), in_flight.exists()) == (True, False, True)
    assert "removed 1 orphan photo file(s)" in capsys.readouterr().out
    assert agus_client.get(reverse("field:photo", args=[ReportPhoto.objects.get().pk])).status_code == 200


def test_sweeping_an_empty_media_folder_removes_nothing(db, media_root):
    from field.photos import sweep_orphan_photos

    assert sweep_orphan_photos() == []


def test_large_uploads_are_spooled_in_the_portals_own_folder_not_the_systems(settings):
    """Where a sweep can find what a killed worker left, and never where the web server serves files."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR).resolve()
    assert folder.is_dir()
    assert folder == (settings.BASE_DIR / "uploads-tmp").resolve()  # beside manage.py, whoever runs it
    assert folder != Path(tempfile.gettempdir()).resolve()
    assert not folder.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_a_raw_photo_left_by_a_killed_worker_is_swept_and_one_still_uploading_kept(db, settings, tmp_path, capsys):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    left = tmp_path / "tmpab12cd.upload.jpg"
    left.write_bytes(b"\xff\xd8 a raw photo, EXIF and GPS included")
    aged(left, hours=2)
    uploading = tmp_path / "tmpef34gh.upload.jpg"
    uploading.write_bytes(b"\xff\xd8 still arriving")
    call_command("sweep_photos")
    assert (left.exists(), uploading.exists()) == (False, True)
    assert "removed 1 abandoned upload file(s)" in capsys.readouterr().out
