from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/coverage.json", views.coverage_json, name="coverage-json"),
    path("data/coverage.csv", views.coverage_csv, name="coverage-csv"),
]
