"""Open data of a province portal: every dataset per kabupaten (?kabupaten=) or for the whole
province, and the roll-up dataset `kabupaten`."""

import csv
import io
import json

import pytest

from core.region import PortalRegion
from kimportal.demo import load_demo
from registry.regions import load_regions, region_kabupaten_codes


def body(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.fixture
def province_demo(db, settings):
    settings.PORTAL_REGION = "62"
    load_regions(region_kabupaten_codes(PortalRegion("62")))
    load_demo()


def test_a_province_portals_coverage_of_one_kabupaten_keeps_the_kabupaten_portals_shape(client, demo, settings):
    kabupaten_portal = json.loads(body(client.get("/data/coverage.json", {"tanggal": "2022-03-25"})))
    settings.PORTAL_REGION = "62"
    load_regions(["62.06"])
    load_demo()
    province_portal = json.loads(
        body(client.get("/data/coverage.json", {"tanggal": "2022-03-25", "kabupaten": "62.02"}))
    )
    assert province_portal == kabupaten_portal


def test_on_a_kabupaten_portal_naming_its_own_kabupaten_changes_nothing(client, demo):
    named = json.loads(body(client.get("/data/coverage.json", {"kabupaten": "62.02"})))
    assert named == json.loads(body(client.get("/data/coverage.json")))


def test_the_kabupaten_dataset_has_one_row_per_kabupaten_kota_of_the_province(client, province_demo):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/kabupaten.csv")))))
    assert len(rows) == 14
    assert list(rows[0]) == [
        "code",
        "name",
        "kecamatan_total",
        "kecamatan_covered",
        "desa_total",
        "desa_covered",
        "active_kim",
        "code_kemendagri",
    ]
    covered = {r["code"]: (r["kecamatan_covered"], r["active_kim"]) for r in rows if r["active_kim"] != "0"}
    assert covered == {"62.02": ("10", "12"), "62.06": ("2", "3")}


def test_the_kabupaten_json_names_the_province_and_its_day(client, province_demo):
    data = json.loads(body(client.get("/data/kabupaten.json", {"tanggal": "2022-03-25"})))
    assert data["region"] == {"code": "62", "name": "Kalimantan Tengah", "kind": "province"}
    assert data["as_of"] == "2022-03-25"
    assert len(data["kabupaten"]) == 14


def test_without_a_kabupaten_a_dataset_covers_the_whole_province(client, province_demo):
    data = json.loads(body(client.get("/data/coverage.json")))
    assert (data["kecamatan_total"], data["kecamatan_covered"]) == (136, 12)
    assert len(data["kecamatan"]) == 136
    kims = list(csv.DictReader(io.StringIO(body(client.get("/data/kim.csv")))))
    assert len(kims) == 15


def test_a_dataset_of_one_kabupaten_of_the_province(client, province_demo):
    response = client.get("/data/kim.csv", {"kabupaten": "62.06"})
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert sorted(r["name"] for r in rows) == ["KIM Kasongan Baru", "KIM Kasongan Lama", "KIM Samba Kahayan"]
    assert 'filename="kim-direktori-62.06-' in response["Content-Disposition"]


def test_a_province_download_is_named_after_the_province(client, province_demo):
    assert 'filename="kim-events-62-' in client.get("/data/events.csv")["Content-Disposition"]


def test_a_kabupaten_outside_the_portal_is_refused_in_indonesian(client, province_demo):
    load_regions(["63.01"])
    response = client.get("/data/coverage.json", {"kabupaten": "63.01"})
    assert response.status_code == 400
    assert "tidak ada di wilayah portal ini" in response.json()["error"]


def test_a_hostile_kabupaten_parameter_is_refused_and_bounded(client, province_demo):
    response = client.get("/data/kim.json", {"kabupaten": "=1+1" + "x" * 300})
    assert response.status_code == 400
    assert response.json()["error"] == "Kabupaten/kota “=1+1xxxxxxxxxxxxxxxx” tidak ada di wilayah portal ini."


def test_the_datasets_page_of_a_province_offers_the_kabupaten_dataset(client, province_demo):
    html = client.get("/data/").content.decode()
    assert "Cakupan KIM per kabupaten/kota" in html
    assert "Kalimantan Tengah" in html


def test_the_catalogue_of_a_province_portal_describes_the_province(client, province_demo):
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert "Kalimantan Tengah" in response.content.decode()


def test_a_province_download_answers_not_modified_to_a_harvester_that_holds_it(client, province_demo):
    etag = client.get("/data/kim.csv")["ETag"]
    assert client.get("/data/kim.csv", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/data/kim.csv", {"kabupaten": "62.06"}, headers={"if-none-match": etag}).status_code == 200


def test_every_download_names_its_area_under_one_key_region_on_every_portal(client, province_demo):
    """It was `kabupaten` on a kabupaten's download and `region` on the province's; and a kabupaten's
    download of the `kabupaten` dataset had its area and its rows under the same key."""
    province = json.loads(body(client.get("/data/kabupaten.json")))
    one = json.loads(body(client.get("/data/coverage.json", {"kabupaten": "62.06"})))
    assert province["region"]["kind"] == "province"
    assert one["region"] == {"code": "62.06", "name": "Kabupaten Katingan", "kind": "kabupaten"}
    assert "kabupaten" not in one


def test_a_province_workbook_names_the_province_in_its_about_sheet(client, province_demo):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(client.get("/data/coverage.xlsx").streaming_content)))
    facts = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True) if row and row[0]}
    assert facts["Wilayah"] == "Kalimantan Tengah (62)"
