"""Every region code is published twice: dotted as the portal stores it (62.02.04.2001) and, in the
column `<name>_kemendagri` beside it, undotted as many government systems key on it (6202042001),
the same in CSV, JSON and XLSX; the /data/ page and the catalogue say so."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from opendata.datasets import DATASETS
from registry.models import Kecamatan

from ..factories import make_event


def body(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_every_dotted_region_code_column_has_its_undotted_kemendagri_column():
    pairs = {(slug, c.source, c.name) for slug, d in DATASETS.items() for c in d.columns if c.kind == "kemendagri"}
    dotted = {(slug, c.name) for slug, d in DATASETS.items() for c in d.columns if c.kind == "code"}
    assert {(slug, source) for slug, source, _name in pairs} == dotted
    assert ("targets", "scope_code", "scope_code_kemendagri") in pairs
    assert ("events", "desa_code", "desa_code_kemendagri") in pairs


def test_a_desa_and_its_kecamatan_are_in_both_forms_in_csv_and_json(client, demo):
    rows = list(csv.DictReader(io.StringIO(body(client, "/data/desa-coverage.csv").decode())))
    baamang = next(r for r in rows if r["code"] == "62.02.04.2001")
    assert (baamang["code_kemendagri"], baamang["kecamatan_code_kemendagri"]) == ("6202042001", "620204")
    desa = json.loads(body(client, "/data/desa-coverage.json"))["desa"]
    assert all(d["code_kemendagri"] == d["code"].replace(".", "") for d in desa)


@pytest.mark.parametrize(("slug", "dotted"), [("coverage", "code"), ("kim", "desa_code"), ("kabupaten", "code")])
def test_the_undotted_code_is_text_in_excel_as_in_the_csv(client, demo, slug, dotted):
    sheet = load_workbook(io.BytesIO(body(client, f"/data/{slug}.xlsx")))["data"]
    header = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    undotted = first[header.index(f"{dotted}_kemendagri")]
    assert undotted == first[header.index(dotted)].replace(".", "")
    assert isinstance(undotted, str)  # 6202 as text: a number would lose a leading zero elsewhere


def test_an_event_without_a_desa_has_no_undotted_desa_code_either(client, demo):
    make_event(kecamatan=Kecamatan.objects.get(code="62.02.04"), desa=None)
    events = json.loads(body(client, "/data/events.json"))["events"]
    without = [e for e in events if e["desa_code"] is None]
    assert without and {e["desa_code_kemendagri"] for e in without} == {None}
    assert {e["kecamatan_code_kemendagri"] for e in events} == {e["kecamatan_code"].replace(".", "") for e in events}


def test_the_data_page_and_the_catalogue_explain_both_forms(client, demo):
    html = client.get("/data/").content.decode()
    assert "<code>desa_code_kemendagri</code>" in html and "6202042001" in html
    assert "tanpa titik" in client.get("/data/catalog.ttl").content.decode()
