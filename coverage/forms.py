"""The public form *Kami ingin membentuk KIM* on /membentuk-kim/ (coverage.models.Wish)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Desa, Kabupaten

from .models import Wish, validate_phone

# Above this many desa/kelurahan the form asks for a kecamatan first (a province's select is too long).
DESA_CHOICES_MAX = 600


def portal_desa():
    return Desa.objects.filter(kecamatan__kabupaten__in=Kabupaten.objects.in_portal())


def desa_choices(desa_qs) -> list:
    """Desa grouped by kecamatan, as <optgroup>s: "Kecamatan Cempaga" → "Desa Patai"."""
    groups: dict[str, list] = {}
    for desa in desa_qs.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(f"{_('Kecamatan')} {desa.kecamatan.name}", []).append((desa.code, str(desa)))
    return [("", _("— pilih desa/kelurahan —")), *groups.items()]


class WishForm(forms.Form):
    name = forms.CharField(label=_("Nama Anda"), max_length=Wish.NAME_MAX)
    desa = forms.CharField(label=_("Desa/kelurahan"), max_length=20, widget=forms.Select)
    phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"),
        required=False,
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    role = forms.ChoiceField(label=_("Peran Anda di masyarakat"), choices=[("", "—"), *Wish.Role.choices])
    people = forms.IntegerField(
        label=_("Berapa orang yang siap bergabung?"),
        min_value=1,
        max_value=Wish.PEOPLE_MAX,
        help_text=_("Termasuk Anda; perkiraan saja."),
    )
    message = forms.CharField(
        label=_("Pesan (opsional)"),
        required=False,
        max_length=Wish.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Misalnya kapan warga bisa berkumpul. Paling banyak 1.000 karakter."),
    )
    consent = forms.BooleanField(
        label=_(
            "Saya setuju nama dan kontak saya disimpan dan dibaca staf Diskominfo untuk menindaklanjuti "
            "minat ini, sesuai keterangan di atas."
        ),
        error_messages={"required": _("Centang persetujuan agar kami boleh menyimpan kontak Anda.")},
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by bots. A filled one is refused quietly.
    website = forms.CharField(label=_("Jangan diisi"), required=False, max_length=200)

    def __init__(self, *args, kecamatan=None, kabupaten=None, **kwargs):
        """Desa choices of `kecamatan`, or of `kabupaten`, or of the whole portal (when not too many)."""
        super().__init__(*args, **kwargs)
        self.desa_qs = portal_desa()
        shown = self.desa_qs
        if kecamatan is not None:
            shown = shown.filter(kecamatan=kecamatan)
        elif kabupaten is not None:
            shown = shown.filter(kecamatan__kabupaten=kabupaten)
        self.asks_kecamatan_first = kecamatan is None and shown.count() > DESA_CHOICES_MAX
        self.fields["desa"].widget.choices = [] if self.asks_kecamatan_first else desa_choices(shown)
        self.fields["desa"].widget.attrs.pop("maxlength", None)  # a select has none (the field still checks it)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_desa(self):
        code = self.cleaned_data["desa"]
        desa = self.desa_qs.select_related("kecamatan").filter(code=code).first()
        if desa is None:
            if Desa.objects.filter(code=code).exists():
                raise ValidationError(_("Desa/kelurahan ini berada di luar wilayah portal ini."))
            raise ValidationError(_("Desa/kelurahan tidak dikenal. Pilih dari daftar."))
        return desa

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone:
            validate_phone(phone)
            compact = phone.replace(" ", "").replace("-", "").replace(".", "")
            return compact
        return phone

    def clean(self):
        data = super().clean()
        if not self.errors.get("phone") and not self.errors.get("email"):
            if not data.get("phone") and not data.get("email"):
                self.add_error("phone", _("Isi nomor telepon/WhatsApp atau e-mail (salah satu cukup)."))
        return data
