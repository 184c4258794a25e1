"""Every worker and every server gives one ETag for one page or file, a visitor or harvester
holding it gets 304 Not Modified from any of them, and a change gives another ETag.

Two gunicorn workers that share no memory (the default local-memory cache, no Redis) serve a
copy of the test database; each URL is asked until both workers have answered it.
"""

import http.client
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from core.models import DataRevision
from kimportal.demo import load_demo
from opendata.datasets import DATASETS
from registry.models import Desa, Kecamatan, Kim
from registry.regions import load_regions

from .factories import make_kim
from .servers import database_for_another_process, gunicorn

ROOT = Path(__file__).resolve().parent.parent
DOWNLOADS = [f"/data/{slug}.{fmt}" for slug in DATASETS for fmt in ("csv", "json", "xlsx")]
PAGES = [
    "/",
    "/en/",
    "/?tanggal=2022-03-01",
    "/kim/",
    "/en/kim/",
    "/kecamatan/62.02.04/",
    "/data/",
    "/en/data/",
    "/data/catalog.ttl",
    "/data/catalog.jsonld",
    "/laporan/2022/",
    "/sitemap.xml",
    "/sitemap-halaman.xml",
    "/sitemap-kecamatan.xml",
    "/sitemap-kim.xml",
]
GZIP = {"Accept-Encoding": "gzip"}


def ask(port: int, path: str, headers: dict | None = None) -> tuple[int, str | None, str]:
    """(status, ETag, pid of the worker that answered)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("ETag"), response.getheader("X-Worker-Pid")
    finally:
        conn.close()


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    """gunicorn -w 2 on a loopback port, on a copy of the demo data; killed at the end."""
    for name in ("Admin Diskominfo", "Petugas lapangan"):  # a transactional test starts emptied
        Group.objects.get_or_create(name=name)
    load_regions(["62.02"])
    load_demo()
    env = {
        **os.environ,
        "DATABASE_URL": database_for_another_process(tmp_path),
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "DEBUG": "0",
        "ENV_FILE": "/dev/null",
        "PORTAL_REGION": "62.02",
    }
    env.pop("CACHE_URL", None)  # each worker its own local-memory cache
    with gunicorn(env, tmp_path) as port:
        yield port


def ask_many(port, requests):
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda r: (r, ask(port, r[0], r[1])), requests))


def test_every_worker_gives_one_etag_per_url_and_304_to_a_holder_of_it(two_workers, client):
    port = two_workers
    etags, workers = defaultdict(set), defaultdict(set)
    pending = [(url, gzip) for url in DOWNLOADS + PAGES for gzip in (False, True)]
    for _ in range(10):  # until both workers answered each URL in each encoding
        answers = ask_many(port, [(url, GZIP if gzip else {}) for url, gzip in pending for _ in range(4)])
        for (url, headers), (status, etag, pid) in answers:
            assert status == 200, url
            etags[url, bool(headers)].add(etag)
            workers[url, bool(headers)].add(pid)
        pending = [key for key in pending if len(workers[key]) < 2]
        if not pending:
            break
    assert not pending, f"only one worker answered {pending}"
    assert {key: e for key, e in etags.items() if len(e) != 1} == {}
    assert None not in set().union(*etags.values())
    # This test's own process (another server, with another hash seed) gives the same ETags.
    here = {url: client.get(url, HTTP_HOST=f"127.0.0.1:{port}")["ETag"] for url in DOWNLOADS + PAGES}
    assert {url: etag for url, etag in here.items() if {etag} != etags[url, False]} == {}

    conditional = [
        (url, {**(GZIP if gzip else {}), "If-None-Match": etag})
        for (url, gzip), (etag,) in etags.items()
        for _ in range(4)
    ]
    statuses = [status for _, (status, _, _) in ask_many(port, conditional)]
    assert statuses.count(304) == len(conditional), f"{statuses.count(304)} of {len(conditional)} answered 304"


# In one process: what a page's ETag follows, and who gets one.


@pytest.mark.parametrize(
    "url", ["/", "/kim/", "/kecamatan/62.02.04/", "/data/", "/data/catalog.ttl", "/sitemap.xml", "/sitemap-kim.xml"]
)
def test_a_visitor_holding_a_public_page_gets_304_without_a_body(client, demo, url):
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_each_language_and_each_day_is_a_page_with_its_own_etag(client, demo):
    etags = {client.get(url)["ETag"] for url in ["/", "/en/", "/?tanggal=2022-03-01", "/en/?tanggal=2022-03-01"]}
    assert len(etags) == 4


@pytest.mark.parametrize("url", ["/kim/", "/sitemap-kim.xml"])
def test_a_new_kim_changes_the_etag_and_the_page_comes_again(client, demo, url):
    etag = client.get(url)["ETag"]
    make_kim(desa=Desa.objects.get(code="62.02.04.2001"), name="KIM Tehang Baru", review_status=Kim.Review.ACCEPTED)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_signed_in_visitor_gets_no_etag_and_never_a_304(staff_client, demo):
    assert not staff_client.get("/").has_header("ETag")
    assert staff_client.get("/", headers={"If-None-Match": "*"}).status_code == 200


def test_a_compressed_page_answers_304_to_its_weak_etag_and_names_it(client, demo):
    etag = client.get("/kim/", headers=GZIP)["ETag"]
    again = client.get("/kim/", headers={**GZIP, "If-None-Match": etag})
    assert etag.startswith('W/"')
    assert again.status_code == 304
    assert again["ETag"] == etag


def test_a_renamed_kecamatan_changes_the_etag_of_every_download(client, demo, django_capture_on_commit_callbacks):
    etag = client.get("/data/events.csv")["ETag"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # as the admin saves
        kecamatan = Kecamatan.objects.get(code="62.02.04")
        kecamatan.name = "Parenggean Raya"
        kecamatan.save()
    assert client.get("/data/events.csv", headers={"If-None-Match": etag}).status_code == 200


def test_the_stored_revision_counts_a_transaction_once_when_it_commits_and_not_when_it_fails(
    demo, django_capture_on_commit_callbacks
):
    before = DataRevision.current()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for name in ("KIM Satu", "KIM Dua", "KIM Tiga"):
                make_kim(desa=Desa.objects.get(code="62.02.04.2001"), name=name)
            assert DataRevision.current() == before
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        make_kim(desa=Desa.objects.get(code="62.02.04.2001"), name="KIM Empat")
        raise ValueError("the save fails")
    assert DataRevision.current() == before + 1


def test_the_catalogue_keeps_its_cors_header_when_served_from_the_cache(client, demo):
    client.get("/data/catalog.ttl")
    hit = client.get("/data/catalog.ttl")
    assert hit["X-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "*"
