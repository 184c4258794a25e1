from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.cache import page_shows
from core.paginator import page_by_ids

from .decorators import portal_required
from .filters import KimFilter
from .models import Kabupaten, Kim


@portal_required
def kim_list(request, kabupaten):
    # The kabupaten's directory, or (kabupaten None) the whole region's with a kabupaten filter.
    kims = Kim.objects.public()
    kims = (
        kims.in_kabupaten(kabupaten)
        if kabupaten
        else kims.filter(desa__kecamatan__kabupaten__in=Kabupaten.objects.in_portal())
    )
    # The page's rows, read by their ids (core.paginator.page_by_ids), with their vitality: asked of
    # the whole filtered list, PostgreSQL planned the quiet check as one hash of every held event in
    # the country of the last six months (5,000 rows, 60-250 ms for 95.03's directory).
    today = timezone.localdate()
    shown = Kim.objects.with_active_on(today).with_vitality(today).select_related("desa__kecamatan__kabupaten", "tier")
    kim_filter = KimFilter(request.GET, queryset=kims.order_by("name", "pk"), kabupaten=kabupaten)
    if chosen := kim_filter.chosen_kabupaten():
        page_shows(request, chosen.code)  # one kabupaten of the region: cached under its version
    page = page_by_ids(kim_filter.qs, request.GET.get("halaman"), 25, rows=shown)
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
            "portal_name": kabupaten.name if kabupaten else Kabupaten.objects.portal_name(),
            "quiet_months": settings.KIM_QUIET_MONTHS,
        },
    )
