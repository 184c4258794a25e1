"""Admin autocomplete widgets that survive a hostile posted value.

Django's AutocompleteSelect re-renders a form with errors by looking the
posted values up in the database as they are: `tier=":"` raises ValueError
and a 30-digit id overflows SQLite, both a 500. These widgets drop values the
related key could never hold before the lookup (the form still reports the
field as invalid). ModelAdmins use them through SafeAutocompleteMixin.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connection, models


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
