from django.urls import path

from core.cache import cached_page

from . import views

app_name = "coverage"

# Public pages, under i18n_patterns (Indonesian at /, English at /en/).
urlpatterns = [
    path("", cached_page(views.dashboard), name="dashboard"),
    path("provinsi/<str:code>/", cached_page(views.province_dashboard), name="province-dashboard"),
    path("kabupaten/<str:code>/", cached_page(views.kabupaten_dashboard), name="kabupaten-dashboard"),
    path("kecamatan/<str:code>/", cached_page(views.kecamatan_detail), name="kecamatan-detail"),
    path("kim/<int:pk>/", cached_page(views.kim_detail), name="kim-detail"),
    path("laporan/<int:tahun>/", cached_page(views.yearly_report), name="yearly-report"),
    path("membentuk-kim/", cached_page(views.forming_kim), name="forming-kim"),
]
