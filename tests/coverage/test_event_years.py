"""The admin's date hierarchy lists the years with events, found by index rather than a full scan."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from coverage.models import OutreachEvent

from ..factories import make_event


def test_the_years_with_events_are_the_ones_django_would_list(parenggean, django_assert_num_queries):
    for day in [date(2021, 12, 31), date(2022, 1, 1), date(2022, 3, 24), date(2025, 6, 1)]:
        make_event(kecamatan=parenggean, starts_at=day)
    events = OutreachEvent.objects.all()

    with django_assert_num_queries(2):  # the first and last event, then one EXISTS per year
        years = events.datetimes("starts_at", "year")

    assert [y.year for y in years] == [2021, 2022, 2025]
    assert years == list(QuerySet.datetimes(events, "starts_at", "year"))


def test_a_filtered_list_shows_only_its_own_years_newest_first(parenggean, baamang):
    make_event(kecamatan=parenggean, starts_at=date(2021, 5, 1))
    make_event(kecamatan=baamang, starts_at=date(2023, 5, 1), status=OutreachEvent.Status.CANCELLED)
    make_event(kecamatan=baamang, starts_at=date(2024, 5, 1))

    years = OutreachEvent.objects.filter(kecamatan=baamang).datetimes("starts_at", "year", "DESC")

    assert [y.year for y in years] == [2024, 2023]


def test_an_event_late_on_new_years_eve_counts_in_its_local_year(parenggean):
    make_event(kecamatan=parenggean, starts_at=timezone.make_aware(datetime(2022, 12, 31, 23, 30)))

    assert [y.year for y in OutreachEvent.objects.datetimes("starts_at", "year")] == [2022]
