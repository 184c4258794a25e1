from django.core.management.base import BaseCommand, CommandError

from coverage.models import MonthlySummary
from registry.models import Kabupaten, Kecamatan, KimMonthlySummary

SHOWN = 20  # differences listed per summary; the count says how many there are


class Command(BaseCommand):
    help = (
        "Recompute the stored summaries from the data and report every difference; exit code 1 when "
        "there is one. The monthly summary: held public events per kecamatan and month, from the events. "
        "The KIM summary: KIM counting and kecamatan covered per kabupaten/kota at the end of each month, "
        "from the KIM. --fix replaces a summary that differs by the recomputed one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rebuild each summary that differs from the data")

    def handle(self, *args, fix=False, **options):
        events = self._events(fix)
        kim = self._kim(fix)
        if (events or kim) and not fix:
            raise CommandError(f"{events + kim} difference(s) between the stored summaries and the data", returncode=1)

    def _events(self, fix: bool) -> int:
        differences = MonthlySummary.objects.differences()
        codes = dict(Kecamatan.objects.filter(pk__in={d[0] for d in differences[:SHOWN]}).values_list("pk", "code"))
        for kecamatan, month, stored, counted in differences[:SHOWN]:
            self.stdout.write(
                f"kecamatan {codes.get(kecamatan, kecamatan)} {month:%Y-%m}: stored {stored}, events {counted}"
            )
        self._more(differences)
        self.stdout.write(f"monthly summary: {len(differences)} difference(s)")
        if fix and differences:
            self.stdout.write(f"rebuilt from the events: {MonthlySummary.objects.rebuild()} row(s)")
        return len(differences)

    def _kim(self, fix: bool) -> int:
        differences = KimMonthlySummary.objects.differences()
        codes = dict(Kabupaten.objects.filter(pk__in={d[0] for d in differences[:SHOWN]}).values_list("pk", "code"))
        for kabupaten, month, stored, counted in differences[:SHOWN]:
            self.stdout.write(
                f"kabupaten {codes.get(kabupaten, kabupaten)} {month:%Y-%m}: "
                f"stored {_state(stored)}, KIM {_state(counted)}"
            )
        self._more(differences)
        self.stdout.write(f"KIM summary: {len(differences)} difference(s)")
        if fix and differences:
            self.stdout.write(f"rebuilt from the KIM: {KimMonthlySummary.objects.rebuild()} row(s)")
        return len(differences)

    def _more(self, differences):
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN} more")


def _state(row) -> str:
    """(active KIM, covered kecamatan, last change) as "12 KIM, 3 kecamatan, last change 2022-03-31"."""
    if row is None:
        return "no row"
    active, covered, last = row
    return f"{active} KIM, {covered} kecamatan, last change {last:%Y-%m-%d}"
