from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.admin import SafeAutocompleteMixin, SafeHistoryAdmin
from registry.admin import KecamatanFilter, StaffScopeMixin

from .models import OutreachEvent


class OverdueFilter(admin.SimpleListFilter):
    """Planned events whose day has passed without a report (OutreachEvent.objects.overdue)."""

    title = _("terlambat")
    parameter_name = "terlambat"

    def lookups(self, request, model_admin):
        return [("ya", _("Terlambat (direncanakan, tanggal sudah lewat)"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "ya" else queryset


@admin.register(OutreachEvent)
class OutreachEventAdmin(StaffScopeMixin, SafeAutocompleteMixin, SafeHistoryAdmin):
    list_display = ["title", "kind", "status_label", "starts_at", "kecamatan", "desa", "responsible", "kim_count"]
    list_filter = ["status", OverdueFilter, "kind", KecamatanFilter, "starts_at"]
    list_select_related = ["kecamatan", "desa", "responsible"]
    search_fields = ["title", "venue", "summary", "kecamatan__name", "desa__name"]
    autocomplete_fields = ["kecamatan", "desa", "responsible", "kims"]
    date_hierarchy = "starts_at"
    show_full_result_count = False  # one COUNT(*) of a national table per page is enough
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "starts_at"]}),
        (_("Tempat"), {"fields": ["kecamatan", "desa", "venue"]}),
        (
            _("Pelaksana dan peserta"),
            {"fields": ["responsible", "kims", "participants", "participants_women", "participants_men"]},
        ),
        (_("Hasil"), {"fields": ["summary", "outcome", "follow_up"]}),
        (_("Riwayat"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # A correlated count, computed only for the rows of the page (a JOIN with
        # GROUP BY would aggregate all events before paginating).
        links = (
            OutreachEvent.kims.through.objects.filter(outreachevent=OuterRef("pk"))
            .order_by()
            .values("outreachevent")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(n_kims=Coalesce(Subquery(links, IntegerField()), 0))

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, event):
        if event.is_overdue:
            return _("Direncanakan (terlambat)")
        return event.get_status_display()

    @admin.display(description=_("KIM"), ordering="n_kims")
    def kim_count(self, event):
        return event.n_kims
