"""The admin's event list numbers its pages from PostgreSQL's estimate of the whole table, never from a
COUNT(*) of 500,000 events; anything narrower (a filter, a search, a staff member's kabupaten) counts exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paginator import EstimatedCountPaginator, whole_table_estimate
from coverage.models import OutreachEvent
from registry.models import Kabupaten, Kecamatan

from ..factories import make_event

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")


@pytest.fixture
def events(demo):
    """30 events in Parenggean besides the demo's two, and PostgreSQL's statistics of them."""
    parenggean = Kecamatan.objects.get(code="62.02.04")
    for _ in range(30):
        make_event(kecamatan=parenggean)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE coverage_outreachevent")
    return OutreachEvent.objects.count()


@pytest.fixture
def small_threshold(monkeypatch):
    """A table of 32 events counts as large."""
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 10)


def counts(captured):
    """The row counts among `captured` queries (Django's QuerySet.count())."""
    return [q["sql"] for q in captured if 'COUNT(*) AS "__count"' in q["sql"]]


@on_postgresql
def test_a_large_whole_table_is_counted_from_the_statistics_not_row_by_row(events, small_threshold):
    with CaptureQueriesContext(connection) as ctx:
        count = EstimatedCountPaginator(OutreachEvent.objects.order_by("-starts_at"), 10).count

    assert count == events  # ANALYZE read every row of so small a table
    assert not counts(ctx.captured_queries)


@on_postgresql
def test_a_table_smaller_than_the_threshold_is_counted_exactly(events):
    with CaptureQueriesContext(connection) as ctx:
        count = EstimatedCountPaginator(OutreachEvent.objects.all(), 10).count

    assert count == events
    assert counts(ctx.captured_queries)


@pytest.mark.parametrize(
    "narrowed",
    [
        lambda qs: qs.filter(status="planned"),
        lambda qs: qs.filter(kecamatan__kabupaten__code="62.02"),
        lambda qs: qs.distinct(),
        lambda qs: qs.none(),
    ],
    ids=["filter", "kabupaten", "distinct", "none"],
)
def test_a_narrowed_list_is_counted_exactly(events, small_threshold, narrowed):
    queryset = narrowed(OutreachEvent.objects.all())

    assert whole_table_estimate(queryset) is None
    assert EstimatedCountPaginator(queryset, 10).count == queryset.count()


def test_sqlite_and_a_plain_list_are_counted_exactly(events, small_threshold):
    assert EstimatedCountPaginator(list(range(7)), 5).count == 7
    if connection.vendor != "postgresql":
        assert whole_table_estimate(OutreachEvent.objects.all()) is None


@on_postgresql
def test_a_table_never_analysed_is_counted_exactly(db, small_threshold):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'registry_kabupaten'::regclass")
        never_analysed = cursor.fetchone()[0] < 0
    if not never_analysed:
        pytest.skip("the test database's kabupaten table has statistics")

    assert whole_table_estimate(Kabupaten.objects.all()) is None


@on_postgresql
def test_the_admin_event_list_runs_no_count_of_the_whole_table_but_counts_a_filtered_one(
    events, small_threshold, staff_client
):
    with CaptureQueriesContext(connection) as whole:
        page = staff_client.get("/admin/coverage/outreachevent/")
    with CaptureQueriesContext(connection) as planned:
        filtered = staff_client.get("/admin/coverage/outreachevent/", {"status": "held"})

    assert page.status_code == filtered.status_code == 200
    assert not counts(whole.captured_queries)
    assert page.context["cl"].result_count == events
    assert counts(planned.captured_queries)
    assert filtered.context["cl"].result_count == OutreachEvent.objects.filter(status="held").count()


def test_the_admin_event_list_counts_exactly_without_statistics(events, staff_client):
    page = staff_client.get("/admin/coverage/outreachevent/")

    assert page.status_code == 200
    assert page.context["cl"].result_count == events
