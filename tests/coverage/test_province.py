"""One portal for a whole province (PORTAL_REGION=62) or the country: the roll-up on /, each
kabupaten's dashboard at /kabupaten/<code>/, and pages, directory and data across the region."""

import csv
import io
import re
from datetime import date

import pytest
from django.utils import timezone

from core.region import PortalRegion
from coverage.queries import kecamatan_coverage
from coverage.rollup import region_coverage
from kimportal.demo import load_demo
from registry.models import Desa, Kabupaten, Kim
from registry.regions import load_regions, region_kabupaten_codes

from ..factories import make_kim
from ..test_region_polish import serve_region
from .test_public_pages import UNCOVERED_IN_SOURCE_REPORT, uncovered_names_on_page

KALTENG = PortalRegion("62")


@pytest.fixture
def province(db, settings):
    """A portal for Kalimantan Tengah (14 kabupaten/kota) with all its regions loaded."""
    serve_region(settings, "62")
    load_regions(region_kabupaten_codes(KALTENG))


@pytest.fixture
def province_demo(province):
    """The province demo: Kotim as in the source report, a few KIM in Katingan."""
    load_demo()


def rollup_rows(html):
    """(name, kecamatan cell) per row of the roll-up table, in page order."""
    rows = re.findall(
        r'<th scope="row"><a href="/kabupaten/[^"]+/">(.*?)</a>.*?<td [^>]*class="num">(.*?) <small>', html, re.S
    )
    return [(name, cell) for name, cell in rows]


def test_the_province_portal_lists_its_fourteen_kabupaten_kota_with_kotim_and_katingan_covered_in_part(
    client, province_demo
):
    html = client.get("/").content.decode()
    rows = rollup_rows(html)
    assert len(rows) == 14
    assert "2 dari 14 kabupaten/kota sudah memiliki KIM" in html
    assert rows[-2:] == [("Kabupaten Katingan", "2 / 13"), ("Kabupaten Kotawaringin Timur", "10 / 17")]


def test_the_roll_up_puts_the_uncovered_first(client, province_demo):
    rows = rollup_rows(client.get("/").content.decode())
    assert all(cell.startswith("0 /") for _name, cell in rows[:12])


def test_kotims_page_on_a_province_portal_recreates_the_source_report(client, province_demo):
    html = client.get("/kabupaten/62.02/").content.decode()
    assert "10 dari 17 kecamatan sudah memiliki KIM" in html
    assert uncovered_names_on_page(html) == UNCOVERED_IN_SOURCE_REPORT


def test_on_a_kabupaten_portal_its_kabupaten_page_is_exactly_the_dashboard(client, demo):
    dashboard = client.get("/", {"tanggal": "2022-03-25"}).content.decode()
    kabupaten_page = client.get("/kabupaten/62.02/", {"tanggal": "2022-03-25"}).content.decode()
    # Equal but for the links to the page itself (language switch, alternates, print footer).
    assert kabupaten_page.replace("/kabupaten/62.02/", "/") == dashboard
    assert "Rapat konsolidasi, 24 Maret 2022" in kabupaten_page


def test_a_kabupaten_portal_answers_404_for_another_kabupatens_page(client, demo):
    load_regions(["62.06"])
    assert client.get("/kabupaten/62.06/").status_code == 404
    assert client.get("/kecamatan/62.06.02/").status_code == 404


def test_the_roll_up_shows_the_state_on_a_past_day(client, province_demo):
    html = client.get("/", {"tanggal": "2019-06-01"}).content.decode()  # Ketapang and Baamang Tengah only
    assert "Keadaan per 1 Juni 2019" in html
    assert "1 dari 14 kabupaten/kota sudah memiliki KIM" in html


def test_the_roll_up_refuses_an_invalid_day_in_indonesian_and_shows_today(client, province_demo):
    response = client.get("/", {"tanggal": "2022-02-30"})
    assert response.status_code == 400
    assert "Tanggal tidak valid" in response.content.decode()
    assert "2 dari 14 kabupaten/kota" in response.content.decode()


def test_every_roll_up_row_equals_its_kabupatens_dashboard_and_the_kabupaten_csv(client, province_demo):
    on = timezone.localdate()  # the day the CSV is of (the portal's, Asia/Jakarta), not the machine's
    rollup = region_coverage(region=KALTENG, on=on)
    csv_rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/data/kabupaten.csv").streaming_content).decode())))
    for area, row in zip(rollup.areas, csv_rows, strict=True):
        dashboard = kecamatan_coverage(kabupaten=Kabupaten.objects.get(code=area.code), on=on)
        assert (area.kecamatan_total, area.kecamatan_covered, area.desa_total, area.desa_covered, area.active_kim) == (
            dashboard.total,
            dashboard.covered_count,
            dashboard.desa_total,
            dashboard.desa_covered,
            dashboard.active_kim,
        )
        assert row == {
            "code": area.code,
            "name": area.name,
            "kecamatan_total": str(area.kecamatan_total),
            "kecamatan_covered": str(area.kecamatan_covered),
            "desa_total": str(area.desa_total),
            "desa_covered": str(area.desa_covered),
            "active_kim": str(area.active_kim),
            "code_kemendagri": area.code.replace(".", ""),
        }


def test_the_roll_up_counts_only_active_verified_kim(province):
    desa = Desa.objects.filter(kecamatan__kabupaten__code="62.06").order_by("code")
    make_kim(desa=desa[0], review_status=Kim.Review.ACCEPTED)
    make_kim(desa=desa[1], review_status=Kim.Review.WAITING)
    make_kim(desa=desa[2], review_status=Kim.Review.ACCEPTED, inactive_since=date(2022, 1, 1))
    katingan = {a.code: a for a in region_coverage(region=KALTENG, on=date(2023, 1, 1)).areas}["62.06"]
    assert (katingan.active_kim, katingan.desa_covered, katingan.kecamatan_covered) == (1, 1, 1)


def add_kims(count):
    desa = list(Desa.objects.order_by("?")[:count])
    for d in desa:
        make_kim(desa=d, review_status=Kim.Review.ACCEPTED)


def test_the_roll_up_takes_four_queries_whatever_the_data_size(province, django_assert_num_queries):
    with django_assert_num_queries(4):
        region_coverage(region=KALTENG, on=date.today())
    add_kims(60)
    with django_assert_num_queries(4):
        areas = region_coverage(region=KALTENG, on=date.today()).areas
    assert sum(a.active_kim for a in areas) == 60


def test_the_roll_up_page_runs_a_fixed_number_of_queries_however_many_kim(
    client, province, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
    add_kims(60)
    with django_assert_max_num_queries(8):
        assert client.get("/", {"tanggal": date.today().isoformat()}).status_code == 200


def test_kecamatan_pages_and_profiles_work_across_the_province_and_404_outside(client, province_demo):
    katingan_kim = Kim.objects.get(name="KIM Kasongan Baru")
    load_regions(["63.01"])  # loaded, but outside the portal's province
    outside_kim = make_kim(
        desa=Desa.objects.filter(kecamatan__kabupaten__code="63.01").first(), review_status="accepted"
    )
    assert client.get("/kecamatan/62.06.02/").status_code == 200
    assert client.get(f"/kim/{katingan_kim.pk}/").status_code == 200
    assert [
        client.get(url).status_code for url in ("/kabupaten/63.01/", "/kecamatan/63.01.01/", f"/kim/{outside_kim.pk}/")
    ] == [404] * 3


def test_the_kecamatan_page_of_a_province_portal_leads_back_to_its_kabupaten(client, province_demo):
    html = client.get("/kecamatan/62.06.02/").content.decode()
    assert '<a href="/kabupaten/62.06/">Kabupaten Katingan</a>' in html


def test_the_directory_of_a_province_portal_filters_by_kabupaten(client, province_demo):
    everything = client.get("/kim/").content.decode()
    katingan = client.get("/kim/", {"kabupaten": "62.06"}).content.decode()
    assert "15 KIM ditemukan." in everything
    assert "3 KIM ditemukan." in katingan
    assert "KIM Kasongan Baru" in katingan and "KIM Ketapang" not in katingan


def test_the_directory_refuses_a_kabupaten_outside_the_province(client, province_demo):
    load_regions(["63.01"])
    response = client.get("/kim/", {"kabupaten": "63.01"})
    assert "Masukkan pilihan yang valid." in response.content.decode()


def test_a_country_portal_rolls_up_per_province(client, db, settings):
    serve_region(settings, "")
    load_regions(["62.02", "62.06", "63.01"])
    load_demo()
    html = client.get("/").content.decode()
    assert "1 dari 2 provinsi sudah memiliki KIM" in html
    assert "Kalimantan Tengah" in html and "Kalimantan Selatan" in html
    assert client.get("/kabupaten/63.01/").status_code == 200


def test_a_province_portals_pages_name_the_province_not_kotim(client, province_demo):
    html = client.get("/kim/").content.decode()
    assert '<span class="brand-sub">Kalimantan Tengah</span>' in html
    assert "Kotawaringin Timur sebagai bagian dari program Smart City" not in html


def test_a_kabupaten_portals_header_is_unchanged(client, demo):
    assert '<span class="brand-sub">Diskominfo Kabupaten Kotawaringin Timur</span>' in client.get("/").content.decode()


def test_a_province_portals_yearly_report_rolls_up_and_each_kabupaten_has_its_own(client, province_demo):
    assert client.get("/laporan/2022/", {"kabupaten": "62.02"}).status_code == 200
    assert client.get("/laporan/2022/", {"kabupaten": "63.01"}).status_code == 404
    assert "Rekapitulasi per kabupaten/kota" in client.get("/laporan/2022/").content.decode()


def test_the_forming_kim_page_of_a_province_portal_names_the_province(client, province_demo):
    assert "Diskominfo Kalimantan Tengah" in client.get("/membentuk-kim/").content.decode()


def main_of(html: str) -> str:
    return re.search(r"<main .*?</main>", html, re.S)[0]


@pytest.mark.parametrize("day", ["2022-03-25", None])
def test_kotims_page_on_a_province_portal_is_exactly_kotims_own_portal_and_so_is_its_data(client, db, settings, day):
    """Issue 10: /kabupaten/62.02/ of the province portal shows what / shows on Kotim's own portal,
    and the kabupaten's open data is the same file."""
    load_regions(region_kabupaten_codes(KALTENG))
    load_demo()
    query = {"tanggal": day} if day else {}
    serve_region(settings, "62.02")
    own = main_of(client.get("/", query).content.decode())
    own_csv = b"".join(client.get("/data/coverage.csv", query).streaming_content)
    serve_region(settings, "62")
    html = client.get("/kabupaten/62.02/", query).content.decode()
    in_province = main_of(html)
    # The province's page adds the way back to the roll-up and names the kabupaten in its data links.
    breadcrumb = re.search(r'<nav aria-label="Jejak halaman" class="breadcrumb">.*?</nav>', in_province)[0]
    assert breadcrumb.endswith('<span aria-current="page">Kabupaten Kotawaringin Timur</span></nav>')
    assert in_province.count("&amp;kabupaten=62.02") == 2
    assert in_province.replace(breadcrumb, "").replace("&amp;kabupaten=62.02", "") == own
    assert "10 dari 17 kecamatan sudah memiliki KIM" in own
    province_csv = b"".join(client.get("/data/coverage.csv", {**query, "kabupaten": "62.02"}).streaming_content)
    assert province_csv == own_csv and own_csv.count(b"\r\n") == 18


def figures(html: str) -> dict[str, str]:
    """The headline figures of a dashboard (<dt> name: <dd> value, tags removed)."""
    block = re.search(r'<dl class="figures">(.*?)</dl>', html, re.S)[1]
    return {
        dt: re.sub(r"<[^>]+>", "", dd).strip() for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    }


def rollup_cells(html: str) -> dict[str, list[str]]:
    """Per kabupaten code, the roll-up table's cells (tags removed)."""
    rows = re.findall(r'<th scope="row"><a href="/kabupaten/([\d.]+)/">.*?</th>(.*?)</tr>', html, re.S)
    return {
        code: [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for code, cells in rows
    }


def test_each_roll_up_row_shows_what_its_kabupatens_dashboard_page_shows(client, province_demo):
    rows = rollup_cells(client.get("/").content.decode())
    assert len(rows) == 14
    for code, (kecamatan, desa, kim, _target) in rows.items():
        shown = figures(client.get(f"/kabupaten/{code}/").content.decode())
        assert kecamatan == shown["Kecamatan tercakup"], code
        assert desa == shown["Desa/kelurahan tercakup"], code
        assert kim == shown["KIM aktif"], code
    assert rows["62.02"][:3] == ["10 / 17 (58,8%)", "12 / 185", "12"]
    assert rows["62.06"][:3] == ["2 / 13 (15,4%)", "3 / 161", "3"]


def test_the_roll_up_shows_this_years_desa_target_where_one_is_set(client, province_demo):
    """The demo sets Kotim a target of 15 % of desa for this year; no other kabupaten has one."""
    from coverage.targets import desa_target_progress

    today = timezone.localdate()
    html = client.get("/").content.decode()
    assert f'<th scope="col" class="num">Target desa/kelurahan ber-KIM {today.year}</th>' in html
    kotim = desa_target_progress(kabupaten=Kabupaten.objects.get(code="62.02"), on=today)
    cells = rollup_cells(html)
    assert cells["62.02"][3] == f"{kotim.desa_covered} / {kotim.target_desa}" == "12 / 28"
    assert [c[3] for code, c in cells.items() if code != "62.02"] == ["—"] * 13
    areas = {a.code: a for a in region_coverage(region=KALTENG, on=today).areas}
    assert (areas["62.02"].target.target, areas["62.02"].target.reached) == (28, 12)
    # Another year has no target: no column.
    assert "Target desa/kelurahan ber-KIM" not in client.get("/", {"tanggal": "2022-03-25"}).content.decode()


def test_a_met_target_says_so(client, province_demo):
    from coverage.models import DesaTarget

    DesaTarget.objects.create(
        year=timezone.localdate().year, kabupaten=Kabupaten.objects.get(code="62.06"), target_percent="1.0"
    )
    assert rollup_cells(client.get("/").content.decode())["62.06"][3] == "3 / 2 (tercapai)"


def test_a_country_roll_up_adds_up_the_targets_of_a_provinces_kabupaten(db, settings):
    from coverage.models import DesaTarget

    serve_region(settings, "")
    load_regions(["62.02", "62.06", "63.01"])
    load_demo()  # Kotim: 15 % of 185 desa, 28
    DesaTarget.objects.create(
        year=timezone.localdate().year, kabupaten=Kabupaten.objects.get(code="62.06"), target_percent="10.0"
    )  # Katingan: 10 % of 161 desa, 17
    areas = {a.code: a for a in region_coverage(region=PortalRegion(""), on=timezone.localdate()).areas}
    assert (areas["62"].target.target, areas["62"].target.reached) == (28 + 17, 12 + 3)
    assert areas["63"].target is None
