"""Satu Data Indonesia metadata (Peraturan BPS No. 5 Tahun 2020) of every dataset: a page a person
reads (/data/<name>/) and a document a machine reads (/data/<name>/metadata.json), with MS-Keg,
MS-Var for every column and, for the coverage dataset, MS-Ind; all written from the column
definitions, so the variables, their rules and the Table Schema never disagree."""

import json

import pytest

from opendata.datapackage import table_field
from opendata.datasets import CONCEPTS, DATASETS, UNITS

MS_VAR = ("nama", "konsep", "definisi", "tipe_data", "satuan", "ukuran", "klasifikasi", "aturan_validasi")
MS_IND = ("konsep", "definisi", "rumus", "satuan", "ukuran", "interpretasi", "level_estimasi", "variabel_pembangun")


def metadata(client, slug, **headers):
    response = client.get(f"/data/{slug}/metadata.json", headers=headers)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_coverage_metadata_has_its_indicator_and_every_variable_filled_in(client, demo):
    data = metadata(client, "coverage")
    assert all(data["indikator"][key] for key in MS_IND)
    assert set(data["indikator"]["variabel_pembangun"]) <= set(DATASETS["coverage"].column_names)
    assert [v["nama"] for v in data["variabel"]] == DATASETS["coverage"].column_names
    assert all(v[key] for v in data["variabel"] for key in MS_VAR)


@pytest.mark.parametrize("slug", list(DATASETS))
def test_every_dataset_has_its_activity_and_variables_and_only_coverage_an_indicator(client, demo, slug):
    data = metadata(client, slug)
    assert data["kegiatan"]["produsen_data"] and data["kegiatan"]["unit_observasi"]
    assert [v["nama"] for v in data["variabel"]] == DATASETS[slug].column_names
    assert ("indikator" in data) == (slug == "coverage")


def test_every_column_names_a_known_concept_and_unit():
    unknown = [
        (slug, c.name)
        for slug, d in DATASETS.items()
        for c in d.columns
        if c.concept not in CONCEPTS or c.unit not in UNITS
    ]
    assert unknown == []


def test_a_variables_validation_rule_is_its_table_schema_fields_pattern(client, demo):
    variables = {v["nama"]: v for v in metadata(client, "desa-coverage")["variabel"]}
    dataset = DATASETS["desa-coverage"]
    for name in ("code", "code_kemendagri", "kecamatan_code"):
        pattern = table_field(dataset.column(name), dataset)["constraints"]["pattern"]
        assert pattern in variables[name]["aturan_validasi"]
    assert "ada di kolom code dataset coverage" in variables["kecamatan_code"]["aturan_validasi"]
    assert variables["active_kim"]["aturan_validasi"].startswith("wajib diisi")
    assert variables["vitality"]["aturan_validasi"].startswith("boleh kosong")  # no KIM, no vitality


def test_producer_walidata_frequency_and_coverage_come_from_settings(client, demo, settings):
    settings.SATU_DATA = {
        "produsen": "Bidang IKP Diskominfo Kotim",
        "walidata": "Bappeda Kotim",
        "frekuensi": "Bulanan",
        "cakupan": "Seluruh kecamatan di Kotawaringin Timur",
    }
    data = metadata(client, "kim")["dataset"]
    assert (data["produsen_data"], data["walidata"], data["frekuensi"], data["cakupan"]) == (
        "Bidang IKP Diskominfo Kotim",
        "Bappeda Kotim",
        "Bulanan",
        "Seluruh kecamatan di Kotawaringin Timur",
    )


def test_empty_settings_name_the_province_on_a_province_portal(client, db, settings):
    from kimportal.demo import load_demo
    from registry.regions import load_regions

    settings.PORTAL_REGION = "62"
    settings.DISKOMINFO_CONTACT = {"name": "", "address": "", "phone": "", "email": ""}
    settings.SATU_DATA = {"produsen": "", "walidata": "", "frekuensi": "", "cakupan": ""}
    load_regions(["62.02", "62.06"])
    load_demo()
    data = metadata(client, "kabupaten")["dataset"]
    assert data["cakupan"] == "Kalimantan Tengah"
    assert data["walidata"] == data["produsen_data"] == "Dinas Komunikasi dan Informatika Kalimantan Tengah"


def test_the_machines_metadata_stays_indonesian_for_an_english_reader(client, demo):
    client.cookies["django_language"] = "en"
    data = metadata(client, "coverage", **{"accept-language": "en"})
    assert data["indikator"]["nama"] == "Persentase kecamatan yang memiliki KIM aktif"


def test_the_metadata_is_etagged(client, demo):
    first = client.get("/data/events/metadata.json")
    assert client.get("/data/events/metadata.json", headers={"if-none-match": first["ETag"]}).status_code == 304


def test_the_page_shows_the_indicator_and_every_variable(client, demo):
    html = client.get("/data/coverage/").content.decode()
    assert "<h1>Cakupan KIM per kecamatan</h1>" in html
    assert "Metadata indikator (MS-Ind)" in html and "Persentase kecamatan yang memiliki KIM aktif" in html
    assert all(f'<h3 id="var-{name}"><code>{name}</code></h3>' in html for name in DATASETS["coverage"].column_names)
    assert 'href="/data/coverage/metadata.json"' in html


def test_the_english_page_is_in_english(client, demo):
    html = client.get("/en/data/coverage/").content.decode()
    assert "Indicator metadata (MS-Ind)" in html and "Percentage of kecamatan with an active KIM" in html


def test_an_unknown_dataset_has_no_metadata(client, demo):
    assert client.get("/data/rahasia/").status_code == 404
    assert client.get("/data/rahasia/metadata.json").status_code == 404


def test_the_sitemap_lists_each_metadata_page_in_both_languages(client, demo):
    body = client.get("/sitemap-data.xml").content.decode()
    assert all(f"<loc>http://testserver/data/{slug}/</loc>" in body for slug in DATASETS)
    assert all(f"<loc>http://testserver/en/data/{slug}/</loc>" in body for slug in DATASETS)


def test_the_open_data_page_and_the_catalogue_lead_to_each_metadata_page(client, demo):
    html = client.get("/data/").content.decode()
    assert all(f'href="/data/{slug}/"' in html for slug in DATASETS)
    turtle = client.get("/data/catalog.ttl").content.decode()
    assert all(f"<http://testserver/data/{slug}/>" in turtle for slug in DATASETS)


@pytest.mark.parametrize("url", ["/data/coverage/", "/data/coverage/metadata.json", "/data/datapackage.json"])
def test_the_metadata_costs_a_few_queries_whatever_the_data(client, demo, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
