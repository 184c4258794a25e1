"""The open data catalogue: every dataset and its files described in DCAT (DCAT-AP 3
terms) for catalogues such as Satu Data Indonesia (CKAN with ckanext-dcat), and in
schema.org for dataset search engines.

One graph, built with rdflib, answers both serialisations (JSON-LD and Turtle).
Titles and descriptions are given in Indonesian and English (language-tagged
literals). What ckanext-dcat reads, and how:
- dataset: dct:title, dct:description, dcat:keyword, dct:publisher (foaf:name),
  dct:spatial (skos:prefLabel), dct:temporal (dcat:startDate/endDate),
  dct:modified, dcat:landingPage, dct:identifier;
- distribution: dcat:downloadURL (the resource's URL), dcat:mediaType, dct:format
  (the EU file-type URI, typed dct:IMT with an rdfs:label so CKAN gets "CSV"),
  dct:license (the CC BY 4.0 URI, its dct:title matching CKAN's "cc-by" licence).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from core.dates import EARLIEST_DAY
from coverage.models import OutreachEvent
from registry.models import Kabupaten, Kim

from .datasets import DATASETS, LICENCE, REGION_CODES_NOTE, Dataset, last_updated

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
LICENCE_URI = URIRef("https://creativecommons.org/licenses/by/4.0/")
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Format:
    ext: str  # the download's suffix and URL name in the "data" namespace
    label: str  # what CKAN shows
    media_type: str  # IANA
    file_type: str  # EU file-type vocabulary


FORMATS = [
    Format("csv", "CSV", "text/csv", "CSV"),
    Format("json", "JSON", "application/json", "JSON"),
    Format("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
]

# Keywords per dataset (Indonesian); every dataset also gets COMMON_KEYWORDS.
COMMON_KEYWORDS = ["KIM", "Komunitas Informasi Masyarakat", "Kelompok Informasi Masyarakat", "diskominfo"]
KEYWORDS = {
    "coverage": ["cakupan", "kecamatan", "SPM"],
    "desa-coverage": ["cakupan", "desa", "kelurahan"],
    "kim": ["direktori"],
    "events": ["kegiatan", "sosialisasi", "pembinaan"],
}


def _both(text) -> list[Literal]:
    """`text` (a lazy translation, or a function giving a text) in Indonesian and English, language-tagged."""
    out = []
    for language in LANGUAGES:
        with translation.override(language):
            out.append(Literal(text() if callable(text) else str(text), lang=language))
    return out


def catalogue_title(kabupaten: Kabupaten) -> str:
    return f"{gettext('Data terbuka KIM')} — {kabupaten.name}"


def catalogue_description(kabupaten: Kabupaten) -> str:
    return (
        gettext(
            "Data KIM dan kegiatan penjangkauan %(name)s, terbuka untuk siapa saja sesuai UU No. 14 Tahun 2008 "
            "tentang Keterbukaan Informasi Publik. Setiap dataset tersedia sebagai CSV (UTF-8), JSON dan Excel "
            "(XLSX); nama kolom tetap dan tidak akan diubah."
        )
        % {"name": kabupaten.name}
        + " "
        + str(REGION_CODES_NOTE)
    )


def dataset_page_path(dataset: Dataset) -> str:
    """/data/<slug>/, the dataset's metadata page, in the portal's language (no prefix)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("opendata:dataset", args=[dataset.slug])


def _when(value: datetime | None) -> Literal | None:
    return Literal(timezone.localtime(value).isoformat(timespec="seconds"), datatype=XSD.dateTime) if value else None


def temporal_coverage(kabupaten: Kabupaten) -> dict[str, tuple[date, date]]:
    """(first, last) day each dataset covers (two queries)."""
    today = timezone.localdate()
    if kabupaten.pk:
        kims, events = (
            Kim.objects.public().in_kabupaten(kabupaten),
            OutreachEvent.objects.public().in_kabupaten(kabupaten),
        )
    else:  # a province or country portal's region (see opendata.views._described)
        region = Kabupaten.objects.in_portal()
        kims = Kim.objects.public().filter(desa__kecamatan__kabupaten__in=region)
        events = OutreachEvent.objects.public().filter(kecamatan__kabupaten__in=region)
    first_kim = kims.aggregate(at=Min("formed_on"))["at"]
    events = events.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    first_event = timezone.localdate(events["first"]) if events["first"] else today
    last_event = timezone.localdate(events["last"]) if events["last"] else today
    return {
        "coverage": (EARLIEST_DAY, today),
        "desa-coverage": (EARLIEST_DAY, today),
        "kim": (max(first_kim or today, EARLIEST_DAY), today),
        "events": (first_event, last_event),
    }


def _typed(graph: Graph, node, *classes) -> URIRef:
    """`node` with its classes stated: DCAT-AP 3's shapes check the class of every linked node
    (`sh:class`) without inference, so a subclass (foaf:Organization) does not make a foaf:Agent."""
    for cls in classes:
        graph.add((node, RDF.type, cls))
    return node


# Concepts of the EU vocabularies the catalogue links, with their labels (DCAT-AP 3 asks every
# skos:Concept for a skos:prefLabel): English as the vocabularies give it, and Indonesian.
CONCEPTS = {
    EU + "data-theme/GOVE": ("Government and public sector", "Pemerintahan dan sektor publik"),
    EU + "planned-availability/STABLE": ("Stable", "Stabil"),
    "http://purl.org/adms/publishertype/LocalAuthority": ("Local Authority", "Pemerintah daerah"),
}


def _concept(graph: Graph, iri: str) -> URIRef:
    node = _typed(graph, URIRef(iri), SKOS.Concept)
    english, indonesian = CONCEPTS[iri]
    graph.add((node, SKOS.prefLabel, Literal(english, lang="en")))
    graph.add((node, SKOS.prefLabel, Literal(indonesian, lang="id")))
    return node


def _agent(graph: Graph, node, kabupaten: Kabupaten, home: str):
    _typed(graph, node, FOAF.Organization, FOAF.Agent)
    graph.add((node, FOAF.name, Literal(f"Dinas Komunikasi dan Informatika {kabupaten.name}", lang="id")))
    graph.add((node, FOAF.homepage, URIRef(home)))
    graph.add((node, DCTERMS.type, _concept(graph, "http://purl.org/adms/publishertype/LocalAuthority")))


def _place(graph: Graph, kabupaten: Kabupaten):
    place = BNode("wilayah")  # named, not random: the same catalogue is the same bytes (its ETag)
    graph.add((place, RDF.type, DCTERMS.Location))
    graph.add((place, SKOS.prefLabel, Literal(f"{kabupaten.name}, {kabupaten.province_name}, Indonesia")))
    graph.add((place, DCTERMS.identifier, Literal(kabupaten.code)))  # Kemendagri code
    return place


def catalogue_graph(*, kabupaten: Kabupaten, base: str) -> Graph:
    """The DCAT catalogue of the portal's datasets; `base` is the site's origin (https://host)."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    graph.bind("dcatap", DCATAP)
    page = base + reverse("opendata:index")
    catalogue = URIRef(page + "#katalog")
    publisher = URIRef(base + "/#diskominfo")
    _agent(graph, publisher, kabupaten, base + "/")
    graph.add((LICENCE_URI, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE_URI, DCTERMS.title, Literal("Creative Commons Attribution")))  # CKAN's "cc-by"
    graph.add((LICENCE_URI, RDFS.label, Literal(str(LICENCE))))
    for f in FORMATS:
        file_type = URIRef(EU + "file-type/" + f.file_type)
        _typed(graph, file_type, DCTERMS.IMT, DCTERMS.MediaTypeOrExtent)  # IMT: what CKAN reads
        graph.add((file_type, RDF.value, Literal(f.media_type)))
        graph.add((file_type, RDFS.label, Literal(f.label)))

    updated = last_updated(kabupaten if kabupaten.pk else None)
    periods = temporal_coverage(kabupaten)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    for title in _both(lambda: catalogue_title(kabupaten)):
        graph.add((catalogue, DCTERMS.title, title))
    for description in _both(lambda: catalogue_description(kabupaten)):
        graph.add((catalogue, DCTERMS.description, description))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, _typed(graph, URIRef(page), FOAF.Document)))
    graph.add((catalogue, DCTERMS.license, LICENCE_URI))
    graph.add((catalogue, DCTERMS.spatial, _place(graph, kabupaten)))
    for code in ("IND", "ENG"):
        graph.add(
            (catalogue, DCTERMS.language, _typed(graph, URIRef(EU + "language/" + code), DCTERMS.LinguisticSystem))
        )
    newest = max(filter(None, updated.values()), default=None)
    if newest:
        graph.add((catalogue, DCTERMS.modified, _when(newest)))
    for dataset in DATASETS.values():
        node = _dataset(graph, dataset, kabupaten=kabupaten, base=base, page=page, publisher=publisher)
        graph.add((catalogue, DCAT.dataset, node))
        if updated.get(dataset.slug):
            graph.add((node, DCTERMS.modified, _when(updated[dataset.slug])))
        first, last = periods.get(dataset.slug, (EARLIEST_DAY, timezone.localdate()))
        period = BNode(f"periode-{dataset.slug}")
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(first.isoformat(), datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(last.isoformat(), datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    return graph


def _dataset(graph: Graph, dataset: Dataset, *, kabupaten, base, page, publisher) -> URIRef:
    node = URIRef(f"{page}#ds-{dataset.slug}")
    graph.add((node, RDF.type, DCAT.Dataset))
    for title in _both(dataset.title):
        graph.add((node, DCTERMS.title, title))
    for description in _both(dataset.description):
        graph.add((node, DCTERMS.description, description))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    # The page a person reads: its Satu Data Indonesia metadata (opendata.metadata), every column explained.
    landing = _typed(graph, URIRef(base + dataset_page_path(dataset)), FOAF.Document)
    graph.add((node, DCAT.landingPage, landing))
    graph.add((node, FOAF.page, landing))
    graph.add((node, DCTERMS.publisher, publisher))
    contact = URIRef(base + "/#kontak")
    _typed(graph, contact, VCARD.Organization, VCARD.Kind)
    graph.add((contact, VCARD.fn, Literal(f"Diskominfo {kabupaten.name}")))
    graph.add((contact, VCARD.hasURL, URIRef(base + "/")))
    graph.add((node, DCAT.contactPoint, contact))
    for keyword in [*COMMON_KEYWORDS, *KEYWORDS.get(dataset.slug, []), kabupaten.name]:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="id")))
    graph.add((node, DCAT.theme, _concept(graph, EU + "data-theme/GOVE")))
    graph.add((node, DCTERMS.spatial, _place(graph, kabupaten)))
    graph.add((node, DCTERMS.accessRights, _typed(graph, URIRef(EU + "access-right/PUBLIC"), DCTERMS.RightsStatement)))
    graph.add((node, DCTERMS.accrualPeriodicity, _typed(graph, URIRef(EU + "frequency/CONT"), DCTERMS.Frequency)))
    for code in ("IND",):
        graph.add((node, DCTERMS.language, _typed(graph, URIRef(EU + "language/" + code), DCTERMS.LinguisticSystem)))
    for f in FORMATS:
        url = URIRef(base + reverse(f"data:{f.ext}", args=[dataset.slug]))
        distribution = URIRef(f"{url}#distribusi")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        for title in _both(dataset.title):
            graph.add((distribution, DCTERMS.title, Literal(f"{title} ({f.label})", lang=title.language)))
        _typed(graph, url, RDFS.Resource)
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        media_type = URIRef("http://www.iana.org/assignments/media-types/" + f.media_type)
        graph.add((distribution, DCAT.mediaType, _typed(graph, media_type, DCTERMS.MediaType)))
        graph.add((distribution, DCTERMS.format, URIRef(EU + "file-type/" + f.file_type)))
        graph.add((distribution, DCTERMS.license, LICENCE_URI))
        graph.add((distribution, DCATAP.availability, _concept(graph, EU + "planned-availability/STABLE")))
        if f.ext == "csv":
            rfc4180 = URIRef("https://www.rfc-editor.org/rfc/rfc4180")
            graph.add((distribution, DCTERMS.conformsTo, _typed(graph, rfc4180, DCTERMS.Standard)))
    return node


JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "dcatap": str(DCATAP),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


def _in_order(value):
    """JSON-LD's nodes and values in one order: rdflib writes them in the order of a Python set,
    which changes with each process's hash seed, and the same catalogue must be the same bytes
    (its ETag) from every worker. Arrays of JSON-LD values are unordered, so sorting keeps the meaning."""
    if isinstance(value, dict):
        return {key: _in_order(v) for key, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((_in_order(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def catalogue_jsonld(*, kabupaten: Kabupaten, base: str) -> str:
    graph = catalogue_graph(kabupaten=kabupaten, base=base)
    document = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT))
    context = document.pop("@context")
    return json.dumps({"@context": context, **_in_order(document)}, indent=1, ensure_ascii=False)


def catalogue_turtle(*, kabupaten: Kabupaten, base: str) -> str:
    return catalogue_graph(kabupaten=kabupaten, base=base).serialize(format="turtle")


def schema_org_datasets(*, kabupaten: Kabupaten, base: str, updated: dict) -> str:
    """schema.org Dataset JSON-LD for the open data page, safe inside <script>."""
    page = base + reverse("opendata:index")
    periods = temporal_coverage(kabupaten)
    publisher = {
        "@type": "GovernmentOrganization",
        "name": f"Dinas Komunikasi dan Informatika {kabupaten.name}",
        "url": base + "/",
    }
    items = []
    for dataset in DATASETS.values():
        first, last = periods.get(dataset.slug, (EARLIEST_DAY, timezone.localdate()))
        item = {
            "@type": "Dataset",
            "@id": f"{page}#ds-{dataset.slug}",
            "name": str(dataset.title),
            "description": str(dataset.description),
            "url": base + dataset_page_path(dataset),
            "license": str(LICENCE_URI),
            "isAccessibleForFree": True,
            "inLanguage": "id",
            "keywords": [*COMMON_KEYWORDS, *KEYWORDS.get(dataset.slug, []), kabupaten.name],
            "creator": publisher,
            "publisher": publisher,
            "spatialCoverage": {"@type": "Place", "name": f"{kabupaten.name}, {kabupaten.province_name}, Indonesia"},
            "temporalCoverage": f"{first.isoformat()}/{last.isoformat()}",
            "variableMeasured": dataset.column_names,
            "includedInDataCatalog": {"@type": "DataCatalog", "url": page},
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": f.media_type,
                    "contentUrl": base + reverse(f"data:{f.ext}", args=[dataset.slug]),
                }
                for f in FORMATS
            ],
        }
        if updated.get(dataset.slug):
            item["dateModified"] = timezone.localtime(updated[dataset.slug]).isoformat(timespec="seconds")
        items.append(item)
    text = json.dumps({"@context": "https://schema.org", "@graph": items}, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026"))  # noqa: S308
