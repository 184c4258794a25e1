from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Kegiatan dan cakupan")

    def ready(self):
        from core.cache import invalidate_on_change

        from .models import FieldReport, OutreachEvent

        invalidate_on_change(OutreachEvent, FieldReport)  # a reviewed report makes its event public
