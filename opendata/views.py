from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import DayForm
from core.region import portal_region
from registry.decorators import portal_required
from registry.models import Kabupaten

from .datasets import (
    DATASETS,
    LICENCE,
    LICENCE_URL,
    directory_filter,
    last_updated,
    region_rows,
    stream_csv,
    stream_json,
)


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
            "portal_name": kabupaten.name if kabupaten else Kabupaten.objects.portal_name(),
        },
    )


@portal_required(answer_json=True)
def download(request, kabupaten, slug, fmt):
    dataset = DATASETS.get(slug)
    if dataset is None:
        raise Http404(_("Dataset tidak ditemukan."))
    form = DayForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.errors["tanggal"][0]}, status=400)
    on = form.cleaned_data["tanggal"] if dataset.takes_day else timezone.localdate()
    # ?kabupaten=<code>: one kabupaten/kota of the region; without it the portal's kabupaten or its whole region.
    if request.GET.get("kabupaten"):
        code = request.GET["kabupaten"][:20]
        kabupaten = Kabupaten.objects.in_portal().filter(code=code).first()
        if kabupaten is None:
            return JsonResponse(
                {"error": _("Kabupaten/kota “%(code)s” tidak ada di wilayah portal ini.") % {"code": code}}, status=400
            )
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
    stamp = on.isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(stream_csv(dataset, rows), content_type="text/csv; charset=utf-8")
    else:
        if kabupaten:
            header = {"kabupaten": {"code": kabupaten.code, "name": kabupaten.name}}
        else:
            region = portal_region()
            header = {"region": {"code": region.code, "name": Kabupaten.objects.portal_name(), "kind": region.kind}}
        header["as_of" if dataset.takes_day else "generated_on"] = stamp
        header.update(summary)
        response = StreamingHttpResponse(stream_json(dataset, rows, header), content_type="application/json")
    filename = dataset.file_name(kabupaten or portal_region(), on, fmt, kim_filter.chosen() if kim_filter else None)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
