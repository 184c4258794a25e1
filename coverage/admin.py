from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kimportal.admin_widgets import LabelledWidgetsMixin, SafeAutocompleteMixin, SafeHistoryAdmin, SafeInitialMixin
from registry.admin import KecamatanFilter

from .models import FieldReport, OfficerAssignment, OutreachEvent, ReportPhoto


@admin.register(OutreachEvent)
class OutreachEventAdmin(SafeAutocompleteMixin, SafeHistoryAdmin):
    list_display = ["title", "kind", "status_label", "starts_at", "kecamatan", "desa", "responsible", "kim_count"]
    list_filter = ["status", "kind", KecamatanFilter, "starts_at"]
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


class ReportKecamatanFilter(KecamatanFilter):
    kecamatan_path = "event__kecamatan"


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    fields = ["preview", "width", "height"]
    readonly_fields = ["preview", "width", "height"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("foto"))
    def preview(self, photo):
        url = photo.get_absolute_url()
        return format_html('<a href="{}"><img src="{}" alt="" height="120"></a>', url, url)


@admin.register(FieldReport)
class FieldReportAdmin(SafeHistoryAdmin):
    list_display = ["receipt", "event", "kecamatan", "submitted_by", "submitted_at", "review_status", "photo_count"]
    list_filter = ["review_status", ReportKecamatanFilter, "submitted_at"]
    list_select_related = ["event__kecamatan", "submitted_by"]
    search_fields = ["receipt", "client_id", "event__title", "submitted_by__username"]
    readonly_fields = [
        "receipt",
        "client_id",
        "event_link",
        "submitted_by",
        "submitted_at",
        "review_status",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = readonly_fields
    inlines = [ReportPhotoInline]
    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_photos=Count("photos"))

    def has_add_permission(self, request):
        return False  # reports come from the field area, each with its receipt

    @admin.display(description=_("kecamatan"), ordering="event__kecamatan__name")
    def kecamatan(self, report):
        return report.event.kecamatan

    @admin.display(description=_("foto"), ordering="n_photos")
    def photo_count(self, report):
        return report.n_photos

    @admin.display(description=_("kegiatan"))
    def event_link(self, report):
        url = reverse("admin:coverage_outreachevent_change", args=[report.event_id])
        return format_html('<a href="{}">{}</a>', url, report.event)

    @admin.action(description=_("Tandai laporan terpilih sudah diperiksa"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        waiting = list(queryset.waiting())
        for report in waiting:
            report.mark_reviewed(by=request.user)
        self.message_user(
            request,
            ngettext("%(n)d laporan ditandai sudah diperiksa.", "%(n)d laporan ditandai sudah diperiksa.", len(waiting))
            % {"n": len(waiting)},
            messages.SUCCESS,
        )


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "kecamatan", "assigned_at"]
    list_filter = [KecamatanFilter]
    list_select_related = ["user", "kecamatan"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "kecamatan__name"]
    autocomplete_fields = ["user", "kecamatan"]


class OfficerAssignmentInline(SafeAutocompleteMixin, admin.TabularInline):
    model = OfficerAssignment
    extra = 1
    autocomplete_fields = ["kecamatan"]
    verbose_name_plural = _("kecamatan tugas (petugas lapangan)")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(LabelledWidgetsMixin, SafeInitialMixin, UserAdmin):
    inlines = [*UserAdmin.inlines, OfficerAssignmentInline]
