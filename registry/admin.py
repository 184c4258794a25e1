from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.results import RowResult

from core.admin import LimitedTextForm, LongListMixin, SafeAutocompleteMixin, SafeHistoryAdmin, SafeInitialMixin
from core.search import SEPARATOR, search_without_joins, words

from .forms import PengurusFormSet
from .models import Desa, Kabupaten, Kecamatan, Kim, KimSearchText, Pengurus, StaffKabupaten, Tier
from .resources import (
    COLUMN_HELP,
    DATE_HELP,
    ImportPreviewStorage,
    KimResource,
    SpreadsheetCSV,
    SpreadsheetXLSX,
    UnreadableSpreadsheet,
    check_file_size,
    template_dataset,
    template_xlsx,
)
from .scope import for_staff, history_for_staff, staff_scope


class StaffScopeMixin:
    """Every row an admin shows, offers or changes is in the user's scope (registry.scope).

    Lists, change and delete forms and history go through get_queryset; the
    choices of every foreign key and many-to-many field (plain selects, and the
    values an autocomplete accepts) are narrowed here; the autocomplete's
    answers come from the related model's admin, which uses this mixin too;
    import and export get the user (SpreadsheetImportMixin). Every ModelAdmin
    and inline of the portal uses it; tests/test_scope.py checks each one.
    """

    def get_queryset(self, request):
        return for_staff(super().get_queryset(request), request.user)

    def _scoped_field(self, formfield, request):
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = for_staff(formfield.queryset, request.user)
            if formfield.queryset.model is Desa:  # never ambiguous: "Patai — Cempaga"
                formfield.queryset = formfield.queryset.select_related("kecamatan")
                formfield.label_from_instance = desa_label
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped_field(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped_field(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def scope_history(self, request, records, model):
        """Historical records of `model` in the user's scope (SafeHistoryAdmin calls this)."""
        return history_for_staff(records, model, request.user)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return self.scope_history(request, records, self.model)

    def changelist_view(self, request, extra_context=None):
        scope = staff_scope(request.user)
        if scope.is_empty:
            self.message_user(request, scope.why_empty, messages.WARNING)
        return super().changelist_view(request, extra_context)


class StaffHistoryAdmin(StaffScopeMixin, SafeAutocompleteMixin, SafeHistoryAdmin):
    """The base of every admin of data staff keep: rows, choices, autocomplete, history, import and
    export of the user's kabupaten only (StaffScopeMixin); choices that survive a hostile value
    (SafeAutocompleteMixin); lists paged, inputs named, add forms prefilled safely, stored text
    bounded and a history that reads, which a view-only user cannot post back (SafeHistoryAdmin)."""


class RegionAwareAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, answering with a ModelAdmin's `autocomplete_label(obj)` where it has
    one: a desa is shown with its kecamatan ("Patai — Cempaga"), as two kecamatan may have desa of one name."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {**result, "text": label(obj)} if label else result


def _autocomplete_view(request):
    return RegionAwareAutocompleteView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = _autocomplete_view  # before the URLconf asks the site for its URLs


def desa_label(desa) -> str:
    """A desa as every admin choice shows it: its name and its kecamatan."""
    return f"{desa.name} — {desa.kecamatan.name}"


class KecamatanFilter(admin.SimpleListFilter):
    """The portal's own kecamatan (not every kecamatan in Indonesia)."""

    title = _("kecamatan")
    parameter_name = "kecamatan"
    kecamatan_path = "kecamatan"

    def lookups(self, request, model_admin):
        """The kecamatan of the user's kabupaten; for those who see everything, the portal's region's."""
        if staff_scope(request.user).everything:
            kecamatan = Kecamatan.objects.filter(kabupaten__in=Kabupaten.objects.in_portal())
        else:
            kecamatan = for_staff(Kecamatan.objects.all(), request.user)
        return [(k.code, k.name) for k in kecamatan]

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
        if self.value() not in ("ya", "tidak"):
            return queryset  # the list unfiltered: no query of today's active KIM built (0.5 ms a page)
        active = Kim.objects.active_on(timezone.localdate()).values("pk")
        if self.value() == "ya":
            return queryset.filter(pk__in=active)
        return queryset.exclude(pk__in=active)


class CoverageFilter(admin.SimpleListFilter):
    """Covered today (at least one active KIM) or not: the public pages' rule (coverage.queries)."""

    title = _("cakupan hari ini")
    parameter_name = "cakupan"
    kim_path = "desa__kecamatan"  # from a KIM to the filtered model

    def lookups(self, request, model_admin):
        return [("ya", _("Ada KIM aktif")), ("belum", _("Belum ada KIM aktif"))]

    def queryset(self, request, queryset):
        if self.value() not in ("ya", "belum"):
            return queryset
        active = Exists(Kim.objects.active_on(timezone.localdate()).filter(**{self.kim_path: OuterRef("pk")}))
        if self.value() == "ya":
            return queryset.filter(active)
        return queryset.exclude(active)


class DesaCoverageFilter(CoverageFilter):
    kim_path = "desa"


@admin.register(Kabupaten)
class KabupatenAdmin(StaffScopeMixin, SafeInitialMixin, admin.ModelAdmin):
    list_display = ["code", "name", "province_name"]
    search_fields = ["code", "name", "province_name"]


@admin.register(Kecamatan)
class KecamatanAdmin(StaffScopeMixin, LongListMixin, SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kabupaten"]
    list_filter = [CoverageFilter]
    list_select_related = ["kabupaten"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["kabupaten"]


@admin.register(Desa)
class DesaAdmin(StaffScopeMixin, LongListMixin, SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "kecamatan", "has_active_kim"]
    list_filter = [KecamatanFilter, DesaCoverageFilter, "kind"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan"]

    def get_queryset(self, request):
        active = Kim.objects.active_on(timezone.localdate()).filter(desa=OuterRef("pk"))
        return super().get_queryset(request).select_related("kecamatan").annotate(active_kim_today=Exists(active))

    def autocomplete_label(self, desa):
        return desa_label(desa)

    def get_search_results(self, request, queryset, search_term):
        """The autocomplete narrows to the kecamatan chosen first in the form (?kecamatan=<id>)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        kecamatan = request.GET.get("kecamatan", "")
        if request.path.endswith("/autocomplete/") and kecamatan.isdigit() and len(kecamatan) < 12:
            queryset = queryset.filter(kecamatan_id=int(kecamatan))
        return queryset, may_have_duplicates

    @admin.display(description=_("ada KIM aktif"), boolean=True, ordering="active_kim_today")
    def has_active_kim(self, desa):
        return desa.active_kim_today


@admin.register(Tier)
class TierAdmin(StaffScopeMixin, SafeInitialMixin, admin.ModelAdmin):
    list_display = ["name", "rank", "description"]
    search_fields = ["name"]


class PengurusInline(StaffScopeMixin, admin.TabularInline):
    form = LimitedTextForm
    model = Pengurus
    formset = PengurusFormSet
    extra = 1
    fields = ["name", "role", "phone"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("verify", _("Terima")), ("refuse", _("Tolak"))])
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Wajib bila menolak. Yang mengirim membacanya untuk memperbaiki kirimannya."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason", "").strip():
            self.add_error("reason", _("Tuliskan alasan penolakan."))
        return data


class DecisionMixin:
    """The admin of everything staff review (core.review): *Terima* / *Tolak* (with a reason) on
    the change page of a row waiting for a decision, and *Terima yang terpilih* on the list.

    One POST-only URL, <id>/keputusan/, for the user's rows (get_object: the scope
    applies) and only with the right to change them.
    """

    decision_template = "admin/decision_change_form.html"
    actions = ["verify"]

    @admin.action(description=_("Terima yang terpilih (yang menunggu pemeriksaan)"), permissions=["change"])
    def verify(self, request, queryset):
        waiting = list(queryset.waiting())
        for obj in waiting:
            obj.verify(by=request.user)
        self.message_user(
            request,
            _("%(n)d %(what)s diterima.") % {"n": len(waiting), "what": self.opts.verbose_name},
            messages.SUCCESS,
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_decision"
        view = self.admin_site.admin_view(self.decision_view)
        return [path("<path:object_id>/keputusan/", view, name=name), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.awaits_decision and self.has_change_permission(request, obj):
            context["decision_form"] = DecisionForm()
            context["decision_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_decision", args=[obj.pk]
            )
            context["decision_base_template"] = self.change_form_template or "admin/change_form.html"
            request.current_app = self.admin_site.name
            response = super().render_change_form(request, context, add, change, form_url, obj)
            response.template_name = [self.decision_template]
            return response
        return super().render_change_form(request, context, add, change, form_url, obj)

    def decision_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Data tidak ditemukan."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        form = DecisionForm(request.POST)
        if not obj.awaits_decision:
            self.message_user(request, _("Sudah diputuskan sebelumnya; tidak ada yang diubah."), messages.WARNING)
        elif not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
        elif form.cleaned_data["decision"] == "verify":
            obj.verify(by=request.user)
            self.log_change(request, obj, _("Diterima"))
            self.message_user(request, _("%(obj)s diterima.") % {"obj": obj}, messages.SUCCESS)
        else:
            reason = form.cleaned_data["reason"].strip()
            obj.refuse(by=request.user, reason=reason)
            self.log_change(request, obj, _("Ditolak: %(reason)s") % {"reason": reason[:150]})
            self.message_user(request, _("%(obj)s ditolak.") % {"obj": obj}, messages.SUCCESS)
        return redirect(change_url)

    def _change_link(self, obj):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj)

    @admin.display(description=_("memperbaiki kiriman"))
    def corrected_item(self, obj):
        """The refused item the officer corrected with this one ("Perbaiki dan kirim ulang")."""
        if obj.corrects is None:
            return "—"
        original = obj.corrects
        return format_html(
            "{} ({}: {})", self._change_link(original), original.get_review_status_display(), original.review_reason
        )

    @admin.display(description=_("diperbaiki dengan"))
    def correction_items(self, obj):
        """The corrections the officer sent for this item, newest first."""
        corrections = list(obj.corrections.order_by("-pk")) if obj.pk else []
        return format_html_join(", ", "{}", ((self._change_link(c),) for c in corrections)) or "—"


class SpreadsheetImportForm(ImportForm):
    """The import's upload form: a file over IMPORT_MAX_BYTES is refused before it is read or stored."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_file_size(import_file.size)
        except UnreadableSpreadsheet as error:
            raise forms.ValidationError(str(error)) from error
        return import_file


class SpreadsheetImportMixin(ImportExportMixin):
    """django-import-export's import and export, answering in Indonesian where it would not.

    Limits (IMPORT_MAX_BYTES, _ROWS, _COLUMNS) hold at both steps: the upload form
    checks the size, the formats (SpreadsheetCSV, SpreadsheetXLSX) count rows and
    columns as they read, at the preview and again at the confirmation; a preview
    that cannot be confirmed leaves nothing in the cache.
    """

    import_form_class = SpreadsheetImportForm

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

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read gets a message in Indonesian (ours where we raised one)."""
        if isinstance(e, UnreadableSpreadsheet):
            message = str(e)
        else:
            message = _(
                "Berkas tidak bisa dibaca sebagai %(format)s. Pilih format yang sesuai (CSV atau XLSX), "
                "atau simpan ulang berkasnya dari Excel."
            ) % {"format": form.cleaned_data.get("format", "") and self._format_name(form)}
        form.add_error("import_file", message)

    def _format_name(self, form):
        formats = self.get_import_formats()
        try:
            return formats[int(form.cleaned_data["format"])]().get_title().upper()
        except (KeyError, ValueError, IndexError):
            return "CSV/XLSX"

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        stored = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if stored and (context is None or "confirm_form" not in context):  # refused: nothing waits in the cache
            self.get_tmp_storage_class()(name=stored, **self.get_tmp_storage_class_kwargs()).remove()
        if context is not None and not any(columns for _name, columns in context.get("fields_list", [])):
            # django-import-export forgets the expected columns when the file could not be read
            resources = [
                cls(**self.get_import_resource_kwargs(request)) for cls in self.get_import_resource_classes(request)
            ]
            context["fields_list"] = [
                (resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])
                for resource in resources
            ]
        if context is not None:  # the column guide and the templates to download
            context["column_help"], context["date_help"] = COLUMN_HELP, DATE_HELP
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"
            context["template_urls"] = [(fmt.upper(), reverse(name, args=[fmt])) for fmt in ("csv", "xlsx")]
        return response

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_template"
        view = self.admin_site.admin_view(self.import_template_view)
        return [path("import/templat.<slug:fmt>", view, name=name), *super().get_urls()]

    def import_template_view(self, request, fmt):
        """The import's columns with one example row, as CSV (`;`, with BOM, as Excel in Indonesia saves) or XLSX."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        desa = for_staff(Desa.objects.select_related("kecamatan").order_by("code"), request.user).first()
        if fmt == "csv":
            body = "\ufeff" + template_dataset(example_desa=desa).export("csv", delimiter=";")
            content_type = "text/csv; charset=utf-8"
        elif fmt == "xlsx":
            body = template_xlsx(example_desa=desa)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise Http404(_("Data tidak ditemukan."))
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="templat-impor-kim.{fmt}"'
        return response

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "staff": request.user}

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:  # a filter the changelist would refuse, e.g. a day 0000-00-00
            raise BadRequest(error) from error

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except UnreadableSpreadsheet as error:  # e.g. over a limit lowered since the preview
            self.message_user(request, str(error), messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
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


class KimAdminForm(LimitedTextForm):
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
class KimAdmin(DecisionMixin, SpreadsheetImportMixin, StaffHistoryAdmin):
    """KIM: staff's data (StaffHistoryAdmin), proposals to accept or refuse (DecisionMixin), lists to
    import and export (SpreadsheetImportMixin). Saving the form saves the KIM and its pengurus, each
    with the optional *Alasan perubahan* in its history (save_model, save_formset)."""

    form = KimAdminForm
    resource_classes = [KimResource]
    formats = [CSV, XLSX]  # import and export: the README documents the columns
    import_formats = [SpreadsheetCSV, SpreadsheetXLSX]  # CSV: `,` or `;`, with or without BOM
    export_formats = [CSV, XLSX]
    # Decisive first, so that status shows without scrolling at 1366 px; status says "Menunggu pemeriksaan"
    # or "Ditolak" for a proposal, so no separate review column.
    list_display = ["name", "status", "desa_kecamatan", "tier", "formed_on", "proposed_by"]
    list_filter = ["review_status", KimKecamatanFilter, ActiveFilter, "tier", "formed_on"]
    list_select_related = ["desa__kecamatan", "tier", "proposed_by"]
    search_fields = list(KimSearchText.FIELDS)  # name, desa, kecamatan, SK and KIM.id numbers
    autocomplete_fields = ["desa", "tier"]
    readonly_fields = [
        "review_status",
        "review_reason",
        "proposed_by",
        "reviewed_by",
        "reviewed_at",
        "corrected_item",
        "correction_items",
        "created_at",
        "updated_at",
    ]
    inlines = [PengurusInline]
    history_with = {Pengurus: "kim"}  # pengurus changes made inline show in the KIM's history
    history_labels = {Desa: desa_label}  # "Patai — Cempaga", as every desa choice
    actions = ["verify"]
    show_full_result_count = False  # one COUNT(*) of a national table per page is enough
    fieldsets = [
        (None, {"fields": ["name", "desa", "tier", "formed_on"]}),
        (
            _("Pemeriksaan"),
            {
                "fields": [
                    "review_status",
                    "review_reason",
                    "proposed_by",
                    "reviewed_by",
                    "reviewed_at",
                    "corrected_item",
                    "correction_items",
                ]
            },
        ),
        (_("Surat keputusan"), {"fields": ["sk_number", "sk_date"]}),
        (_("Status"), {"fields": ["inactive_since", "inactive_reason"]}),
        (_("Kanal publik"), {"fields": ["address", "website", "facebook", "instagram", "youtube"]}),
        (
            _("Kontak dan catatan privat (tidak pernah ditampilkan ke publik)"),
            {"fields": ["contact_email", "contact_phone", "notes"]},
        ),
        (_("Riwayat"), {"fields": ["created_at", "updated_at", "history_reason"]}),
    ]

    @admin.display(description=_("desa/kelurahan — kecamatan"), ordering="desa__name")
    def desa_kecamatan(self, kim):
        return desa_label(kim.desa)

    def get_search_results(self, request, queryset, search_term):
        """Every word in the KIM's stored search text (KimSearchText: one narrow table, no desa
        read); Django's own search, without joins, for fields that text does not hold or a
        quoted phrase that could span two of them."""
        found = words(search_term)
        if tuple(self.get_search_fields(request)) != KimSearchText.FIELDS or any(SEPARATOR in w for w in found):
            return search_without_joins(self, request, queryset, search_term)
        if not found:
            return queryset, False
        texts = KimSearchText.objects.matching(found)
        searched = queryset.filter(pk__in=texts.values("kim_id"))
        if not queryset.query.has_filters():  # the whole register: its rows are the texts' KIM
            request.kim_search = (searched, texts)  # for get_paginator, a request's own
        return searched, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The list's paginator; a search of the whole register (no list filter, a user who sees
        every kabupaten) counted by its search texts alone. Each text's KIM exists (a foreign key),
        so they are as many as the KIM the list shows, and PostgreSQL need not look each one up
        among the KIM: `Bench 12` (2,475 found) counted in 1.0 ms instead of 2.9
        (docs/benchmarks.md)."""
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        searched, texts = getattr(request, "kim_search", (None, None))
        if searched is queryset:  # the list is the search's result as it left get_search_results
            paginator.count = texts.count()
        return paginator

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.select_related("desa__kecamatan")  # history_labels names each desa's kecamatan

    def save_model(self, request, obj, form, change):
        if not change and obj.is_accepted:
            obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()  # staff entering a KIM vouch for it
        obj._change_reason = form.cleaned_data.get("history_reason") or None  # read by django-simple-history
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:  # new, changed and deleted pengurus alike
            inline_form.instance._change_reason = form.cleaned_data.get("history_reason") or None
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("status"), boolean=False)
    def status(self, kim):
        """Translated here, once: Django compares a cell's value with five empty values before
        writing it, and a lazy string would be translated again at each comparison."""
        if not kim.is_accepted:
            return str(kim.get_review_status_display())
        if kim.is_active:
            return gettext("Aktif")
        if kim.inactive_since:
            return gettext("Tidak aktif sejak %(day)s") % {"day": kim.inactive_since.strftime("%d-%m-%Y")}
        return gettext("Belum terbentuk")


@admin.register(Pengurus)
class PengurusAdmin(StaffHistoryAdmin):
    list_display = ["name", "role", "kim"]
    list_filter = ["role"]
    list_select_related = ["kim"]
    search_fields = ["name", "kim__name"]
    autocomplete_fields = ["kim"]


class StaffKabupatenInline(StaffScopeMixin, SafeAutocompleteMixin, admin.TabularInline):
    """A user's kabupaten on their page, like a field officer's kecamatan; only superusers change it."""

    model = StaffKabupaten
    extra = 1
    fields = ["kabupaten", "whole_province"]
    autocomplete_fields = ["kabupaten"]
    verbose_name_plural = _("wilayah kerja staf (kabupaten/kota)")

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(StaffKabupaten)
class StaffKabupatenAdmin(StaffScopeMixin, SafeInitialMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """Who works for which kabupaten. Only superusers assign: staff must not widen their own scope."""

    list_display = ["user", "kabupaten", "whole_province", "assigned_at"]
    list_filter = ["whole_province"]
    list_select_related = ["user", "kabupaten"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "kabupaten__name", "kabupaten__code"]
    autocomplete_fields = ["user", "kabupaten"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# --- KIM vitality and KIM.id (issue 13): an additive block, kept apart for easy merges. ---
from .models import KimActivity  # noqa: E402


class KimActivityInlineForm(LimitedTextForm):
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


class KimActivityInline(StaffScopeMixin, admin.TabularInline):
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
class KimActivityAdmin(DecisionMixin, StaffHistoryAdmin):
    """An officer's entry from the phone waits for review (DecisionMixin); only accepted entries
    count for vitality. Staff's own entries are accepted at once."""

    list_display = ["date", "kim", "kind", "entered_by", "review_status"]
    list_filter = ["review_status", "kind", "date"]
    list_select_related = ["kim", "entered_by"]
    search_fields = ["kim__name", "note"]
    autocomplete_fields = ["kim"]
    readonly_fields = [
        "entered_by",
        "created_at",
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
        "corrected_item",
        "correction_items",
    ]
    exclude = ["corrects"]  # shown read-only: set by the phone, never chosen here
    date_hierarchy = "date"

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
KimAdmin.history_with = {**KimAdmin.history_with, KimActivity: "kim"}  # entries made on the KIM's page too
KimAdmin.save_formset = _save_activity_formset(KimAdmin.save_formset)
_after_sk = next(i for i, (_name, options) in enumerate(KimAdmin.fieldsets) if "sk_number" in options["fields"]) + 1
KimAdmin.fieldsets = [
    *KimAdmin.fieldsets[:_after_sk],
    (_("Masa bakti"), {"fields": ["sk_issued_by", "sk_term_end"]}),
    (_("KIM.id"), {"fields": ["kimid_number", "kimid_url"]}),
    *KimAdmin.fieldsets[_after_sk:],
]


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
    """Staff's to-do list: KIM gone quiet (vakum), whose SK term ended, or whose term ends within
    SK_TERM_WARNING_DAYS days, today (the inbox links each)."""

    title = _("vitalitas hari ini")
    parameter_name = "vitalitas"
    SK_SOON = "sk_segera"

    def lookups(self, request, model_admin):
        from .vitality import Vitality

        return [
            (Vitality.QUIET.value, _("Vakum")),
            (Vitality.SK_ENDED.value, _("SK berakhir, perlu SK baru")),
            (self.SK_SOON, _("Masa bakti SK berakhir dalam 90 hari")),
        ]

    def queryset(self, request, queryset):
        from .vitality import Vitality

        today = timezone.localdate()
        if self.value() in (Vitality.QUIET, Vitality.SK_ENDED):
            return queryset.in_vitality(today, self.value())
        if self.value() == self.SK_SOON:
            return queryset.sk_term_ending_soon(today)
        return queryset


KimAdmin.list_filter = [*KimAdmin.list_filter, VitalityFilter]
