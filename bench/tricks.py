"""What each speed trick still saves (issue 23: remove a trick unless it is needed).

    .venv/bin/python bench/tricks.py DB [ROUNDS] [TRICK]    # TRICK: only the cases whose name starts so

For each trick and the page it serves, ROUNDS interleaved rounds of: /healthz, the page with the
trick, the page with Django's own way (the trick switched off in this process), uncached. Prints
the median CPU time (the Django process's) and wall time of each, the median ratio of each to
the /healthz of its round, and whether both ways wrote the same bytes (the CSRF token masked).
"""

import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

bench.django_setup(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
ONLY = sys.argv[3] if len(sys.argv) > 3 else ""

from django.conf import settings  # noqa: E402
from django.contrib.admin import ModelAdmin  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.forms import Select  # noqa: E402
from django.test import Client  # noqa: E402

from core import links  # noqa: E402
from core.admin import LongChangeList, LongListMixin  # noqa: E402
from core.cache import invalidate_pages  # noqa: E402
from core.paginator import IdsFirstPaginator  # noqa: E402
from core.search import contains_lookup  # noqa: E402
from coverage import queries  # noqa: E402
from registry.admin import KimAdmin  # noqa: E402
from registry.filters import QuickSelect  # noqa: E402
from registry.models import KimSearchTextQuerySet  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def switch(name: str, on: bool):
    """Turn trick `name` on (the portal's code) or off (Django's own way)."""
    if name == "lru_cache of compiled SQL":
        cached = queries.kecamatan_coverage.__globals__["_coverage_sql"]
        wrapped = getattr(cached, "__wrapped__", cached)
        queries._coverage_sql = TRICK_CACHE if on else wrapped
    elif name == "QuickSelect":
        QuickSelect.render = QUICK_RENDER if on else Select.render
    elif name == "admin selection checkbox":
        LongListMixin.action_checkbox = TRICK_CHECKBOX if on else ModelAdmin.action_checkbox
    elif name == "admin row links":
        LongListMixin.get_changelist = TRICK_CHANGELIST if on else ModelAdmin.get_changelist
    elif name == "admin rows by column":
        LongChangeList.result_rows = TRICK_ROWS if on else (lambda self: None)
    elif name == "short grams index":  # without it, a short word is compared with every text (LIKE)
        KimSearchTextQuerySet._holding = (
            TRICK_HOLDING if on else (lambda self, word: Q(**{f"text__{contains_lookup(word)}": word}))
        )
    elif name == "links from one reverse":  # without a stand-in, reverse_arg is Django's reverse()
        links._around = TRICK_AROUND if on else (lambda *_key: None)
    elif name == "admin pages by ids first":
        LongListMixin.paginator = IdsFirstPaginator if on else Paginator
    elif name == "admin count by search texts":
        KimAdmin.get_paginator = TRICK_PAGINATOR if on else ModelAdmin.get_paginator


TRICK_CACHE, QUICK_RENDER, TRICK_CHECKBOX = queries._coverage_sql, QuickSelect.render, LongListMixin.action_checkbox
TRICK_CHANGELIST = LongListMixin.get_changelist
TRICK_AROUND = links._around
TRICK_ROWS = LongChangeList.result_rows
TRICK_HOLDING = KimSearchTextQuerySet._holding
TRICK_PAGINATOR = KimAdmin.get_paginator
CASES = [
    ("lru_cache of compiled SQL", "32.01", "/", "public"),
    ("lru_cache of compiled SQL", "32.01", "/kecamatan/32.01.01/", "public"),
    ("QuickSelect", "32.01", "/kim/", "public"),
    ("QuickSelect", "95.03", "/kim/", "public"),
    ("admin selection checkbox", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("admin selection checkbox", "62.02", "/admin/registry/kim/", "admin"),
    ("admin row links", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("admin row links", "62.02", "/admin/registry/kim/?q=sungai", "admin"),
    ("admin row links", "62.02", "/admin/registry/kim/", "admin"),
    ("admin row links", "62.02", "/admin/coverage/outreachevent/?status=planned&kecamatan=62.02.04", "admin"),
    ("admin rows by column", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("admin rows by column", "62.02", "/admin/registry/kim/?q=sungai", "admin"),
    ("admin rows by column", "62.02", "/admin/registry/kim/", "admin"),
    ("admin rows by column", "62.02", "/admin/registry/desa/", "admin"),
    ("admin rows by column", "62.02", "/admin/coverage/outreachevent/?status=planned&kecamatan=62.02.04", "admin"),
    ("short grams index", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("short grams index", "62.02", "/admin/registry/kim/?q=bench+1234", "admin"),
    ("admin pages by ids first", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("admin pages by ids first", "62.02", "/admin/registry/kim/?q=sungai", "admin"),
    ("admin pages by ids first", "62.02", "/admin/registry/kim/?aktif=ya&kecamatan=62.02.04", "admin"),
    ("admin count by search texts", "62.02", "/admin/registry/kim/?q=Bench+12", "admin"),
    ("admin count by search texts", "62.02", "/admin/registry/kim/?q=sungai", "admin"),
    ("links from one reverse", "32.01", "/kim/", "public"),
    ("links from one reverse", "32.01", "/kecamatan/32.01.01/", "public"),
    ("links from one reverse", "32.01", "/", "public"),
]


def timed(client, url):
    invalidate_pages()
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    body = response.content
    cpu, wall = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return cpu, wall, re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def med(values):
    return round(statistics.median(values), 1)


for name, region, url, kind in [case for case in CASES if case[0].startswith(ONLY)]:
    settings.PORTAL_REGION = region
    client, healthz = bench._client(kind), Client()
    rows = {True: [], False: []}
    bodies = {}
    for on in (True, False):  # warm both ways
        switch(name, on)
        bodies[on] = timed(client, url)[2]
    for _round in range(ROUNDS):
        for on in (True, False):
            h = bench._healthz_ms(healthz)
            switch(name, on)
            cpu, wall, _body = timed(client, url)
            rows[on].append((cpu, wall, wall / h))
    switch(name, True)
    trick, plain = rows[True], rows[False]
    print(
        f"{name:26} {region} {url:36} trick CPU {med(c for c, _w, _r in trick):5} ms wall {med(w for _c, w, _r in trick):6} "
        f"ratio {med(r for _c, _w, r in trick):6}× | Django CPU {med(c for c, _w, _r in plain):5} ms "
        f"wall {med(w for _c, w, _r in plain):6} ratio {med(r for _c, _w, r in plain):6}× | same bytes: {bodies[True] == bodies[False]}"
    )
