from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Kabupaten, Kecamatan
from registry.views import portal_or_503

from . import charts, maps
from .forms import AsOfForm
from .models import OutreachEvent
from .opendata import DATASETS, LICENCE, LICENCE_URL, directory_filter, last_updated, stream_csv, stream_json
from .queries import Stage, desa_coverage, kecamatan_coverage, monthly_progress


def _as_of(request):
    """(form, day): the `tanggal` parameter, today when it is missing or invalid."""
    form = AsOfForm(request.GET)
    return form, (form.cleaned_data["tanggal"] if form.is_valid() else timezone.localdate())


def dashboard(request):
    kabupaten, missing = portal_or_503(request)
    if missing:
        return missing
    form, as_of = _as_of(request)
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=as_of)
    progress = monthly_progress(kabupaten=kabupaten, until=as_of)
    svg = maps.kecamatan_map(kabupaten.code)
    context = {
        "coverage": coverage,
        "form": form,
        "today": timezone.localdate(),
        "stages": Stage,
        "map": svg,
        "map_shapes": [(svg.shapes.get(k.code), k) for k in coverage.kecamatan] if svg else [],
        "chart": charts.progress_chart(progress, kecamatan_total=coverage.total),
        "progress": progress,
    }
    return render(request, "coverage/dashboard.html", context, status=400 if form.errors else 200)


def kecamatan_detail(request, code):
    kabupaten, missing = portal_or_503(request)
    if missing:
        return missing
    kecamatan = get_object_or_404(Kecamatan, kabupaten=kabupaten, code=code)
    form, as_of = _as_of(request)
    row = next(k for k in kecamatan_coverage(kabupaten=kabupaten, on=as_of).kecamatan if k.code == code)
    desa = desa_coverage(kecamatan=kecamatan, on=as_of)
    svg = maps.desa_map(code)
    events = OutreachEvent.objects.filter(kecamatan=kecamatan).select_related("desa").order_by("-starts_at")
    context = {
        "kecamatan": kecamatan,
        "row": row,
        "desa": desa,
        "form": form,
        "as_of": as_of,
        "today": timezone.localdate(),
        "map": svg,
        "map_shapes": [(svg.shapes.get(d.code), d) for d in desa] if svg else [],
        "past_events": [e for e in events if e.status != OutreachEvent.Status.PLANNED][:50],
        "planned_events": [e for e in events if e.status == OutreachEvent.Status.PLANNED][::-1],
    }
    return render(request, "coverage/kecamatan_detail.html", context, status=400 if form.errors else 200)


def open_data(request):
    kabupaten, missing = portal_or_503(request)
    if missing:
        return missing
    updated = last_updated(kabupaten)
    return render(
        request,
        "coverage/open_data.html",
        {
            "datasets": [(d, updated.get(d.slug)) for d in DATASETS.values()],
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "kabupaten": kabupaten,
        },
    )


def download(request, slug, fmt):
    dataset = DATASETS.get(slug)
    if dataset is None:
        raise Http404(_("Dataset tidak ditemukan."))
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.errors["tanggal"][0]}, status=400)
    kabupaten = Kabupaten.objects.portal_or_none()
    if kabupaten is None:
        return JsonResponse({"error": _("Data wilayah belum dimuat.")}, status=503)
    as_of = form.cleaned_data["tanggal"] if dataset.as_of else timezone.localdate()
    # The KIM directory takes the directory page's filters, carried by its download link.
    kim_filter = directory_filter(request.GET, kabupaten=kabupaten) if dataset.filterable else None
    if kim_filter and not kim_filter.is_valid():
        name, messages = next(iter(kim_filter.errors.items()))
        return JsonResponse({"error": f"{name}: {messages[0]}"}, status=400)
    summary, rows = dataset.build(kabupaten, as_of, kim_filter) if kim_filter else dataset.build(kabupaten, as_of)
    stamp = as_of.isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(stream_csv(dataset, rows), content_type="text/csv; charset=utf-8")
    else:
        header = {"kabupaten": {"code": kabupaten.code, "name": kabupaten.name}}
        header["as_of" if dataset.as_of else "generated_on"] = stamp
        header.update(summary)
        response = StreamingHttpResponse(stream_json(dataset, rows, header), content_type="application/json")
    filename = dataset.file_name(kabupaten, as_of, fmt, kim_filter.chosen() if kim_filter else None)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
