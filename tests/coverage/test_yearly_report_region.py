"""The yearly report of a province or country portal: per kabupaten/kota what its own report says,
bounded whatever the region holds."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.region import PortalRegion
from coverage.models import DesaTarget
from coverage.report import region_yearly_report, yearly_report
from kimportal.demo import load_demo
from registry.models import Desa, Kabupaten, KimActivity
from registry.regions import load_regions, region_kabupaten_codes

from ..factories import make_event, make_kim

KALTENG = PortalRegion("62")
TODAY = date(2026, 6, 1)


@pytest.fixture
def province_demo(db, settings):
    """Kalimantan Tengah's 14 kabupaten/kota with the province demo (Kotim, a few KIM in Katingan)."""
    settings.PORTAL_REGION = "62"
    load_regions(region_kabupaten_codes(KALTENG))
    load_demo()


def report_rows(html: str) -> list[str]:
    """The kabupaten/kota names of the roll-up table, in order."""
    return re.findall(r'<th scope="row"><a href="/laporan/\d+/\?kabupaten=[\d.]+">(.*?)</a>', html)


def test_a_province_portals_report_has_a_row_for_each_of_its_fourteen_kabupaten_kota(client, province_demo):
    html = client.get("/laporan/2022/").content.decode()
    rows = report_rows(html)
    assert len(rows) == 14 and rows[0] == "Kabupaten Kotawaringin Barat"
    assert "PEMERINTAH PROVINSI KALIMANTAN TENGAH" in html
    assert "Rekapitulasi per kabupaten/kota, Provinsi Kalimantan Tengah" in html


@pytest.mark.parametrize("code", ["62.02", "62.06"])
def test_each_kabupaten_row_says_what_its_own_report_says(province_demo, code):
    year = timezone.localdate().year
    DesaTarget.objects.create(kabupaten=Kabupaten.objects.get(code="62.06"), year=year, target_percent=10)
    region = region_yearly_report(region=KALTENG, year=year, today=timezone.localdate())
    row = next(r for r in region.kabupaten if r.code == code)
    own = yearly_report(kabupaten=Kabupaten.objects.get(code=code), year=year, today=timezone.localdate())
    assert (row.kecamatan_start, row.kecamatan_end, row.desa_start, row.desa_end) == (
        own.coverage_start.covered_count,
        own.coverage_end.covered_count,
        own.coverage_start.desa_covered,
        own.coverage_end.desa_covered,
    )
    assert (row.formed, row.quiet, row.sk_ended) == (len(own.formed), len(own.quiet), len(own.sk_ended))
    assert (row.held, row.participants, row.activity) == (
        own.outreach_total.held,
        own.outreach_total.participants,
        own.activity_total,
    )
    assert row.target_desa == (own.target.target_desa if own.target else None)


def test_the_region_total_adds_up_its_kabupaten(province_demo):
    report = region_yearly_report(region=KALTENG, year=2022, today=TODAY)
    assert report.total.desa_total == 1571 and report.total.kecamatan_total == 136
    assert report.total.formed == sum(r.formed for r in report.kabupaten)
    assert report.total.kecamatan_end == sum(r.kecamatan_end for r in report.kabupaten) == 10 + 2  # Kotim, Katingan


def test_a_country_portals_report_rolls_up_per_province_then_per_kabupaten(client, db, settings):
    settings.PORTAL_REGION = ""
    load_regions(["62.02", "62.06", "63.01"])
    load_demo()
    html = client.get("/laporan/2022/").content.decode()
    assert "Rekapitulasi per provinsi" in html and "REKAPITULASI NASIONAL" in html
    assert '<th scope="rowgroup" colspan="8">Kalimantan Selatan</th>' in html
    assert len(report_rows(html)) == 3


def test_a_year_outside_the_regions_data_answers_404_with_the_years_that_exist(client, province_demo):
    response = client.get("/laporan/2015/")
    assert response.status_code == 404
    assert "tersedia untuk tahun 2019 sampai" in response.content.decode()


def test_the_region_report_costs_the_same_queries_with_more_kabupaten_kim_and_events(client, db, settings):
    settings.PORTAL_REGION = ""
    load_regions(["62.02"])

    def grow(codes):
        load_regions(codes)
        for kabupaten in Kabupaten.objects.filter(code__in=codes):
            DesaTarget.objects.create(kabupaten=kabupaten, year=2023, target_percent=Decimal(20))
            for desa in Desa.objects.filter(kecamatan__kabupaten=kabupaten).order_by("code")[:4]:
                kim = make_kim(desa=desa, formed_on=date(2023, 2, 1), sk_term_end=date(2023, 6, 1))
                make_event(desa=desa, kims=[kim], starts_at=date(2023, 3, 1), participants=9)
                KimActivity.objects.create(kim=kim, date=date(2023, 3, 2), kind="meeting")

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/laporan/2023/").status_code == 200
        return len(captured)

    grow(["62.02"])
    before = queries()
    grow(["62.06", "63.01", "63.02"])
    assert queries() == before


def test_a_kabupaten_report_on_a_province_portal_links_its_own_years_and_the_province_report(client, province_demo):
    html = client.get("/laporan/2022/", {"kabupaten": "62.02"}).content.decode()
    assert 'href="/laporan/2021/?kabupaten=62.02" rel="prev"' in html
    assert 'href="/laporan/2023/?kabupaten=62.02" rel="next"' in html
    assert '<a href="/laporan/2022/">‹ Laporan Kalimantan Tengah</a>' in html


def test_the_region_report_groups_thousands_as_its_reader_does(client, province_demo):
    html = client.get("/laporan/2022/").content.decode()
    assert "/ 1.571" in html and "1571" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "/ 1,571" in client.get("/en/laporan/2022/").content.decode()
