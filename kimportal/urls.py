from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.cache import conditional_page
from core.views import favicon, healthz, mail_preference
from kimportal.sitemaps import SITEMAPS, robots_txt
from opendata.urls import download_urlpatterns
from registry.context_processors import portal_display_name


def admin_header() -> str:
    """ "KIM Portal Kabupaten Kotawaringin Timur", "KIM Portal Kalimantan Tengah" or "KIM Portal
    Indonesia": the portal's region, without a database query (the admin's header and the end of
    its browser tab title)."""
    return gettext("KIM Portal %(region)s") % {"region": portal_display_name()}


admin.site.site_header = lazy(admin_header, str)()
admin.site.site_title = lazy(admin_header, str)()
admin.site.index_title = _("Administrasi Diskominfo")
# admin.site is core.admin.PortalAdminSite: no navigation sidebar (Beranda lists every model).

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "sitemap.xml",
        conditional_page(sitemaps_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"},
        name="django.contrib.sitemaps.views.index",
    ),
    path("sitemap-<section>.xml", conditional_page(sitemaps_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    # The link in every mail to turn the portal's e-mail off (core/notifications.py).
    path("surel/<str:token>/", mail_preference, name="mail-preference"),
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
