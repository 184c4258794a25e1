"""A portal names its own region everywhere, never Kotim's unless it is Kotim's: the page frame
(title, description, header, footer), the sitemap, the admin's header and browser tab; its
numbers are grouped in thousands the reader's way."""

import re
import xml.etree.ElementTree as ET

import pytest

from core.region import PortalRegion
from kimportal.demo import load_demo
from registry.models import Kecamatan, Kim
from registry.regions import load_regions, region_kabupaten_codes

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NO_CONTACT = {"name": "", "address": "", "phone": "", "email": ""}


def serve_region(settings, code):
    """Serve the portal for region `code` as a deployment with PORTAL_REGION=`code` would: the
    settings name Kotim's office only on Kotim's portal (kimportal/settings.py), so off Kotim
    no office is configured."""
    settings.PORTAL_REGION = code
    if code != "62.02":
        settings.DISKOMINFO_CONTACT = NO_CONTACT


def sitemap_urls(client):
    """Every URL of every page of every sitemap section."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = []
    for loc in index.findall("s:sitemap/s:loc", NS):
        section = ET.fromstring(client.get(loc.text.removeprefix("http://testserver")).content)
        urls += [u.findtext("s:loc", namespaces=NS) for u in section.findall("s:url", NS)]
    return [u.removeprefix("http://testserver") for u in urls]


@pytest.fixture
def province_demo(db, settings):
    serve_region(settings, "62")
    load_regions(region_kabupaten_codes(PortalRegion("62")))
    load_demo()


def test_a_province_sitemap_lists_the_roll_up_each_kabupaten_their_kecamatan_and_kim_in_both_languages(
    client, province_demo
):
    urls = sitemap_urls(client)
    assert len(urls) == len(set(urls))
    katingan_kim = Kim.objects.public().filter(desa__kecamatan__kabupaten__code="62.06").first()
    katingan_kecamatan = Kecamatan.objects.filter(kabupaten__code="62.06").first()
    for path in [
        "/",
        "/kabupaten/62.02/",
        "/kabupaten/62.06/",
        f"/kecamatan/{katingan_kecamatan.code}/",
        "/kecamatan/62.02.04/",
        f"/kim/{katingan_kim.pk}/",
    ]:
        assert path in urls and "/en" + path in urls
    assert len([u for u in urls if u.startswith("/kabupaten/")]) == 14
    kecamatan = Kecamatan.objects.filter(kabupaten__code__startswith="62.").count()
    assert len([u for u in urls if u.startswith("/kecamatan/")]) == kecamatan
    assert len([u for u in urls if u.startswith("/kim/") and u != "/kim/"]) == Kim.objects.public().count()


def test_every_page_a_province_sitemap_lists_exists(client, province_demo):
    for path in [u for u in sitemap_urls(client) if not u.startswith("/en/")][:60]:
        assert client.get(path).status_code == 200, path


def test_a_kabupaten_sitemap_lists_no_kabupaten_dashboards_and_nothing_of_its_neighbours(client, settings, db):
    load_regions(["62.02", "62.06"])
    load_demo()
    urls = sitemap_urls(client)
    assert not [u for u in urls if u.startswith("/kabupaten/")]
    assert not [u for u in urls if u.startswith("/kecamatan/62.06.")]
    assert len([u for u in urls if u.startswith("/kecamatan/")]) == 17


def test_a_sitemap_section_is_paginated_so_no_response_grows_with_the_region(client, province_demo, monkeypatch):
    from kimportal import sitemaps

    monkeypatch.setattr(sitemaps.KecamatanSitemap, "limit", 10)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-kecamatan.xml?p=2" in index
    page = ET.fromstring(client.get("/sitemap-kecamatan.xml?p=2").content)
    assert len(page.findall("s:url", NS)) == 10


@pytest.mark.parametrize(
    "region, header",
    [
        ("62.02", "KIM Portal Kabupaten Kotawaringin Timur"),
        ("62", "KIM Portal Kalimantan Tengah"),
        ("", "KIM Portal Indonesia"),
    ],
)
def test_the_admin_header_names_the_portals_region(admin_client, settings, region, header):
    settings.PORTAL_REGION = region
    html = admin_client.get("/admin/").content.decode()
    assert f'<a href="/admin/">{header}</a>' in html
    assert "Kotawaringin Timur" not in html or region == "62.02"


def test_the_admin_header_costs_no_query(db, settings, django_assert_num_queries):
    from django.contrib import admin

    settings.PORTAL_REGION = "62"
    with django_assert_num_queries(0):
        assert str(admin.site.site_header) == "KIM Portal Kalimantan Tengah"


def page_frame(html):
    """What every page shows around its content: the head (title, description), header and footer."""
    return "\n".join(re.search(rf"<{tag}[ >].*?</{tag}>", html, re.S)[0] for tag in ["head", "header", "footer"])


@pytest.mark.parametrize("path", ["/", "/kabupaten/62.06/", "/kim/", "/data/", "/membentuk-kim/", "/en/"])
def test_no_page_of_a_province_portal_names_kotim_as_its_owner(client, province_demo, path):
    frame = page_frame(client.get(path).content.decode())
    assert "Kotawaringin Timur" not in frame
    assert "Kalimantan Tengah" in frame


def test_forming_a_kim_on_a_province_portal_sends_people_to_the_provinces_diskominfo(client, province_demo):
    html = client.get("/membentuk-kim/").content.decode()
    assert "<strong>Diskominfo Kalimantan Tengah</strong>" in html
    assert "Kotawaringin Timur" not in html


# A kabupaten portal other than Kotim's: Katingan's own (PORTAL_REGION=62.06).


@pytest.fixture
def katingan_portal(db, settings):
    """Katingan's portal with the demo's KIM there. The demo needs Kotim's regions, which are
    loaded but lie outside this portal."""
    serve_region(settings, "62.06")
    load_regions(["62.02", "62.06"])
    load_demo()


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def katingan_public_paths():
    from django.utils import timezone

    kim = Kim.objects.public().filter(desa__kecamatan__kabupaten__code="62.06").order_by("pk").first()
    paths = ["/", "/kim/", "/data/", "/membentuk-kim/", "/kecamatan/62.06.02/", f"/kim/{kim.pk}/"]
    paths.append(f"/laporan/{timezone.localdate().year}/")
    return paths + ["/en" + p for p in paths]


def test_a_katingan_portal_names_katingan_and_never_kotim_on_any_public_page(client, katingan_portal):
    for path in katingan_public_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        html = body(response)
        assert "Kotawaringin Timur" not in html and "Kotim" not in html, path
        frame = page_frame(html)
        assert "Kabupaten Katingan" in re.search(r"<title>(.*?)</title>", frame, re.S)[1], path
        assert "Diskominfo Kabupaten Katingan" in frame, path


def test_a_katingan_portals_frame_says_whose_it_is(client, katingan_portal):
    html = client.get("/kim/").content.decode()
    assert "<title>Direktori KIM · KIM Portal Kabupaten Katingan</title>" in html
    assert '<span class="brand-sub">Diskominfo Kabupaten Katingan</span>' in html
    assert "KIM Portal dikelola oleh Diskominfo Kabupaten Katingan, untuk keterbukaan informasi publik" in html
    assert 'content="Daftar semua KIM di Kabupaten Katingan' in html
    english = client.get("/en/kim/").content.decode()
    assert "KIM Portal is run by Diskominfo Kabupaten Katingan, for public access to information" in english


def test_a_configured_office_is_named_in_the_footer(client, katingan_portal, settings):
    settings.DISKOMINFO_CONTACT = {**NO_CONTACT, "name": "Dinas Komunikasi, Informatika dan Persandian Kab. Katingan"}
    html = client.get("/").content.decode()
    assert "KIM Portal dikelola oleh Dinas Komunikasi, Informatika dan Persandian Kab. Katingan," in html


def test_the_files_machines_read_on_a_katingan_portal_never_name_kotim(client, katingan_portal):
    paths = ["/robots.txt", "/data/catalog.ttl", "/data/catalog.jsonld", "/data/coverage.csv", "/data/kim.json"]
    paths += sitemap_urls(client)
    assert "/kecamatan/62.06.02/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Kotawaringin Timur" not in body(response), path


def test_a_katingan_portals_404_page_names_katingan(client, katingan_portal):
    html = client.get("/tidak-ada/").content.decode()
    assert "Kotawaringin Timur" not in html
    assert "KIM Portal Kabupaten Katingan" in html


def test_the_500_page_renders_without_a_request_and_names_no_region(settings):
    from django.template.loader import render_to_string

    serve_region(settings, "62.06")
    html = render_to_string("500.html")
    assert "Kotawaringin Timur" not in html and "Katingan" not in html
    assert "<title>Terjadi kesalahan · KIM Portal</title>" in html


@pytest.mark.parametrize(
    "region, name",
    [
        ("62.02", "Kabupaten Kotawaringin Timur"),
        ("62.06", "Kabupaten Katingan"),
        ("62", "Kalimantan Tengah"),
        ("", "Indonesia"),
    ],
)
def test_the_admins_browser_tab_names_the_portals_region(admin_client, client, settings, region, name):
    serve_region(settings, region)
    assert f"<title>Administrasi Diskominfo | KIM Portal {name}</title>" in admin_client.get("/admin/").content.decode()
    login = client.get("/admin/login/").content.decode()
    assert f"| KIM Portal {name}</title>" in login
    assert f'<a href="/admin/">KIM Portal {name}</a>' in login
    assert ("Kotawaringin Timur" in login) == (region == "62.02")


# Numbers grouped in thousands: 1.571 in Bahasa Indonesia, 1,571 in English.


@pytest.mark.parametrize(
    "language, value, shown",
    [("id", 1571, "1.571"), ("en", 1571, "1,571"), ("id", 83762, "83.762"), ("id", 999, "999"), ("id", 0, "0")],
)
def test_bilangan_groups_thousands_the_readers_way(language, value, shown):
    from django.utils import translation

    from core.templatetags.portal import bilangan

    with translation.override(language):
        assert bilangan(value) == shown


def test_bilangan_leaves_what_is_not_a_whole_number_alone():
    from core.templatetags.portal import bilangan

    assert [bilangan(v) for v in ("62.02", None, True, "")] == ["62.02", None, True, ""]


def test_the_province_roll_up_groups_thousands(client, province_demo):
    html = client.get("/").content.decode()
    assert "<dd>15 / 1.571</dd>" in html
    assert "1571" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "<dd>15 / 1,571</dd>" in client.get("/en/").content.decode()


def test_the_directory_groups_its_count_in_thousands(client, province_demo, monkeypatch):
    from core.paginator import ListedPaginator

    monkeypatch.setattr(ListedPaginator, "count", 12345)
    html = client.get("/kim/").content.decode()
    assert "12.345 KIM ditemukan." in html
    assert "Halaman 1 dari 494" in html
    assert "12,345 KIM found." in client.get("/en/kim/").content.decode()


# The directory's filters fold behind "Saring" (open while a filter is in effect).


def filter_box(html) -> str:
    return re.search(r"<details class=\"filter-box\"[^>]*>", html)[0]


@pytest.mark.parametrize(
    "query, is_open",
    [
        ({}, False),
        ({"halaman": "1"}, False),
        ({"kabupaten": "62.06"}, True),
        ({"q": "Kasongan"}, True),
        ({"status": "aktif"}, True),
        ({"urut": "-terbentuk"}, True),
        ({"kabupaten": "99.99"}, True),  # an error shows where it is
    ],
)
def test_the_directory_filters_fold_away_until_one_is_in_effect(client, province_demo, query, is_open):
    html = client.get("/kim/", query).content.decode()
    assert (" open" in filter_box(html)) is is_open
    assert '<form method="get" class="filters"' in html.split(filter_box(html), 1)[1].split("</details>", 1)[0]
