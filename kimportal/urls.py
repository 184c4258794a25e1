from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kimportal.views import healthz

admin.site.site_header = _("KIM Portal Kotawaringin Timur")
admin.site.site_title = _("KIM Portal")
admin.site.index_title = _("Administrasi Diskominfo")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("coverage.urls")),
]
