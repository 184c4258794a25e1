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

from datetime import date, datetime

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


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


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _possible(self.field, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _possible(self.field, value), attr)


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


class HistoryValues(HistoricalRecordContextHelper):
    """A history page's old → new values as the admin shows them: choice labels, local dates, — for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):  # an empty key, or a related object since deleted
            if value.pk is None:
                return "—"
            return _("%(model)s yang sudah dihapus (id %(pk)s)") % {
                "model": value.model._meta.verbose_name,
                "pk": value.pk,
            }
        if value is None or value == "":
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return pgettext_lazy("riwayat", "ya") if value else pgettext_lazy("riwayat", "tidak")
        if isinstance(value, datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, date):
            return formats.date_format(value, "DATE_FORMAT")
        return super().prepare_delta_change_value(change, value)


class SafeHistoryAdmin(SafeInitialMixin, SimpleHistoryAdmin):
    """django-simple-history's admin, answering 404 (not 500) to an id its model could never hold,
    with add forms prefilled safely (SafeInitialMixin) and values shown in Indonesian (HistoryValues)."""

    def _check_id(self, object_id):
        if not _possible(_PkField(self.model), [object_id]):
            raise Http404(_("Data tidak ditemukan."))

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(historical_record.instance_type, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._check_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_id(object_id)
        if not str(version_id).isdigit() or len(str(version_id)) > 18:
            raise Http404(_("Data tidak ditemukan."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class _PkField:
    """Looks like a relation to `model`'s primary key, for `_possible`."""

    def __init__(self, model):
        self.remote_field = type("Remote", (), {"model": model, "field_name": model._meta.pk.name})
