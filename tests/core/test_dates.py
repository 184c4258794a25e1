"""One accepted range of days, from 1 January 2000, for every date the portal stores or reads."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from core.dates import EARLIEST_DAY, start_of_day, validate_in_range
from coverage.models import OutreachEvent
from registry.models import Kim


@pytest.mark.parametrize(
    "value", [date(1999, 12, 31), date(1, 1, 1), start_of_day(date(1, 1, 1)), datetime(1999, 5, 1)]
)
def test_a_day_or_moment_before_2000_is_refused_in_indonesian(value):
    with pytest.raises(ValidationError, match="Tanggal paling awal adalah 1 Januari 2000."):
        validate_in_range(value)


def test_the_first_day_and_its_first_moment_are_accepted():
    validate_in_range(EARLIEST_DAY)
    validate_in_range(start_of_day(EARLIEST_DAY))


@pytest.mark.parametrize(
    "model, field",
    [(Kim, "formed_on"), (Kim, "sk_date"), (Kim, "inactive_since"), (OutreachEvent, "starts_at")],
)
def test_every_stored_date_field_of_kim_and_events_uses_the_range(model, field):
    assert validate_in_range in model._meta.get_field(field).validators
