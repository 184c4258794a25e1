from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """The field officers' area (/petugas/). Its models (FieldReport, ReportPhoto,
    OfficerAssignment) live in `coverage`, where their migrations are."""

    name = "field"
    verbose_name = _("Petugas lapangan")
