from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from coverage.models import OutreachEvent

from .filters import KimFilter
from .models import Kabupaten, Kim, Officer


def portal_or_503(request):
    """(the portal's kabupaten, None), or (None, a 503 page) while its regions are not loaded."""
    kabupaten = Kabupaten.objects.portal_or_none()
    if kabupaten is None:
        return None, render(request, "coverage/regions_missing.html", status=503)
    return kabupaten, None


def kim_list(request):
    kabupaten, missing = portal_or_503(request)
    if missing:
        return missing
    kims = (
        Kim.objects.public()
        .in_kabupaten(kabupaten)
        .with_active_on(timezone.localdate())
        .select_related("desa__kecamatan", "tier")
        .order_by("name", "pk")
    )
    kim_filter = KimFilter(request.GET, queryset=kims, kabupaten=kabupaten)
    page = Paginator(kim_filter.qs, 25).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "registry/kim_list.html",
        {
            "filter": kim_filter,
            "page": page,
            "query": query.urlencode(),
            "download_query": urlencode(kim_filter.chosen()),
            "kabupaten": kabupaten,
        },
    )


def kim_detail(request, pk):
    kabupaten, missing = portal_or_503(request)
    if missing:
        return missing
    kim = get_object_or_404(
        Kim.objects.public().in_kabupaten(kabupaten).select_related("desa__kecamatan", "tier"), pk=pk
    )
    officers = Officer.objects.filter(kim=kim).only("name", "role", "kim_id")
    events = (
        OutreachEvent.objects.filter(kims=kim).exclude(status=OutreachEvent.Status.CANCELLED).order_by("-starts_at")
    )
    return render(
        request,
        "registry/kim_detail.html",
        {"kim": kim, "officers": officers, "events": events[:50], "today": timezone.localdate()},
    )
