"""get_FOO_display() through core.models.ChoiceLabels says what Django's own says, in both languages."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core.models import ChoiceLabels
from coverage.models import OutreachEvent
from registry.models import Kim, KimActivity, Pengurus


def fields_with_choices():
    return [
        (model, field)
        for model in apps.get_models()
        if issubclass(model, ChoiceLabels)
        for field in model._meta.fields
        if field.choices is not None
    ]


def test_the_models_staff_and_the_public_read_in_lists_use_it():
    assert {OutreachEvent, Kim, KimActivity, Pengurus} <= {model for model, _field in fields_with_choices()}


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_choice_of_every_such_field_reads_as_djangos_own_display(language):
    checked = 0
    with translation.override(language):
        for model, field in fields_with_choices():
            for value, _label in [*field.flatchoices, ("tidak-ada", None)]:
                row = model(**{field.attname: value})
                ours = getattr(row, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(row, field), (model, field.name, value)
                assert type(ours) is str or ours == value  # translated text, not a lazy object
                checked += 1
    assert checked > 30


def test_a_label_is_in_the_language_of_the_request():
    event = OutreachEvent(kind=OutreachEvent.Kind.SOSIALISASI)
    with translation.override("id"):
        indonesian = event.get_kind_display()
    with translation.override("en"):
        english = event.get_kind_display()
    assert indonesian != english
