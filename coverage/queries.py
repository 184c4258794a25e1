"""Coverage of KIM per kecamatan: the one place these numbers are computed."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from registry.models import Desa, Kabupaten, Kecamatan, Kim

from .models import OutreachEvent, end_of_day, start_of_day


@dataclass(frozen=True)
class EventSummary:
    day: date
    kind: str
    kind_label: str
    title: str
    status: str


@dataclass(frozen=True)
class KecamatanCoverage:
    code: str
    name: str
    active_kim: int
    desa_total: int
    desa_covered: int
    last_event: EventSummary | None
    next_event: EventSummary | None
    overdue_events: int

    @property
    def covered(self) -> bool:
        """A kecamatan is covered when at least one KIM in it is active."""
        return self.active_kim > 0


@dataclass(frozen=True)
class KabupatenCoverage:
    kabupaten: Kabupaten
    as_of: date
    kecamatan: list[KecamatanCoverage]

    @property
    def total(self) -> int:
        return len(self.kecamatan)

    @property
    def covered_count(self) -> int:
        return sum(1 for k in self.kecamatan if k.covered)

    @property
    def uncovered(self) -> list[KecamatanCoverage]:
        return [k for k in self.kecamatan if not k.covered]

    @property
    def percentage(self) -> float:
        """SPM indicator (Permenkominfo 22/2010): covered kecamatan out of all, in percent."""
        return round(100 * self.covered_count / self.total, 1) if self.total else 0.0


def _count(queryset, expression) -> Coalesce:
    """A correlated COUNT per kecamatan, 0 when there is nothing to count."""
    subquery = queryset.order_by().values("grouped").annotate(n=expression).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def kecamatan_coverage(*, kabupaten: Kabupaten, on: date) -> KabupatenCoverage:
    """Coverage of every kecamatan of `kabupaten` on day `on`, in two SQL queries.

    Per kecamatan: active KIM, desa/kelurahan with at least one active KIM out of
    all, the last event held by the end of `on`, the next one planned from `on`
    on, and how many planned events were overdue on that day.
    """
    day_start, day_end = start_of_day(on), end_of_day(on)
    active = Kim.objects.active_on(on).filter(desa__kecamatan=OuterRef("pk")).annotate(grouped=Value(1))
    desa = Desa.objects.filter(kecamatan=OuterRef("pk")).annotate(grouped=Value(1))
    events = OutreachEvent.objects.filter(kecamatan=OuterRef("pk"))
    held = events.held().filter(starts_at__lt=day_end).order_by("-starts_at", "-pk")
    upcoming = events.filter(
        Q(status=OutreachEvent.Status.PLANNED, starts_at__gte=day_start)
        | Q(status=OutreachEvent.Status.HELD, starts_at__gte=day_end)
    ).order_by("starts_at", "pk")
    overdue = events.planned().filter(starts_at__lt=day_start).annotate(grouped=Value(1))

    rows = list(
        Kecamatan.objects.filter(kabupaten=kabupaten)
        .annotate(
            n_active_kim=_count(active, Count("pk")),
            n_desa_total=_count(desa, Count("pk")),
            n_desa_covered=_count(active, Count("desa", distinct=True)),
            n_overdue=_count(overdue, Count("pk")),
            last_event_id=Subquery(held.values("pk")[:1]),
            next_event_id=Subquery(upcoming.values("pk")[:1]),
        )
        .order_by("code")
    )
    wanted = {r.last_event_id for r in rows} | {r.next_event_id for r in rows}
    wanted.discard(None)
    found = OutreachEvent.objects.in_bulk(wanted) if wanted else {}

    def summary(event_id):
        event = found.get(event_id)
        if event is None:
            return None
        return EventSummary(
            day=event.day,
            kind=event.kind,
            kind_label=event.get_kind_display(),
            title=event.title,
            status=event.status,
        )

    return KabupatenCoverage(
        kabupaten=kabupaten,
        as_of=on,
        kecamatan=[
            KecamatanCoverage(
                code=r.code,
                name=r.name,
                active_kim=r.n_active_kim,
                desa_total=r.n_desa_total,
                desa_covered=r.n_desa_covered,
                last_event=summary(r.last_event_id),
                next_event=summary(r.next_event_id),
                overdue_events=r.n_overdue,
            )
            for r in rows
        ],
    )
