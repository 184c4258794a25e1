"""Days in the portal's time zone (Asia/Jakarta), and the range of days it accepts."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The one accepted range of days: every date the portal stores (KIM dates, event times) or
# reads (`?tanggal=`) is on or after EARLIEST_DAY. No KIM predates the programme; earlier
# days only invite date arithmetic overflows (year 1 in UTC+7) and month-by-month work
# from year 1. Whether a day may lie in the future is each field's own rule.
EARLIEST_DAY = date(2000, 1, 1)
TOO_EARLY_MESSAGE = _("Tanggal paling awal adalah 1 Januari 2000.")


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the portal's time zone (Asia/Jakarta)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day`, exclusive."""
    return start_of_day(day + timedelta(days=1))


def validate_in_range(value: date | datetime):
    """Refuse a day, or a moment, before EARLIEST_DAY: the validator of every stored date field."""
    if isinstance(value, datetime):
        too_early = value < start_of_day(EARLIEST_DAY) if timezone.is_aware(value) else value.date() < EARLIEST_DAY
    else:
        too_early = value < EARLIEST_DAY
    if too_early:
        raise ValidationError(TOO_EARLY_MESSAGE, code="too_early")
