import json
from functools import wraps

from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.forms import DayForm
from core.region import RegionKind, portal_region
from registry.decorators import portal_required
from registry.models import Kabupaten

from .catalogue import catalogue_jsonld, catalogue_turtle, schema_org_datasets
from .conditional import conditional_document, conditional_download
from .datapackage import data_package
from .datasets import (
    DATASETS,
    LICENCE,
    LICENCE_URL,
    REGION_CODES_NOTE,
    directory_filter,
    last_updated,
    region_rows,
    stream_csv,
    stream_json,
)
from .metadata import ACTIVITY_LABELS, INDICATOR_LABELS, VARIABLE_LABELS, dataset_metadata
from .xlsx import xlsx_response


def _described(kabupaten: Kabupaten | None) -> Kabupaten:
    """What the catalogue describes: the kabupaten, or on a province or country portal its region,
    as an unsaved Kabupaten carrying the region's code and name (never saved)."""
    if kabupaten is not None:
        return kabupaten
    region, name = portal_region(), Kabupaten.objects.portal_name()
    return Kabupaten(code=region.file_code, name=name, province_name=name if region.code else "")


@portal_required
def index(request, kabupaten):
    updated = last_updated(kabupaten)
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": [(d, updated.get(d.slug)) for d in DATASETS.values()],
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "region_codes_note": REGION_CODES_NOTE,
            "kabupaten": kabupaten,
            "portal_name": kabupaten.name if kabupaten else Kabupaten.objects.portal_name(),
            "schema_org": schema_org_datasets(kabupaten=_described(kabupaten), base=_origin(request), updated=updated),
        },
    )


def chosen_kabupaten(view):
    """?kabupaten=<code>: one kabupaten/kota of the portal's region instead of the portal's own
    kabupaten (kabupaten portal) or its whole region (province or country); 400 outside it."""

    @wraps(view)
    def wrapper(request, kabupaten, *args, **kwargs):
        if request.GET.get("kabupaten"):
            code = request.GET["kabupaten"][:20]
            kabupaten = Kabupaten.objects.in_portal().filter(code=code).first()
            if kabupaten is None:
                error = _("Kabupaten/kota “%(code)s” tidak ada di wilayah portal ini.") % {"code": code}
                return JsonResponse({"error": error}, status=400)
        return view(request, kabupaten, *args, **kwargs)

    return wrapper


@portal_required(answer_json=True)
@chosen_kabupaten
@conditional_download
def download(request, kabupaten, slug, fmt):
    dataset = DATASETS.get(slug)
    if dataset is None:
        raise Http404(_("Dataset tidak ditemukan."))
    form = DayForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.errors["tanggal"][0]}, status=400)
    on = form.cleaned_data["tanggal"] if dataset.takes_day else timezone.localdate()
    # The KIM directory takes the directory page's filters, carried by its download link.
    kim_filter = directory_filter(request.GET, kabupaten=kabupaten) if dataset.filterable else None
    if kim_filter and not kim_filter.is_valid():
        name, messages = next(iter(kim_filter.errors.items()))
        return JsonResponse({"error": f"{name}: {messages[0]}"}, status=400)
    if kim_filter:
        summary, rows = dataset.build(kabupaten, on, kim_filter)
    elif kabupaten is None and not dataset.regional:
        summary, rows = region_rows(dataset, on)
    else:
        summary, rows = dataset.build(kabupaten, on)
    rows = dataset.rows(rows)  # tuples in column order
    stamp = on.isoformat()
    # One key for the area a download covers, on every portal: `region`, with its kind.
    if kabupaten:
        header = {"region": {"code": kabupaten.code, "name": kabupaten.name, "kind": RegionKind.KABUPATEN}}
    else:
        region = portal_region()
        header = {"region": {"code": region.code, "name": Kabupaten.objects.portal_name(), "kind": region.kind}}
    header["as_of" if dataset.takes_day else "generated_on"] = stamp
    header.update(summary)
    # One kabupaten's whole dataset: on PostgreSQL the database may write the lines itself.
    whole = kabupaten is not None and kim_filter is None
    if fmt == "csv":
        lines = dataset.csv_lines(kabupaten) if whole and dataset.csv_lines else None
        response = StreamingHttpResponse(stream_csv(dataset, rows, lines=lines), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = xlsx_response(dataset, rows, header, source=request.build_absolute_uri())
    else:
        lines = dataset.json_lines(kabupaten) if whole and dataset.json_lines else None
        response = StreamingHttpResponse(
            stream_json(dataset, rows, header, lines=lines), content_type="application/json"
        )
    filename = dataset.file_name(kabupaten or portal_region(), on, fmt, kim_filter.chosen() if kim_filter else None)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


CATALOGUE_FORMATS = {
    "jsonld": (catalogue_jsonld, "application/ld+json"),
    "ttl": (catalogue_turtle, "text/turtle; charset=utf-8"),
}


@portal_required(answer_json=True)
def catalogue(request, kabupaten, fmt):
    """The DCAT catalogue of every dataset, for harvesters (ckanext-dcat) and catalogues."""
    serialise, content_type = CATALOGUE_FORMATS[fmt]
    response = HttpResponse(
        serialise(kabupaten=_described(kabupaten), base=_origin(request)), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@portal_required(answer_json=True)
@chosen_kabupaten
def datapackage(request, kabupaten):
    """The Frictionless Data Package of every dataset's CSV, for the portal's region or, with
    ?kabupaten=, one kabupaten/kota (its files carry the same parameter)."""
    chosen = kabupaten.code if kabupaten and request.GET.get("kabupaten") else ""
    descriptor = data_package(described=_described(kabupaten), chosen=chosen, base=_origin(request))
    body = json.dumps(descriptor, ensure_ascii=False, indent=1)
    return conditional_document(request, body, "application/json")


def _labelled(part: dict, labels) -> list[tuple]:
    """(label, value) pairs in the labels' order, a list of names as one line."""
    return [(label, ", ".join(part[key]) if isinstance(part[key], list) else part[key]) for key, label in labels]


def _dataset_or_404(slug: str):
    dataset = DATASETS.get(slug)
    if dataset is None:
        raise Http404(_("Dataset tidak ditemukan."))
    return dataset


@portal_required
def dataset_page(request, kabupaten, slug):
    """One dataset's Satu Data Indonesia metadata (MS-Keg, MS-Var, MS-Ind) as a page to read and print."""
    dataset = _dataset_or_404(slug)
    metadata = dataset_metadata(dataset, region=_described(kabupaten), base=_origin(request))
    return render(
        request,
        "opendata/dataset_detail.html",
        {
            "dataset": dataset,
            "metadata": metadata,
            "activity": _labelled(metadata["kegiatan"], ACTIVITY_LABELS),
            "indicator": _labelled(metadata["indikator"], INDICATOR_LABELS) if dataset.indicator else None,
            "variables": [(v["nama"], _labelled(v, VARIABLE_LABELS)) for v in metadata["variabel"]],
        },
    )


@portal_required(answer_json=True)
def metadata_json(request, kabupaten, slug):
    """The same metadata for machines, always in Indonesian (Satu Data Indonesia's language)."""
    dataset = _dataset_or_404(slug)
    with translation.override("id"):
        metadata = dataset_metadata(dataset, region=_described(kabupaten), base=_origin(request))
    return conditional_document(request, json.dumps(metadata, ensure_ascii=False, indent=1), "application/json")
