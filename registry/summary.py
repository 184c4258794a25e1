"""The KIM half of the stored monthly summary: per kabupaten/kota and month, the KIM counting at
the month's end and the kecamatan they cover (registry.models.KimMonthlySummary), and per kecamatan
and month the KIM counting and the desa/kelurahan they cover (registry.models.KecamatanKimSummary),
computed here from plain rows so that the models, their check and their migrations share one rule."""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple


class KimMonth(NamedTuple):
    """The state of one kabupaten at the end of `month` (its first day), after the changes of that
    month; `last_change` is the latest day in the month on which one of its KIM was formed, began
    or stopped counting (a chart judging the month on an earlier day must not use this row)."""

    kabupaten_id: int
    month: date
    active_kim: int
    covered_kecamatan: int
    last_change: date


class KecamatanMonth(NamedTuple):
    """The state of one kecamatan at the end of `month`, as KimMonth is a kabupaten's: the KIM
    counting and the desa/kelurahan they cover."""

    kecamatan_id: int
    month: date
    active_kim: int
    covered_desa: int
    last_change: date


def kim_months(rows: Iterable[tuple[int, int, date, date | None]]) -> list[KimMonth]:
    """One KimMonth per kabupaten and month in which an accepted KIM was formed or became inactive,
    from (kabupaten id, kecamatan id, formed_on, inactive_since) of the accepted KIM.

    The rule is the default one of the monthly chart (coverage.queries.monthly_progress) and of
    `KimQuerySet.active_on`: a KIM counts from the day it was formed until the day it became
    inactive; one inactive on or before its formation never counts (but its formation still marks
    where the chart begins). A kecamatan is covered while at least one of its KIM counts."""
    return [KimMonth(*month) for month in _months(rows)]


def kecamatan_months(rows: Iterable[tuple[int, int, date, date | None]]) -> list[KecamatanMonth]:
    """One KecamatanMonth per kecamatan and month in which an accepted KIM was formed or became
    inactive, from (kecamatan id, desa id, formed_on, inactive_since) of the accepted KIM, by the
    rule of `kim_months`: a desa/kelurahan is covered while at least one of its KIM counts."""
    return [KecamatanMonth(*month) for month in _months(rows)]


def _months(rows: Iterable[tuple[int, int, date, date | None]]) -> list[tuple[int, date, int, int, date]]:
    """(area, month, KIM counting, parts covered, last change) per area and month with a change,
    from (area, part, formed_on, inactive_since) of the accepted KIM: an area is a kabupaten and
    its parts kecamatan, or an area a kecamatan and its parts desa."""
    changes: dict[int, list[tuple[date, int, int]]] = {}
    for area, part, formed, inactive in rows:
        counts = inactive is None or inactive > formed
        per_area = changes.setdefault(area, [])
        per_area.append((formed, part, 1 if counts else 0))
        if inactive is not None and counts:
            per_area.append((inactive, part, -1))
    months = []
    for area, days in changes.items():
        days.sort(key=lambda change: change[0])
        per_part: dict[int, int] = {}
        active = covered = 0
        month = last = None
        for day, part, step in days:
            if month is not None and (day.year, day.month) != (month.year, month.month):
                months.append((area, month, active, covered, last))
            month, last = day.replace(day=1), day
            if step:
                before = per_part.get(part, 0)
                per_part[part] = before + step
                active += step
                covered += (before + step > 0) - (before > 0)
        months.append((area, month, active, covered, last))
    return months
