"""A catalogue harvester (CKAN with ckanext-dcat: Satu Data Indonesia) finds every dataset and its files."""

import json
import re

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from opendata.datasets import DATASETS

CATALOGUES = [
    ("/data/catalog.jsonld", "json-ld", "application/ld+json"),
    ("/data/catalog.ttl", "turtle", "text/turtle"),
]
FILE_TYPES = {"CSV", "JSON", "XLSX"}


def harvest(client, url, rdf_format):
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=rdf_format, publicID="http://testserver/")


@pytest.mark.parametrize(("url", "rdf_format", "content_type"), CATALOGUES)
def test_the_catalogue_answers_with_the_content_type_a_harvester_reads(client, demo, url, rdf_format, content_type):
    assert client.get(url)["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(("url", "rdf_format", "content_type"), CATALOGUES)
def test_the_catalogue_has_the_mandatory_dcat_ap_properties(client, demo, url, rdf_format, content_type):
    graph = harvest(client, url, rdf_format)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.license,
        DCTERMS.modified,
        DCTERMS.spatial,
    ):
        assert graph.value(catalogue, prop) is not None, prop
    assert graph.value(graph.value(catalogue, DCTERMS.publisher), FOAF.name) is not None
    assert len(set(graph.objects(catalogue, DCAT.dataset))) == len(DATASETS)


@pytest.mark.parametrize(("url", "rdf_format", "content_type"), CATALOGUES)
def test_every_dataset_has_its_dcat_ap_properties_in_both_languages(client, demo, url, rdf_format, content_type):
    graph = harvest(client, url, rdf_format)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(d).rsplit("#ds-", 1)[1] for d in datasets} == set(DATASETS)
    for dataset in datasets:
        assert {t.language for t in graph.objects(dataset, DCTERMS.title)} == {"id", "en"}
        assert {d.language for d in graph.objects(dataset, DCTERMS.description)} == {"id", "en"}
        for prop in (
            DCTERMS.publisher,
            DCTERMS.spatial,
            DCTERMS.temporal,
            DCTERMS.modified,
            DCAT.keyword,
            DCAT.contactPoint,
        ):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        period = graph.value(dataset, DCTERMS.temporal)
        assert graph.value(period, DCAT.startDate) <= graph.value(period, DCAT.endDate)


@pytest.mark.parametrize(("url", "rdf_format", "content_type"), CATALOGUES)
def test_every_dataset_has_one_downloadable_distribution_per_format(client, demo, url, rdf_format, content_type):
    graph = harvest(client, url, rdf_format)
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        slug = str(dataset).rsplit("#ds-", 1)[1]
        labels = set()
        for distribution in graph.objects(dataset, DCAT.distribution):
            download = graph.value(distribution, DCAT.downloadURL)
            file_type = graph.value(distribution, DCTERMS["format"])
            labels.add(str(graph.value(file_type, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))))
            assert graph.value(distribution, DCAT.accessURL) == download
            assert str(graph.value(distribution, DCAT.mediaType)).startswith(
                "http://www.iana.org/assignments/media-types/"
            )
            assert graph.value(distribution, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
            assert re.fullmatch(rf"http://testserver/data/{slug}\.(csv|json|xlsx)", str(download))
        assert labels == FILE_TYPES


def test_each_download_url_in_the_catalogue_answers_200(client, demo):
    graph = harvest(client, "/data/catalog.ttl", "turtle")
    urls = {str(u).removeprefix("http://testserver") for u in graph.objects(None, DCAT.downloadURL)}
    assert len(urls) == len(DATASETS) * len(FILE_TYPES)
    assert {client.get(u).status_code for u in urls} == {200}


def test_the_open_data_page_links_the_catalogue_and_describes_each_dataset_in_schema_org(client, demo):
    html = client.get("/data/").content.decode()
    assert 'href="/data/catalog.jsonld"' in html
    assert 'href="/data/catalog.ttl"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert {d["@type"] for d in data["@graph"]} == {"Dataset"}
    assert all(d["license"] and d["description"] and len(d["distribution"]) == 3 for d in data["@graph"])


def test_a_kim_name_with_a_closing_script_tag_cannot_break_out_of_the_json_ld(client, demo):
    from registry.models import Kabupaten

    Kabupaten.objects.update(name="Kotim </script><script>alert(1)</script>")
    html = client.get("/data/").content.decode()
    assert "<script>alert(1)" not in html
