from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.backup import BackupError, dump


class Command(BaseCommand):
    help = (
        "Dump the whole database: PostgreSQL with pg_dump (custom format), SQLite as JSON. "
        "A folder (ending in /) gets a file named kimportal-<time>.dump or .json."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="target file, or a folder ending in /")

    def handle(self, *args, file, **options):
        path = Path(file)
        if file.endswith("/") or path.is_dir():
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path /= f"kimportal-{stamp}.{'dump' if connection.vendor == 'postgresql' else 'json'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            dump(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"dumped to {path} ({path.stat().st_size} bytes)")
