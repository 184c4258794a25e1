from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No KIM predates the programme; earlier days only invite date arithmetic overflows (year 1 in UTC+7).
EARLIEST_DAY = date(2000, 1, 1)


class AsOfForm(forms.Form):
    """The `tanggal` query parameter: the day the coverage is shown for."""

    tanggal = forms.DateField(
        label=_("Keadaan per tanggal"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tanggal tidak valid. Gunakan bentuk TTTT-BB-HH, misalnya 2022-03-25.")},
    )

    def clean_tanggal(self):
        day = self.cleaned_data["tanggal"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        if day < EARLIEST_DAY:
            raise forms.ValidationError(_("Tanggal paling awal adalah 1 Januari 2000."))
        return day
