"""A province or country portal names its own region everywhere: the sitemap lists the region's
pages, the admin's header names the region."""

import re
import xml.etree.ElementTree as ET

import pytest

from core.region import PortalRegion
from kimportal.demo import load_demo
from registry.models import Kecamatan, Kim
from registry.regions import load_regions, region_kabupaten_codes

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


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
    settings.PORTAL_REGION = "62"
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


def test_forming_a_kim_on_a_province_portal_sends_people_to_the_provinces_diskominfo(client, province_demo, settings):
    settings.DISKOMINFO_CONTACT = {"name": "", "address": "", "phone": "", "email": ""}
    html = client.get("/membentuk-kim/").content.decode()
    assert "<strong>Diskominfo Kalimantan Tengah</strong>" in html
    assert "Kotawaringin Timur" not in html
