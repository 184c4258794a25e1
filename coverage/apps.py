from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Kegiatan dan cakupan")

    def ready(self):
        from core.cache import invalidate_on_change

        from .models import DesaTarget, FieldReport, OutreachEvent, Wish

        # Each with the lookups to the kabupaten whose pages show it: a change leaves the others' warm.
        # An event shows in its kecamatan's kabupaten and on its KIM's pages (and their vitality),
        # wherever they are; a reviewed report makes its event public.
        event = ("kecamatan__kabupaten__code", "kims__desa__kecamatan__kabupaten__code")
        invalidate_on_change(OutreachEvent, kabupaten_code=event)
        invalidate_on_change(FieldReport, kabupaten_code=[f"event__{lookup}" for lookup in event])
        invalidate_on_change(DesaTarget, kabupaten_code=("kabupaten__code", "kecamatan__kabupaten__code"))
        # A wish changes the public "Ada minat warga" counts of its desa.
        invalidate_on_change(Wish, kabupaten_code="desa__kecamatan__kabupaten__code")

        from registry.vitality import add_life_signs

        from .signs import held_event_signs

        add_life_signs(held_event_signs)  # a held event with a KIM keeps it from being quiet
