"""Forms of the field officers' area (/petugas/): every choice is limited to the officer's kecamatan."""

from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_DAY
from coverage.models import (
    DEFAULT_TIME,
    LOCATION_ACCURACY_MAX,
    LOCATION_FIELDS,
    FieldReport,
    OfficerAssignment,
    OutreachEvent,
    planning_horizon,
)
from registry.forms import PengurusFormSet
from registry.models import Desa, Kim, KimActivity, Pengurus

from .photos import clean_photo
from .services import (
    HeldEvent,
    Location,
    planned_event_of,
    refused_activity,
    refused_proposal,
    refused_report,
    report_naming_plan,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to FIELD_PHOTOS_PER_REPORT photos, each checked and re-encoded by field.photos."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.FIELD_PHOTOS_PER_REPORT
        if len(files) > limit:
            raise ValidationError(_("Paling banyak %(n)d foto per laporan.") % {"n": limit}, code="too_many")
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_photo(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _starts_at(day, at=None):
    return timezone.make_aware(datetime.combine(day, at or DEFAULT_TIME))


def generated_title(*, kind: str, kecamatan, desa=None) -> str:
    """A title for an event the officer left untitled: "Sosialisasi KIM di Desa Tehang"."""
    label = OutreachEvent.Kind(kind).label if kind != OutreachEvent.Kind.LAINNYA else _("Kegiatan")
    place = str(desa) if desa else _("Kecamatan %(name)s") % {"name": kecamatan}
    return _("%(kind)s KIM di %(place)s") % {"kind": label, "place": place}


class DesaSelect(forms.Select):
    """Each desa option names its kecamatan (data-kecamatan), so field.js can narrow the list."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if instance := getattr(value, "instance", None):
            option["attrs"]["data-kecamatan"] = instance.kecamatan_id
        return option


class PlannedEventSelect(forms.Select):
    """Each planned event option carries what a report of it starts from (field.js fills the form)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if event := getattr(value, "instance", None):
            option["attrs"].update(
                {
                    "data-title": event.title,
                    "data-kind": event.kind,
                    "data-kecamatan": event.kecamatan_id,
                    "data-desa": event.desa_id or "",
                    "data-venue": event.venue,
                    "data-day": min(event.day, timezone.localdate()).isoformat(),
                }
            )
        return option


def client_id_field():
    """The idempotency key made by the phone (field.js); a page without JavaScript gets one from the server."""
    return forms.UUIDField(label=_("Kode kiriman"), widget=forms.HiddenInput, required=False)


NOT_REFUSED = _("Kiriman yang hendak diperbaiki tidak ditemukan, atau tidak ditolak staf.")


def corrects_field():
    """The client id of the refused item this one corrects ("Perbaiki dan kirim ulang")."""
    return forms.UUIDField(label=_("Memperbaiki kiriman"), widget=forms.HiddenInput, required=False)


class CorrectsMixin:
    """A form whose submission may correct a refused item of the same officer: `corrects` holds its
    client id, and is cleaned to the item itself (`find_refused(client_id=, user=)`)."""

    find_refused = None

    def clean_corrects(self):
        client_id = self.cleaned_data.get("corrects")
        if client_id is None:
            return None
        if (refused := type(self).find_refused(client_id=client_id, user=self.user)) is None:
            raise ValidationError(NOT_REFUSED)
        return refused


class ModelErrorsMixin:
    def add_model_errors(self, error: ValidationError, mapping: dict | None = None):
        """Show a model's or service's ValidationError on the form's own fields."""
        mapping = {"starts_at": "day", **(mapping or {})}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            target = mapping.get(field, field)
            self.add_error(target if target in self.fields else None, messages)


class ScopedForm(ModelErrorsMixin, forms.Form):
    """Limits kecamatan, desa, KIM and event choices to where `user` is assigned."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kecamatan = OfficerAssignment.objects.kecamatan_of(user)
        if "kecamatan" in self.fields:
            self.fields["kecamatan"].queryset = self.kecamatan
        if "desa" in self.fields:
            self.fields["desa"].widget = DesaSelect()
            self.fields["desa"].queryset = Desa.objects.filter(kecamatan__in=self.kecamatan).select_related("kecamatan")
            self.fields["desa"].label_from_instance = lambda d: f"{d} ({d.kecamatan})"


class PlanEventForm(ScopedForm):
    client_id = client_id_field()
    title = forms.CharField(
        label=_("Judul kegiatan"),
        max_length=200,
        required=False,
        help_text=_("Boleh dikosongkan: judul dibuat dari jenis dan tempat kegiatan."),
    )
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=OutreachEvent.Kind.choices)
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=None)
    desa = forms.ModelChoiceField(label=_("Desa/kelurahan (opsional)"), queryset=None, required=False)
    day = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("Jam"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    venue = forms.CharField(label=_("Tempat"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["day"].widget.attrs["max"] = planning_horizon().isoformat()

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate() and not self.already_reported():
            raise ValidationError(_("Tanggal rencana tidak boleh di masa lalu."))
        return day

    def already_reported(self) -> bool:
        """A plan made offline whose report arrived first: its day may have passed since."""
        client_id = self.cleaned_data.get("client_id")
        return report_naming_plan(client_id=client_id, user=self.user) is not None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        title = data.get("title") or generated_title(
            kind=data["kind"], kecamatan=data["kecamatan"], desa=data.get("desa")
        )
        self.instance = OutreachEvent(
            title=title,
            kind=data["kind"],
            status=OutreachEvent.Status.PLANNED,
            starts_at=_starts_at(data["day"], data.get("at")),
            kecamatan=data["kecamatan"],
            desa=data.get("desa"),
            venue=data.get("venue", ""),
            responsible=self.user,
        )
        try:
            self.instance.full_clean()
        except ValidationError as error:
            self.add_model_errors(error)
        return data


class ReportForm(CorrectsMixin, ScopedForm):
    """A held event: either one the officer planned (`event`, or `plan` while the plan still waits
    in the phone's outbox) or a new one."""

    find_refused = staticmethod(refused_report)

    client_id = forms.UUIDField(label=_("Kode laporan"), widget=forms.HiddenInput)
    corrects = corrects_field()
    # Filled by field.js when the officer chooses a plan still waiting in the phone's outbox.
    plan = forms.UUIDField(label=_("Rencana di HP"), widget=forms.HiddenInput, required=False)
    event = forms.ModelChoiceField(
        label=_("Kegiatan yang direncanakan"),
        queryset=None,
        required=False,
        empty_label=_("— kegiatan baru (tidak direncanakan) —"),
        widget=PlannedEventSelect,
    )
    title = forms.CharField(
        label=_("Judul kegiatan"),
        max_length=200,
        required=False,
        help_text=_("Boleh dikosongkan: judul dibuat dari jenis dan tempat kegiatan."),
    )
    kind = forms.ChoiceField(
        label=_("Jenis kegiatan"), choices=[("", "—"), *OutreachEvent.Kind.choices], required=False
    )
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=None, required=False)
    desa = forms.ModelChoiceField(label=_("Desa/kelurahan (opsional)"), queryset=None, required=False)
    day = forms.DateField(label=_("Tanggal pelaksanaan"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    kims = forms.ModelMultipleChoiceField(
        label=_("KIM yang terlibat"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.IntegerField(label=_("Jumlah peserta"), min_value=0, required=False)
    participants_women = forms.IntegerField(label=_("Peserta perempuan (bila diketahui)"), min_value=0, required=False)
    participants_men = forms.IntegerField(label=_("Peserta laki-laki (bila diketahui)"), min_value=0, required=False)
    summary = forms.CharField(
        label=_("Ringkasan"), max_length=OutreachEvent.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(
        label=_("Hasil"), max_length=OutreachEvent.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up = forms.CharField(
        label=_("Tindak lanjut"),
        max_length=OutreachEvent.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    photos = PhotosField(label=_("Foto (JPEG/PNG, paling banyak 3)"), required=False)
    # Filled by field.js when the officer taps "Catat lokasi saya"; for staff only.
    latitude = forms.DecimalField(
        label=_("Lokasi (lintang)"),
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Lokasi (bujur)"),
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    location_accuracy = forms.IntegerField(
        label=_("Lokasi (akurasi, m)"),
        min_value=0,
        max_value=LOCATION_ACCURACY_MAX,
        required=False,
        widget=forms.HiddenInput,
    )
    located_at = forms.DateTimeField(label=_("Lokasi (waktu)"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (
            OutreachEvent.objects.planned().filter(kecamatan__in=self.kecamatan).select_related("kecamatan")
        )
        self.fields["event"].label_from_instance = lambda e: f"{e} – {e.kecamatan}"
        self.fields["kims"].queryset = Kim.objects.filter(desa__kecamatan__in=self.kecamatan).select_related("desa")
        self.fields["day"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_client_id(self):
        # The officer's own earlier delivery is answered before validation (see field.views.report_submit).
        if FieldReport.objects.filter(client_id=self.cleaned_data["client_id"]).exists():
            raise ValidationError(_("Kode laporan ini sudah dipakai. Muat ulang formulir dan kirim lagi."))
        return self.cleaned_data["client_id"]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal pelaksanaan tidak boleh di masa depan."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("event") and data.get("plan"):  # the plan arrived first: report its event
            data["event"] = planned_event_of(client_id=data["plan"], user=self.user)
        if not data.get("event"):
            for field in ("kind", "kecamatan"):
                if field not in self.errors and not data.get(field):
                    self.add_error(field, _("Wajib diisi untuk kegiatan yang tidak direncanakan."))
            if not data.get("title") and data.get("kind") and data.get("kecamatan"):
                data["title"] = generated_title(kind=data["kind"], kecamatan=data["kecamatan"], desa=data.get("desa"))
        given = [name for name in LOCATION_FIELDS if data.get(name) is not None]
        if given and len(given) < len(LOCATION_FIELDS) and not any(name in self.errors for name in LOCATION_FIELDS):
            self.add_error(None, _("Lokasi tidak lengkap. Tekan “Catat lokasi saya” lagi, atau hapus lokasinya."))
        return data

    def location(self) -> Location | None:
        data = self.cleaned_data
        if data.get("latitude") is None:
            return None
        return Location(
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy=data["location_accuracy"],
            at=data["located_at"],
        )

    def submission(self) -> dict:
        """The keyword arguments of field.services.submit_report, all but the user."""
        return {
            "client_id": self.cleaned_data["client_id"],
            "event": self.reported_event(),
            "held": self.held(),
            "kims": list(self.cleaned_data["kims"]),
            "photos": self.cleaned_data["photos"],
            "location": self.location(),
            "corrects": self.cleaned_data.get("corrects"),
            "plan_client_id": self.cleaned_data.get("plan"),
        }

    def reported_event(self) -> OutreachEvent:
        """The planned event reported, or a new (unsaved) one for an unplanned event."""
        data = self.cleaned_data
        return data["event"] or OutreachEvent(
            title=data["title"], kind=data["kind"], kecamatan=data["kecamatan"], responsible=self.user
        )

    def held(self) -> HeldEvent:
        data = self.cleaned_data
        return HeldEvent(
            on=data["day"],
            desa=data.get("desa"),
            venue=data.get("venue", ""),
            participants=data.get("participants"),
            participants_women=data.get("participants_women"),
            participants_men=data.get("participants_men"),
            summary=data.get("summary", ""),
            outcome=data.get("outcome", ""),
            follow_up=data.get("follow_up", ""),
        )


class ProposeKimForm(CorrectsMixin, ModelErrorsMixin, forms.ModelForm):
    find_refused = staticmethod(refused_proposal)

    client_id = client_id_field()
    corrects = corrects_field()

    class Meta:
        model = Kim
        fields = ["name", "desa", "formed_on", "sk_number", "sk_date", "address", "contact_phone"]
        widgets = {
            "formed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sk_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kecamatan = OfficerAssignment.objects.kecamatan_of(user)
        self.fields["desa"].queryset = Desa.objects.filter(kecamatan__in=kecamatan).select_related("kecamatan")
        self.fields["desa"].label_from_instance = lambda d: f"{d} ({d.kecamatan})"


class AtLeastOnePengurusFormSet(PengurusFormSet):
    default_error_messages = {
        **PengurusFormSet.default_error_messages,
        "too_few_forms": _("Isi paling sedikit satu pengurus."),
    }


ProposedPengurusFormSet = inlineformset_factory(
    Kim,
    Pengurus,
    formset=AtLeastOnePengurusFormSet,
    fields=["name", "role", "phone"],
    extra=4,
    min_num=1,
    validate_min=True,
    max_num=15,
    validate_max=True,  # the form offers at most 15 rows; a hand-made POST with more is refused
    can_delete=False,
)


class ActivityForm(CorrectsMixin, ScopedForm):
    """What a KIM did, logged by an officer: the KIM choices are those of the officer's kecamatan."""

    find_refused = staticmethod(refused_activity)

    client_id = client_id_field()
    corrects = corrects_field()
    kim = forms.ModelChoiceField(
        label=_("KIM"),
        queryset=None,
        error_messages={"invalid_choice": _("KIM ini tidak ada di kecamatan tugas Anda. Pilih KIM dari daftar.")},
    )
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Jenis aktivitas"), choices=KimActivity.Kind.choices)
    link = forms.URLField(
        label=_("Tautan (opsional)"),
        max_length=KimActivity.LINK_MAX,
        required=False,
        assume_scheme="https",
        help_text=_("Alamat berita di situs KIM.id atau unggahan media sosial (https://...)."),
    )
    note = forms.CharField(
        label=_("Catatan (opsional)"),
        max_length=KimActivity.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kims = Kim.objects.filter(desa__kecamatan__in=self.kecamatan, review_status=Kim.Review.ACCEPTED)
        self.fields["kim"].queryset = kims.select_related("desa").order_by("name", "pk")
        self.fields["kim"].label_from_instance = lambda k: f"{k.name} ({k.desa.name})"
        self.fields["date"].widget.attrs.update(
            {"min": EARLIEST_DAY.isoformat(), "max": timezone.localdate().isoformat()}
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal aktivitas tidak boleh setelah hari ini."))
        if day < EARLIEST_DAY:
            raise ValidationError(
                _("Tanggal aktivitas tidak boleh sebelum %(day)s.") % {"day": EARLIEST_DAY.strftime("%d-%m-%Y")}
            )
        return day

    def submission(self) -> dict:
        """The keyword arguments of services.log_activity."""
        data = self.cleaned_data
        return {
            "client_id": data["client_id"],
            "kim": data["kim"],
            "on": data["date"],
            "kind": data["kind"],
            "link": data["link"],
            "note": data["note"],
            "corrects": data.get("corrects"),
        }


def report_initial(report: FieldReport) -> dict:
    """A correction of refused `report` starts from what was sent (the photos are chosen again)."""
    event = report.event
    return {
        "corrects": report.client_id,
        "title": event.title,
        "kind": event.kind,
        "kecamatan": event.kecamatan_id,
        "desa": event.desa_id,
        "day": event.day.isoformat(),  # as the date input reads it, whatever the language
        "venue": event.venue,
        "kims": list(event.kims.all()),
        "participants": event.participants,
        "participants_women": event.participants_women,
        "participants_men": event.participants_men,
        "summary": event.summary,
        "outcome": event.outcome,
        "follow_up": event.follow_up,
    }


def activity_initial(activity: KimActivity) -> dict:
    """A correction of refused `activity` starts from what was sent."""
    fields = ("kim", "date", "kind", "link", "note")
    return {"corrects": activity.client_id, **{name: getattr(activity, name) for name in fields}}


def proposal_initial(kim: Kim) -> tuple[dict, list[dict]]:
    """A correction of refused proposal `kim` starts from what was sent: the KIM and its pengurus."""
    fields = ProposeKimForm.Meta.fields
    initial = {"corrects": kim.field_submission.client_id, **{name: getattr(kim, name) for name in fields}}
    initial["desa"] = kim.desa_id
    pengurus = [{"name": p.name, "role": p.role, "phone": p.phone} for p in kim.pengurus.all()]
    return initial, pengurus
