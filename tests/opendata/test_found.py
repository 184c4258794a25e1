"""Search engines find every public page in both languages: robots.txt, sitemap.xml,
canonical and hreflang links, a description per page."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from registry.models import Kim

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_urls(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = []
    for loc in index.findall("s:sitemap/s:loc", NS):
        section = ET.fromstring(client.get(loc.text.removeprefix("http://testserver")).content)
        urls += [u.findtext("s:loc", namespaces=NS) for u in section.findall("s:url", NS)]
    return {u.removeprefix("http://testserver") for u in urls}


def test_robots_txt_keeps_crawlers_out_of_admin_and_field_pages_and_names_the_sitemap(client, demo):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /petugas/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_every_public_page_in_both_languages(client, demo):
    urls = sitemap_urls(client)
    kim = Kim.objects.public().first()
    for path in ["/", "/kim/", "/data/", "/kecamatan/62.02.04/", f"/kim/{kim.pk}/"]:
        assert path in urls
        assert "/en" + path in urls
    assert len([u for u in urls if u.startswith("/kecamatan/")]) == 17


def test_the_sitemap_lists_how_to_form_a_kim_and_the_yearly_report_of_every_year_with_data(client, demo):
    urls = sitemap_urls(client)
    this_year = timezone.localdate().year
    reports = {u for u in urls if u.startswith("/laporan/")}
    assert {"/membentuk-kim/", "/en/membentuk-kim/"} <= urls
    assert reports == {f"/laporan/{year}/" for year in range(2019, this_year + 1)}  # the first KIM: 2019
    assert {u.removeprefix("/en") for u in urls if u.startswith("/en/laporan/")} == reports


def test_the_sitemap_leaves_out_kim_proposals_that_are_not_verified(client, demo):
    from tests.factories import make_kim

    proposal = make_kim(desa=Kim.objects.first().desa, review_status=Kim.Review.WAITING)
    assert f"/kim/{proposal.pk}/" not in sitemap_urls(client)


def test_the_sitemap_gives_each_page_its_other_language_as_an_alternate(client, demo):
    body = client.get("/sitemap-halaman.xml").content.decode()
    assert 'hreflang="en" href="http://testserver/en/kim/"' in body
    assert 'hreflang="x-default" href="http://testserver/kim/"' in body


@pytest.mark.parametrize("path", ["/", "/kim/", "/data/", "/kecamatan/62.02.04/", "/en/data/"])
def test_every_public_page_names_its_canonical_address_and_its_other_language(client, demo, path):
    html = client.get(path + "?tanggal=2022-03-25").content.decode()
    english = path if path.startswith("/en/") else "/en" + path
    indonesian = path.removeprefix("/en")
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{english}">' in html
    assert f'<link rel="alternate" hreflang="id" href="http://testserver{indonesian}">' in html


def test_pages_have_their_own_description(client, demo):
    kim = Kim.objects.public().first()
    paths = ["/", "/kim/", "/data/", "/kecamatan/62.02.04/", f"/kim/{kim.pk}/", "/en/"]
    descriptions = {
        re.search(r'<meta name="description" content="([^"]*)"', client.get(p).content.decode()).group(1) for p in paths
    }
    assert len(descriptions) == len(paths)


def test_field_pages_carry_no_language_links(client, demo):
    assert 'rel="canonical"' not in client.get("/petugas/masuk/").content.decode()


def test_an_address_with_quotes_or_a_closing_style_tag_stays_inside_the_printed_source_line(client, demo):
    html = client.get("/kim/", {"q": "\"';}</style><script>alert(1)</script>"}).content.decode()
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert style.startswith(':root { --print-source: "Sumber: http://testserver/kim/?q=')
    assert "<script>alert(1)" not in html
