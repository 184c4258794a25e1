import gzip
import re
from functools import lru_cache

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.region import portal_region
from core.views import healthz
from kimportal.sitemaps import SITEMAPS, robots_txt
from opendata.urls import download_urlpatterns
from registry.regions import WILAYAH_FILE, region_name


@lru_cache(maxsize=4)
def _kabupaten_name(code: str) -> str:
    """The kabupaten/kota's name in the shipped code file (one scan per process, no query)."""
    found = re.search(rf"^{re.escape(code)},(.*)$", gzip.decompress(WILAYAH_FILE.read_bytes()).decode(), re.M)
    return found[1].strip() if found else code


def admin_header() -> str:
    """ "KIM Portal Kabupaten Kotawaringin Timur", "KIM Portal Kalimantan Tengah" or "KIM Portal
    Indonesia": the portal's region, without a database query."""
    region = portal_region()
    name = _kabupaten_name(region.code) if region.is_kabupaten else region_name(region)
    return gettext("KIM Portal %(region)s") % {"region": name}


admin.site.site_header = lazy(admin_header, str)()
admin.site.site_title = _("KIM Portal")
admin.site.index_title = _("Administrasi Diskominfo")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"},
        name="django.contrib.sitemaps.views.index",
    ),
    path("sitemap-<section>.xml", sitemaps_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("data/", include((download_urlpatterns, "data"))),
    # The field officers' area; its service worker's scope is /petugas/.
    path("petugas/", include("field.urls")),
]

# Public pages: Bahasa Indonesia without a prefix, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("coverage.urls")),
    path("kim/", include("registry.urls")),
    path("data/", include("opendata.urls")),
    prefix_default_language=False,
)
