import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Kabupaten

from .forms import AsOfForm
from .queries import kecamatan_coverage

COVERAGE_COLUMNS = [
    "code",
    "name",
    "active_kim",
    "desa_total",
    "desa_covered",
    "covered",
    "last_event",
    "last_event_kind",
    "next_event",
    "next_event_kind",
    "overdue_events",
]


def dashboard(request):
    form = AsOfForm(request.GET)
    valid = form.is_valid()
    as_of = form.cleaned_data["tanggal"] if valid else timezone.localdate()
    kabupaten = Kabupaten.objects.portal_or_none()
    if kabupaten is None:
        return render(request, "coverage/regions_missing.html", status=503)
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=as_of)
    return render(
        request,
        "coverage/dashboard.html",
        {"coverage": coverage, "form": form, "today": timezone.localdate()},
        status=200 if valid else 400,
    )


def _coverage_rows(coverage):
    for k in coverage.kecamatan:
        yield {
            "code": k.code,
            "name": k.name,
            "active_kim": k.active_kim,
            "desa_total": k.desa_total,
            "desa_covered": k.desa_covered,
            "covered": k.covered,
            "last_event": k.last_event.day.isoformat() if k.last_event else None,
            "last_event_kind": k.last_event.kind if k.last_event else None,
            "next_event": k.next_event.day.isoformat() if k.next_event else None,
            "next_event_kind": k.next_event.kind if k.next_event else None,
            "overdue_events": k.overdue_events,
        }


def _open_data_coverage(request):
    """The coverage for the request's `tanggal`, or an error response."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return None, JsonResponse({"error": form.errors["tanggal"][0]}, status=400)
    kabupaten = Kabupaten.objects.portal_or_none()
    if kabupaten is None:
        return None, JsonResponse({"error": _("Data wilayah belum dimuat.")}, status=503)
    return kecamatan_coverage(kabupaten=kabupaten, on=form.cleaned_data["tanggal"]), None


def coverage_json(request):
    coverage, error = _open_data_coverage(request)
    if error:
        return error
    return JsonResponse(
        {
            "kabupaten": {"code": coverage.kabupaten.code, "name": coverage.kabupaten.name},
            "as_of": coverage.as_of.isoformat(),
            "kecamatan_total": coverage.total,
            "kecamatan_covered": coverage.covered_count,
            "percentage": coverage.percentage,
            "kecamatan": list(_coverage_rows(coverage)),
        },
        json_dumps_params={"ensure_ascii": False},
    )


class _Echo:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, value):
        return value


def _csv_lines(coverage):
    writer = csv.DictWriter(_Echo(), fieldnames=COVERAGE_COLUMNS, lineterminator="\n")
    yield writer.writeheader()
    for row in _coverage_rows(coverage):
        yield writer.writerow({**row, "covered": "true" if row["covered"] else "false"})


def coverage_csv(request):
    coverage, error = _open_data_coverage(request)
    if error:
        return error
    filename = f"cakupan-kim-{coverage.kabupaten.code}-{coverage.as_of.isoformat()}.csv"
    response = StreamingHttpResponse(_csv_lines(coverage), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
