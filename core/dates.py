"""Days in the portal's time zone (Asia/Jakarta), and the range of days it accepts."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

# No KIM predates the programme; earlier days only invite date arithmetic overflows (year 1 in UTC+7).
EARLIEST_DAY = date(2000, 1, 1)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the portal's time zone (Asia/Jakarta)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day`, exclusive."""
    return start_of_day(day + timedelta(days=1))
