from django.urls import path

from . import views
from .cache import cached_page

app_name = "coverage"

urlpatterns = [
    path("", cached_page(views.dashboard), name="dashboard"),
    path("data/coverage.json", cached_page(views.coverage_json), name="coverage-json"),
    path("data/coverage.csv", views.coverage_csv, name="coverage-csv"),
]
