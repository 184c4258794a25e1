from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database's contents with a dump made by `backup` (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .dump (PostgreSQL) or .json (SQLite) file made by `manage.py backup`")

    def handle(self, *args, file, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored from {file}")
