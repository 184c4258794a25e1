"""Staff's side of the field area: officers' reports to review and officers' kecamatan.

The models live in `coverage` (with their migrations); their admin belongs to the field work.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget, UserChangeForm
from django.db.models import Count
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import LabelledWidgetsMixin, SafeAutocompleteMixin, SafeInitialMixin
from coverage.models import (
    LOCATION_IMPRECISE_METERS,
    FieldReport,
    FieldSubmission,
    OfficerAssignment,
    OutreachEvent,
    ReportPhoto,
)
from registry.admin import DecisionMixin, KecamatanFilter, StaffHistoryAdmin, StaffKabupatenInline, StaffScopeMixin


class ReportKecamatanFilter(KecamatanFilter):
    kecamatan_path = "event__kecamatan"


class ReportPhotoInline(StaffScopeMixin, admin.TabularInline):
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


class LocationFilter(admin.SimpleListFilter):
    """Reports by the phone's location fix: precise, imprecise (worse than 500 m) or none."""

    title = _("lokasi")
    parameter_name = "lokasi"

    def lookups(self, request, model_admin):
        return [
            ("presisi", _("lokasi presisi")),
            ("tidak-presisi", _("lokasi tidak presisi")),
            ("tanpa", _("tanpa lokasi")),
        ]

    def queryset(self, request, queryset):
        limit = LOCATION_IMPRECISE_METERS
        return {
            "presisi": queryset.filter(location_accuracy__lte=limit),
            "tidak-presisi": queryset.filter(location_accuracy__gt=limit),
            "tanpa": queryset.filter(latitude__isnull=True),
        }.get(self.value(), queryset)


@admin.register(FieldReport)
class FieldReportAdmin(DecisionMixin, StaffHistoryAdmin):
    list_display = [
        "receipt",
        "review_status",
        "location_flag",
        "event",
        "kecamatan",
        "submitted_by",
        "submitted_at",
        "photo_count",
    ]
    list_filter = ["review_status", ReportKecamatanFilter, "submitted_at", LocationFilter]
    list_select_related = ["event__kecamatan", "submitted_by"]
    search_fields = ["receipt", "client_id", "event__title", "submitted_by__username"]
    readonly_fields = [
        "receipt",
        "client_id",
        "event_link",
        "event_place",
        "participants_by_gender",
        "event_kims",
        "event_summary",
        "event_outcome",
        "event_follow_up",
        "submitted_by",
        "submitted_at",
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
        "corrected_item",
        "correction_items",
        "location",
    ]
    fields = readonly_fields
    inlines = [ReportPhotoInline]
    decision_template = "admin/coverage/fieldreport/decision_change_form.html"  # the photos beside Keputusan

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_photos=Count("photos"))

    def has_add_permission(self, request):
        return False  # reports come from the field area, each with its receipt

    def get_inlines(self, request, obj):
        """The photos inline, unless the report waits for review: its photos are then beside the decision."""
        return [] if obj is not None and obj.awaits_decision else super().get_inlines(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["report_photos"] = list(obj.photos.order_by("pk")) if obj is not None else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("kecamatan"), ordering="event__kecamatan__name")
    def kecamatan(self, report):
        return report.event.kecamatan

    # What the officer sent, on the report's page (the event holds it).
    @admin.display(description=_("tempat"))
    def event_place(self, report):
        event = report.event
        parts = [event.venue, str(event.desa) if event.desa_id else "", f"Kec. {event.kecamatan}"]
        return ", ".join(part for part in parts if part)

    @admin.display(description=_("peserta"))
    def participants_by_gender(self, report):
        event = report.event
        if event.participants is None:
            return "—"
        return _("%(total)s orang (perempuan %(women)s, laki-laki %(men)s)") % {
            "total": event.participants,
            "women": "—" if event.participants_women is None else event.participants_women,
            "men": "—" if event.participants_men is None else event.participants_men,
        }

    @admin.display(description=_("KIM yang terlibat"))
    def event_kims(self, report):
        return ", ".join(kim.name for kim in report.event.kims.all()[:50]) or "—"

    @admin.display(description=_("ringkasan hasil"))
    def event_summary(self, report):
        return linebreaksbr(report.event.summary[: OutreachEvent.TEXT_MAX]) or "—"

    @admin.display(description=_("hasil yang dicapai"))
    def event_outcome(self, report):
        return linebreaksbr(report.event.outcome[: OutreachEvent.TEXT_MAX]) or "—"

    @admin.display(description=_("tindak lanjut"))
    def event_follow_up(self, report):
        return linebreaksbr(report.event.follow_up[: OutreachEvent.TEXT_MAX]) or "—"

    @admin.display(description=_("lokasi"), ordering="location_accuracy")
    def location_flag(self, report):
        """The list's word on the phone's location fix (the filter "lokasi" picks the same rows)."""
        if not report.has_location:
            return _("tanpa lokasi")
        if report.is_location_imprecise:
            return format_html('<strong class="location-imprecise">⚠ {}</strong>', _("tidak presisi"))
        return _("presisi")

    @admin.display(description=_("foto"), ordering="n_photos")
    def photo_count(self, report):
        return report.n_photos

    @admin.display(description=_("kegiatan"))
    def event_link(self, report):
        url = reverse("admin:coverage_outreachevent_change", args=[report.event_id])
        return format_html('<a href="{}">{}</a>', url, report.event)

    @admin.display(description=_("lokasi saat melapor (hanya untuk staf)"))
    def location(self, report):
        if not report.has_location:
            return _("Tidak dicatat.")
        lat, lon = report.latitude, report.longitude
        url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
        flag = format_html(" <strong>⚠ {}</strong>", _("lokasi tidak presisi")) if report.is_location_imprecise else ""
        return format_html(
            '<a href="{}" rel="noreferrer noopener" target="_blank">{}</a> ± {} m, {}{}',
            url,
            f"{lat}, {lon}",
            report.location_accuracy,
            date_format(timezone.localtime(report.located_at), "j F Y H:i"),
            flag,
        )


@admin.register(FieldSubmission)
class FieldSubmissionAdmin(StaffScopeMixin, admin.ModelAdmin):
    """Plans and proposals as they arrived from phones: read only, to answer "did it arrive?"."""

    list_display = ["receipt", "kind", "submitted_by", "submitted_at", "event", "kim"]
    list_filter = ["kind", "submitted_at"]
    list_select_related = ["submitted_by", "event", "kim"]
    search_fields = ["receipt", "client_id", "submitted_by__username", "event__title", "kim__name"]
    readonly_fields = ["receipt", "kind", "client_id", "submitted_by", "submitted_at", "event", "kim"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(StaffScopeMixin, SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "kecamatan", "assigned_at"]
    list_filter = [KecamatanFilter]
    list_select_related = ["user", "kecamatan"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "kecamatan__name"]
    autocomplete_fields = ["user", "kecamatan"]


class OfficerAssignmentInline(StaffScopeMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = OfficerAssignment
    extra = 1
    autocomplete_fields = ["kecamatan"]
    verbose_name_plural = _("kecamatan tugas (petugas lapangan)")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """Django's summary of a user's password, without the `disabled` that Django writes on its
    <div> (not valid HTML: the W3C Nu checker reports it)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class PortalUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget.__class__ = PasswordSummaryWidget


@admin.register(User)
class PortalUserAdmin(StaffScopeMixin, LabelledWidgetsMixin, SafeInitialMixin, UserAdmin):
    form = PortalUserChangeForm
    inlines = [*UserAdmin.inlines, OfficerAssignmentInline, StaffKabupatenInline]
