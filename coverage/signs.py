"""Held outreach events as a KIM's sign of life (see registry/vitality.py)."""

from datetime import date

from django.db.models.functions import TruncDate

from core.dates import end_of_day, start_of_day

from .models import OutreachEvent


def held_event_signs(first: date, last: date):
    """Held events naming the outer query's KIM, from `first` to `last` (days in WIB)."""
    from django.db.models import OuterRef

    return (
        OutreachEvent.objects.held()
        .filter(kims=OuterRef("pk"), starts_at__gte=start_of_day(first), starts_at__lt=end_of_day(last))
        .annotate(day=TruncDate("starts_at"))
        .order_by()
    )


def held_event_days(kims, last: date):
    """(KIM id, starts_at) of the held events naming one of `kims` up to `last`: the same signs
    as `held_event_signs`, for all KIM at once (the monthly chart, coverage.queries)."""
    return (
        OutreachEvent.objects.held()
        .filter(kims__in=kims, starts_at__lt=end_of_day(last))
        .order_by()
        .values_list("kims", "starts_at")
    )
