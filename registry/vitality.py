"""A KIM's vitality as of a day: active, quiet (vakum), SK term ended, or not active at all.

One definition, used as a queryset annotation (`Kim.objects.with_vitality(on)`)
by the directory, the profile, the yearly report and open data, and as a
filter (`counts_for_coverage`) inside `KimQuerySet.active_on`, the one place
coverage decides which KIM count:

- *inactive*: not active in the register on that day (not accepted, not yet
  formed, or inactive since);
- *sk_ended*: active, but its board's term (`sk_term_end`) ended before that day;
- *quiet* (vakum): active, formed at least KIM_QUIET_MONTHS months before that
  day, and no sign of life in those months: no accepted activity entry (an
  officer's entry from the phone counts once staff accepted it), and no held
  outreach event with it (each room adds its own kind with `add_life_signs`
  from its AppConfig.ready: registry the activity log, coverage held events;
  this module imports neither). The day a KIM entered the portal counts as a
  sign of life when the log holds none before it (`newcomer_q`): an old KIM
  imported without a last activity date is not vakum on its import day, and
  becomes vakum KIM_QUIET_MONTHS months later if nothing is recorded by then;
- *active*: everything else.

KIM_QUIET_COUNTS and KIM_SK_ENDED_COUNTS (both true by default) decide
whether quiet and SK-ended KIM still count for coverage.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, DateField, Exists, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_DAY, end_of_day, start_of_day
from core.review import Review


class Vitality(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    QUIET = "quiet", _("Vakum")
    SK_ENDED = "sk_ended", _("SK berakhir, perlu SK baru")
    INACTIVE = "inactive", _("Tidak aktif")


# A source of signs of life: (first, last) -> a queryset correlated to the KIM of the outer
# query (OuterRef("pk")), of rows dated from `first` to `last` (both included), each
# annotated with its `day`. Registry's own source is the activity log; coverage adds held
# outreach events.
LifeSigns = Callable[[date, date], models.QuerySet]
_sources: list[LifeSigns] = []  # registry's activity log first (INSTALLED_APPS order), then coverage's events


def add_life_signs(source: LifeSigns) -> None:
    """Let a higher room add a kind of sign of life (called from its AppConfig.ready)."""
    if source not in _sources:
        _sources.append(source)


def _all_sources() -> list[LifeSigns]:
    return list(_sources)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, the month's last day where it has fewer days."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    year = max(year, 1)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def quiet_window(on: date) -> tuple[date, date]:
    """The days in which a KIM must show a sign of life not to be quiet on `on`: from the same
    day KIM_QUIET_MONTHS months earlier up to `on` (an entry of 10 March keeps a KIM active
    up to 10 September)."""
    return months_before(on, settings.KIM_QUIET_MONTHS), on


def register_active_q(on: date) -> Q:
    """Active in the register on `on`: accepted, formed by then, not inactive since."""
    return Q(review_status=Review.ACCEPTED, formed_on__lte=on) & (
        Q(inactive_since__isnull=True) | Q(inactive_since__gt=on)
    )


def sk_ended_q(on: date) -> Q:
    return Q(sk_term_end__lt=on)


def quiet_q(on: date) -> Q:
    """Formed before the window, without any sign of life in it, and not a newcomer (`newcomer_q`)."""
    first, last = quiet_window(on)
    condition = Q(formed_on__lt=first)
    for source in _all_sources():
        condition &= ~Exists(source(first, last))
    return condition & ~newcomer_q(first, last)


def newcomer_q(first: date, last: date) -> Q:
    """Entered the portal (imported, added by staff, an accepted proposal) from `first` to `last`,
    with no sign of life recorded before `first`: the portal has not watched it for a whole window
    yet, so it does not call it quiet. Entering counts as a sign of life on that day, unless the log
    holds an earlier one (an imported *terakhir_aktif* date is one); README, "KIM vitality"."""
    condition = Q(created_at__gte=start_of_day(first), created_at__lt=end_of_day(last))
    for source in _all_sources():
        condition &= ~Exists(source(EARLIEST_DAY, first - timedelta(days=1)))
    return condition


def counts_for_coverage(on: date) -> Q:
    """What `active_on` adds to the register's rule, by the settings (nothing by default)."""
    condition = Q()
    if not settings.KIM_SK_ENDED_COUNTS:
        condition &= ~sk_ended_q(on) | Q(sk_term_end__isnull=True)
    if not settings.KIM_QUIET_COUNTS:
        condition &= ~quiet_q(on)
    return condition


# Stands for "no sign of life" inside the SQL (GREATEST treats NULL differently per database).
_NEVER = EARLIEST_DAY - timedelta(days=1)


def vitality_expression(on: date) -> Case:
    registered = register_active_q(on)
    return Case(
        When(registered & sk_ended_q(on), then=Value(Vitality.SK_ENDED.value)),
        When(registered & quiet_q(on), then=Value(Vitality.QUIET.value)),
        When(registered, then=Value(Vitality.ACTIVE.value)),
        default=Value(Vitality.INACTIVE.value),
        output_field=CharField(),
    )


def vitality_q(on: date, *codes: str) -> Q:
    """KIM whose vitality on `on` is one of `codes`: `vitality_expression`'s cases as a filter.

    Filtering on the CASE made PostgreSQL work out the whole CASE for every KIM, the quiet case's
    searches of the activity log and the events included, even to find the KIM whose SK term
    ended: the admin home page of a national install counted those in 390 ms, here in 15
    (docs/benchmarks.md). As plain conditions the database tests `sk_term_end` first and
    searches for signs of life only where a case needs them; active or quiet KIM together
    need none. The same KIM as the CASE's, NULLs included (tests/registry/test_vitality.py)."""
    wanted = set(codes)
    registered, ended = register_active_q(on), sk_ended_q(on)
    counting = registered & ~ended  # active or quiet
    if {Vitality.ACTIVE, Vitality.QUIET} <= wanted:
        condition = counting
    elif Vitality.QUIET in wanted:
        condition = counting & quiet_q(on)
    elif Vitality.ACTIVE in wanted:
        condition = counting & ~quiet_q(on)
    else:
        condition = Q(pk__in=[])
    if Vitality.SK_ENDED in wanted:
        condition |= registered & ended
    if Vitality.INACTIVE in wanted:
        condition |= ~registered
    return condition


def last_sign_expression(on: date):
    """The latest day up to `on` with an activity entry or a held event, or _NEVER."""
    latest = [
        Coalesce(
            Subquery(source(EARLIEST_DAY, on).order_by("-day").values("day")[:1], output_field=DateField()),
            Value(_NEVER),
            output_field=DateField(),
        )
        for source in _all_sources()
    ]
    return latest[0] if len(latest) == 1 else Greatest(*latest, output_field=DateField())


def as_day(value) -> date | None:
    """A `last_sign_of_life` annotation as a date, None for "never" (SQLite may give text)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if value is None or value <= _NEVER:
        return None
    return value
