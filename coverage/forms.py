from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        return day
