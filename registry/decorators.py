"""Guards for the public views of the portal."""

from functools import wraps

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.region import portal_region

from .models import Kabupaten


def portal_required(view=None, *, answer_json=False):
    """Call `view(request, kabupaten, ...)` with the portal's kabupaten, or with None on a
    province or country portal (the view then serves the region, `Kabupaten.objects.in_portal()`).

    While the region's regions are not loaded (a fresh install before `load_regions`)
    the visitor gets a 503 page that says so (JSON for downloads) instead.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            kabupaten = Kabupaten.objects.portal_or_none()
            if kabupaten is None and (portal_region().is_kabupaten or not Kabupaten.objects.in_portal().exists()):
                if answer_json:
                    return JsonResponse({"error": _("Data wilayah belum dimuat.")}, status=503)
                return render(request, "registry/regions_missing.html", status=503)
            return view(request, kabupaten, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
