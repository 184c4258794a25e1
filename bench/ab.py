"""One page, measured for an A/B comparison (docs/benchmarks.md, "measured per query").

    .venv/bin/python bench/ab.py DB KABUPATEN URL [ROUNDS]
    ROOT=/path/to/other/checkout .venv/bin/python bench/ab.py ...   # the same with another checkout's code

ROUNDS uncached requests through the bench's own `fetch` (page cache emptied first, X-Cache
checked): the median CPU time of the Django process. Then every query of one request run again
ROUNDS times on its own; the minimum of each, summed, is "SQL": what the database needs for
the page, as little disturbed as can be by a loaded machine. EACH=1 prints every query's figure.
"""

import os
import re
import statistics
import sys
import time

root = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, root + "/bench")
sys.path.insert(0, root)
import bench  # noqa: E402

db, region, url = sys.argv[1:4]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
bench.django_setup(db)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.cache import invalidate_pages  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.PORTAL_REGION = region
client = Client()
bench.fetch(client, url, cached=False)
samples = [bench.fetch(client, url, cached=False) for _ in range(rounds)]
invalidate_pages()
with CaptureQueriesContext(connection) as ctx:
    client.get(url)
total = 0.0
with connection.cursor() as cursor:
    for query in ctx.captured_queries:
        sql = query["sql"]
        declared = re.match(r"DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR (.*)", sql, re.S)
        sql = declared.group(1) if declared else sql
        if not sql.lstrip("(").startswith("SELECT"):  # a UNION starts with "(SELECT"
            continue  # the cursor's FETCH and CLOSE, read_all's settings
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
        total += min(times)
        if os.environ.get("EACH"):
            print(f"   {min(times):7.1f} ms  {sql[:100]}")
cpu = [s.cpu_ms for s in samples]
print(
    f"{region} {url}: {samples[0].queries} queries, CPU {statistics.median(cpu):.1f} ms (min {min(cpu):.1f}), "
    f"wall {statistics.median(s.ms for s in samples):.0f} ms, SQL {total:.1f} ms, {samples[0].size} bytes"
)
