from django.urls import path

from core.cache import cached_page

from . import views

app_name = "opendata"

# The datasets page, under i18n_patterns (/data/ and /en/data/).
urlpatterns = [
    path("", cached_page(views.index), name="index"),
    path("<slug:slug>/", cached_page(views.dataset_page), name="dataset"),
]

# Downloads: stable addresses without a language prefix (/data/<slug>.csv), namespace "data".
download_urlpatterns = [
    path("catalog.jsonld", cached_page(views.catalogue), {"fmt": "jsonld"}, name="catalogue-jsonld"),
    path("catalog.ttl", cached_page(views.catalogue), {"fmt": "ttl"}, name="catalogue-ttl"),
    path("datapackage.json", views.datapackage, name="datapackage"),
    path("<slug:slug>/metadata.json", views.metadata_json, name="metadata"),
    path("<slug:slug>.csv", views.download, {"fmt": "csv"}, name="csv"),
    path("<slug:slug>.json", views.download, {"fmt": "json"}, name="json"),
    path("<slug:slug>.xlsx", views.download, {"fmt": "xlsx"}, name="xlsx"),
]
