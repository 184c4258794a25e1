from django.core.management.base import BaseCommand, CommandError

from coverage.models import MonthlySummary
from registry.models import Kecamatan

SHOWN = 20  # differences listed; the count says how many there are


class Command(BaseCommand):
    help = (
        "Recompute the stored monthly summary (held public events per kecamatan and month) from the "
        "events and report every difference; exit code 1 when there is one. --fix replaces the summary "
        "by the recomputed one (one INSERT … SELECT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rebuild the summary from the events")

    def handle(self, *args, fix=False, **options):
        differences = MonthlySummary.objects.differences()
        codes = dict(Kecamatan.objects.filter(pk__in={d[0] for d in differences[:SHOWN]}).values_list("pk", "code"))
        for kecamatan, month, stored, counted in differences[:SHOWN]:
            self.stdout.write(
                f"kecamatan {codes.get(kecamatan, kecamatan)} {month:%Y-%m}: stored {stored}, events {counted}"
            )
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN} more")
        self.stdout.write(f"monthly summary: {len(differences)} difference(s)")
        if fix and differences:
            rows = MonthlySummary.objects.rebuild()
            self.stdout.write(f"rebuilt from the events: {rows} row(s)")
        elif differences:
            raise CommandError(
                f"{len(differences)} difference(s) between the monthly summary and the events", returncode=1
            )
