"""The yearly report (/laporan/<tahun>/): what a Kepala Dinas attaches to the year's performance report.

Every number comes from the functions the dashboard uses (kecamatan_coverage,
desa_coverage, desa_target_progress, Kim.objects.with_vitality) for the same
day, so the report and the dashboard never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import EARLIEST_DAY, end_of_day, start_of_day
from core.links import reverse_arg
from core.region import PortalRegion, RegionKind
from registry.models import Desa, Kabupaten, Kim, KimActivity
from registry.vitality import Vitality, vitality_expression

from .models import DesaTarget, OutreachEvent
from .queries import KabupatenCoverage, desa_coverage, kecamatan_coverage
from .rollup import kabupaten_coverage
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

    def get_absolute_url(self) -> str:
        return reverse_arg("coverage:kim-detail", self.pk)  # a year's lists may name hundreds of KIM


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


def report_years(*, kabupaten, today: date) -> tuple[int, int]:
    """The first and last year a report can be made for: from the first KIM formation or
    event (never before 2000) up to this year. `kabupaten` is one Kabupaten, or a queryset of
    them for a province or country portal."""
    within = "__in" if isinstance(kabupaten, QuerySet) else ""
    kims = Kim.objects.public().filter(**{f"desa__kecamatan__kabupaten{within}": kabupaten})
    events = OutreachEvent.objects.public().filter(**{f"kecamatan__kabupaten{within}": kabupaten})
    first_kim = kims.aggregate(d=Min("formed_on"))["d"]
    first_event = events.aggregate(d=Min("starts_at"))["d"]
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
        kim_with_activity=KimActivity.objects.counted()
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
        KimActivity.objects.counted()
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


# --- The report of a province or country portal: one row per kabupaten/kota (issue 13). ---


@dataclass(frozen=True)
class AreaYear:
    """One kabupaten/kota (or a province, or the whole region) over a year, as its own report counts it."""

    code: str
    name: str
    province_name: str
    kecamatan_total: int
    kecamatan_start: int  # with an active KIM on 1 January
    kecamatan_end: int  # ... at the end of the period
    desa_total: int
    desa_start: int
    desa_end: int
    target_percent: Decimal | None  # the kabupaten's desa target of the year (kabupaten rows only)
    targets_set: int  # kabupaten/kota with a target for the year
    targets_reached: int  # ... whose desa covered at the end reach it
    formed: int
    quiet: int
    sk_ended: int
    held: int
    participants: int
    women: int
    men: int
    activity: int  # reviewed activity entries

    @property
    def target_desa(self) -> int | None:
        """How many desa/kelurahan the target means (rounded up, as in `DesaTargetProgress`)."""
        if self.target_percent is None:
            return None
        return math.ceil(self.desa_total * self.target_percent / 100)

    @property
    def kecamatan_covered(self) -> int:
        """At the end of the period (the name the roll-up's map colours read)."""
        return self.kecamatan_end

    @property
    def percentage(self) -> float:
        """Kecamatan with an active KIM at the end of the period, in percent (the SPM indicator)."""
        return round(100 * self.kecamatan_end / self.kecamatan_total, 1) if self.kecamatan_total else 0.0

    @property
    def desa_percentage(self) -> float:
        return round(100 * self.desa_end / self.desa_total, 1) if self.desa_total else 0.0


@dataclass(frozen=True)
class RegionYearlyReport:
    region: PortalRegion
    name: str  # "Kalimantan Tengah" or "Indonesia"
    year: int
    first_year: int
    start: date
    end: date
    kabupaten: list[AreaYear]  # by code
    provinces: list[AreaYear]  # per province on a country portal, else empty
    total: AreaYear

    @property
    def is_complete(self) -> bool:
        return self.end == date(self.year, 12, 31)

    @property
    def is_country(self) -> bool:
        return self.region.kind is RegionKind.COUNTRY

    @property
    def kabupaten_by_province(self) -> list[tuple[str, list[AreaYear]]]:
        """The kabupaten rows grouped by province (a country portal's long table), by code."""
        groups: dict[str, list[AreaYear]] = {}
        for row in self.kabupaten:
            groups.setdefault(row.province_name, []).append(row)
        return list(groups.items())


def _per_kabupaten(queryset, code: str, **sums) -> dict[str, dict]:
    """`sums` of `queryset` grouped by kabupaten code (`code` is the lookup to it): one query."""
    return {row.pop("code"): row for row in queryset.order_by().values(code=F(code)).annotate(**sums)}


def region_yearly_report(*, region: PortalRegion, year: int, today: date) -> RegionYearlyReport:
    """The report of `year` for a province or country portal: per kabupaten/kota what its own
    report says (coverage at both ends against its target, KIM formed, quiet and with their SK
    ended, outreach held, activity), in a fixed number of queries whatever the region holds.

    Raises YearOutOfRange for a year outside the region's data.
    """
    kabupaten = Kabupaten.objects.in_portal()
    first, last = report_years(kabupaten=kabupaten, today=today)
    if not first <= year <= last:
        raise YearOutOfRange(first, last)
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    at_start = {a.code: a for a in kabupaten_coverage(kabupaten=kabupaten, on=start)}
    at_end = kabupaten_coverage(kabupaten=kabupaten, on=end)
    kims = Kim.objects.public().filter(desa__kecamatan__kabupaten__in=kabupaten)
    by_kim = "desa__kecamatan__kabupaten__code"
    formed = _per_kabupaten(kims.filter(formed_on__gte=start, formed_on__lte=end), by_kim, n=Count("pk"))
    attention = (
        kims.annotate(vitality_code=vitality_expression(end))
        .filter(vitality_code__in=[Vitality.QUIET, Vitality.SK_ENDED])
        .order_by()
        .values_list(by_kim, "vitality_code")
        .annotate(n=Count("pk"))
    )
    vitality = {(code, vitality): n for code, vitality, n in attention}
    held = _per_kabupaten(
        OutreachEvent.objects.public()
        .held()
        .filter(kecamatan__kabupaten__in=kabupaten)
        .filter(starts_at__gte=start_of_day(start), starts_at__lt=end_of_day(end)),
        "kecamatan__kabupaten__code",
        n=Count("pk"),
        people=Coalesce(Sum("participants"), 0),
        women=Coalesce(Sum("participants_women"), 0),
        men=Coalesce(Sum("participants_men"), 0),
    )
    activity = _per_kabupaten(
        KimActivity.objects.counted().filter(kim__desa__kecamatan__kabupaten__in=kabupaten).between(start, end),
        "kim__desa__kecamatan__kabupaten__code",
        n=Count("pk"),
    )
    targets = dict(
        DesaTarget.objects.filter(year=year, kecamatan__isnull=True, kabupaten__in=kabupaten).values_list(
            "kabupaten__code", "target_percent"
        )
    )
    no_events = {"n": 0, "people": 0, "women": 0, "men": 0}
    rows = []
    for a in at_end:
        b, events, percent = at_start[a.code], held.get(a.code, no_events), targets.get(a.code)
        target_desa = None if percent is None else math.ceil(a.desa_total * percent / 100)
        rows.append(
            AreaYear(
                code=a.code,
                name=a.name,
                province_name=a.province_name,
                kecamatan_total=a.kecamatan_total,
                kecamatan_start=b.kecamatan_covered,
                kecamatan_end=a.kecamatan_covered,
                desa_total=a.desa_total,
                desa_start=b.desa_covered,
                desa_end=a.desa_covered,
                target_percent=percent,
                targets_set=int(percent is not None),
                targets_reached=int(target_desa is not None and a.desa_covered >= target_desa),
                formed=formed.get(a.code, {}).get("n", 0),
                quiet=vitality.get((a.code, Vitality.QUIET.value), 0),
                sk_ended=vitality.get((a.code, Vitality.SK_ENDED.value), 0),
                held=events["n"],
                participants=events["people"],
                women=events["women"],
                men=events["men"],
                activity=activity.get(a.code, {}).get("n", 0),
            )
        )
    is_country = region.kind is RegionKind.COUNTRY
    name = str(_("Indonesia")) if is_country else (rows[0].province_name if rows else region.code)
    provinces = []
    if is_country:
        grouped: dict[str, list[AreaYear]] = {}
        for row in rows:
            grouped.setdefault(row.code[:2], []).append(row)
        provinces = [_sum_rows(code, members[0].province_name, members) for code, members in sorted(grouped.items())]
    return RegionYearlyReport(
        region=region,
        name=name,
        year=year,
        first_year=first,
        start=start,
        end=end,
        kabupaten=rows,
        provinces=provinces,
        total=_sum_rows(region.code, name, rows),
    )


def _sum_rows(code: str, name: str, rows: list[AreaYear]) -> AreaYear:
    counted = [f.name for f in fields(AreaYear) if f.type == "int"]
    return AreaYear(
        code=code,
        name=name,
        province_name=name,
        target_percent=None,
        **{field: sum(getattr(row, field) for row in rows) for field in counted},
    )
