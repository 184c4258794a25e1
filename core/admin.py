"""Admin autocomplete widgets and add forms that survive a hostile value.

Django's AutocompleteSelect re-renders a form with errors by looking the
posted values up in the database as they are: `tier=":"` raises ValueError
and a 30-digit id overflows SQLite, both a 500. These widgets drop values the
related key could never hold before the lookup (the form still reports the
field as invalid). ModelAdmins use them through SafeAutocompleteMixin.

The admin also prefills an add form from the query string as it is, and a
date-and-time widget cannot show a string (`?starts_at=x`, any value, was a
500); SafeInitialMixin keeps only values their field can hold.
"""

from datetime import date, datetime, time
from urllib.parse import parse_qsl

from django import forms
from django.apps import apps
from django.contrib.admin import AdminSite, helpers
from django.contrib.admin.templatetags.admin_list import ResultList, _coerce_field_name
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    unquote,
)
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from .links import reverse_arg
from .paginator import IdsFirstPaginator


def _possible(field, values):
    remote = field.remote_field.model._meta
    target = remote.get_field(getattr(field.remote_field, "field_name", None) or remote.pk.name)
    low, high = (
        connection.ops.integer_field_range(target.get_internal_type())
        if isinstance(target, models.IntegerField | models.AutoField)
        else (None, None)
    )
    kept = []
    for value in values:
        try:
            python = target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        if isinstance(python, int) and (low is not None and python < low or high is not None and python > high):
            continue
        kept.append(value)
    return kept


# select2 leaves its combobox and search box without an accessible name; this names them after the
# field's label. Listed after autocomplete.js so that media merging keeps it there.
# admin_desa_follows_kecamatan.js narrows a form's desa choices to its chosen kecamatan.
AUTOCOMPLETE_LABELS = forms.Media(
    js=["admin/js/autocomplete.js", "js/admin_autocomplete_labels.js", "js/admin_desa_follows_kecamatan.js"]
)


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, _possible(self.field, value), attr)
        # Valid HTML (W3C Nu), which Django's widget is not: a required select needs an option, and
        # its first one empty-valued; an empty option needs a text. So always a first "---------"
        # option, as Django's plain selects have; select2 shows its (empty) placeholder for it.
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = models.BLANK_CHOICE_DASH[0][1]
        else:
            options.insert(0, self.create_option(name, "", models.BLANK_CHOICE_DASH[0][1], False, 0))
        return groups

    @property
    def media(self):
        return super().media + AUTOCOMPLETE_LABELS


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _possible(self.field, value), attr)

    @property
    def media(self):
        return super().media + AUTOCOMPLETE_LABELS


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date-and-time widget with each of its two inputs named by the text beside it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = [context["date_label"], context["time_label"]]
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["attrs"]["aria-label"] = str(label).rstrip(":")
        return context


def _grouped(number: int) -> str:
    return formats.number_format(number, force_grouping=True)


class LimitedTextForm(forms.ModelForm):
    """A change form never shows more text than its field accepts.

    A row stored before the length limits (a 2 MB note) made its change page, and the history's
    revert page, 2 MB of HTML: the form showed it whole, only to refuse it on saving. Such a
    field shows its first `max_length` characters and says so; saving the form keeps them (the
    whole text stays in the history). Every admin form of the portal starts from here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            limit = getattr(field, "max_length", None)
            value = self.initial.get(name)
            if limit and isinstance(value, str) and len(value) > limit:
                self.initial[name] = value[:limit]
                field.help_text = gettext(
                    "Tersimpan %(stored)s karakter, lebih dari batas %(limit)s: yang tampil hanya "
                    "%(limit)s karakter pertama, dan menyimpan formulir ini menyimpan potongan itu. "
                    "Teks utuhnya tetap ada di riwayat."
                ) % {"stored": _grouped(len(value)), "limit": _grouped(limit)}


class LabelledWidgetsMixin:
    """Every input of the admin's forms has an accessible name (axe-core: label)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside RelatedFieldWidgetWrapper
        if type(inner) is AdminSplitDateTime:
            inner.__class__ = LabelledSplitDateTime
        return formfield


class SafeAutocompleteMixin:
    """Use the safe widgets for every field in `autocomplete_fields`."""

    def _make_safe(self, formfield):
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside RelatedFieldWidgetWrapper
        if type(inner) is AutocompleteSelect:
            inner.__class__ = SafeAutocompleteSelect
        elif type(inner) is AutocompleteSelectMultiple:
            inner.__class__ = SafeAutocompleteSelectMultiple
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._make_safe(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._make_safe(super().formfield_for_manytomany(db_field, request, **kwargs))


class SafeInitialMixin:
    """Prefill an add form only with query-string values its fields can hold, as Python values."""

    def get_changeform_initial_data(self, request):
        initial = {}
        for name, value in super().get_changeform_initial_data(request).items():
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is None or not field.concrete:
                initial[name] = value  # not a column (e.g. _changelist_filters): the admin's own business
                continue
            if field.many_to_many:
                initial[name] = _possible(field, value)
            elif field.is_relation:
                if _possible(field, [value]):
                    initial[name] = value
            else:
                try:
                    initial[name] = field.to_python(value)
                except (ValidationError, TypeError, ValueError):
                    pass
        return initial


EMPTY = pgettext_lazy("riwayat", "(kosong)")


class ShortDiff(ObjDiffDisplay):
    """Long text (a 2 MB note stored before the limits) is shown by its start, the first difference
    and its end, saying in Indonesian how much was left out."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        skipped = _("[… %(n)s karakter tidak ditampilkan …]") % {"n": formats.number_format(num_skipped_chars)}
        return f"{prefix}{skipped}{suffix}"


class HistoryValues(HistoricalRecordContextHelper):
    """A history page's old → new values as people read them: choice labels, dates in the page's
    language, names of related objects, "(kosong)" for empty, long text shortened."""

    MAX_CHARS = 160

    def __init__(self, model, historical_record, *, labels=None):
        super().__init__(model, historical_record, max_displayed_delta_change_chars=self.MAX_CHARS)
        self.labels = labels or {}  # {model: function(obj) -> label}, e.g. a desa with its kecamatan

    def get_obj_diff_display(self):
        return ShortDiff(max_length=self.max_displayed_delta_change_chars)

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            names = [str(item) for item in super().prepare_delta_change_value(change, value or [])]
            return ", ".join(names) or EMPTY
        if isinstance(value, DeletedObject):  # an empty key, or a related object since deleted
            if value.pk is None:
                return EMPTY
            return _("%(model)s yang sudah dihapus (id %(pk)s)") % {
                "model": value.model._meta.verbose_name,
                "pk": value.pk,
            }
        if value is None or value == "":
            return EMPTY
        if type(value) in self.labels:
            return self.labels[type(value)](value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return pgettext_lazy("riwayat", "ya") if value else pgettext_lazy("riwayat", "tidak")
        if isinstance(value, datetime):
            return formats.date_format(timezone.localtime(value), "j F Y, H.i")
        if isinstance(value, date):
            return formats.date_format(value, "j F Y")
        return super().prepare_delta_change_value(change, value)


def _object_pk(record):
    """The primary key of the object a historical record is a version of."""
    return getattr(record, record.instance_type._meta.pk.attname)


class PortalAdminSite(AdminSite):
    """The admin site, without Django's navigation sidebar: on staff's 1366 x 768 screen its list of
    every model took 300 px from the lists (the KIM list lost a column, the event list three:
    tests/browser/test_staff_lists.py). *Beranda*, in every page's breadcrumbs, lists them all.

    Django still builds that list for every page (`available_apps`, read only by the sidebar):
    about 2 ms of a KIM list page here (docs/benchmarks.md). Without the sidebar, it is left out.
    """

    enable_nav_sidebar = False

    def each_context(self, request):
        if self.enable_nav_sidebar:
            return super().each_context(request)
        script_name = request.META["SCRIPT_NAME"]  # the rest as Django's (tests/test_admin.py compares them)
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
            "log_entries": self.get_log_entries(request),
        }


# Rows on a page of an admin list of a national table. Django's default is 100; staff's 1366x768
# screen shows about 17, and each row cost about half a millisecond to render: 100 rows were about
# 45 of the event list's 70 ms (docs/benchmarks.md). NetBox pages by 50 too.
LIST_PER_PAGE = 50


class LongChangeList(ChangeList):
    """Django's ChangeList, with each row's link written without a resolve and from one reverse,
    and its rows' cells worked out once a column (`result_rows`, which templates/admin/
    change_list.html writes through {% long_result_list %}).

    Django reverses the change page's address for every row (core.links.reverse_arg does it once
    a page) and, on a filtered or searched list, resolves that address again
    (`add_preserved_filters`) only to learn it is not the list's own before appending the list's
    filters: together about 0.1 ms a row on the bench machine, 50 rows a page. Here each row's
    link already carries the filters, encoded as `add_preserved_filters` encodes them, and Django's
    row code has none left to add. The HTML is the same, character for character
    (tests/test_admin.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        filters = dict(parse_qsl(self.preserved_filters))  # what add_preserved_filters merges in
        self.preserved_filters = ""  # already in each row's link: items_for_result resolves nothing
        self._query = f"?{urlencode(filters)}" if filters else ""

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if type(pk) is int:  # Django quotes the id first: an int's digits stay as they are
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
            return reverse_arg(name, pk, current_app=self.model_admin.admin_site.name) + self._query
        return super().url_for_result(result) + self._query

    def result_rows(self) -> list[ResultList] | None:
        """The page's rows as Django's `admin_list.results` writes them, each row's cells joined in
        one string (the list's template writes a row's cells one after another, so the page is the
        same character for character: tests/test_admin.py). Django works out each cell's field,
        admin method, class and link again for every cell, about 40 µs a cell here, and the
        template then writes every cell apart; here that is done once a column (_Column). Each
        value is still shown by Django's own `display_for_field`/`display_for_value`. None for
        rows Django must write: editable rows (a form in each) and a popup's (a data attribute)."""
        if self.formset or self.is_popup:
            return None
        columns, linked = [], False
        for index, name in enumerate(self.list_display):
            column = _Column(self, index, name, first_link=not linked)
            linked = linked or column.link
            columns.append(column)
        return [ResultList(None, [mark_safe("".join([c.cell(row) for c in columns]))]) for row in self.result_list]


class _Column:
    """One column of a LongChangeList page, worked out once: what Django's `items_for_result`
    (django.contrib.admin.templatetags.admin_list) works out for each of its cells."""

    def __init__(self, changelist, index: int, name, *, first_link: bool):
        model_admin = changelist.model_admin
        self.changelist, self.name = changelist, name
        self.default_empty = self.empty = model_admin.get_empty_value_display()
        links = changelist.list_display_links
        self.link = links is not None and (first_link and not links or name in links)
        self.tag = "th" if self.link and first_link else "td"
        self.base_classes = self.classes = [f"field-{_coerce_field_name(name, index)}"]
        self.field = self.method = None
        try:
            self.field = _get_non_gfk_field(changelist.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if not callable(name) and name != "__str__" and hasattr(model_admin, name):
                self.method = getattr(model_admin, name)  # lookup_field's admin method, the same each row
                self.empty = getattr(self.method, "empty_value_display", self.empty)
                self.boolean = getattr(self.method, "boolean", False)
        else:
            if not self.field.auto_created and isinstance(
                self.field, models.DateField | models.TimeField | models.ForeignKey
            ):
                self.classes = [*self.classes, "nowrap"]
        if name == "action_checkbox" and self.field is None:
            self.classes = ["action-checkbox"]

    def cell(self, result) -> str:
        try:
            display, nowrap = self.display(result)
        except ObjectDoesNotExist:  # a related row gone: Django's empty value, the column's own class
            display, classes = self.default_empty, self.base_classes
        else:
            classes = [*self.classes, "nowrap"] if nowrap else self.classes
        text = conditional_escape(display)
        if self.link:
            try:
                url = self.changelist.url_for_result(result)  # with the list's filters (LongChangeList)
            except NoReverseMatch:
                pass
            else:
                text = f'<a href="{escape(url)}">{text}</a>'
        return f'<{self.tag} class="{" ".join(classes)}">{text}</{self.tag}>'

    def display(self, result) -> tuple[object, bool]:
        """The cell's value as Django shows it, and whether the cell is a date or time's (nowrap)."""
        field, empty = self.field, self.empty
        if field is not None and not field.auto_created:
            value = getattr(result, self.name)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if isinstance(field.remote_field, models.ManyToOneRel):
                related = getattr(result, field.name)
                return (empty if related is None else related), False
            return display_for_field(value, field, empty, avoid_link=self.link), False
        if self.method is not None:
            value, boolean = self.method(result), self.boolean
        else:  # a model field made by Django, a callable, an attribute or property of the row
            _field, attr, value = lookup_field(self.name, result, self.changelist.model_admin)
            empty = getattr(attr, "empty_value_display", empty)
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return display_for_value(value, empty, boolean), isinstance(value, date | time)


class LongListMixin:
    """A list of a national table: LIST_PER_PAGE rows a page, each row's link built from one
    reversed address and its cells once a column (LongChangeList), and each row's action checkbox
    written directly. Django renders that checkbox through the form template engine, a template
    per row: 40 % of the time a KIM list row took. The HTML is the same, character for character
    (tests/test_admin.py)."""

    list_per_page = LIST_PER_PAGE
    paginator = IdsFirstPaginator  # the page's rows joined to what they show, not every row found

    def get_changelist(self, request, **kwargs):
        return LongChangeList

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class SafeHistoryAdmin(LongListMixin, LabelledWidgetsMixin, SafeInitialMixin, SimpleHistoryAdmin):
    """django-simple-history's admin, answering 404 (not 500) to an id its model could never hold,
    with add forms prefilled safely (SafeInitialMixin) and values shown in Indonesian (HistoryValues).

    `history_with` names related models whose changes belong in this model's
    history page too, e.g. a KIM's pengurus edited inline: {model: its foreign key's name}.
    """

    form = LimitedTextForm
    history_with = {}
    history_labels = {}  # {model: function(obj) -> label}: how the history names a related row
    history_list_per_page = 25  # a page to read, and at most 25 versions (and their previous ones) in memory

    def scope_history(self, request, records, model):
        """The historical records of `model` this user may read; all of them unless a mixin narrows them."""
        return records

    def _check_id(self, object_id):
        if not _possible(_PkField(self.model), [object_id]):
            raise Http404(_("Data tidak ditemukan."))

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(historical_record.instance_type, historical_record, labels=self.history_labels)

    def history_view_title(self, request, obj):
        return _("Riwayat perubahan: %(obj)s") % {"obj": obj}

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        if self.history_with:
            return  # _history_with_context reads and compares the page's records itself
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)

    def history_view(self, request, object_id, extra_context=None):
        self._check_id(object_id)
        if self.history_with:
            extra_context = {**self._history_with_context(request, unquote(object_id)), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def _history_with_context(self, request, object_id):
        """The page of this object's history records and its related objects', newest first.

        Only keys are read for all records (a record may hold long text); the page's records and
        each one's previous version (to say what changed) are then read by id: a fixed number of
        queries, whatever the length of the history.
        """
        pk_name = self.opts.pk.attname
        sources = [self.get_history_queryset(request, self.model.history, pk_name, object_id)]
        for model, key in self.history_with.items():
            related = model.history.filter(**{f"{key}_id": object_id}).select_related("history_user")
            sources.append(self.scope_history(request, related, model)._select_related_history_tracked_objs())
        keys = []  # (date, history id, source, object's pk), oldest first within each object
        for index, records in enumerate(sources):
            object_pk = records.model.instance_type._meta.pk.attname
            rows = records.order_by().values_list("history_date", "history_id", object_pk)
            keys += [(when, history_id, index, pk) for when, history_id, pk in rows]
        keys.sort()
        previous, last = {}, {}  # each record's previous version of the same object
        for key in keys:
            when, history_id, index, pk = key
            if (index, pk) in last:
                previous[key] = last[(index, pk)]
            last[(index, pk)] = key
        keys.reverse()
        paginator = Paginator(keys, self.history_list_per_page)
        page_obj = paginator.get_page(request.GET.get(PAGE_VAR))
        wanted = {*page_obj.object_list, *(previous[key] for key in page_obj.object_list if key in previous)}
        loaded = {}
        for index, records in enumerate(sources):
            ids = [key[1] for key in wanted if key[2] == index]
            if ids:
                loaded.update({(index, record.history_id): record for record in records.filter(history_id__in=ids)})
        current = self.model._default_manager.filter(pk=object_id).first()  # what related rows point to
        page = []
        for key in page_obj.object_list:
            record = loaded.get((key[2], key[1]))
            if record is None:  # removed since its key was read (e.g. a purge of old history)
                continue
            model = record.instance_type
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history"
            record.version_url = reverse(name, args=[_object_pk(record), record.pk])
            if model is not self.model:
                record.kind_label = capfirst(model._meta.verbose_name)
                instance, to_current = record.history_object, self.history_with[model]
                if current is not None and getattr(instance, f"{to_current}_id") == current.pk:
                    setattr(instance, to_current, current)  # its name needs no query per row
                record.object_label = str(instance)
            older = loaded.get((key[2], previous[key][1])) if key in previous else None
            if older is not None:
                delta = record.diff_against(older, foreign_keys_are_objs=True)
                helper = self.get_historical_record_context_helper(request, record)
                record.history_delta_changes = helper.context_for_delta_changes(delta)
            page.append(record)
        page_obj.object_list = page
        return {
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "pagination_required": paginator.count > self.history_list_per_page,
        }

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_id(object_id)
        if not str(version_id).isdigit() or len(str(version_id)) > 18:
            raise Http404(_("Data tidak ditemukan."))
        records = self.get_history_queryset(request, self.model.history, self.opts.pk.attname, unquote(object_id))
        if not records.filter(history_id=version_id).exists():  # e.g. a row outside the user's scope
            raise Http404(_("Data tidak ditemukan."))
        if request.method == "POST" and not self.may_revert(request, unquote(object_id)):
            # django-simple-history saves a posted version after checking only the *view* permission;
            # a read-only user (the province coordinator) could rename a KIM by posting the page back.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request, object_id) -> bool:
        """Reverting to an old version is a change like any other: only for a user who may change the
        object as it is now (in their scope, with the change permission). The version's values then go
        through the same form, with the same scoped choices, as the change page's."""
        current = self.get_object(request, object_id)
        return current is not None and self.has_change_permission(request, current)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)


# django-axes' login records are for superusers only (no group holds their permissions); they see
# the section by a name they read rather than "Axes".
if apps.is_installed("axes"):
    apps.get_app_config("axes").verbose_name = _("Catatan percobaan masuk (Axes)")


class _PkField:
    """Looks like a relation to `model`'s primary key, for `_possible`."""

    def __init__(self, model):
        self.remote_field = type("Remote", (), {"model": model, "field_name": model._meta.pk.name})
