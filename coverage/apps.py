from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Kegiatan dan cakupan")

    def ready(self):
        from . import cache  # noqa: F401 - connects the cache invalidation signals
