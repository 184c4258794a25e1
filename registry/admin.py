from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from core.admin import SafeAutocompleteMixin, SafeHistoryAdmin, SafeInitialMixin
from core.search import search_without_joins

from .forms import PengurusFormSet
from .models import Desa, Kabupaten, Kecamatan, Kim, Pengurus, Tier
from .resources import ImportPreviewStorage, KimResource


class KecamatanFilter(admin.SimpleListFilter):
    """The portal's own kecamatan (not every kecamatan in Indonesia)."""

    title = _("kecamatan")
    parameter_name = "kecamatan"
    kecamatan_path = "kecamatan"

    def lookups(self, request, model_admin):
        portal = Kabupaten.objects.in_portal()
        return [(k.code, k.name) for k in Kecamatan.objects.filter(kabupaten__in=portal)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.kecamatan_path}__code": self.value()})
        return queryset


class KimKecamatanFilter(KecamatanFilter):
    kecamatan_path = "desa__kecamatan"


class ActiveFilter(admin.SimpleListFilter):
    title = _("status hari ini")
    parameter_name = "aktif"

    def lookups(self, request, model_admin):
        return [("ya", _("Aktif")), ("tidak", _("Tidak aktif"))]

    def queryset(self, request, queryset):
        active = Kim.objects.active_on(timezone.localdate()).values("pk")
        if self.value() == "ya":
            return queryset.filter(pk__in=active)
        if self.value() == "tidak":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Kabupaten)
class KabupatenAdmin(SafeInitialMixin, admin.ModelAdmin):
    list_display = ["code", "name", "province_name"]
    search_fields = ["code", "name", "province_name"]


@admin.register(Kecamatan)
class KecamatanAdmin(SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kabupaten"]
    list_select_related = ["kabupaten"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["kabupaten"]


@admin.register(Desa)
class DesaAdmin(SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "kecamatan"]
    list_filter = [KecamatanFilter, "kind"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan"]


@admin.register(Tier)
class TierAdmin(SafeInitialMixin, admin.ModelAdmin):
    list_display = ["name", "rank", "description"]
    search_fields = ["name"]


class PengurusInline(admin.TabularInline):
    model = Pengurus
    formset = PengurusFormSet
    extra = 1
    fields = ["name", "role", "phone"]


class SpreadsheetImportMixin(ImportExportMixin):
    """django-import-export's import and export, answering in Indonesian where it would not."""

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _("Impor selesai: %(new)d baru, %(update)d diperbarui, %(skip)d tidak berubah, %(delete)d dihapus.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
                "delete": totals[RowResult.IMPORT_TYPE_DELETE],
            },
            messages.SUCCESS,
        )

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:  # a filter the changelist would refuse, e.g. a day 0000-00-00
            raise BadRequest(error) from error

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportPreviewStorage.Missing:
            self.message_user(
                request,
                _(
                    "Pratinjau impor ini tidak ada lagi: sudah diimpor, atau lebih dari satu jam tidak "
                    "dikonfirmasi. Unggah berkasnya lagi."
                ),
                messages.ERROR,
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")


class KimAdminForm(forms.ModelForm):
    history_reason = forms.CharField(
        label=_("Alasan perubahan"),
        required=False,
        max_length=100,
        help_text=_("Opsional: mengapa KIM atau pengurusnya diubah. Tercatat di riwayat keduanya."),
    )

    class Meta:
        model = Kim
        fields = []  # KimAdmin's fieldsets choose them


@admin.register(Kim)
class KimAdmin(SafeAutocompleteMixin, SpreadsheetImportMixin, SafeHistoryAdmin):
    form = KimAdminForm
    resource_classes = [KimResource]
    formats = [CSV, XLSX]  # import and export: the README documents the columns
    list_display = ["name", "desa", "kecamatan", "tier", "formed_on", "status", "review_status", "proposed_by"]
    list_filter = ["review_status", KimKecamatanFilter, ActiveFilter, "tier", "formed_on"]
    list_select_related = ["desa__kecamatan", "tier", "proposed_by"]
    search_fields = ["name", "desa__name", "desa__kecamatan__name", "sk_number"]
    autocomplete_fields = ["desa", "tier"]
    readonly_fields = ["review_status", "proposed_by", "verified_by", "verified_at", "created_at", "updated_at"]
    inlines = [PengurusInline]
    history_with = {Pengurus: "kim"}  # pengurus changes made inline show in the KIM's history
    actions = ["verify"]
    show_full_result_count = False  # one COUNT(*) of a national table per page is enough
    fieldsets = [
        (None, {"fields": ["name", "desa", "tier", "formed_on"]}),
        (_("Verifikasi"), {"fields": ["review_status", "proposed_by", "verified_by", "verified_at"]}),
        (_("Surat keputusan"), {"fields": ["sk_number", "sk_date"]}),
        (_("Status"), {"fields": ["inactive_since", "inactive_reason"]}),
        (_("Kanal publik"), {"fields": ["address", "website", "facebook", "instagram", "youtube"]}),
        (
            _("Kontak dan catatan privat (tidak pernah ditampilkan ke publik)"),
            {"fields": ["contact_email", "contact_phone", "notes"]},
        ),
        (_("Riwayat"), {"fields": ["created_at", "updated_at", "history_reason"]}),
    ]

    @admin.display(description=_("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan(self, kim):
        return kim.desa.kecamatan

    def get_search_results(self, request, queryset, search_term):
        return search_without_joins(self, request, queryset, search_term)  # 50,000 KIM: no join per row

    def save_model(self, request, obj, form, change):
        if not change and obj.is_verified:
            obj.verified_by, obj.verified_at = request.user, timezone.now()  # staff entering a KIM vouch for it
        obj._change_reason = form.cleaned_data.get("history_reason") or None  # read by django-simple-history
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:  # new, changed and deleted pengurus alike
            inline_form.instance._change_reason = form.cleaned_data.get("history_reason") or None
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Verifikasi KIM terpilih (dihitung dalam cakupan)"), permissions=["change"])
    def verify(self, request, queryset):
        pending = list(queryset.pending())
        for kim in pending:
            kim.verify(by=request.user)
        self.message_user(
            request,
            ngettext("%(n)d KIM diverifikasi.", "%(n)d KIM diverifikasi.", len(pending)) % {"n": len(pending)},
            messages.SUCCESS,
        )

    @admin.display(description=_("status"), boolean=False)
    def status(self, kim):
        if not kim.is_verified:
            return _("Menunggu verifikasi")
        if kim.is_active:
            return _("Aktif")
        if kim.inactive_since:
            return _("Tidak aktif sejak %(day)s") % {"day": kim.inactive_since.strftime("%d-%m-%Y")}
        return _("Belum terbentuk")


@admin.register(Pengurus)
class PengurusAdmin(SafeAutocompleteMixin, SafeHistoryAdmin):
    list_display = ["name", "role", "kim"]
    list_filter = ["role"]
    list_select_related = ["kim"]
    search_fields = ["name", "kim__name"]
    autocomplete_fields = ["kim"]


# --- KIM vitality and KIM.id (issue 13): an additive block, kept apart for easy merges. ---
from .models import KimActivity  # noqa: E402


class KimActivityInlineForm(forms.ModelForm):
    class Meta:
        model = KimActivity
        fields = ["date", "kind", "link", "note"]
        widgets = {  # narrow enough for the KIM page at 1366 px
            "link": forms.URLInput(attrs={"size": 28}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 28}),
        }


class OptionalInlineFormSet(forms.BaseInlineFormSet):
    """A post without this inline's management form (older scripts, other forms) means "no change"
    here rather than refusing the whole KIM."""

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        prefix = prefix or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


class KimActivityInline(admin.TabularInline):
    model = KimActivity
    form = KimActivityInlineForm
    formset = OptionalInlineFormSet
    extra = 1
    fields = ["date", "kind", "link", "note"]
    ordering = ["-date", "-pk"]
    show_change_link = True
    verbose_name_plural = _("aktivitas KIM (10 terbaru; semuanya di daftar Aktivitas KIM)")
    LATEST = 10  # the KIM page stays bounded however long the log grows

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("kim")
        latest = queryset.order_by("kim", "-date", "-pk")
        if request.resolver_match and request.resolver_match.kwargs.get("object_id"):
            latest = latest.filter(kim_id=request.resolver_match.kwargs["object_id"])
        return queryset.filter(pk__in=list(latest.values_list("pk", flat=True)[: self.LATEST]))


@admin.register(KimActivity)
class KimActivityAdmin(SafeAutocompleteMixin, SafeHistoryAdmin):
    list_display = ["date", "kim", "kind", "entered_by", "review_status"]
    list_filter = ["review_status", "kind", "date"]
    list_select_related = ["kim", "entered_by"]
    search_fields = ["kim__name", "note"]
    autocomplete_fields = ["kim"]
    readonly_fields = ["entered_by", "created_at", "review_status", "reviewed_by", "reviewed_at"]
    date_hierarchy = "date"
    actions = ["mark_reviewed"]

    # An officer's entry from the phone waits for review; only reviewed entries count for vitality.
    @admin.action(description=_("Tandai aktivitas terpilih sudah diperiksa"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        waiting = list(queryset.waiting())
        for activity in waiting:
            activity.mark_reviewed(by=request.user)
        self.message_user(request, _("%(n)d aktivitas ditandai sudah diperiksa.") % {"n": len(waiting)})

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


def _save_activity_formset(save_formset):
    """KimAdmin's save_formset, stamping who entered new activity entries."""

    def wrapped(self, request, form, formset, change):
        if formset.model is KimActivity:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None:
                    inline_form.instance.entered_by = request.user
        return save_formset(self, request, form, formset, change)

    return wrapped


KimAdmin.inlines = [*KimAdmin.inlines, KimActivityInline]
KimAdmin.save_formset = _save_activity_formset(KimAdmin.save_formset)
_after_sk = next(i for i, (_name, options) in enumerate(KimAdmin.fieldsets) if "sk_number" in options["fields"]) + 1
KimAdmin.fieldsets = [
    *KimAdmin.fieldsets[:_after_sk],
    (_("Masa bakti"), {"fields": ["sk_issued_by", "sk_term_end"]}),
    (_("KIM.id"), {"fields": ["kimid_number", "kimid_url"]}),
    *KimAdmin.fieldsets[_after_sk:],
]
KimAdmin.search_fields = [*KimAdmin.search_fields, "kimid_number"]


class KimIdFilter(admin.SimpleListFilter):
    """Staff's reconciliation list: KIM with or without a KIM.id registration."""

    title = _("KIM.id")
    parameter_name = "kimid"

    def lookups(self, request, model_admin):
        return [("belum", _("Belum terdaftar di KIM.id")), ("ada", _("Sudah terdaftar di KIM.id"))]

    def queryset(self, request, queryset):
        if self.value() == "belum":
            return queryset.without_kimid()
        if self.value() == "ada":
            return queryset.exclude(kimid_number="")
        return queryset


@admin.action(description=_("Ekspor untuk registrasi KIM.id (CSV)"), permissions=["view"])
def export_for_kimid(modeladmin, request, queryset):
    from .kimid import kimid_csv_response

    return kimid_csv_response(queryset)


KimAdmin.list_filter = [*KimAdmin.list_filter, KimIdFilter]
KimAdmin.actions = [*KimAdmin.actions, export_for_kimid]


class VitalityFilter(admin.SimpleListFilter):
    """Staff's to-do list: KIM gone quiet (vakum) or whose SK term ended, today."""

    title = _("vitalitas hari ini")
    parameter_name = "vitalitas"

    def lookups(self, request, model_admin):
        from .vitality import Vitality

        return [(Vitality.QUIET.value, _("Vakum")), (Vitality.SK_ENDED.value, _("SK berakhir, perlu SK baru"))]

    def queryset(self, request, queryset):
        if self.value() in ("quiet", "sk_ended"):
            wanted = Kim.objects.with_vitality(timezone.localdate()).filter(vitality_code=self.value())
            return queryset.filter(pk__in=wanted.values("pk"))
        return queryset


KimAdmin.list_filter = [*KimAdmin.list_filter, VitalityFilter]
