"""The KIM half of the stored monthly summary: per kabupaten/kota and month, the KIM counting at
the month's end and the kecamatan they cover (registry.models.KimMonthlySummary), computed here
from plain rows so that the model, its check and its migration share one rule."""

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


def kim_months(rows: Iterable[tuple[int, int, date, date | None]]) -> list[KimMonth]:
    """One KimMonth per kabupaten and month in which an accepted KIM was formed or became inactive,
    from (kabupaten id, kecamatan id, formed_on, inactive_since) of the accepted KIM.

    The rule is the default one of the monthly chart (coverage.queries.monthly_progress) and of
    `KimQuerySet.active_on`: a KIM counts from the day it was formed until the day it became
    inactive; one inactive on or before its formation never counts (but its formation still marks
    where the chart begins). A kecamatan is covered while at least one of its KIM counts."""
    changes: dict[int, list[tuple[date, int, int]]] = {}
    for kabupaten, kecamatan, formed, inactive in rows:
        counts = inactive is None or inactive > formed
        per_kabupaten = changes.setdefault(kabupaten, [])
        per_kabupaten.append((formed, kecamatan, 1 if counts else 0))
        if inactive is not None and counts:
            per_kabupaten.append((inactive, kecamatan, -1))
    months = []
    for kabupaten, days in changes.items():
        days.sort(key=lambda change: change[0])
        per_kecamatan: dict[int, int] = {}
        active = covered = 0
        month = last = None
        for day, kecamatan, step in days:
            if month is not None and (day.year, day.month) != (month.year, month.month):
                months.append(KimMonth(kabupaten, month, active, covered, last))
            month, last = day.replace(day=1), day
            if step:
                before = per_kecamatan.get(kecamatan, 0)
                per_kecamatan[kecamatan] = before + step
                active += step
                covered += (before + step > 0) - (before > 0)
        months.append(KimMonth(kabupaten, month, active, covered, last))
    return months
