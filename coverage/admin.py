from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import LimitedTextForm, SafeAutocompleteMixin
from core.models import Notification
from core.paginator import EstimatedCountPaginator
from registry.admin import KecamatanAdmin, KecamatanFilter, KimKecamatanFilter, StaffHistoryAdmin, StaffScopeMixin
from registry.models import Kecamatan

from .models import OutreachEvent
from .queries import kecamatan_coverage
from .targets import KecamatanTarget, applicable_targets


class OverdueFilter(admin.SimpleListFilter):
    """Planned events whose day has passed without a report (OutreachEvent.objects.overdue)."""

    title = _("terlambat")
    parameter_name = "terlambat"

    def lookups(self, request, model_admin):
        return [("ya", _("Terlambat (direncanakan, tanggal sudah lewat)"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "ya" else queryset


@admin.register(OutreachEvent)
class OutreachEventAdmin(StaffHistoryAdmin):
    list_display = ["title", "kind", "status_label", "starts_at", "kecamatan", "desa", "responsible", "kim_count"]
    list_filter = ["status", OverdueFilter, "kind", KecamatanFilter, "starts_at"]
    list_select_related = ["kecamatan", "desa", "responsible"]
    search_fields = ["title", "venue", "summary", "kecamatan__name", "desa__name"]
    autocomplete_fields = ["kecamatan", "desa", "responsible", "kims"]
    date_hierarchy = "starts_at"
    show_full_result_count = False  # one COUNT(*) of a national table per page is enough
    paginator = EstimatedCountPaginator  # and none of the whole table: PostgreSQL's estimate
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _link_planned_wish(self, request, obj)  # planned from a citizen's wish (?minat=<pk>)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, event):
        if event.is_overdue:
            return _("Direncanakan (terlambat)")
        return event.get_status_display()

    @admin.display(description=_("KIM"), ordering="n_kims")
    def kim_count(self, event):
        return event.n_kims


class KecamatanCoverageAdmin(KecamatanAdmin):
    """The Kecamatan list with each one's coverage today, from the public dashboard's own function
    (coverage.queries.kecamatan_coverage: two queries per kabupaten on the page), and this year's
    desa target it is measured against (coverage.targets.applicable_targets: one query)."""

    list_display = ["name", "stage", "active_kim", "desa_covered", "desa_target", "code", "kabupaten"]  # decisive first

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        today = timezone.localdate()
        rows = {}
        for kabupaten in {kecamatan.kabupaten for kecamatan in changelist.result_list}:
            rows.update({k.code: k for k in kecamatan_coverage(kabupaten=kabupaten, on=today).kecamatan})
        targets = applicable_targets(changelist.result_list, today.year)
        for kecamatan in changelist.result_list:
            kecamatan.coverage_today = coverage = rows.get(kecamatan.code)
            target = targets.get(kecamatan.pk)
            kecamatan.target_today = (
                KecamatanTarget(
                    target_percent=target.target_percent,
                    set_for="" if target.kecamatan_id else str(target.kabupaten),
                    desa_total=coverage.desa_total,
                    desa_covered=coverage.desa_covered,
                )
                if target and coverage
                else None
            )
        return changelist

    @admin.display(description=_("KIM aktif"))
    def active_kim(self, kecamatan):
        return kecamatan.coverage_today.active_kim if kecamatan.coverage_today else "—"

    @admin.display(description=_("desa/kelurahan ber-KIM"))
    def desa_covered(self, kecamatan):
        coverage = kecamatan.coverage_today
        if coverage is None:
            return "—"
        return _("%(covered)d dari %(total)d") % {"covered": coverage.desa_covered, "total": coverage.desa_total}

    @admin.display(description=_("target tahun ini"))
    def desa_target(self, kecamatan):
        """ "15%: kurang 1 desa", "15% (kabupaten): tercapai" (the kabupaten's target applied)."""
        target = kecamatan.target_today
        if target is None:
            return "—"
        percent = f"{floatformat(target.target_percent, -1)}%"
        if target.set_for:
            percent = _("%(percent)s (kabupaten)") % {"percent": percent}
        if target.still_needed:
            return _("%(percent)s: kurang %(missing)d desa") % {"percent": percent, "missing": target.still_needed}
        return _("%(percent)s: tercapai") % {"percent": percent}

    @admin.display(description=_("tahap"))
    def stage(self, kecamatan):
        return kecamatan.coverage_today.stage.label if kecamatan.coverage_today else "—"


admin.site.unregister(Kecamatan)
admin.site.register(Kecamatan, KecamatanCoverageAdmin)


# --- Desa targets (issue 13): an additive block, kept apart for easy merges. ---
from .models import DesaTarget  # noqa: E402


class DesaTargetAdminForm(LimitedTextForm):
    history_reason = forms.CharField(
        label=_("Alasan perubahan"),
        required=False,
        max_length=100,
        help_text=_("Mengapa target ditetapkan atau diubah, misalnya nomor surat atau rapat. Tercatat di riwayat."),
    )

    class Meta:
        model = DesaTarget
        fields = ["year", "kabupaten", "kecamatan", "target_percent", "note"]


@admin.register(DesaTarget)
class DesaTargetAdmin(StaffHistoryAdmin):
    """Yearly desa targets; every change is kept with who, when and why ("Riwayat" on each target)."""

    form = DesaTargetAdminForm
    list_display = ["year", "kabupaten", "kecamatan", "target_percent", "note"]
    list_filter = ["year", KecamatanFilter]
    list_select_related = ["kabupaten", "kecamatan"]
    search_fields = ["kecamatan__name", "kabupaten__name", "note"]
    autocomplete_fields = ["kabupaten", "kecamatan"]

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("history_reason") or None  # read by django-simple-history
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._change_reason = _("dihapus lewat admin")
        super().delete_model(request, obj)


# --- Citizens' wishes to form a KIM (issue 22): an additive block, kept apart for easy merges. ---
from django.contrib import messages  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from registry.admin import DecisionMixin  # noqa: E402
from registry.scope import for_staff  # noqa: E402

from .models import Wish  # noqa: E402

WISH_PARAMETER = "minat"  # ?minat=<pk> on the event's add form: the wish the sosialisasi answers


def plan_sosialisasi_url(wish) -> str:
    """The event's add form for a sosialisasi answering `wish`: kecamatan, desa and title prefilled
    (core.admin.SafeInitialMixin keeps only values the fields can hold), the wish named."""
    params = {
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "status": OutreachEvent.Status.PLANNED,
        "kecamatan": wish.desa.kecamatan_id,
        "desa": wish.desa_id,
        "title": _("Sosialisasi pembentukan KIM %(desa)s") % {"desa": wish.desa},
        WISH_PARAMETER: wish.pk,
    }
    return f"{reverse('admin:coverage_outreachevent_add')}?{urlencode(params)}"


@admin.register(Wish)
class WishAdmin(StaffScopeMixin, DecisionMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """Citizens' wishes: read, accept or refuse (DecisionMixin), plan a sosialisasi from one, and
    erase a citizen's contact on request. Citizens send them; staff never add or edit one."""

    list_display = ["__str__", "created_at", "desa", "kecamatan", "role", "people", "review_status", "planned"]
    list_filter = ["review_status", KimKecamatanFilter, "role", "created_at"]  # a wish names its desa
    list_select_related = ["desa__kecamatan", "event"]
    search_fields = ["receipt", "desa__name", "desa__kecamatan__name"]
    date_hierarchy = "created_at"
    actions = ["verify", "erase_contact"]
    fieldsets = [
        (None, {"fields": ["receipt", "created_at", "desa", "role", "people", "message"]}),
        (_("Kontak (data pribadi, hanya untuk staf)"), {"fields": ["name", "phone", "email", "consent_at"]}),
        (_("Tindak lanjut"), {"fields": ["plan_link", "event", "contact_erased_at"]}),
        (_("Pemeriksaan"), {"fields": ["review_status", "reviewed_by", "reviewed_at", "review_reason"]}),
    ]
    readonly_fields = [
        "receipt",
        "created_at",
        "desa",
        "role",
        "people",
        "message",
        "name",
        "phone",
        "email",
        "consent_at",
        "plan_link",
        "event",
        "contact_erased_at",
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    ]

    class Media:
        css = {"all": ["css/admin_staff.css"]}

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan(self, wish):
        return wish.desa.kecamatan.name

    @admin.display(description=_("sosialisasi"), boolean=True)
    def planned(self, wish):
        return wish.event_id is not None

    @admin.display(description=_("Rencanakan sosialisasi"))
    def plan_link(self, wish):
        if wish.pk is None or wish.is_refused:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>', plan_sosialisasi_url(wish), _("Rencanakan sosialisasi")
        )

    @admin.action(description=_("Hapus nama dan kontak (atas permintaan warga)"), permissions=["change"])
    def erase_contact(self, request, queryset):
        erased = [wish for wish in queryset if wish.has_contact]
        for wish in erased:
            wish.erase_contact()
            self.log_change(request, wish, _("Nama dan kontak dihapus atas permintaan"))
        self.message_user(
            request,
            _("Nama dan kontak %(n)d minat dihapus, juga e-mail kepada mereka; minatnya tetap tercatat.")
            % {"n": len(erased)},
        )


def _link_planned_wish(model_admin, request, event):
    """Link the wish named by ?minat=<pk> (in the user's scope) to the event just planned: the wish
    is accepted and its citizen told (Wish.plan)."""
    pk = request.GET.get(WISH_PARAMETER, "")
    if not pk.isdigit():
        return
    wish = for_staff(Wish.objects.select_related("desa"), request.user).filter(pk=pk).first()
    if wish is None:
        return
    try:
        wish.plan(event, by=request.user)
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.WARNING)
    else:
        model_admin.message_user(
            request, _("Kegiatan ini tercatat sebagai tindak lanjut minat %(wish)s.") % {"wish": wish}
        )


@admin.register(Notification)
class NotificationAdmin(StaffScopeMixin, admin.ModelAdmin):
    """The outbox of record (core/notifications.py), read only: what each person was told, whether
    the mail went out, and if not, how often it was tried and the mail server's last answer."""

    list_display = ["created_at", "to", "kind", "subject", "state", "attempts", "sent_at", "short_error"]
    list_filter = ["state", "kind", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "recipient__first_name", "recipient__last_name"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "address",
        "kind",
        "subject",
        "text",
        "url",
        "day",
        "created_at",
        "state",
        "sent_at",
        "attempts",
        "refusals",
        "next_attempt_at",
        "last_error",
    ]
    readonly_fields = fields

    @admin.display(description=_("penerima"), ordering="recipient")
    def to(self, notification):
        """A user, or "warga" for a citizen: their address is on the row's page only, not in lists."""
        return notification.recipient or _("warga (e-mail pada minatnya)")

    @admin.display(description=_("kesalahan terakhir"))
    def short_error(self, notification):
        return notification.last_error[:120]

    def has_change_permission(self, request, obj=None):
        return False
