from django.urls import path

from . import views
from .cache import cached_page

app_name = "coverage"

# Public pages, under i18n_patterns (Indonesian at /, English at /en/).
urlpatterns = [
    path("", cached_page(views.dashboard), name="dashboard"),
    path("kecamatan/<str:code>/", cached_page(views.kecamatan_detail), name="kecamatan-detail"),
    path("data/", cached_page(views.open_data), name="open-data"),
]

# Downloads: stable addresses without a language prefix.
data_urlpatterns = [
    path("<slug:slug>.csv", views.download, {"fmt": "csv"}, name="csv"),
    path("<slug:slug>.json", views.download, {"fmt": "json"}, name="json"),
]
