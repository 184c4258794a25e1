"""National-scale benchmark of KIM Portal (issue 5). Run it with `make bench`.

1. load: a PostgreSQL database (default kimportal_bench) with all 514
   kabupaten/kota, 7,285 kecamatan and 83,762 desa/kelurahan, 50,000 KIM (one
   ketua each) and 500,000 outreach events, generated with COPY. A hot
   kabupaten (32.01, Bogor) gets a tenth of everything. Skipped when the
   database already holds that much (`--reload` forces it).
2. measure: for each page, SQL query count, median server time (uncached)
   and, for the exports, peak Python memory; query counts also on a small
   database (Kotim only, demo data) to show they do not grow with the data.
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
import tracemalloc
import urllib.request
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
    from registry.models import Desa, Kim
    from registry.regions import load_regions

    call_command("migrate", verbosity=0)
    if Desa.objects.count() < 83000:
        t = time.perf_counter()
        load_regions(None)
        print(f"  regions: {Desa.objects.count()} desa in {time.perf_counter() - t:.1f} s")
    if Kim.objects.count() >= args.kim and not args.reload:
        print(f"  data already loaded ({Kim.objects.count()} KIM); --reload to regenerate")
        return
    t = time.perf_counter()
    rng = random.Random(5)
    now = datetime.now(UTC).isoformat()
    today = date.today()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "TRUNCATE coverage_outreachevent_kims, coverage_outreachevent, registry_officer, registry_kim, "
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
                    "pending" if i % 50 == 0 else "verified",  # 2 % are field officers' proposals
                )

        kim_columns = (
            "name desa_id tier_id sk_number sk_date formed_on inactive_since inactive_reason address website facebook "
            "instagram youtube contact_email contact_phone notes created_at updated_at review_status"
        ).split()
        n_kim = _copy(cur, "registry_kim", kim_columns, kims())
        _copy(
            cur,
            "registry_officer",
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
        for table in ("registry_kim", "registry_officer", "coverage_outreachevent", "coverage_outreachevent_kims"):
            cur.execute(f"ANALYZE {table}")
    invalidate_pages()
    print(
        f"  generated {n_kim} KIM, {n_kim} pengurus, {n_events} events, {len(links)} event-KIM links "
        f"in {time.perf_counter() - t:.1f} s"
    )


def load_small():
    from django.core.management import call_command

    from kimportal.demo import load_demo
    from registry.regions import load_regions

    call_command("migrate", verbosity=0)
    load_regions(["62.02"])
    load_demo()


# --------------------------------------------------------------------------- measure

# "{kec}" stands for the first kecamatan of the kabupaten measured.
PAGES = [
    ("/", "public"),
    ("/?tanggal=2022-03-25", "public"),
    ("/kecamatan/{kec}/", "public"),
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
    ("/admin/registry/kim/?aktif=ya&kecamatan=62.02.04", "admin"),
    ("/admin/registry/officer/", "admin"),
    ("/admin/registry/desa/", "admin"),
    ("/admin/coverage/outreachevent/", "admin"),
    ("/admin/coverage/outreachevent/?status=planned&kecamatan=62.02.04", "admin"),
]
EXPORTS = {url for url, _kind in PAGES if url.startswith("/data/") and url != "/data/"}


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


def _get(client, url):
    """GET `url` and read the whole answer, chunk by chunk; return its size in bytes."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(args) -> dict:
    """Query count, median uncached server time and export peak memory per page."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    results = {}
    for code in args.kabupaten:
        settings.PORTAL_REGION = code  # a kabupaten portal per measured kabupaten
        from registry.models import Kecamatan

        first_kecamatan = Kecamatan.objects.filter(kabupaten__code=code).order_by("code").first().code
        for template, kind in PAGES:
            if kind == "admin" and code != args.kabupaten[0]:
                continue
            url = template.format(kec=first_kecamatan)
            client = _client(kind)
            _get(client, url)  # warm-up
            times, queries = [], 0
            for _ in range(args.repeat):
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    _get(client, url)
                    times.append((time.perf_counter() - t) * 1000)
                queries = len(ctx.captured_queries)
            row = {"queries": queries, "median_ms": round(statistics.median(times), 1)}
            if template in EXPORTS:
                cache.clear()
                tracemalloc.start()
                row["bytes"] = _get(client, url)
                row["peak_kib"] = round(tracemalloc.get_traced_memory()[1] / 1024)
                tracemalloc.stop()
            if url == "/":
                _get(client, url)
                t = time.perf_counter()
                for _ in range(args.repeat):
                    _get(client, url)
                row["cached_median_ms"] = round((time.perf_counter() - t) * 1000 / args.repeat, 2)
            results[f"{code} {url}"] = row
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
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(x) for x in socket.groups()) if socket else 0
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    return {"requests": requests, "rps": rps, "non_2xx": non2xx, "socket_errors": socket_errors, "p50": p50, "p99": p99}


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
    log = open(ROOT / "bench" / "gunicorn.log", "w")
    proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        for path in ["/", *args.load_urls]:
            urllib.request.urlopen(base + path, timeout=30).read()  # warm the cache and the workers
        results = {"ratio_runs": []}
        for _ in range(args.ratio_runs):
            healthz = wrk(base + "/healthz", connections=16, seconds=args.ratio_seconds)
            page = wrk(base + "/", connections=16, seconds=args.ratio_seconds)
            results["ratio_runs"].append(
                {
                    "healthz_rps": healthz["rps"],
                    "cached_home_rps": page["rps"],
                    "ratio": round(page["rps"] / healthz["rps"], 3),
                }
            )
        results["load"] = wrk(base + "/", connections=args.connections, seconds=args.duration, paths=args.load_urls)
        results["load"]["urls"] = args.load_urls
        return results
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", nargs="?", default="all", choices=["all", "load", "measure", "small", "serve"])
    parser.add_argument("--db", default="kimportal_bench")
    parser.add_argument("--small-db", default="kimportal_bench_small")
    parser.add_argument("--kim", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--reload", action="store_true", help="regenerate KIM and events")
    parser.add_argument("--kabupaten", nargs="+", default=["62.02", "95.03", HOT_KABUPATEN])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--version-seconds", type=float, default=1, help="PAGE_CACHE_VERSION_SECONDS of the server")
    parser.add_argument("--ratio-runs", type=int, default=3)
    parser.add_argument("--ratio-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--load-urls", nargs="+", default=["/", "/data/coverage.json"])
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    if args.step in ("load", "measure", "small"):  # one database per process
        db = args.small_db if args.step == "small" else args.db
        ensure_database(db)
        django_setup(db)
        if args.step == "load":
            load(args)
        elif args.step == "small":
            load_small()
            args.kabupaten = ["62.02"]
            print(json.dumps(measure(args)))
        else:
            print(json.dumps(measure(args)))
        return

    def step(name, *extra):
        cmd = [sys.executable, __file__, name, "--db", args.db, "--small-db", args.small_db, *extra]
        out = subprocess.run(cmd, check=True, capture_output=name != "load", text=True)
        return json.loads(out.stdout.strip().splitlines()[-1]) if name != "load" else None

    started = time.perf_counter()
    if args.step == "serve":
        print(json.dumps(serve(args), indent=2))
        return
    print(f"== load national data into {args.db}")
    step("load", "--kim", str(args.kim), "--events", str(args.events), *(["--reload"] if args.reload else []))
    print("== measure (uncached server time, median of", args.repeat, "runs)")
    big = step("measure", "--repeat", str(args.repeat), "--kabupaten", *args.kabupaten)
    small = step("small", "--repeat", "3")
    print(f"{'page':62} {'queries':>7} {'small db':>8} {'median ms':>9} {'cached ms':>9} {'peak KiB':>8}")
    national = big.pop("national", None)
    for key, row in big.items():
        small_row = small.get(key, {})
        print(
            f"{key:62} {row['queries']:>7} {small_row.get('queries', ''):>8} {row['median_ms']:>9} "
            f"{row.get('cached_median_ms', ''):>9} {row.get('peak_kib', ''):>8}"
        )
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
            f"/healthz {run['healthz_rps']:.0f} req/s, cached / {run['cached_home_rps']:.0f} req/s: "
            f"ratio {run['ratio']}"
        )
    load_result = served["load"]
    print(
        f"load {args.connections} connections x {args.duration} s on {' '.join(args.load_urls)}: "
        f"{load_result['requests']} requests, {load_result['rps']:.0f} req/s, p50 {load_result['p50']}, "
        f"p99 {load_result['p99']}, non-2xx {load_result['non_2xx']}, socket errors {load_result['socket_errors']}"
    )
    results["served"] = served
    print(f"== done in {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
