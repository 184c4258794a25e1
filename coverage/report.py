"""The yearly report (/laporan/<tahun>/): what a Kepala Dinas attaches to the year's performance report.

Every number comes from the functions the dashboard uses (kecamatan_coverage,
desa_coverage, desa_target_progress, Kim.objects.with_vitality) for the same
day, so the report and the dashboard never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import EARLIEST_DAY, end_of_day, start_of_day
from registry.models import Desa, Kabupaten, Kim, KimActivity
from registry.vitality import Vitality

from .models import OutreachEvent
from .queries import KabupatenCoverage, desa_coverage, kecamatan_coverage
from .targets import DesaTargetProgress, desa_target_progress


class YearOutOfRange(Exception):
    """The year lies outside the portal's data; `first` and `last` are the years it has."""

    def __init__(self, first: int, last: int):
        super().__init__(f"{first}-{last}")
        self.first, self.last = first, last


@dataclass(frozen=True)
class KimLine:
    pk: int
    name: str
    desa: str
    kecamatan: str
    day: date | None  # formed on, SK term end or last sign of life, as the list says


@dataclass(frozen=True)
class KecamatanOutreach:
    code: str
    name: str
    held: int
    participants: int
    women: int
    men: int

    @property
    def unspecified(self) -> int:
        """Participants counted without saying whether women or men."""
        return max(self.participants - self.women - self.men, 0)


@dataclass(frozen=True)
class ActivityKind:
    kind: str
    label: str
    entries: int


@dataclass(frozen=True)
class UncoveredDesa:
    """The desa/kelurahan of one kecamatan without an active KIM, and what is planned there."""

    kecamatan_code: str
    kecamatan: str
    desa_total: int
    desa: list[str]  # "Desa Tehang", "Kelurahan Sampit"
    planned: list[str]  # "12-02-2023 · Sosialisasi: title (Desa Tehang)"


@dataclass(frozen=True)
class YearlyReport:
    kabupaten: Kabupaten
    year: int
    first_year: int  # the earliest year with a report
    start: date  # 1 January
    end: date  # 31 December, or today for the current year
    coverage_start: KabupatenCoverage
    coverage_end: KabupatenCoverage
    target: DesaTargetProgress | None
    formed: list[KimLine]
    quiet: list[KimLine]
    sk_ended: list[KimLine]
    outreach: list[KecamatanOutreach]
    activity: list[ActivityKind]
    kim_with_activity: int
    uncovered_desa: list[UncoveredDesa]  # per kecamatan, only those with such desa

    @property
    def uncovered_desa_count(self) -> int:
        return sum(len(u.desa) for u in self.uncovered_desa)

    @property
    def is_complete(self) -> bool:
        return self.end == date(self.year, 12, 31)

    @property
    def outreach_total(self) -> KecamatanOutreach:
        return KecamatanOutreach(
            code="",
            name="",
            held=sum(o.held for o in self.outreach),
            participants=sum(o.participants for o in self.outreach),
            women=sum(o.women for o in self.outreach),
            men=sum(o.men for o in self.outreach),
        )

    @property
    def activity_total(self) -> int:
        return sum(a.entries for a in self.activity)


def report_years(*, kabupaten: Kabupaten, today: date) -> tuple[int, int]:
    """The first and last year a report can be made for: from the first KIM formation or
    event (never before 2000) up to this year."""
    first_kim = Kim.objects.in_kabupaten(kabupaten).public().aggregate(d=Min("formed_on"))["d"]
    first_event = OutreachEvent.objects.public().in_kabupaten(kabupaten).aggregate(d=Min("starts_at"))["d"]
    starts = [d for d in (first_kim, first_event and timezone.localdate(first_event)) if d]
    first = max(min(starts).year if starts else today.year, EARLIEST_DAY.year)
    return min(first, today.year), today.year


def _kim_line(kim, day) -> KimLine:
    return KimLine(kim.pk, kim.name, str(kim.desa), kim.desa.kecamatan.name, day)


def yearly_report(*, kabupaten: Kabupaten, year: int, today: date) -> YearlyReport:
    """The report of `year` for `kabupaten`, up to 31 December or `today`, in a fixed number of queries.

    Raises YearOutOfRange for a year outside `report_years`.
    """
    first, last = report_years(kabupaten=kabupaten, today=today)
    if not first <= year <= last:
        raise YearOutOfRange(first, last)
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    kims = Kim.objects.public().in_kabupaten(kabupaten).select_related("desa__kecamatan").order_by("name", "pk")
    formed = [_kim_line(k, k.formed_on) for k in kims.filter(formed_on__gte=start, formed_on__lte=end)]
    attention = list(
        kims.with_vitality(end)
        .filter(vitality_code__in=[Vitality.QUIET, Vitality.SK_ENDED])
        .only("name", "sk_term_end", "desa__name", "desa__kind", "desa__kecamatan__name")
    )
    return YearlyReport(
        kabupaten=kabupaten,
        year=year,
        first_year=first,
        start=start,
        end=end,
        coverage_start=kecamatan_coverage(kabupaten=kabupaten, on=start),
        coverage_end=kecamatan_coverage(kabupaten=kabupaten, on=end),
        target=desa_target_progress(kabupaten=kabupaten, on=end),
        formed=formed,
        quiet=[_kim_line(k, k.last_activity) for k in attention if k.vitality == Vitality.QUIET],
        sk_ended=[_kim_line(k, k.sk_term_end) for k in attention if k.vitality == Vitality.SK_ENDED],
        outreach=_outreach(kabupaten, start, end),
        activity=_activity(kabupaten, start, end),
        kim_with_activity=KimActivity.objects.reviewed()
        .in_kabupaten(kabupaten)
        .between(start, end)
        .aggregate(n=Count("kim", distinct=True))["n"],
        uncovered_desa=_uncovered_desa(kabupaten, start, end),
    )


def _outreach(kabupaten: Kabupaten, start: date, end: date) -> list[KecamatanOutreach]:
    """Public events held from `start` to `end` per kecamatan (every kecamatan, also those with none);
    an event a field officer reported counts once staff reviewed it, as on every public page."""
    held = (
        OutreachEvent.objects.public()
        .held()
        .in_kabupaten(kabupaten)
        .filter(starts_at__gte=start_of_day(start), starts_at__lt=end_of_day(end))
        .order_by()
        .values("kecamatan")
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            women=Coalesce(Sum("participants_women"), 0),
            men=Coalesce(Sum("participants_men"), 0),
        )
    )
    sums = {row["kecamatan"]: row for row in held}
    none = {"n": 0, "people": 0, "women": 0, "men": 0}
    return [
        KecamatanOutreach(code, name, *(sums.get(pk, none)[k] for k in ("n", "people", "women", "men")))
        for pk, code, name in kabupaten.kecamatan.order_by("code").values_list("pk", "code", "name")
    ]


def _activity(kabupaten: Kabupaten, start: date, end: date) -> list[ActivityKind]:
    counts = dict(
        KimActivity.objects.reviewed()
        .in_kabupaten(kabupaten)
        .between(start, end)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return [ActivityKind(kind, label, counts.get(kind, 0)) for kind, label in KimActivity.Kind.choices]


def _uncovered_desa(kabupaten: Kabupaten, start: date, end: date) -> list[UncoveredDesa]:
    """Per kecamatan, its desa without an active KIM on `end`, and the events planned in the
    kecamatan from 1 January on that had not been held by then (at most five shown)."""
    desa = desa_coverage(kabupaten=kabupaten, on=end)
    not_yet_held = Q(status=OutreachEvent.Status.PLANNED) | Q(
        status=OutreachEvent.Status.HELD, starts_at__gte=end_of_day(end)
    )
    planned = (
        OutreachEvent.objects.public()
        .in_kabupaten(kabupaten)
        .filter(not_yet_held, starts_at__gte=start_of_day(start))
        .select_related("desa", "kecamatan")
        .only("title", "kind", "starts_at", "desa__name", "desa__kind", "kecamatan__code")
        .order_by("starts_at", "pk")[:1000]
    )
    by_kecamatan: dict[str, list[str]] = {}
    for event in planned:
        where = f" ({event.desa})" if event.desa_id else ""
        line = f"{event.day:%d-%m-%Y} · {event.get_kind_display()}: {event.title[:120]}{where}"
        by_kecamatan.setdefault(event.kecamatan.code, []).append(line)
    groups: dict[str, list] = {}
    for d in desa:
        groups.setdefault(d.kecamatan_code, []).append(d)
    kind = dict(Desa.Kind.choices)
    return [
        UncoveredDesa(
            kecamatan_code=code,
            kecamatan=rows[0].kecamatan_name,
            desa_total=len(rows),
            desa=[f"{kind[d.kind]} {d.name}" for d in rows if not d.covered],
            planned=by_kecamatan.get(code, [])[:5],
        )
        for code, rows in groups.items()
        if any(not d.covered for d in rows)
    ]
