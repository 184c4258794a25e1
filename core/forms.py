"""The day a page shows: `?tanggal=` in the URL, `on` in the code."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import EARLIEST_DAY, validate_in_range


class DayForm(forms.Form):
    """The `tanggal` query parameter: the day the coverage is shown for."""

    tanggal = forms.DateField(
        label=_("Keadaan per tanggal"),
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_in_range],
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST_DAY.isoformat()}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tanggal tidak valid. Gunakan bentuk TTTT-BB-HH, misalnya 2022-03-25.")},
    )

    def clean_tanggal(self):
        day = self.cleaned_data["tanggal"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return day


def requested_day(request) -> tuple[DayForm, date]:
    """(form, on): the day `?tanggal=` asks for, and today when it is missing or invalid.

    The one place that decides to fall back to today; the form carries the
    error for the page to show.
    """
    form = DayForm(request.GET)
    return form, (form.cleaned_data["tanggal"] if form.is_valid() else timezone.localdate())
