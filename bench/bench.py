"""National-scale benchmark of KIM Portal (issue 5). Run it with `make bench`.

1. load: a PostgreSQL database (default kimportal_bench) with all 514
   kabupaten/kota, 7,285 kecamatan and 83,762 desa/kelurahan, 50,000 KIM (one
   ketua each) and 500,000 outreach events, generated with COPY. A hot
   kabupaten (32.01, Bogor) gets a tenth of everything. Skipped when the
   database already holds that much (`--reload` forces it).
2. measure: for each page, SQL query count, median server time (uncached)
   and, for the exports, peak Python memory, the large ones also beside
   PostgreSQL's COPY of their own queries (`copy_csv`); query counts also on a
   small database (Kotim only, demo data) to show they do not grow with the data.
3. serve: gunicorn on 127.0.0.1 and wrk on loopback: throughput of the cached
   `/` as a ratio to /healthz, then 64 connections for 60 s on the URL list
   (`--load-urls`), which must answer without a single error.

Everything talks to 127.0.0.1 only.
"""

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ENV_FILE": "/dev/null",
    "SECURE_COOKIES": "0",
    "LOG_LEVEL": "WARNING",
}
HOT_KABUPATEN = "32.01"


def django_setup(db_name: str, cache_url: str = "locmemcache://bench"):
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = PG + db_name
    os.environ["CACHE_URL"] = cache_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kimportal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(db_name: str):
    import psycopg2

    conn = psycopg2.connect(PG + "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{db_name}"')
    conn.close()


# --------------------------------------------------------------------------- load


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    n = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ") for v in row) + "\n")
        n += 1
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return n


def load(args):
    from django.core.management import call_command
    from django.db import connection, transaction

    from core.cache import invalidate_pages
    from coverage.models import MonthlySummary
    from registry.models import Desa, KecamatanKimSummary, Kim, KimMonthlySummary, KimSearchText
    from registry.regions import load_regions

    call_command("migrate", verbosity=0)
    if Desa.objects.count() < 83000:
        t = time.perf_counter()
        load_regions(None)
        print(f"  regions: {Desa.objects.count()} desa in {time.perf_counter() - t:.1f} s")
    if Kim.objects.count() >= args.kim and not args.reload:
        print(f"  data already loaded ({Kim.objects.count()} KIM); --reload to regenerate")
        vacuum()
        check_summary()
        return
    t = time.perf_counter()
    rng = random.Random(5)
    now = datetime.now(UTC).isoformat()
    today = date.today()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "TRUNCATE coverage_outreachevent_kims, coverage_outreachevent, registry_pengurus, registry_kim, "
            "registry_tier RESTART IDENTITY CASCADE"
        )
        _copy(
            cur,
            "registry_tier",
            ["name", "rank", "description"],
            [("Pemula", 1, ""), ("Madya", 2, ""), ("Utama", 3, "")],
        )
        cur.execute(
            "SELECT d.id, d.kecamatan_id, k.code FROM registry_desa d JOIN registry_kecamatan k ON k.id = d.kecamatan_id"
        )
        desa = cur.fetchall()
        hot = [d for d in desa if d[2].startswith(HOT_KABUPATEN + ".")]
        by_kecamatan: dict[int, list[int]] = {}
        for desa_id, kec_id, _code in desa:
            by_kecamatan.setdefault(kec_id, []).append(desa_id)
        kecamatan_ids = list(by_kecamatan)
        hot_kecamatan = sorted({d[1] for d in hot})

        def kims():
            for i in range(1, args.kim + 1):
                desa_id = (rng.choice(hot) if i % 10 == 0 else rng.choice(desa))[0]
                formed = today - timedelta(days=rng.randint(30, 3650))
                inactive = formed + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.1 else None
                yield (
                    f"KIM Bench {i}",
                    desa_id,
                    rng.choice([1, 2, 3, None]),
                    "",
                    None,
                    formed,
                    inactive,
                    "Pengurus pindah" if inactive else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"kim{i}@example.org",
                    f"08{rng.randint(10**9, 10**10 - 1)}",
                    "",
                    now,
                    now,
                    "waiting" if i % 50 == 0 else "accepted",  # 2 % are field officers' proposals
                    "",
                    "",
                    "",
                    "",
                )

        kim_columns = (
            "name desa_id tier_id sk_number sk_date formed_on inactive_since inactive_reason address website facebook "
            "instagram youtube contact_email contact_phone notes created_at updated_at review_status kimid_number kimid_url "
            "sk_issued_by review_reason"
        ).split()
        n_kim = _copy(cur, "registry_kim", kim_columns, kims())
        _copy(
            cur,
            "registry_pengurus",
            ["kim_id", "name", "role", "phone"],
            ((i, f"Ketua {i}", 1, "") for i in range(1, n_kim + 1)),
        )
        cur.execute("SELECT k.id, d.kecamatan_id FROM registry_kim k JOIN registry_desa d ON d.id = k.desa_id")
        kims_by_kecamatan: dict[int, list[int]] = {}
        for kim_id, kec_id in cur.fetchall():
            kims_by_kecamatan.setdefault(kec_id, []).append(kim_id)
        kinds = ["sosialisasi", "pembinaan", "konsolidasi", "pelatihan", "monitoring", "lainnya"]
        start = datetime(2019, 1, 1, tzinfo=UTC)
        span = int((datetime.now(UTC) + timedelta(days=180) - start).total_seconds())
        links = []
        right_now = datetime.now(UTC)

        def events():
            for i in range(1, args.events + 1):
                kec = rng.choice(hot_kecamatan) if i % 10 == 0 else rng.choice(kecamatan_ids)
                starts = start + timedelta(seconds=rng.randrange(span))
                past = starts < right_now
                status = ("held" if rng.random() < 0.9 else rng.choice(["planned", "cancelled"])) if past else "planned"
                desa_id = rng.choice(by_kecamatan[kec]) if rng.random() < 0.5 else None
                if rng.random() < 0.2 and kec in kims_by_kecamatan:
                    links.append((i, rng.choice(kims_by_kecamatan[kec])))
                yield (
                    f"Kegiatan {i}",
                    rng.choice(kinds),
                    status,
                    starts.isoformat(),
                    kec,
                    desa_id,
                    "Balai desa",
                    None,
                    rng.randint(5, 80) if status == "held" else None,
                    "",
                    "",
                    "",
                    now,
                    now,
                )

        event_columns = (
            "title kind status starts_at kecamatan_id desa_id venue responsible_id participants summary outcome "
            "follow_up created_at updated_at"
        ).split()
        n_events = _copy(cur, "coverage_outreachevent", event_columns, events())
        _copy(cur, "coverage_outreachevent_kims", ["outreachevent_id", "kim_id"], links)
        # COPY goes around the models: the stored summaries and the KIM's search text are rebuilt
        # from the events and the KIM in the same transaction.
        started = time.perf_counter()
        n_summary = MonthlySummary.objects.rebuild()
        n_kim_summary = KimMonthlySummary.objects.rebuild()
        n_search = KimSearchText.objects.rebuild()
        n_per_kecamatan = KecamatanKimSummary.objects.count()  # rebuilt with the KIM summary
        print(
            f"  monthly summary: {n_summary} rows, KIM summary: {n_kim_summary} rows and {n_per_kecamatan} per "
            f"kecamatan, KIM search text: {n_search} rows, rebuilt in {time.perf_counter() - started:.1f} s"
        )
    invalidate_pages()
    vacuum()
    print(
        f"  generated {n_kim} KIM, {n_kim} pengurus, {n_events} events, {len(links)} event-KIM links "
        f"in {time.perf_counter() - t:.1f} s"
    )
    check_summary()


def check_summary():
    """`manage.py check_summary` on the loaded data: each summary's line ("KIM summary: 0
    difference(s)"), and the bench stops when a summary disagrees with the data."""
    from django.core.management import CommandError, call_command

    started, out = time.perf_counter(), io.StringIO()
    try:
        call_command("check_summary", stdout=out)
    except CommandError as error:
        raise BenchError(f"check_summary: {error}\n{out.getvalue()}") from error
    finally:
        counts = "; ".join(line for line in out.getvalue().splitlines() if line.endswith("difference(s)"))
        print(f"  check_summary: {counts} ({time.perf_counter() - started:.1f} s)")


def vacuum():
    """VACUUM ANALYZE the whole database, as autovacuum would soon after a load: without fresh
    statistics the planner takes the 83,762 desa for 18,400 and picks a plan 10 to 40 times
    slower, and without the visibility map no count is answered from an index alone."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - t:.1f} s")


def load_small():
    from django.core.management import call_command

    from kimportal.demo import load_demo
    from registry.regions import load_regions

    call_command("migrate", verbosity=0)
    load_regions(["62.02"])
    load_demo()


# --------------------------------------------------------------------------- measure


class BenchError(RuntimeError):
    """A measured request failed or did not measure what it says: the bench stops and says why."""


@dataclass(frozen=True)
class Sample:
    """One measured request."""

    url: str
    status: int
    queries: int
    ms: float
    cpu_ms: float  # the Django process's CPU time: what the page costs in Python, whatever the machine's load
    sql_ms: float  # time spent waiting for the database's answers
    size: int
    lines: int
    cache: str  # the page cache's X-Cache header: "hit", "miss", or "" for a page it does not cache
    db_cpu_ms: float = 0.0  # the PostgreSQL backend's CPU time for the request (`backend_cpu_ms`)


def backend_cpu_ms() -> float:
    """CPU time so far of the PostgreSQL backend serving this process's connection, read from the
    kernel (/proc/<pid>/schedstat, in ns: the server runs on this machine, 127.0.0.1); 0 elsewhere.
    Beside the process's own CPU time it makes a measure of work that a busy machine does not move."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    except OSError:  # a server on another machine
        return 0.0


def _read(response) -> tuple[int, int]:
    """Read the whole answer chunk by chunk (a stream is never held whole): bytes and newlines."""
    chunks = response.streaming_content if response.streaming else [response.content]
    size = lines = 0
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


def fetch(client, url: str, *, cached: bool) -> Sample:
    """GET `url` as the page cache would serve it (`cached`) or not, and check it did.

    Uncached: every cached page is made stale first (`invalidate_pages`, as a
    change to the data does), so the page is rendered with all its queries.
    Cached: the page must come from the cache. Anything but a 200 is an error.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.cache import invalidate_pages

    if not cached:
        invalidate_pages()
    with CaptureQueriesContext(connection) as ctx:
        db_cpu = backend_cpu_ms()
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        size, lines = _read(response)
        ms, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        db_cpu_ms = backend_cpu_ms() - db_cpu
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    queries = len(ctx.captured_queries)
    cache = response.get("X-Cache", "")
    sample = Sample(url, response.status_code, queries, ms, cpu_ms, sql_ms, size, lines, cache, db_cpu_ms)
    if response.status_code != 200:
        body = b"" if response.streaming else response.content[:300]
        raise BenchError(f"GET {url} answered {response.status_code}: {body.decode(errors='replace')}")
    if cached and sample.cache != "hit":
        raise BenchError(f"GET {url} was not served from the page cache (X-Cache: {sample.cache or 'absent'})")
    if not cached and sample.cache == "hit":
        raise BenchError(f"GET {url} came from the page cache although it was emptied")
    return sample


def _healthz_ms(client) -> float:
    start = time.perf_counter()
    response = client.get("/healthz")
    if response.status_code != 200:
        raise BenchError(f"GET /healthz answered {response.status_code}")
    return (time.perf_counter() - start) * 1000


def spread(values: list[float], digits: int = 1) -> dict:
    """Median, quartiles and range of `values`."""
    values = sorted(values)
    q1, _median, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    return {
        "median": round(statistics.median(values), digits),
        "q1": round(q1, digits),
        "q3": round(q3, digits),
        "min": round(values[0], digits),
        "max": round(values[-1], digits),
    }


def measure_url(client, url: str, *, repeat: int, cached: bool = False, beside_copy: bool = False) -> dict:
    """`repeat` rounds, each /healthz then `url`: the page's server time, its ratio to /healthz
    measured right beside it (the machine's noise moves both), and its query count per request.
    `beside_copy` (an export on PostgreSQL): each round also times COPY of the export's own
    queries (`copy_csv`), reported as `copy_ms` and `copy_ratio` (the export's time over COPY's)."""
    from django.test import Client

    healthz_client = Client()
    fetch(client, url, cached=False)  # warm-up; fills the cache for a cached measurement
    queries_to_copy = export_queries(client, url) if beside_copy else []
    samples, healthz, copies = [], [], []
    for _ in range(repeat):
        healthz.append(_healthz_ms(healthz_client))
        samples.append(fetch(client, url, cached=cached))
        if beside_copy:
            copies.append(copy_csv(queries_to_copy))
    queries = sorted({s.queries for s in samples})
    copied = {}
    if beside_copy:  # both in CPU time too (the process's and the server's): a busy machine moves wall time
        copied = {
            "db_cpu_ms": spread([s.db_cpu_ms for s in samples], 2),
            "copy_ms": spread([c.ms for c in copies], 2),
            "copy_cpu_ms": spread([c.cpu_ms for c in copies], 2),
            "copy_ratio": spread([s.ms / c.ms for s, c in zip(samples, copies, strict=True)], 2),
            "copy_cpu_ratio": spread(
                [(s.cpu_ms + s.db_cpu_ms) / c.cpu_ms for s, c in zip(samples, copies, strict=True)], 2
            ),
        }
    return {
        "from_cache": cached,
        "queries": queries[0] if len(queries) == 1 else queries,
        "ms": spread([s.ms for s in samples], 2),
        "cpu_ms": spread([s.cpu_ms for s in samples], 2),
        "sql_ms": spread([s.sql_ms for s in samples], 2),
        "healthz_ms": spread(healthz, 3),
        "ratio": spread([s.ms / h for s, h in zip(samples, healthz, strict=True)], 1),
        "bytes": samples[-1].size,
        "lines": samples[-1].lines,
        **copied,
    }


_DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ', re.S)


def export_queries(client, url: str) -> list[str]:
    """The SELECTs that GET `url` runs, in order, with their parameters written in (a server-side
    cursor's query without its DECLARE): what the database reads for the export."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        _read(response)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}")
    queries = [_DECLARE.sub("", q["sql"]) for q in ctx.captured_queries]
    return [sql for sql in queries if sql.lstrip()[:6].upper() in ("SELECT", "WITH")]


class _Sink:
    """Where COPY writes: the text is counted (lines) and dropped, as a client reading it would."""

    def __init__(self):
        self.lines = 0

    def write(self, data):
        self.lines += data.count(b"\n" if isinstance(data, bytes) else "\n")
        return len(data)


@dataclass(frozen=True)
class Copied:
    """PostgreSQL writing an export's rows itself (`copy_csv`)."""

    ms: float  # wall time
    cpu_ms: float  # CPU time: this process's (reading into the sink) and the server's backend's
    lines: int


def copy_csv(queries: list[str]) -> Copied:
    """PostgreSQL writing the rows of `queries` (an export's SELECTs, `export_queries`) itself:
    `COPY (<query>) TO STDOUT WITH CSV` for each, in one transaction as the export reads them
    (its SET LOCALs included), into a sink that counts lines and keeps nothing."""
    from django.db import connection, transaction

    sink = _Sink()
    with transaction.atomic(), connection.cursor() as cursor:
        db_cpu, start, cpu = backend_cpu_ms(), time.perf_counter(), time.process_time()
        for sql in queries:
            cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV", sink)
        ms, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        cpu_ms += backend_cpu_ms() - db_cpu
    return Copied(ms, cpu_ms, sink.lines)


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {field} in /proc/self/status")


def peak_rss_growth(work) -> int:
    """KiB by which this process's resident memory (RSS) rose at its peak while `work()` ran:
    the kernel's high-water mark is reset first (/proc/self/clear_refs), then read after."""
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    before = _rss_kib("VmRSS")
    work()
    return _rss_kib("VmHWM") - before


def export_memory(args, code: str, url: str) -> dict:
    """Peak RSS growth of one export, streamed as a client reads it, in a fresh process (one
    that served the export before keeps the memory it grew); beside it, for scale, the growth
    when the same answer is held whole."""
    cmd = [sys.executable, __file__, "rss", "--db", args.db, "--kabupaten", code, "--url", url]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def rss(args) -> dict:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_REGION = args.kabupaten[0]
    client = Client()
    fetch(client, "/data/coverage.json", cached=False)  # imports and connections, before measuring
    streamed = peak_rss_growth(lambda: fetch(client, args.url, cached=False))
    held = peak_rss_growth(lambda: len(b"".join(client.get(args.url).streaming_content)))
    return {"rss_growth_kib": streamed, "rss_growth_held_kib": held}


def export_rows(client, url: str, lines: int) -> int:
    """Rows of an export: CSV lines after the header (the bench's data has no line break in a
    field); the JSON document's list."""
    if url.split("?")[0].endswith(".csv"):
        return lines - 1
    document = json.loads(b"".join(client.get(url).streaming_content))
    return next(len(v) for v in document.values() if isinstance(v, list))


# "{kec}" stands for the first kecamatan of the kabupaten measured.
PAGES = [
    ("/", "public"),
    ("/?tanggal=2022-03-25", "public"),
    ("/kecamatan/{kec}/", "public"),
    ("/kim/", "public"),
    ("/kim/?kecamatan={kec}&status=aktif", "public"),
    ("/kim/?q=Bench&urut=-terbentuk", "public"),
    ("/data/", "public"),
    ("/data/coverage.json", "public"),
    ("/data/coverage.csv", "public"),
    ("/data/desa-coverage.json", "public"),
    ("/data/desa-coverage.csv", "public"),
    ("/data/kim.json", "public"),
    ("/data/kim.csv", "public"),
    ("/data/events.json", "public"),
    ("/data/events.csv", "public"),
    ("/admin/registry/kim/", "admin"),
    ("/admin/registry/kim/?q=Bench+12", "admin"),
    ("/admin/registry/kim/?q=bench+1234", "admin"),
    ("/admin/registry/kim/?q=sungai", "admin"),  # in 910 desa names: 476 KIM, ten pages
    ("/admin/registry/kim/?aktif=ya&kecamatan=62.02.04", "admin"),
    ("/admin/registry/pengurus/", "admin"),
    ("/admin/registry/desa/", "admin"),
    ("/admin/coverage/outreachevent/", "admin"),
    ("/admin/coverage/outreachevent/?status=planned&kecamatan=62.02.04", "admin"),
]
CACHED = {"/", "/kim/"}  # also measured as the page cache serves them
# Measured beside PostgreSQL's COPY of the same rows (`copy_csv`): the exports that grow with the data.
LARGE_EXPORTS = {f"/data/{slug}.{fmt}" for slug in ("events", "kim", "desa-coverage") for fmt in ("csv", "json")}


def _is_export(url: str) -> bool:
    return url.startswith("/data/") and url != "/data/"


def _client(kind):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if kind == "admin":
        user, _ = get_user_model().objects.get_or_create(
            username="bench.staff", defaults={"is_staff": True, "is_superuser": True}
        )
        client.force_login(user)
    return client


def measure(args) -> dict:
    """Per page: query count, uncached server time and its ratio to /healthz; for the exports
    rows per second and peak RSS growth; for `/` and `/kim/` the cached time too."""
    from django.conf import settings

    from registry.models import Kecamatan

    settings.ALLOWED_HOSTS = ["*"]
    results = {}
    for code in args.kabupaten:
        settings.PORTAL_REGION = code  # a kabupaten portal per measured kabupaten
        first_kecamatan = Kecamatan.objects.filter(kabupaten__code=code).order_by("code").first().code
        for template, kind in PAGES:
            if kind == "admin" and code != args.kabupaten[0] or args.pages and template not in args.pages:
                continue
            url = template.format(kec=first_kecamatan)
            client = _client(kind)
            repeat = min(args.repeat, 5) if _is_export(url) and code == HOT_KABUPATEN else args.repeat
            row = measure_url(client, url, repeat=repeat, beside_copy=url in LARGE_EXPORTS)
            if _is_export(url):
                row["rows"] = export_rows(client, url, row["lines"])
                row["rows_per_s"] = round(row["rows"] / row["ms"]["median"] * 1000) if row["rows"] else None
                row.update(export_memory(args, code, url))
            if url in CACHED:
                row["cached"] = measure_url(client, url, repeat=args.repeat, cached=True)
            results[f"{code} {url}"] = row
            print(f"  {code} {url}: {row['ms']['median']} ms, {row['queries']} queries", file=sys.stderr)
    for region in args.regions:  # roll-ups: a province portal, and the country's ("")
        settings.PORTAL_REGION = region
        client = _client("public")
        row = measure_url(client, "/", repeat=args.repeat)
        row["cached"] = measure_url(client, "/", repeat=args.repeat, cached=True)
        results[f"{region or 'country'} /"] = row
        print(f"  {region or 'country'} /: {row['ms']['median']} ms, {row['queries']} queries", file=sys.stderr)
    if len(args.kabupaten) > 1:
        results["national"] = national_coverage()
    return results


def national_coverage() -> dict:
    """The coverage query for every kabupaten/kota in the country, one call each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from coverage.queries import kecamatan_coverage
    from registry.models import Kabupaten

    kabupaten = list(Kabupaten.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        kecamatan = sum(len(kecamatan_coverage(kabupaten=k, on=timezone.localdate()).kecamatan) for k in kabupaten)
        elapsed = time.perf_counter() - t
    return {
        "kabupaten": len(kabupaten),
        "kecamatan": kecamatan,
        "total_ms": round(elapsed * 1000),
        "queries": len(ctx.captured_queries),
    }


def touch() -> float:
    """Change what Kotim's `/` shows (add a KIM in its first desa, or remove the one added last
    time) and return when the change was committed (time.time())."""
    from datetime import date as day

    from registry.models import Desa, Kim

    name = "KIM Bench Perubahan"
    added = Kim.objects.filter(name=name)
    if added.exists():
        added.first().delete()
    else:
        desa = Desa.objects.filter(kecamatan__kabupaten__code="62.02").order_by("code").first()
        Kim.objects.create(name=name, desa=desa, formed_on=day.today() - timedelta(days=1))
    return time.time()


# --------------------------------------------------------------------------- serve

WRK_ROUND_ROBIN = """
paths = {}
i = 0
init = function(args) for _, p in ipairs(args) do table.insert(paths, p) end end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse_wrk(out: str) -> dict:
    """wrk's --latency report as numbers; a non-2xx answer or a socket error is a BenchError."""
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(x) for x in socket.groups()) if socket else 0
    if non2xx or socket_errors:
        raise BenchError(f"wrk saw {non2xx} non-2xx answers and {socket_errors} socket errors:\n{out}")
    return {
        "requests": requests,
        "rps": rps,
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


def wrk(url, *, connections, seconds, threads=2, paths=None):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    script = None
    if paths:
        script = ROOT / "bench" / ".wrk_round_robin.lua"
        script.write_text(WRK_ROUND_ROBIN)
        cmd += ["-s", str(script), url, "--", *paths]
    else:
        cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if script:
        script.unlink()
    return parse_wrk(out)


def _get_body(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # raises on anything but 2xx/3xx
        return response.read()


def staleness(base: str, args) -> dict:
    """How long after a committed change the workers still serve the old `/`.

    Four threads poll `/` on fresh connections (spread over the workers) while
    another process changes the data; a request that started after the commit
    and got the old page is stale.
    """
    import hashlib
    import threading

    old = {hashlib.sha256(_get_body(base + "/")).digest() for _ in range(20)}
    if len(old) != 1:
        raise BenchError("the cached / differs between requests before any change")
    old = old.pop()
    seen, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            started = time.time()
            seen.append((started, hashlib.sha256(_get_body(base + "/")).digest() == old))

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "touch", "--db", args.db, "--cache-url", args.cache_url],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        committed = float(out.stdout.strip().splitlines()[-1])
        time.sleep(max(2.0, args.version_seconds * 2))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    after = [(t - committed, stale) for t, stale in seen if t > committed]
    stale = [delay for delay, is_stale in after if is_stale]
    return {
        "requests_after_change": len(after),
        "stale_after_change": len(stale),
        "last_stale_ms": round(max(stale) * 1000) if stale else 0,
        "fresh_after_1s": all(not is_stale for delay, is_stale in after if delay > 1.0),
    }


def serve(args) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": PG + args.db,
        "CACHE_URL": args.cache_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "PAGE_CACHE_VERSION_SECONDS": str(args.version_seconds),
    }
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "kimportal.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "--log-level",
        "warning",
    ]
    log_path = ROOT / "bench" / "gunicorn.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                _get_body(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        for path in ["/", *args.load_urls]:
            _get_body(base + path)  # warm the cache and the workers
        results = {"ratio_runs": []}
        for run in range(args.ratio_runs):  # alternate which goes first, so a drift hits both
            order = ["/healthz", "/"] if run % 2 == 0 else ["/", "/healthz"]
            measured = {path: wrk(base + path, connections=16, seconds=args.ratio_seconds) for path in order}
            healthz, page = measured["/healthz"], measured["/"]
            results["ratio_runs"].append(
                {
                    "healthz_rps": healthz["rps"],
                    "cached_home_rps": page["rps"],
                    "ratio": round(page["rps"] / healthz["rps"], 3),
                    "healthz_p50_ms": healthz["p50_ms"],
                    "cached_home_p50_ms": page["p50_ms"],
                    "latency_ratio": round(page["p50_ms"] / healthz["p50_ms"], 3),
                }
            )
        results["ratio"] = spread([r["ratio"] for r in results["ratio_runs"]], 3)
        results["latency_ratio"] = spread([r["latency_ratio"] for r in results["ratio_runs"]], 3)
        results["staleness"] = staleness(base, args)
        results["load"] = wrk(base + "/", connections=args.connections, seconds=args.duration, paths=args.load_urls)
        results["load"]["urls"] = args.load_urls
        return results
    except BaseException:
        log.flush()
        print(f"gunicorn's log ({log_path}):\n{log_path.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


# --------------------------------------------------------------------------- main


def collect_static():
    """The manifest of static files the pages name (DEBUG=0, as served): a fresh clone has none."""
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": "sqlite://:memory:"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def _fmt_ms(row) -> str:
    return f"{row['ms']['median']} ({row['ms']['min']}–{row['ms']['max']})"


def report(big: dict, small: dict):
    print(
        f"{'page':52} {'queries':>7} {'small':>5} {'ms median (min–max)':>24} {'× healthz':>9} {'cpu ms':>7} "
        f"{'sql ms':>7} {'cached ms':>9} {'rows/s':>8} {'RSS+ KiB':>8} {'COPY ms':>8} {'× COPY':>6} {'CPU×COPY':>8}"
    )
    for key, row in big.items():
        cached = row.get("cached") or {}
        print(
            f"{key:52} {row['queries']!s:>7} {small.get(key, {}).get('queries', '')!s:>5} {_fmt_ms(row):>24} "
            f"{row['ratio']['median']:>9} {row['cpu_ms']['median']:>7} {row['sql_ms']['median']:>7} "
            f"{cached.get('ms', {}).get('median', ''):>9} {row.get('rows_per_s') or '':>8} "
            f"{row.get('rss_growth_kib', ''):>8} {row.get('copy_ms', {}).get('median', ''):>8} "
            f"{row.get('copy_ratio', {}).get('median', ''):>6} {row.get('copy_cpu_ratio', {}).get('median', ''):>8}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "step", nargs="?", default="all", choices=["all", "load", "measure", "small", "serve", "touch", "rss"]
    )
    parser.add_argument("--db", default="kimportal_bench")
    parser.add_argument("--small-db", default="kimportal_bench_small")
    parser.add_argument("--kim", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--reload", action="store_true", help="regenerate KIM and events")
    parser.add_argument("--kabupaten", nargs="+", default=["62.02", "95.03", HOT_KABUPATEN])
    parser.add_argument("--regions", nargs="*", default=["33", ""], help="roll-up portals: 33 has the most desa")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--version-seconds", type=float, default=1, help="PAGE_CACHE_VERSION_SECONDS of the server")
    parser.add_argument("--ratio-runs", type=int, default=24, help="interleaved wrk runs of /healthz and cached /")
    parser.add_argument("--ratio-seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--load-urls", nargs="+", default=["/", "/kim/", "/data/coverage.json"])
    parser.add_argument("--url", help="the export the rss step measures")
    parser.add_argument("--pages", nargs="*", help="measure only these of the kabupaten pages (e.g. /data/events.csv)")
    parser.add_argument("--no-collectstatic", action="store_true", help="the static manifest is already there")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    if args.step in ("all", "measure", "small", "serve") and not args.no_collectstatic:
        collect_static()
    if args.step in ("load", "measure", "small", "touch", "rss"):  # one database per process
        db = args.small_db if args.step == "small" else args.db
        if args.step != "touch":
            ensure_database(db)
        django_setup(db, **({"cache_url": args.cache_url} if args.step == "touch" else {}))
        if args.step == "load":
            load(args)
        elif args.step == "touch":
            print(touch())
        elif args.step == "rss":
            print(json.dumps(rss(args)))
        elif args.step == "small":
            load_small()
            args.kabupaten, args.regions = ["62.02"], []
            print(json.dumps(measure(args)))
        else:
            print(json.dumps(measure(args)))
        return

    def step(name, *extra):
        cmd = [sys.executable, __file__, name, "--db", args.db, "--small-db", args.small_db, "--no-collectstatic"]
        # stderr goes straight to the terminal: a failing step shows its error.
        out = subprocess.run([*cmd, *extra], check=True, stdout=subprocess.PIPE, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1]) if name != "load" else None

    started = time.perf_counter()
    if args.step == "serve":
        print(json.dumps(serve(args), indent=2))
        return
    print(f"== load national data into {args.db}")
    step("load", "--kim", str(args.kim), "--events", str(args.events), *(["--reload"] if args.reload else []))
    print(f"== measure (uncached server time, {args.repeat} rounds of /healthz then the page)")
    big = step("measure", "--repeat", str(args.repeat), "--kabupaten", *args.kabupaten)
    small = step("small", "--repeat", "3")
    national = big.pop("national", None)
    report(big, small)
    if national:
        print(
            f"whole country: coverage of {national['kabupaten']} kabupaten/kota ({national['kecamatan']} kecamatan) "
            f"in {national['total_ms']} ms, {national['queries']} queries"
        )
    results = {"pages": big, "small_db_pages": small, "national": national}
    print(f"== serve with gunicorn ({args.workers} gthread workers, cache {args.cache_url}) and wrk on loopback")
    served = serve(args)
    for run in served["ratio_runs"]:
        print(
            f"/healthz {run['healthz_rps']:.0f} req/s p50 {run['healthz_p50_ms']} ms, cached / "
            f"{run['cached_home_rps']:.0f} req/s p50 {run['cached_home_p50_ms']} ms: ratio {run['ratio']}"
        )
    r = served["ratio"]
    print(
        f"cached / ÷ /healthz throughput over {len(served['ratio_runs'])} runs: median {r['median']}, "
        f"IQR {r['q1']}–{r['q3']}, range {r['min']}–{r['max']}"
    )
    s = served["staleness"]
    print(
        f"change visible: last stale answer {s['last_stale_ms']} ms after the commit "
        f"({s['stale_after_change']} stale of {s['requests_after_change']} requests), all fresh after 1 s: "
        f"{s['fresh_after_1s']}"
    )
    load_result = served["load"]
    print(
        f"load {args.connections} connections x {args.duration} s on {' '.join(args.load_urls)}: "
        f"{load_result['requests']} requests, {load_result['rps']:.0f} req/s, p50 {load_result['p50_ms']} ms, "
        f"p99 {load_result['p99_ms']} ms, no error"
    )
    results["served"] = served
    print(f"== done in {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        sys.exit(f"bench failed: {error}")
