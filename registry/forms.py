"""Forms shared by the admin and the field area for a KIM's pengurus."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Pengurus


class PengurusFormSet(BaseInlineFormSet):
    """A KIM's pengurus, with at most one ketua among the rows kept."""

    def clean(self):
        super().clean()
        ketua = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Pengurus.Role.KETUA
        ]
        if len(ketua) > 1:
            raise ValidationError(_("Satu KIM hanya boleh memiliki satu ketua."))
