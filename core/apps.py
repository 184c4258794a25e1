from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every room of the portal may use: the page cache, days, middleware, admin helpers.

    It knows no KIM model: the apps above tell it which of their models the page
    cache watches (`core.cache.invalidate_on_change`).
    """

    name = "core"
    verbose_name = _("Inti")

    def ready(self):
        from .uploads import ensure_upload_temp_dir

        ensure_upload_temp_dir()
