"""Uploads larger than Django keeps in memory (FILE_UPLOAD_MAX_MEMORY_SIZE) are spooled to a file
in FILE_UPLOAD_TEMP_DIR, a folder of the portal's own. Django deletes such a file when the request
ends; a worker killed in the middle (gunicorn's timeout) leaves it behind, a raw photo with its EXIF
and GPS included. In the system's temp folder nothing would ever find it; here `sweep_uploads`
(run by `manage.py sweep_photos`) deletes what is older than any request can be."""

import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings


def upload_temp_dir() -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def ensure_upload_temp_dir() -> None:
    """Create the folder (private to the portal's user): Django does not, and fails the upload without it."""
    os.makedirs(upload_temp_dir(), mode=0o700, exist_ok=True)


def sweep_uploads(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete the files in the upload folder older than `older_than`; return their names."""
    folder = upload_temp_dir()
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:  # its request ended meanwhile, or another sweep took it
                    continue
                removed.append(entry.name)
    return removed
