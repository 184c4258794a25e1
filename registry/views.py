from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

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
    kims = (
        kims.with_active_on(timezone.localdate())
        .with_vitality(timezone.localdate())
        .select_related("desa__kecamatan__kabupaten", "tier")
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
            "portal_name": kabupaten.name if kabupaten else Kabupaten.objects.portal_name(),
        },
    )
