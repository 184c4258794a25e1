"""The country's roll-up (PORTAL_REGION empty) at national size: 38 provinces, 514 kabupaten/kota,
83,762 desa/kelurahan. Its `/` lists and draws the provinces, each linked to its own page
(/provinsi/<code>/), which lists and draws that province's kabupaten/kota (issue 23)."""

import re

import pytest
from django.db import transaction

from kimportal.demo import load_demo
from registry.regions import load_regions, province_names

from ..test_region_polish import serve_region

PAGE_MAX_BYTES = 150_000


@pytest.fixture(scope="module")
def nation(django_db_setup, django_db_blocker):
    """Every region of Indonesia and the demo, written once for this module's tests (about 5 s) in
    a transaction rolled back after them; each test's own transaction is a savepoint inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        load_regions(None)
        load_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def country(nation, settings, db):
    serve_region(settings, "")


def test_the_country_page_stays_under_150_kb_at_national_size(client, country):
    response = client.get("/")
    assert response.status_code == 200
    assert len(response.content) <= PAGE_MAX_BYTES


def test_the_country_map_draws_each_province_once_linked_to_its_page(client, country):
    svg = re.search(r"<svg .*?</svg>", client.get("/").content.decode(), re.S)[0]
    links = re.findall(r'<a href="/provinsi/(\d\d)/" aria-label="([^"]+)"><path ', svg)
    assert sorted(code for code, _label in links) == sorted(province_names())
    assert svg.count("<path ") == 38


def test_the_country_table_links_every_province_to_its_page(client, country):
    html = client.get("/").content.decode()
    rows = re.findall(r'<th scope="row"><a href="/provinsi/(\d\d)/">', html)
    assert sorted(rows) == sorted(province_names())


def test_each_provinces_page_lists_and_draws_its_kabupaten_kota_within_the_budget(client, country):
    sizes = {}
    for code in province_names():
        html = client.get(f"/provinsi/{code}/").content.decode()
        rows = re.findall(r'<th scope="row"><a href="/kabupaten/(\d\d\.\d\d)/">', html)
        assert rows and all(row.startswith(code + ".") for row in rows), code
        sizes[code] = len(html.encode())
    assert max(sizes.values()) <= PAGE_MAX_BYTES, sizes


def test_jawa_tengahs_page_leads_back_to_the_country_and_on_to_its_35_kabupaten_kota(client, country):
    html = client.get("/provinsi/33/").content.decode()
    assert '<a href="/">Indonesia</a> › <span aria-current="page">Jawa Tengah</span>' in html
    assert "dari 35 kabupaten/kota sudah memiliki KIM" in html
    assert html.count('<a href="/kabupaten/33.') >= 2 * 35  # the map and the table


@pytest.mark.parametrize("code", ["99", "3", "33.01", "3x", "٣٣"])
def test_a_province_that_is_not_there_is_404(client, country, code):
    assert client.get(f"/provinsi/{code}/").status_code == 404


def test_a_province_portal_has_no_province_pages(client, nation, settings, db):
    serve_region(settings, "33")
    assert client.get("/provinsi/33/").status_code == 404


def test_the_country_portals_sitemap_lists_every_provinces_page(client, country):
    body = client.get("/sitemap-provinsi.xml").content.decode()
    assert sorted(re.findall(r"<loc>http://testserver/provinsi/(\d\d)/</loc>", body)) == sorted(province_names())
