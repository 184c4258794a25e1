"""Desa/kelurahan coverage against Diskominfo's yearly target, and this year's pace."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from registry.models import Desa, Kabupaten, Kecamatan, Kim

from .models import DesaTarget


@dataclass(frozen=True)
class DesaTargetProgress:
    """Where desa coverage stands on `on` against the target of `on`'s year."""

    year: int
    scope_code: str
    scope_name: str
    target_percent: Decimal
    on: date
    desa_total: int
    desa_covered: int
    desa_covered_at_start: int  # on 31 December of the year before
    set_for: str = ""  # a kecamatan measured against its kabupaten's target: that kabupaten's name

    @property
    def share(self) -> float:
        """Desa/kelurahan with an active KIM, in percent."""
        return round(100 * self.desa_covered / self.desa_total, 1) if self.desa_total else 0.0

    @property
    def target_desa(self) -> int:
        """How many desa/kelurahan the target means (rounded up)."""
        return math.ceil(self.desa_total * self.target_percent / 100)

    @property
    def still_needed(self) -> int:
        return max(self.target_desa - self.desa_covered, 0)

    @property
    def reached(self) -> bool:
        return self.desa_covered >= self.target_desa

    @property
    def newly_covered(self) -> int:
        """Desa covered now and not on 1 January, net of those lost since."""
        return self.desa_covered - self.desa_covered_at_start

    @property
    def days_elapsed(self) -> int:
        return (self.on - date(self.year, 1, 1)).days + 1

    @property
    def days_in_year(self) -> int:
        return (date(self.year, 12, 31) - date(self.year, 1, 1)).days + 1

    @property
    def projected_year_end(self) -> int:
        """Desa covered on 31 December if the pace since 1 January holds (never fewer than now)."""
        gained = max(self.newly_covered, 0) * self.days_in_year / self.days_elapsed
        return max(self.desa_covered_at_start + math.floor(gained), self.desa_covered)

    @property
    def on_pace(self) -> bool:
        return self.reached or self.projected_year_end >= self.target_desa


def _covered_desa(*, kabupaten: Kabupaten, on: date, kecamatan: Kecamatan | None) -> int:
    kims = Kim.objects.active_on(on).in_kabupaten(kabupaten)
    if kecamatan is not None:
        kims = kims.filter(desa__kecamatan=kecamatan)
    return kims.aggregate(n=Count("desa", distinct=True))["n"]


def applicable_targets(kecamatan: Iterable[Kecamatan], year: int) -> dict[int, DesaTarget]:
    """The target of `year` each kecamatan is measured against: its own, else its kabupaten's
    (kecamatan without either are left out). One SQL query, whatever the number of kecamatan."""
    kecamatan = list(kecamatan)
    targets = DesaTarget.objects.filter(
        Q(kecamatan__in=kecamatan) | Q(kecamatan__isnull=True),
        year=year,
        kabupaten_id__in={k.kabupaten_id for k in kecamatan},
    ).select_related("kabupaten")
    own, of_kabupaten = {}, {}
    for target in targets:
        if target.kecamatan_id:
            own[target.kecamatan_id] = target
        else:
            of_kabupaten[target.kabupaten_id] = target
    found = {k.pk: own.get(k.pk) or of_kabupaten.get(k.kabupaten_id) for k in kecamatan}
    return {pk: target for pk, target in found.items() if target is not None}


def kecamatan_target_progress(*, kecamatan: Kecamatan, on: date) -> DesaTargetProgress | None:
    """The kecamatan's desa/kelurahan on `on` against its target of that year (`applicable_targets`:
    its own, else its kabupaten's); None when neither is set. Five SQL queries."""
    target = applicable_targets([kecamatan], on.year).get(kecamatan.pk)
    if target is None:
        return None
    set_for = "" if target.kecamatan_id else str(target.kabupaten)
    return _progress(target, kabupaten=kecamatan.kabupaten, on=on, kecamatan=kecamatan, set_for=set_for)


@dataclass(frozen=True)
class KecamatanTarget:
    """A kecamatan's desa/kelurahan against the target it is measured by, for a list row."""

    target_percent: Decimal
    set_for: str  # "" for the kecamatan's own target, else the kabupaten whose target applies
    desa_total: int
    desa_covered: int

    @property
    def target_desa(self) -> int:
        return math.ceil(self.desa_total * self.target_percent / 100)

    @property
    def still_needed(self) -> int:
        return max(self.target_desa - self.desa_covered, 0)


def desa_target_progress(
    *, kabupaten: Kabupaten, on: date, kecamatan: Kecamatan | None = None
) -> DesaTargetProgress | None:
    """Coverage of desa/kelurahan on `on` against the target of that year for the kabupaten
    (or one of its kecamatan); None when no target is set. Four SQL queries."""
    # One at most (a unique constraint per year and scope): read without the model's ordering,
    # which would join the kabupaten and kecamatan to sort a single row.
    target = DesaTarget.objects.filter(year=on.year, kabupaten=kabupaten, kecamatan=kecamatan).order_by().first()
    if target is None:
        return None
    return _progress(target, kabupaten=kabupaten, on=on, kecamatan=kecamatan)


def _progress(target, *, kabupaten, on, kecamatan, set_for="") -> DesaTargetProgress:
    desa = Desa.objects.filter(kecamatan__kabupaten=kabupaten)
    if kecamatan is not None:
        desa = desa.filter(kecamatan=kecamatan)
    return DesaTargetProgress(
        year=on.year,
        scope_code=(kecamatan or kabupaten).code,
        scope_name=str(kecamatan or kabupaten),
        target_percent=target.target_percent,
        on=on,
        desa_total=desa.count(),
        desa_covered=_covered_desa(kabupaten=kabupaten, on=on, kecamatan=kecamatan),
        desa_covered_at_start=_covered_desa(kabupaten=kabupaten, on=date(on.year - 1, 12, 31), kecamatan=kecamatan),
        set_for=set_for,
    )


@dataclass(frozen=True)
class TargetRow:
    """One target with the actual share on `on` (today, or 31 December for a past year)."""

    year: int
    scope_code: str
    scope_name: str
    target_percent: Decimal
    on: date
    desa_total: int
    desa_covered: int

    @property
    def share(self) -> float:
        return round(100 * self.desa_covered / self.desa_total, 1) if self.desa_total else 0.0


def all_targets(*, kabupaten: Kabupaten, today: date) -> list[TargetRow]:
    """Every target of the kabupaten with its actual share: as of `today` for this year and later
    years, as of 31 December for past years. Three queries, and one more per distinct year."""
    targets = list(DesaTarget.objects.filter(kabupaten=kabupaten).select_related("kecamatan").order_by("year", "pk"))
    desa_per_kecamatan = dict(
        Desa.objects.filter(kecamatan__kabupaten=kabupaten)
        .order_by()
        .values_list("kecamatan_id")
        .annotate(n=Count("pk"))
    )
    covered_per_year: dict[int, dict[int, int]] = {}
    for year in sorted({t.year for t in targets}):
        on = min(today, date(year, 12, 31))
        covered_per_year[year] = dict(
            Kim.objects.active_on(on)
            .in_kabupaten(kabupaten)
            .order_by()
            .values_list("desa__kecamatan_id")
            .annotate(n=Count("desa", distinct=True))
        )
    rows = []
    for t in targets:
        covered = covered_per_year[t.year]
        if t.kecamatan_id:
            total, done = desa_per_kecamatan.get(t.kecamatan_id, 0), covered.get(t.kecamatan_id, 0)
        else:
            total, done = sum(desa_per_kecamatan.values()), sum(covered.values())
        rows.append(
            TargetRow(
                year=t.year,
                scope_code=t.kecamatan.code if t.kecamatan_id else kabupaten.code,
                scope_name=str(t.kecamatan or kabupaten),
                target_percent=t.target_percent,
                on=min(today, date(t.year, 12, 31)),
                desa_total=total,
                desa_covered=done,
            )
        )
    return rows
