"""Coverage of a province or the whole country, per kabupaten/kota or per province.

The numbers mean what they mean on a kabupaten's dashboard (`queries.kecamatan_coverage`):
a kecamatan or desa/kelurahan is covered on a day when at least one KIM in it is
active then (`Kim.objects.active_on`), so the roll-up row of a kabupaten equals the
totals of its own dashboard.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from core.region import PortalRegion, RegionKind
from registry.models import Desa, Kabupaten, Kecamatan, Kim

from .models import DesaTarget


@dataclass(frozen=True)
class TargetProgress:
    """The kabupaten-wide desa target (`coverage.models.DesaTarget`) of the roll-up's year: how
    many desa/kelurahan should have an active KIM by 31 December (`target`, rounded up as on the
    kabupaten's dashboard) and how many have one on the roll-up's day (`reached`). A province's
    row on a country portal adds up the kabupaten/kota that set a target."""

    target: int
    reached: int

    @property
    def met(self) -> bool:
        return self.reached >= self.target


@dataclass(frozen=True)
class AreaCoverage:
    """One kabupaten/kota (province portal) or one province (country portal) in the roll-up."""

    code: str
    name: str
    kecamatan_total: int
    kecamatan_covered: int
    desa_total: int
    desa_covered: int
    active_kim: int
    province_name: str = ""
    target: TargetProgress | None = None  # this year's target progress, where set

    @property
    def covered(self) -> bool:
        return self.kecamatan_covered > 0

    @property
    def percentage(self) -> float:
        """Covered kecamatan out of all, in percent (the SPM indicator of a kabupaten)."""
        return round(100 * self.kecamatan_covered / self.kecamatan_total, 1) if self.kecamatan_total else 0.0


@dataclass(frozen=True)
class RegionCoverage:
    region: PortalRegion
    name: str  # "Kalimantan Tengah" or "Indonesia"
    on: date
    areas: list[AreaCoverage]  # by code

    @property
    def area_kind(self) -> RegionKind:
        """What one row is: a kabupaten/kota of a province, or a province of the country."""
        return RegionKind.PROVINCE if self.region.kind is RegionKind.COUNTRY else RegionKind.KABUPATEN

    @property
    def by_coverage(self) -> list[AreaCoverage]:
        """The uncovered first, then the least covered (share of kecamatan), then by code."""
        return sorted(self.areas, key=lambda a: (a.covered, a.percentage, a.code))

    @property
    def has_targets(self) -> bool:
        """Whether any area has a target this year (the page then shows a target column)."""
        return any(a.target for a in self.areas)

    @property
    def without_kim(self) -> list[AreaCoverage]:
        """The kabupaten/kota (or provinces) without any active KIM, by name: listed above the map."""
        return sorted((a for a in self.areas if not a.covered), key=lambda a: a.name)

    @property
    def with_kim(self) -> int:
        return sum(1 for a in self.areas if a.covered)

    @property
    def kecamatan_total(self) -> int:
        return sum(a.kecamatan_total for a in self.areas)

    @property
    def kecamatan_covered(self) -> int:
        return sum(a.kecamatan_covered for a in self.areas)

    @property
    def desa_total(self) -> int:
        return sum(a.desa_total for a in self.areas)

    @property
    def desa_covered(self) -> int:
        return sum(a.desa_covered for a in self.areas)

    @property
    def active_kim(self) -> int:
        return sum(a.active_kim for a in self.areas)

    @property
    def percentage(self) -> float:
        total = self.kecamatan_total
        return round(100 * self.kecamatan_covered / total, 1) if total else 0.0


def kabupaten_coverage(*, kabupaten, on: date) -> list[AreaCoverage]:
    """Per kabupaten/kota of the queryset `kabupaten`: kecamatan and desa/kelurahan, all and
    covered, active KIM on day `on` and the desa target of `on`'s year where one is set, by code.
    Four SQL queries whatever the data size."""
    target_percent = DesaTarget.objects.filter(kabupaten=OuterRef("pk"), year=on.year, kecamatan__isnull=True)
    rows = list(
        kabupaten.order_by("code")
        .annotate(target_percent=Subquery(target_percent.values("target_percent")[:1]))
        .values_list("pk", "code", "name", "province_name", "target_percent")
    )
    kecamatan = dict(
        Kecamatan.objects.filter(kabupaten__in=kabupaten)
        .order_by()
        .values("kabupaten")
        .annotate(n=Count("pk"))
        .values_list("kabupaten", "n")
    )
    desa = dict(
        Desa.objects.filter(kecamatan__kabupaten__in=kabupaten)
        .order_by()
        .values("kecamatan__kabupaten")
        .annotate(n=Count("pk"))
        .values_list("kecamatan__kabupaten", "n")
    )
    active = {
        row["desa__kecamatan__kabupaten"]: row
        for row in Kim.objects.active_on(on)
        .filter(desa__kecamatan__kabupaten__in=kabupaten)
        .order_by()
        .values("desa__kecamatan__kabupaten")
        .annotate(
            kim=Count("pk"),
            kecamatan=Count("desa__kecamatan", distinct=True),
            desa=Count("desa", distinct=True),
        )
    }
    none = {"kim": 0, "kecamatan": 0, "desa": 0}
    return [
        AreaCoverage(
            code=code,
            name=name,
            kecamatan_total=kecamatan.get(pk, 0),
            kecamatan_covered=active.get(pk, none)["kecamatan"],
            desa_total=desa.get(pk, 0),
            desa_covered=active.get(pk, none)["desa"],
            active_kim=active.get(pk, none)["kim"],
            province_name=province_name,
            target=None
            if percent is None
            else TargetProgress(
                target=math.ceil(desa.get(pk, 0) * percent / 100), reached=active.get(pk, none)["desa"]
            ),
        )
        for pk, code, name, province_name, percent in rows
    ]


def region_coverage(*, region: PortalRegion, on: date) -> RegionCoverage:
    """The roll-up of a province (one row per kabupaten/kota) or of the country (one row per
    province) on day `on`, in four SQL queries whatever the data size."""
    areas = kabupaten_coverage(kabupaten=Kabupaten.objects.in_region(region), on=on)
    if region.kind is RegionKind.COUNTRY:
        areas, name = _by_province(areas), _("Indonesia")
    else:
        name = areas[0].province_name if areas else region.code
    return RegionCoverage(region=region, name=name, on=on, areas=areas)


def _by_province(areas: list[AreaCoverage]) -> list[AreaCoverage]:
    grouped = defaultdict(list)
    for area in areas:
        grouped[area.code[:2]].append(area)
    return [
        AreaCoverage(
            code=code,
            name=members[0].province_name,
            province_name=members[0].province_name,
            kecamatan_total=sum(a.kecamatan_total for a in members),
            kecamatan_covered=sum(a.kecamatan_covered for a in members),
            desa_total=sum(a.desa_total for a in members),
            desa_covered=sum(a.desa_covered for a in members),
            active_kim=sum(a.active_kim for a in members),
            target=_sum_targets([a.target for a in members if a.target]),
        )
        for code, members in sorted(grouped.items())
    ]


def _sum_targets(targets: list[TargetProgress]) -> TargetProgress | None:
    if not targets:
        return None
    return TargetProgress(target=sum(t.target for t in targets), reached=sum(t.reached for t in targets))
