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
