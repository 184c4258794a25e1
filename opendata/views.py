from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import DayForm
from registry.decorators import portal_required

from .catalogue import catalogue_jsonld, catalogue_turtle, schema_org_datasets
from .conditional import conditional_download
from .datasets import DATASETS, LICENCE, LICENCE_URL, directory_filter, last_updated, stream_csv, stream_json
from .xlsx import xlsx_response


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
            "kabupaten": kabupaten,
            "schema_org": schema_org_datasets(kabupaten=kabupaten, base=_origin(request), updated=updated),
        },
    )


@portal_required(answer_json=True)
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
    summary, rows = dataset.build(kabupaten, on, kim_filter) if kim_filter else dataset.build(kabupaten, on)
    stamp = on.isoformat()
    header = {"kabupaten": {"code": kabupaten.code, "name": kabupaten.name}}
    header["as_of" if dataset.takes_day else "generated_on"] = stamp
    header.update(summary)
    if fmt == "csv":
        response = StreamingHttpResponse(stream_csv(dataset, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = xlsx_response(dataset, rows, header, source=request.build_absolute_uri())
    else:
        response = StreamingHttpResponse(stream_json(dataset, rows, header), content_type="application/json")
    filename = dataset.file_name(kabupaten, on, fmt, kim_filter.chosen() if kim_filter else None)
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
    response = HttpResponse(serialise(kabupaten=kabupaten, base=_origin(request)), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response
