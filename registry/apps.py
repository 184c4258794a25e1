from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Wilayah dan KIM")

    def ready(self):
        from core.cache import invalidate_on_change

        from .models import Desa, Kabupaten, Kecamatan, Kim, KimActivity, Pengurus, Tier, activity_signs
        from .vitality import add_life_signs

        # Each with the lookup to the kabupaten whose pages show it: a change leaves the others' warm.
        invalidate_on_change(Kecamatan, kabupaten_code="kabupaten__code")
        invalidate_on_change(Desa, kabupaten_code="kecamatan__kabupaten__code")
        invalidate_on_change(Kim, kabupaten_code="desa__kecamatan__kabupaten__code")
        invalidate_on_change(Pengurus, KimActivity, kabupaten_code="kim__desa__kecamatan__kabupaten__code")
        # Shared by every kabupaten (a tier; a kabupaten's name shows in its neighbours' choices): every page.
        invalidate_on_change(Kabupaten, Tier)
        add_life_signs(activity_signs)  # a reviewed activity entry keeps a KIM from being quiet
