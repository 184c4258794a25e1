"""Coverage of KIM per kecamatan: the one place these numbers are computed."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection, models
from django.db.models import Case, Count, DateField, Exists, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, JSONArray
from django.db.models.lookups import GreaterThan
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_DAY, end_of_day, start_of_day
from core.db import InArray  # noqa: F401 (registers the `in_array` lookup)
from core.links import reverse_arg
from registry.models import Desa, Kabupaten, Kecamatan, KecamatanKimSummary, Kim, KimActivity, KimMonthlySummary
from registry.vitality import months_before

from .models import MonthlySummary, OutreachEvent, Wish
from .signs import held_event_days


@dataclass(frozen=True)
class EventSummary:
    day: date
    kind: str
    kind_label: str
    title: str
    status: str


class Stage(models.IntegerChoices):
    """Where a kecamatan stands on the path to coverage, derived from its events and KIM."""

    NO_ACTIVITY = 0, _("Belum ada kegiatan")
    PLANNED = 1, _("Sosialisasi direncanakan")
    HELD = 2, _("Sosialisasi dilaksanakan")
    KIM_FORMED = 3, _("KIM terbentuk")
    KIM_ACTIVE = 4, _("KIM aktif")


def stage_of(*, active_kim: int, formed_kim: int, held_events: int, planned_events: int) -> Stage:
    """The furthest step reached: an active KIM beats a formed one beats a held event beats a plan."""
    if active_kim:
        return Stage.KIM_ACTIVE
    if formed_kim:
        return Stage.KIM_FORMED
    if held_events:
        return Stage.HELD
    if planned_events:
        return Stage.PLANNED
    return Stage.NO_ACTIVITY


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
    stage_label: str  # the stage's label in the language of the request that asked (translated once a stage)
    stage: Stage = Stage.NO_ACTIVITY
    held_this_year: int = 0
    held_this_month: int = 0  # of held_this_year, those held in the month of the as-of day, up to it

    @property
    def covered(self) -> bool:
        """A kecamatan is covered when at least one KIM in it is active."""
        return self.active_kim > 0

    @property
    def wish_label(self) -> str:
        """The accessible name of its "Bentuk KIM" link on the dashboard."""
        return gettext("Bentuk KIM di Kecamatan %(name)s") % {"name": self.name}

    @property
    def overdue_label(self) -> str:
        """ "3 kegiatan terlambat": its planned events whose day had passed ("" for none)."""
        n = self.overdue_events
        return ngettext("%(n)s kegiatan terlambat", "%(n)s kegiatan terlambat", n) % {"n": n} if n else ""


@dataclass(frozen=True)
class KabupatenCoverage:
    kabupaten: Kabupaten
    on: date
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
    def desa_total(self) -> int:
        return sum(k.desa_total for k in self.kecamatan)

    @property
    def desa_covered(self) -> int:
        return sum(k.desa_covered for k in self.kecamatan)

    @property
    def active_kim(self) -> int:
        return sum(k.active_kim for k in self.kecamatan)

    @property
    def held_this_year(self) -> int:
        """Outreach events held from 1 January of the as-of year up to the as-of day."""
        return sum(k.held_this_year for k in self.kecamatan)

    @property
    def held_this_month(self) -> int:
        """Outreach events held from the first of the as-of month up to the as-of day."""
        return sum(k.held_this_month for k in self.kecamatan)

    @property
    def by_stage(self) -> list[KecamatanCoverage]:
        """Uncovered kecamatan first, least advanced first; then the covered ones."""
        return sorted(self.kecamatan, key=lambda k: (k.covered, k.stage, k.code))

    @property
    def percentage(self) -> float:
        """SPM indicator (Permenkominfo 22/2010): covered kecamatan out of all, in percent."""
        return round(100 * self.covered_count / self.total, 1) if self.total else 0.0


def _count(queryset, expression=None) -> Coalesce:
    """A correlated COUNT per kecamatan, 0 when there is nothing to count.

    COUNT(*) by default: PostgreSQL answers it from an index alone when the
    index holds every column filtered on (events by kecamatan, status, start).
    """
    subquery = queryset.order_by().annotate(grouped=Value(1)).values("grouped")
    subquery = subquery.annotate(n=expression or Count("*")).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


class _KecamatanRow(NamedTuple):
    """A row of `_coverage_sql`, in its column order."""

    code: str
    name: str
    n_active_kim: int
    n_desa_total: int
    n_desa_covered: int
    n_overdue: int
    n_held_months: int  # held in the months of the year before the one of `on` (stored summary)
    n_held_month: int  # held in the month of `on` up to its end
    any_formed_kim: bool
    any_held: bool
    any_planned: bool
    last_event: str | None  # each event a JSON array: starts_at, pk, kind, title, status (`_brief`)
    next_planned: str | None
    next_held_later: str | None


@lru_cache(maxsize=128)
def _coverage_sql(kabupaten_pk: int, on: date, only_pk: int | None) -> tuple[str, tuple]:
    """The SQL and parameters of kecamatan_coverage's query, which are the same whenever these
    three values are: Django took 8 ms to build and compile its eleven correlated subqueries, as
    long as PostgreSQL takes to run them for the hot kabupaten. Only the text is remembered (in
    each process, for 128 kabupaten and days), never an answer: the query runs every time. The
    settings it reads (KIM_QUIET_*, KIM_SK_ENDED_COUNTS, TIME_ZONE) clear it when they change."""
    day_start, day_end = start_of_day(on), end_of_day(on)
    formed = Kim.objects.formed_by(on).filter(desa__kecamatan=OuterRef("pk"))
    desa = Desa.objects.filter(kecamatan=OuterRef("pk"))
    n_active_kim, n_desa_covered = _kim_counts(on)
    events = OutreachEvent.objects.public().filter(kecamatan=OuterRef("pk"))
    held = events.held().filter(starts_at__lt=day_end)
    # As of `on`, an event held later was still upcoming then: the next event is the
    # earlier of the next planned one and the next one held after `on`.
    next_planned = events.planned().filter(starts_at__gte=day_start).order_by("starts_at", "pk")
    next_held_later = events.held().filter(starts_at__gte=day_end).order_by("starts_at", "pk")
    # Held that year: the months before the one of `on` from the stored summary, that month from the events.
    this_month = on.replace(day=1)
    held_months = MonthlySummary.objects.filter(
        kecamatan=OuterRef("pk"), month__gte=on.replace(month=1, day=1), month__lt=this_month
    )
    held_this_month = held.filter(starts_at__gte=start_of_day(this_month))
    queryset = (
        Kecamatan.objects.filter(kabupaten_id=kabupaten_pk, **({"pk": only_pk} if only_pk else {}))
        .annotate(
            n_active_kim=n_active_kim,
            n_desa_total=_count(desa),
            n_desa_covered=n_desa_covered,
            n_overdue=_count(events.overdue(on)),
            n_held_months=_count(held_months, Sum("held_events")),
            n_held_month=_count(held_this_month),
            any_formed_kim=Exists(formed),
            any_held=Exists(held),
            any_planned=Exists(events.planned()) | Exists(next_held_later),
            last_event_id=Subquery(held.order_by("-starts_at", "-pk").values("pk")[:1]),
            next_planned_id=Subquery(next_planned.values("pk")[:1]),
            next_held_later_id=Subquery(next_held_later.values("pk")[:1]),
        )
        .annotate(
            last_event=_brief("last_event_id"),
            next_planned=_brief("next_planned_id"),
            next_held_later=_brief("next_held_later_id"),
        )
        .order_by("code")
        .values_list("code", "name", *_KecamatanRow._fields[2:])
    )
    return queryset.query.sql_with_params()


def _kim_counts(on: date) -> tuple[Case | Coalesce, Case | Coalesce]:
    """Each kecamatan's active KIM and desa/kelurahan with one on day `on`, as two expressions.

    By the default rule (KIM_QUIET_COUNTS and KIM_SK_ENDED_COUNTS on) from the stored summary per
    kecamatan (KecamatanKimSummary): its row of the month of `on`, or the last before, holds them,
    unless a KIM was formed or became inactive later in that month (its last change is after
    `on`); then, and under another rule, counted from the KIM, visiting each of its desa. On the
    bench's hot kabupaten the stored way takes the query from 6.2 to 4.6 ms (docs/benchmarks.md)."""
    active = Kim.objects.active_on(on)
    counted_active = _count(active.filter(desa__kecamatan=OuterRef("pk")))
    # The desa with an active KIM: each stops at its first (0.7 ms less than counting the distinct
    # desa of all 4,244 active KIM of the hot kabupaten).
    counted_desa = _count(
        Desa.objects.filter(kecamatan=OuterRef("pk")).filter(Exists(active.filter(desa=OuterRef("pk"))))
    )
    if not (settings.KIM_QUIET_COUNTS and settings.KIM_SK_ENDED_COUNTS):
        return counted_active, counted_desa
    latest = KecamatanKimSummary.objects.filter(kecamatan=OuterRef("pk"), month__lte=on).order_by("-month")
    changed_later = GreaterThan(Subquery(latest.values("last_change")[:1]), on)

    def stored(field: str, counted) -> Case:
        # No row by then: no accepted KIM formed by the end of that month, so 0.
        return Case(
            When(changed_later, then=counted),
            default=Coalesce(Subquery(latest.values(field)[:1]), Value(0)),
            output_field=IntegerField(),
        )

    return stored("active_kim", counted_active), stored("covered_desa", counted_desa)


def _brief(event_id: str) -> Subquery:
    """The event whose id the row's annotation `event_id` holds, as what a summary shows of it: one
    JSON array (starts_at, pk, kind, title, status) read by its primary key with the kecamatan's
    row, instead of a second query for the events."""
    event = OutreachEvent.objects.public().filter(pk=OuterRef(event_id)).order_by()
    return Subquery(event.values(brief=JSONArray("starts_at", "pk", "kind", "title", "status")))


def _from_brief(value) -> tuple | None:
    """`_brief`'s array as (starts_at, pk, kind, title, status), starts_at an aware datetime (JSON
    holds it as text: with its offset from PostgreSQL, in UTC without one from SQLite)."""
    if value is None:
        return None
    starts_at, pk, kind, title, status = json.loads(value) if isinstance(value, str | bytes) else value
    starts_at = datetime.fromisoformat(starts_at)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return starts_at, pk, kind, title, status


@receiver(setting_changed)
def _forget_compiled_sql(**kwargs):
    _coverage_sql.cache_clear()


def kecamatan_coverage(*, kabupaten: Kabupaten, on: date, only: Kecamatan | None = None) -> KabupatenCoverage:
    """Coverage of every kecamatan of `kabupaten` (or of the one kecamatan `only`) on day `on`,
    in one SQL query.

    Per kecamatan: active KIM, desa/kelurahan with at least one active KIM out of
    all, the last event held by the end of `on`, the next one planned from `on`
    on, how many planned events were overdue on that day, events held that year,
    and its stage on the path to coverage (see `stage_of`). The stage only asks
    whether something exists (EXISTS stops at the first row), and each count is
    one index range: the cost follows the kecamatan, not the events a busy
    kecamatan has accumulated.
    """
    sql, params = _coverage_sql(kabupaten.pk, on, only.pk if only else None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [_KecamatanRow(*row) for row in cursor.fetchall()]
    # Only what a summary shows, as tuples: model instances and get_kind_display() cost the hot
    # kabupaten's dashboard 4 ms of CPU for its 120 events. Each kind's label translated once.
    kind_labels = {kind: str(label) for kind, label in OutreachEvent.Kind.choices}

    def summary(event):
        if event is None:
            return None
        starts_at, _pk, kind, title, status = event
        return EventSummary(
            day=timezone.localdate(starts_at),
            kind=kind,
            kind_label=kind_labels.get(kind, kind),
            title=title,
            status=status,
        )

    def next_event(row):
        found = (_from_brief(row.next_planned), _from_brief(row.next_held_later))
        return min((event for event in found if event is not None), default=None)

    stage_labels = {stage: str(stage.label) for stage in Stage}

    def kecamatan(r):
        stage = stage_of(
            active_kim=r.n_active_kim,
            formed_kim=int(r.any_formed_kim),
            held_events=int(r.any_held),
            planned_events=int(r.any_planned),
        )
        return KecamatanCoverage(
            code=r.code,
            name=r.name,
            active_kim=r.n_active_kim,
            desa_total=r.n_desa_total,
            desa_covered=r.n_desa_covered,
            last_event=summary(_from_brief(r.last_event)),
            next_event=summary(next_event(r)),
            overdue_events=r.n_overdue,
            stage=stage,
            stage_label=stage_labels[stage],
            held_this_year=r.n_held_months + r.n_held_month,
            held_this_month=r.n_held_month,
        )

    return KabupatenCoverage(kabupaten=kabupaten, on=on, kecamatan=[kecamatan(r) for r in rows])


@dataclass(frozen=True)
class KimBrief:
    pk: int
    name: str
    active: bool
    vitality: str = ""  # registry.vitality.Vitality value on the day

    def get_absolute_url(self) -> str:
        return reverse_arg("coverage:kim-detail", self.pk)  # as Kim's: a kecamatan page links up to 150


@dataclass(frozen=True)
class DesaCoverage:
    code: str
    name: str
    kind: str
    kecamatan_code: str
    kecamatan_name: str
    kims: list[KimBrief]
    wishes: int = 0  # citizens' wishes to form a KIM sent by then and not refused (never who)

    @property
    def active_kim(self) -> int:
        return sum(1 for k in self.kims if k.active)

    @property
    def wishes_open(self) -> int:
        """ "Ada minat warga: 2": the open wishes of a desa without an active KIM (0 once covered)."""
        return 0 if self.covered else self.wishes

    @property
    def wishes_label(self) -> str:
        """ "Ada minat warga: 2", as the kecamatan page shows `wishes_open` ("" for none)."""
        n = self.wishes_open
        return ngettext("Ada minat warga: %(n)s", "Ada minat warga: %(n)s", n) % {"n": n} if n else ""

    @property
    def wish_label(self) -> str:
        """The accessible name of the desa's "Bentuk KIM" link."""
        return gettext("Bentuk KIM di %(name)s") % {"name": self.name}

    @property
    def covered(self) -> bool:
        return self.active_kim > 0

    @property
    def vitality(self) -> str | None:
        """The liveliest vitality among the KIM that cover it (active, then sk_ended, then quiet);
        None when no KIM covers it."""
        found = {k.vitality for k in self.kims if k.active}
        return next((v for v in ("active", "sk_ended", "quiet") if v in found), None)


def desa_coverage(
    *, on: date, kabupaten: Kabupaten | None = None, kecamatan=None, vitality: bool = True
) -> list[DesaCoverage]:
    """Every desa/kelurahan of `kecamatan` (or of `kabupaten`) with the verified KIM formed there by `on`
    and the number of citizens' wishes to form one sent by then and not refused.

    Three SQL queries whatever the number of desa, KIM and wishes. `vitality=False` leaves each
    KIM's vitality unread (KimBrief.vitality "", DesaCoverage.vitality None), for a page that
    shows none: building and compiling that expression alone took 6.7 ms of CPU a call.
    """
    desa = Desa.objects.select_related("kecamatan").order_by("code")
    kims = Kim.objects.public().formed_by(on).with_active_on(on)
    if vitality:
        kims = kims.with_vitality(on)
    if kecamatan is not None:
        desa, kims = desa.filter(kecamatan=kecamatan), kims.filter(desa__kecamatan=kecamatan)
    else:
        desa, kims = desa.filter(kecamatan__kabupaten=kabupaten), kims.in_kabupaten(kabupaten)
    wishes = Wish.objects.open().filter(created_at__lt=end_of_day(on))
    wishes = (
        wishes.filter(desa__kecamatan=kecamatan)
        if kecamatan is not None
        else wishes.filter(desa__kecamatan__kabupaten=kabupaten)
    )
    wish_counts = dict(wishes.order_by().values("desa_id").annotate(n=Count("pk")).values_list("desa_id", "n"))
    by_desa: dict[int, list[KimBrief]] = {}
    for kim in kims.order_by("name").only("pk", "name", "desa_id"):
        by_desa.setdefault(kim.desa_id, []).append(
            KimBrief(kim.pk, kim.name, kim.active_then, kim.vitality_code if vitality else "")
        )
    return [
        DesaCoverage(
            code=d.code,
            name=d.name,
            kind=d.kind,
            kecamatan_code=d.kecamatan.code,
            kecamatan_name=d.kecamatan.name,
            kims=by_desa.get(d.pk, []),
            wishes=wish_counts.get(d.pk, 0),
        )
        for d in desa
    ]


@dataclass(frozen=True)
class MonthPoint:
    month: date
    covered_kecamatan: int
    active_kim: int
    held_events: int


# The progress chart and its table show at most the last ten years (one point a month).
PROGRESS_MONTHS = 120


def _months_before(month: date, n: int) -> date:
    """The first day of the month `n` months before `month` (itself a first day)."""
    index = max(month.year * 12 + month.month - 1 - n, 12)  # never before year 1
    return date(index // 12, index % 12 + 1, 1)


def monthly_progress(*, kabupaten: Kabupaten, on: date, coverage: KabupatenCoverage | None = None) -> list[MonthPoint]:
    """Covered kecamatan and active KIM at the end of each month, and events held in it.

    From the first KIM formation or held event up to the month of `on`, in two
    SQL queries (four when quiet KIM do not count), but never more than
    PROGRESS_MONTHS months nor before EARLIEST_DAY, whatever dates the data
    holds: a KIM formed earlier counts from the first month shown. A month is
    judged on its last day (or on `on` for the last month) by the rule of
    `KimQuerySet.active_on`: verified, formed by then, not inactive since, and,
    by the settings KIM_SK_ENDED_COUNTS and KIM_QUIET_COUNTS, neither past its
    SK term nor quiet (registry/vitality.py). Each KIM becomes the days on which
    it counts; one sweep over where those spans begin and end keeps it linear in
    the number of KIM and their signs of life.

    By the default rule the months come from the stored KIM summary (`_stored_progress`). Given
    `coverage`, the whole kabupaten's `kecamatan_coverage` on `on` (the dashboard has it; not one
    of `only=`), the month of `on` is taken from its figures, which follow the same rule
    (tests/coverage/test_chart_rule.py), its events held included.
    """
    first_shown = max(EARLIEST_DAY.replace(day=1), _months_before(on.replace(day=1), PROGRESS_MONTHS - 1))
    if coverage is not None and (coverage.kabupaten.pk, coverage.on) != (kabupaten.pk, on):
        coverage = None
    held_this_month = None if coverage is None else coverage.held_this_month
    held = _held_per_month(kabupaten=kabupaten, first=first_shown, on=on, held_this_month=held_this_month)
    kims = None if settings.KIM_QUIET_COUNTS else Kim.objects.in_kabupaten(kabupaten).accepted().formed_by(on)
    signs = None if kims is None else _life_sign_days(kims.order_by(), on)
    # Net change per month and kecamatan: a month is judged on its last day, so every start or
    # end of a KIM's counting span falls in the month of its day (before the chart: its first).
    first_index = first_shown.year * 12 + first_shown.month - 1
    deltas: dict[int, dict[int, int]] = {}

    def change(day: date, step: int, kec: int):
        if day <= on:
            per_kecamatan = deltas.setdefault(max(day.year * 12 + day.month - 1, first_index), {})
            per_kecamatan[kec] = per_kecamatan.get(kec, 0) + step

    if signs is None and settings.KIM_SK_ENDED_COUNTS:  # the default: from formation until inactive
        stored = _stored_progress(kabupaten=kabupaten, first_shown=first_shown, on=on, held=held, coverage=coverage)
        if stored is not None:
            return stored
        # Only the three columns this rule reads, and `change` written out for the common case (a
        # KIM that still counts). The KIM are picked by `desa_id = ANY(ARRAY(the kabupaten's
        # desa))` and each desa's kecamatan looked up here: PostgreSQL then reads them from the
        # registry_kim_desa_active index alone (1.4 ms instead of 6 joining each KIM to its desa,
        # for the hot kabupaten's 4,244 KIM). A desa added between the two reads is left out.
        desa = Desa.objects.filter(kecamatan__kabupaten=kabupaten)
        kecamatan_of = dict(desa.values_list("pk", "kecamatan_id"))
        rows = (
            Kim.objects.filter(desa__in_array=desa.values("pk"))
            .accepted()
            .formed_by(on)
            .order_by()
            .values_list("formed_on", "inactive_since", "desa_id")
        )
        formations = [(f, i, kecamatan_of[desa_id]) for f, i, desa_id in rows if desa_id in kecamatan_of]
        for formed, inactive, kec in formations:
            if inactive is None:
                per_kecamatan = deltas.setdefault(max(formed.year * 12 + formed.month - 1, first_index), {})
                per_kecamatan[kec] = per_kecamatan.get(kec, 0) + 1
            elif inactive > formed:
                change(formed, 1, kec)
                change(inactive, -1, kec)
    else:
        if kims is None:
            kims = Kim.objects.in_kabupaten(kabupaten).accepted().formed_by(on)
        formations = list(
            kims.order_by().values_list(
                "formed_on", "pk", "inactive_since", "sk_term_end", "desa__kecamatan_id", "created_at"
            )
        )
        for formed, pk, inactive, sk_term_end, kec, created in formations:
            kim_signs = None if signs is None else _with_entry(signs.get(pk, []), timezone.localdate(created), on)
            for start, stop in _counting_spans(formed, inactive, sk_term_end, kim_signs):
                change(start, 1, kec)
                if stop is not None:
                    change(stop, -1, kec)
    starts = [formed for formed, *_rest in formations] + list(held)
    month = max(min(starts).replace(day=1) if starts else on.replace(day=1), first_shown)
    counts: dict[int, int] = {}
    active = covered = 0
    points = []
    while month <= on:
        for kec, step in deltas.get(month.year * 12 + month.month - 1, {}).items():
            before = counts.get(kec, 0)
            counts[kec] = before + step
            active += step
            covered += (before + step > 0) - (before > 0)
        points.append(
            MonthPoint(month=month, covered_kecamatan=covered, active_kim=active, held_events=held.get(month, 0))
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return points


def _stored_progress(
    *, kabupaten: Kabupaten, first_shown: date, on: date, held: dict, coverage: KabupatenCoverage | None
) -> list[MonthPoint] | None:
    """monthly_progress by its default rule, read from the stored KIM summary (KimMonthlySummary:
    one row per month with a change, about a hundred for the hot kabupaten, instead of sweeping
    over its 4,244 KIM). The month of `on` comes from `coverage` when given; without it, None when
    that month's row records a change after `on` (a KIM formed or inactive later that month): the
    month is then judged on `on` from the KIM."""
    this_month = on.replace(day=1)
    rows = list(
        KimMonthlySummary.objects.filter(kabupaten=kabupaten, month__lte=this_month)
        .order_by("month")
        .values_list("month", "active_kim", "covered_kecamatan", "last_change")
    )
    if coverage is None and rows and rows[-1][0] == this_month and rows[-1][3] > on:
        return None
    # Where the chart begins: the first KIM's formation (the first row's month) or held event.
    starts = [rows[0][0], *held] if rows else list(held)
    month = max(min(starts) if starts else this_month, first_shown)
    points = []
    i = active = covered = 0
    while month <= on:
        while i < len(rows) and rows[i][0] <= month:
            _month, active, covered, _last = rows[i]
            i += 1
        if month == this_month and coverage is not None:
            active, covered = coverage.active_kim, coverage.covered_count
        points.append(
            MonthPoint(month=month, covered_kecamatan=covered, active_kim=active, held_events=held.get(month, 0))
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return points


def _held_per_month(
    *, kabupaten: Kabupaten, first: date, on: date, held_this_month: int | None = None
) -> dict[date, int]:
    """Public events held in each month from the month of `first` to the day `on`, by month (the
    months without one left out).

    The months before the one of `on` come from the stored summary (MonthlySummary: a few hundred
    rows for the hot kabupaten instead of counting its 44,000 events). The month of `on` up to the
    end of that day is `held_this_month` when the caller counted it already (the dashboard's
    `kecamatan_coverage` does, kecamatan by kecamatan), else it is counted from the events in the
    same SQL query (a UNION ALL).
    """
    this_month = on.replace(day=1)
    kecamatan = Kecamatan.objects.filter(kabupaten=kabupaten).values("pk")
    # `= ANY(ARRAY(kecamatan))` on PostgreSQL: one index range scan instead of one per kecamatan.
    stored = (
        MonthlySummary.objects.filter(kecamatan__in_array=kecamatan, month__gte=first, month__lt=this_month)
        .order_by()
        .values_list("month")
        .annotate(n=Sum("held_events"))
    )
    if held_this_month is not None:
        return {month: n for month, n in [*stored, (this_month, held_this_month)] if n}
    current = (
        OutreachEvent.objects.public()
        .filter(kecamatan__in_array=kecamatan)
        .held()
        .filter(starts_at__gte=start_of_day(max(first, this_month)), starts_at__lt=end_of_day(on))
        .order_by()
        .annotate(month=Value(this_month, output_field=DateField()))
        .values_list("month")
        .annotate(n=Count("*"))
    )
    return {month: n for month, n in stored.union(current, all=True) if n}


def _life_sign_days(kims, on: date) -> dict[int, list[date]]:
    """Each KIM's days with a sign of life up to `on`, as registry/vitality.py counts them: a
    reviewed activity entry, a held outreach event naming it (tests/coverage/test_chart_rule.py
    checks that these are still all the kinds of signs vitality knows)."""
    days: dict[int, set[date]] = {}
    activities = KimActivity.objects.counted().filter(kim__in=kims, date__lte=on).values_list("kim_id", "date")
    for pk, day in activities.order_by().distinct():
        days.setdefault(pk, set()).add(day)
    for pk, starts_at in held_event_days(kims, on):
        days.setdefault(pk, set()).add(timezone.localdate(starts_at))
    return {pk: sorted(found) for pk, found in days.items()}


def _with_entry(signs: list[date], entered: date, on: date) -> list[date]:
    """A KIM's signs of life with the day it entered the portal, when no sign is older (the rule of
    `registry.vitality.newcomer_q`)."""
    if entered > on or (signs and signs[0] < entered):
        return signs
    return sorted({*signs, entered})


def _counting_spans(formed, inactive, sk_term_end, signs: list[date] | None) -> list[tuple[date, date | None]]:
    """The days on which a KIM counts for coverage, as [start, stop) spans (stop None: still
    counting): from its formation until it became inactive; unless SK-ended KIM count, not after
    its SK term; unless quiet KIM count (`signs` given), only within KIM_QUIET_MONTHS months of
    its formation or of a sign of life (the rule of `registry.vitality.quiet_q`)."""
    stop = inactive
    if not settings.KIM_SK_ENDED_COUNTS and sk_term_end is not None and sk_term_end < date.max:
        stop = min(stop or date.max, sk_term_end + timedelta(days=1))
    if stop is not None and stop <= formed:
        return []
    if signs is None:
        return [(formed, stop)]
    spans: list[tuple[date, date | None]] = []
    for sign in [formed, *(s for s in signs if s >= formed)]:
        start, end = max(sign, formed), _alive_until(sign)  # end: the first day quiet again
        if stop is not None:
            end = min(end, stop)
        if start >= end:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _alive_until(sign: date) -> date:
    """The first day on which a sign of life (or a formation) on `sign` no longer keeps a KIM
    from being quiet: the first day whose quiet window (vitality.quiet_window) starts after it."""
    months = settings.KIM_QUIET_MONTHS
    index = sign.year * 12 + sign.month - 1 + months
    year, month = divmod(index, 12)
    if year > 9999:
        return date.max
    day = date(year, month + 1, min(sign.day, calendar.monthrange(year, month + 1)[1]))
    while day < date.max and months_before(day + timedelta(days=1), months) <= sign:
        day += timedelta(days=1)
    return day + timedelta(days=1) if day < date.max else date.max
