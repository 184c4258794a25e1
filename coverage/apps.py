from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Kegiatan dan cakupan")

    def ready(self):
        from core.cache import invalidate_on_change

        from .models import DesaTarget, FieldReport, OutreachEvent, Wish

        invalidate_on_change(OutreachEvent, FieldReport, DesaTarget)  # a reviewed report makes its event public
        invalidate_on_change(Wish)  # a wish changes the public "Ada minat warga" counts

        from registry.vitality import add_life_signs

        from .signs import held_event_signs

        add_life_signs(held_event_signs)  # a held event with a KIM keeps it from being quiet
