from django.core.management.base import BaseCommand, CommandError

from core.search import SEPARATOR
from coverage.models import MonthlySummary
from registry.models import Kabupaten, Kecamatan, KecamatanKimSummary, KimMonthlySummary, KimSearchText

SHOWN = 20  # differences listed per summary; the count says how many there are


class Command(BaseCommand):
    help = (
        "Recompute the stored summaries from the data and report every difference; exit code 1 when "
        "there is one. The monthly summary: held public events per kecamatan and month, from the events. "
        "The KIM summary: KIM counting and kecamatan covered per kabupaten/kota at the end of each month, "
        "from the KIM, and per kecamatan the KIM counting and desa covered. The KIM search text: each KIM's searched fields, from the KIM and their desa and "
        "kecamatan. --fix replaces a summary that differs by the recomputed one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rebuild each summary that differs from the data")

    def handle(self, *args, fix=False, **options):
        events = MonthlySummary.objects.differences()
        kecamatan = dict(Kecamatan.objects.filter(pk__in={d[0] for d in events[:SHOWN]}).values_list("pk", "code"))
        kim = KimMonthlySummary.objects.differences()
        per_kecamatan = KecamatanKimSummary.objects.differences()  # read before a --fix rebuilds both
        kecamatan.update(
            Kecamatan.objects.filter(pk__in={d[0] for d in per_kecamatan[:SHOWN]}).values_list("pk", "code")
        )
        kabupaten = dict(Kabupaten.objects.filter(pk__in={d[0] for d in kim[:SHOWN]}).values_list("pk", "code"))
        self._report(
            "monthly summary",
            events,
            lambda k, month, stored, counted: (
                f"kecamatan {kecamatan.get(k, k)} {month:%Y-%m}: stored {stored}, events {counted}"
            ),
            rebuild=MonthlySummary.objects.rebuild if fix else None,
            source="events",
        )
        self._report(
            "KIM summary",
            kim,
            lambda k, month, stored, counted: (
                f"kabupaten {kabupaten.get(k, k)} {month:%Y-%m}: stored {_state(stored)}, KIM {_state(counted)}"
            ),
            rebuild=KimMonthlySummary.objects.rebuild if fix else None,
            source="KIM",
        )
        self._report(
            "KIM summary per kecamatan",
            per_kecamatan,
            lambda k, month, stored, counted: (
                f"kecamatan {kecamatan.get(k, k)} {month:%Y-%m}: stored {_state(stored, 'desa')}, "
                f"KIM {_state(counted, 'desa')}"
            ),
            rebuild=KecamatanKimSummary.objects.rebuild if fix else None,
            source="KIM",
        )
        search = KimSearchText.objects.differences()
        self._report(
            "KIM search text",
            search,
            lambda pk, stored, counted: f"KIM {pk}: stored {_text(stored)}, KIM {_text(counted)}",
            rebuild=KimSearchText.objects.rebuild if fix else None,
            source="KIM",
        )
        found = len(events) + len(kim) + len(per_kecamatan) + len(search)
        if found and not fix:
            raise CommandError(f"{found} difference(s) between the stored summaries and the data", returncode=1)

    def _report(self, name, differences, describe, *, rebuild, source):
        """The first SHOWN differences, their count, and with --fix (`rebuild`) the summary rebuilt."""
        for difference in differences[:SHOWN]:
            self.stdout.write(describe(*difference))
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN} more")
        self.stdout.write(f"{name}: {len(differences)} difference(s)")
        if rebuild and differences:
            self.stdout.write(f"rebuilt from the {source}: {rebuild()} row(s)")


def _state(row, covered_what: str = "kecamatan") -> str:
    """(active KIM, covered kecamatan or desa, last change) as "12 KIM, 3 kecamatan, last change 2022-03-31"."""
    if row is None:
        return "no row"
    active, covered, last = row
    return f"{active} KIM, {covered} {covered_what}, last change {last:%Y-%m-%d}"


def _text(text) -> str:
    """A stored search text on one line, cut at 80 characters; "no row" for none."""
    if text is None:
        return "no row"
    shown = text.replace(SEPARATOR, " | ")
    return repr(shown if len(shown) <= 80 else shown[:79] + "…")
