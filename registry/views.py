from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .decorators import portal_required
from .filters import KimFilter
from .models import Kim


@portal_required
def kim_list(request, kabupaten):
    kims = (
        Kim.objects.public()
        .in_kabupaten(kabupaten)
        .with_active_on(timezone.localdate())
        .with_vitality(timezone.localdate())
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
