"""The DCAT catalogue conforms to DCAT-AP 3.0.0: SEMIC's official SHACL shapes (the copy ckanext-dcat
validates its own output with, vendored in opendata/shapes/) find no violation in either
serialisation, on a kabupaten, a province and a country portal."""

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kimportal.demo import load_demo
from registry.regions import load_regions

SHAPES = Path(__file__).resolve().parents[2] / "opendata" / "shapes" / "dcat-ap_3_shacl_shapes.ttl"
SERIALISATIONS = [("/data/catalog.ttl", "turtle"), ("/data/catalog.jsonld", "json-ld")]


@cache
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def violations(client, url, rdf_format) -> list[str]:
    """Every violation pySHACL reports (no inference, as the shapes' README says), one line each."""
    response = client.get(url)
    assert response.status_code == 200
    data = Graph().parse(data=response.content.decode(), format=rdf_format, publicID="http://testserver/")
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes(), inference="none")
    found = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    assert conforms == (not found)
    return sorted(found)


def test_the_shapes_are_in_the_repository_with_their_licence():
    assert SHAPES.is_file()
    assert "CC BY 4.0" in (SHAPES.parent / "README.md").read_text()


@pytest.mark.parametrize(("url", "rdf_format"), SERIALISATIONS)
def test_a_kabupaten_portals_catalogue_has_no_dcat_ap_3_violation(client, demo, url, rdf_format):
    assert violations(client, url, rdf_format) == []


@pytest.mark.parametrize(("url", "rdf_format"), SERIALISATIONS)
def test_a_province_portals_catalogue_has_no_dcat_ap_3_violation(client, db, settings, url, rdf_format):
    settings.PORTAL_REGION = "62"
    load_regions(["62.02", "62.06"])
    load_demo()
    assert violations(client, url, rdf_format) == []


@pytest.mark.parametrize(("url", "rdf_format"), SERIALISATIONS)
def test_a_country_portals_catalogue_has_no_dcat_ap_3_violation(client, db, settings, url, rdf_format):
    settings.PORTAL_REGION = ""
    load_regions(["62.02", "63.01"])
    load_demo()
    assert violations(client, url, rdf_format) == []
