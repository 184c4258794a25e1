from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Wilayah dan KIM")

    def ready(self):
        from core.cache import invalidate_on_change

        from .models import Desa, Kabupaten, Kecamatan, Kim, KimActivity, Pengurus, Tier, activity_signs
        from .vitality import add_life_signs

        invalidate_on_change(Kabupaten, Kecamatan, Desa, Tier, Kim, Pengurus, KimActivity)
        add_life_signs(activity_signs)  # a reviewed activity entry keeps a KIM from being quiet
