"""The benchmark measures what it says: an uncached page runs its queries, a cached one none,
and a failing request stops the bench instead of becoming a number."""

import importlib.util
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_event, make_kim

BENCH_PY = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tiny_data(parenggean):
    """A KIM and an event in Parenggean: enough for the dashboard to ask for everything it shows."""
    make_kim(desa=parenggean.desa.first())
    make_event(kecamatan=parenggean)
    return parenggean


def direct_uncached_queries(client, settings) -> int:
    """What `/` costs straight after the cache was emptied (and no process trusts an old version)."""
    settings.PAGE_CACHE_VERSION_SECONDS = 0
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response["X-Cache"] == "miss"
    return len(ctx.captured_queries)


def test_an_uncached_measurement_of_the_dashboard_runs_its_queries(bench, client, tiny_data, settings):
    client.get("/")  # now in the page cache, as it would be on a server

    measured = bench.fetch(client, "/", cached=False)

    assert measured.cache == "miss"
    assert measured.queries > 0
    assert measured.queries == direct_uncached_queries(client, settings)


def test_a_cached_measurement_of_the_dashboard_runs_no_query(bench, client, tiny_data):
    measured = bench.measure_url(client, "/", repeat=3, cached=True)

    assert measured["queries"] == 0


def test_repeated_uncached_measurements_cost_the_same_queries_each_time(bench, client, tiny_data):
    measured = bench.measure_url(client, "/", repeat=3)

    assert isinstance(measured["queries"], int) and measured["queries"] > 0  # a list if they differed
    assert measured["ms"]["min"] > 0 and measured["healthz_ms"]["min"] > 0


def test_a_page_that_does_not_answer_200_stops_the_bench(bench, client, tiny_data):
    with pytest.raises(bench.BenchError, match="answered 404"):
        bench.fetch(client, "/kecamatan/99.99.99/", cached=False)


def test_wrk_reporting_errors_stops_the_bench(bench):
    report = """Running 3s test @ http://127.0.0.1:8765/
  Latency Distribution
     50%    1.20ms
     99%   15.00ms
  1200 requests in 3.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    400.00
"""
    with pytest.raises(bench.BenchError, match="3 non-2xx"):
        bench.parse_wrk(report)
    assert bench.parse_wrk(report.replace("  Non-2xx or 3xx responses: 3\n", ""))["p99_ms"] == 15.0


def test_the_memory_measurement_sees_a_large_allocation_and_not_a_small_one(bench):
    assert bench.peak_rss_growth(lambda: len(b"x" * (64 * 1024 * 1024))) > 48 * 1024
    assert bench.peak_rss_growth(lambda: len(b"x" * (64 * 1024))) < 4 * 1024


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


def test_the_queries_copied_beside_an_export_are_its_own_selects_without_a_cursor(bench, client, demo):
    queries = bench.export_queries(client, "/data/events.csv")

    assert any('FROM "coverage_outreachevent"' in sql for sql in queries)
    assert all(sql.startswith("SELECT") for sql in queries)  # no DECLARE, BEGIN or COMMIT


@on_postgresql
def test_copy_beside_the_events_export_writes_at_least_its_rows(bench, client, demo):
    exported = bench.fetch(client, "/data/events.csv", cached=False)

    copied = bench.copy_csv(bench.export_queries(client, "/data/events.csv"))

    assert copied.lines >= exported.lines - 1 >= 2  # every event row, and the small queries' lines
    assert copied.ms > 0 and copied.cpu_ms > 0


@on_postgresql
def test_an_export_measured_beside_copy_reports_both_ratios(bench, client, demo):
    row = bench.measure_url(client, "/data/kim.csv", repeat=2, beside_copy=True)

    assert row["copy_ms"]["median"] > 0 and row["copy_ratio"]["median"] > 0
    assert row["db_cpu_ms"]["median"] > 0 and row["copy_cpu_ratio"]["median"] > 0
    assert {"ms", "cpu_ms", "sql_ms", "ratio", "bytes"} <= set(row)
