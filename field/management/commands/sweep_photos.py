from datetime import timedelta

from django.core.management.base import BaseCommand

from core.uploads import sweep_uploads
from field.photos import sweep_orphan_photos


class Command(BaseCommand):
    help = (
        "Delete report photo files under MEDIA_ROOT/laporan/ that no report names "
        "(left by a worker killed while storing a report), and uploads a killed worker left in "
        "FILE_UPLOAD_TEMP_DIR. Files younger than --min-age-minutes are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-age-minutes", type=int, default=60, help="keep files younger than this (60)")

    def handle(self, *args, min_age_minutes, **options):
        removed = sweep_orphan_photos(older_than=timedelta(minutes=min_age_minutes))
        self.stdout.write(f"removed {len(removed)} orphan photo file(s)")
        spooled = sweep_uploads(older_than=timedelta(minutes=min_age_minutes))
        self.stdout.write(f"removed {len(spooled)} abandoned upload file(s)")
