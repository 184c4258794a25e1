"""The rendered bytes of pages, to show that two checkouts write the same HTML (issue 23).

    .venv/bin/python bench/html_snapshot.py DB OUTDIR REGION URL [URL...]
    ROOT=/path/to/other/checkout .venv/bin/python bench/html_snapshot.py DB OUTDIR REGION URL...
    diff -r OUTDIR_A OUTDIR_B

Each URL is asked once, uncached (the page cache emptied first), of the portal of REGION (a
kabupaten code, a province code, or "" for the country) on PostgreSQL database DB; its body is
written to OUTDIR/<region>_<url>.html. The day is today's in both runs: run them the same day.
"""

import os
import re
import sys
from pathlib import Path

root = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, root + "/bench")
sys.path.insert(0, root)
import bench  # noqa: E402

db, outdir, region, *urls = sys.argv[1:]
bench.django_setup(db)

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from core.cache import invalidate_pages  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.PORTAL_REGION = region
client = Client()
out = Path(outdir)
out.mkdir(parents=True, exist_ok=True)
for url in urls:
    invalidate_pages()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    name = f"{region or 'country'}_{re.sub(r'[^A-Za-z0-9.=-]+', '_', url)}.html"
    (out / name).write_bytes(body)
    print(f"{response.status_code} {len(body):>8} {name}")
