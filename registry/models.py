"""Regions (kabupaten, kecamatan, desa/kelurahan) and the KIM that serve them."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import validate_in_range

KABUPATEN_CODE_RE = re.compile(r"^\d{2}\.\d{2}$")


PHONE_RE = re.compile(r"^(\+62|62|0)[1-9][0-9]{7,12}$")


def normalize_phone(value: str) -> str:
    """Drop the spaces, dots, dashes and brackets people type inside phone numbers."""
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value: str):
    if value and not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Nomor telepon tidak valid. Contoh: 0812 3456 7890 atau +62 531 21000."),
            code="invalid_phone",
        )


class KabupatenQuerySet(models.QuerySet):
    def portal_or_none(self):
        """The kabupaten this portal serves (settings.KIM_KABUPATEN_CODE), if loaded."""
        return self.filter(code=settings.KIM_KABUPATEN_CODE).first()


class Kabupaten(models.Model):
    """A kabupaten or kota, e.g. 62.02 Kabupaten Kotawaringin Timur."""

    code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    province_name = models.CharField(_("provinsi"), max_length=100)

    objects = KabupatenQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return self.name


class Kecamatan(models.Model):
    """A kecamatan (district), e.g. 62.02.04 Parenggean."""

    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kabupaten = models.ForeignKey(Kabupaten, models.PROTECT, related_name="kecamatan", verbose_name=_("kabupaten/kota"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coverage:kecamatan-detail", args=[self.code])


class Desa(models.Model):
    """A desa or kelurahan, e.g. 62.02.04.1004 Kelurahan Parenggean."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    kecamatan = models.ForeignKey(Kecamatan, models.PROTECT, related_name="desa", verbose_name=_("kecamatan"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @staticmethod
    def kind_for_code(code: str) -> str:
        """Kemendagri marks a kelurahan with a leading 1 in the last segment, a desa with 2."""
        return Desa.Kind.KELURAHAN if code.rsplit(".", 1)[-1].startswith("1") else Desa.Kind.DESA


class Tier(models.Model):
    """A level of KIM maturity. No official names exist, so staff keep this table."""

    name = models.CharField(_("nama"), max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(_("urutan"), default=1)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("tingkatan KIM")
        verbose_name_plural = _("tingkatan KIM")

    def __str__(self):
        return self.name


def history_reason(what, reason: str) -> str:
    """A history entry's reason (at most 100 characters): "ditolak: <the reason>"."""
    text = f"{what}: {reason}" if reason else str(what)
    return text if len(text) <= 100 else text[:99] + "…"


class KimQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(review_status=Kim.Review.VERIFIED)

    def public(self):
        """What the public pages and open data show: verified KIM only, never open proposals."""
        return self.verified()

    def pending(self):
        """Proposed by a field officer and not yet verified by staff."""
        return self.filter(review_status=Kim.Review.PENDING)

    def refused(self):
        """Proposals staff refused, with their reason (review_note)."""
        return self.filter(review_status=Kim.Review.REFUSED)

    def active_on(self, day: date):
        """Verified KIM formed on or before `day` and not yet inactive on that day.

        Every coverage number goes through here, so a KIM proposed by a field
        officer counts only once staff have verified it.
        """
        return (
            self.verified()
            .filter(formed_on__lte=day)
            .filter(Q(inactive_since__isnull=True) | Q(inactive_since__gt=day))
        )

    def with_active_on(self, day: date):
        """Annotate each KIM with `active_then`: whether `active_on(day)` counts it."""
        return self.annotate(active_then=Exists(Kim.objects.active_on(day).filter(pk=OuterRef("pk"))))

    def formed_by(self, day: date):
        """KIM formed on or before `day`, active or not, verified or still a proposal.

        A field officer's proposal is a KIM formed and waiting for verification:
        the "KIM terbentuk" stage of its kecamatan. A refused proposal is no KIM.
        """
        return self.filter(formed_on__lte=day).exclude(review_status=Kim.Review.REFUSED)

    def in_kabupaten(self, kabupaten):
        return self.filter(desa__kecamatan__kabupaten=kabupaten)

    def for_staff(self, user):
        """The KIM of the kabupaten `user` works for (registry.scope)."""
        from .scope import for_staff

        return for_staff(self, user)


class Kim(models.Model):
    """A Kelompok (Komunitas) Informasi Masyarakat serving one desa/kelurahan."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Menunggu verifikasi")
        VERIFIED = "verified", _("Terverifikasi")
        REFUSED = "refused", _("Ditolak")

    # Free text: at most this many characters, checked for every writer (full_clean);
    # public pages also cut longer rows stored before the limits.
    REASON_MAX = 1000
    ADDRESS_MAX = 500
    NOTES_MAX = 5000

    name = models.CharField(_("nama KIM"), max_length=200)
    desa = models.ForeignKey(
        Desa,
        models.PROTECT,
        related_name="kims",
        verbose_name=_("desa/kelurahan"),
        help_text=_("Desa/kelurahan yang dilayani; kecamatannya mengikuti."),
    )
    tier = models.ForeignKey(
        Tier, models.PROTECT, null=True, blank=True, related_name="kims", verbose_name=_("tingkatan")
    )
    sk_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True, validators=[validate_in_range])
    formed_on = models.DateField(_("tanggal terbentuk"), validators=[validate_in_range])
    inactive_since = models.DateField(
        _("tidak aktif sejak"),
        null=True,
        blank=True,
        validators=[validate_in_range],
        help_text=_("Kosongkan selama KIM masih aktif."),
    )
    inactive_reason = models.TextField(
        _("alasan tidak aktif"), blank=True, max_length=REASON_MAX, validators=[MaxLengthValidator(REASON_MAX)]
    )
    address = models.TextField(
        _("alamat sekretariat"), blank=True, max_length=ADDRESS_MAX, validators=[MaxLengthValidator(ADDRESS_MAX)]
    )
    website = models.URLField(_("situs web"), blank=True)
    facebook = models.URLField(_("Facebook"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True)
    youtube = models.URLField(_("YouTube"), blank=True)
    # Private: never shown on public pages or in open data.
    contact_email = models.EmailField(_("e-mail kontak (privat)"), blank=True)
    contact_phone = models.CharField(
        _("telepon kontak (privat)"), max_length=20, blank=True, validators=[validate_phone]
    )
    notes = models.TextField(
        _("catatan internal (privat)"), blank=True, max_length=NOTES_MAX, validators=[MaxLengthValidator(NOTES_MAX)]
    )
    review_status = models.CharField(
        _("verifikasi"),
        max_length=10,
        choices=Review.choices,
        default=Review.VERIFIED,
        help_text=_("KIM yang diusulkan petugas lapangan baru dihitung dalam cakupan setelah diverifikasi staf."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_kims",
        verbose_name=_("diusulkan oleh"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="verified_kims",
        verbose_name=_("diverifikasi oleh"),
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    review_note = models.TextField(
        _("alasan penolakan"),
        blank=True,
        max_length=REASON_MAX,
        validators=[MaxLengthValidator(REASON_MAX)],
        help_text=_("Diisi staf saat menolak usulan; petugas yang mengusulkan melihatnya."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = KimQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat KIM"), verbose_name_plural=_("riwayat KIM"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("KIM")
        verbose_name_plural = _("KIM")
        indexes = [models.Index(fields=["name"], name="registry_kim_name")]  # the admin's order
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_desa",
                violation_error_message=_("Sudah ada KIM dengan nama ini di desa/kelurahan tersebut."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coverage:kim-detail", args=[self.pk])

    def is_active_on(self, day: date) -> bool:
        if not self.is_verified or self.formed_on is None or self.formed_on > day:
            return False
        return self.inactive_since is None or self.inactive_since > day

    @property
    def is_verified(self) -> bool:
        return self.review_status == self.Review.VERIFIED

    def verify(self, *, by, when=None):
        """Staff confirm a proposed KIM: from now on it counts as coverage."""
        self.review_status = self.Review.VERIFIED
        self.verified_by = by
        self.verified_at = when or timezone.now()
        self._change_reason = "verifikasi"
        self.save()

    def refuse(self, *, by, reason: str):
        """Staff refuse a proposed KIM, saying why: it never counts, and its officer reads the reason."""
        self.review_status = self.Review.REFUSED
        self.review_note = self._meta.get_field("review_note").clean(reason, self)  # at most REASON_MAX characters
        self._change_reason = history_reason(_("ditolak"), reason)
        self.save()

    @property
    def awaits_decision(self) -> bool:
        """A proposal staff have neither verified nor refused."""
        return self.review_status == self.Review.PENDING

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    def clean(self):
        today = timezone.localdate()
        errors = {}
        for field in ("sk_date", "formed_on", "inactive_since"):
            value = getattr(self, field)
            if value and value > today:
                errors[field] = _("Tanggal tidak boleh di masa depan.")
        if self.sk_number and not self.sk_date:
            errors.setdefault("sk_date", _("Isi tanggal SK bila nomor SK diisi."))
        if self.sk_date and not self.sk_number:
            errors.setdefault("sk_number", _("Isi nomor SK bila tanggal SK diisi."))
        if self.inactive_since and self.formed_on and self.inactive_since < self.formed_on:
            errors.setdefault("inactive_since", _("Tanggal tidak aktif tidak boleh sebelum tanggal terbentuk."))
        if self.inactive_since and not self.inactive_reason.strip():
            errors["inactive_reason"] = _("Jelaskan mengapa KIM tidak aktif.")
        if self.inactive_reason.strip() and not self.inactive_since:
            errors.setdefault("inactive_since", _("Isi sejak kapan KIM tidak aktif."))
        if errors:
            raise ValidationError(errors)
        self.contact_phone = normalize_phone(self.contact_phone)


class Pengurus(models.Model):
    """A member of a KIM's board (pengurus)."""

    class Role(models.IntegerChoices):
        KETUA = 1, _("Ketua")
        WAKIL_KETUA = 2, _("Wakil ketua")
        SEKRETARIS = 3, _("Sekretaris")
        BENDAHARA = 4, _("Bendahara")
        ANGGOTA = 9, _("Anggota")

    kim = models.ForeignKey(Kim, models.CASCADE, related_name="pengurus", verbose_name=_("KIM"))
    name = models.CharField(_("nama"), max_length=150)
    role = models.PositiveSmallIntegerField(_("jabatan"), choices=Role.choices, default=Role.ANGGOTA)
    phone = models.CharField(_("nomor HP (privat)"), max_length=20, blank=True, validators=[validate_phone])

    history = HistoricalRecords(verbose_name=_("riwayat pengurus"), verbose_name_plural=_("riwayat pengurus"))

    class Meta:
        ordering = ["kim", "role", "name"]
        verbose_name = _("pengurus")
        verbose_name_plural = _("pengurus")
        constraints = [
            models.UniqueConstraint(
                fields=["kim"],
                condition=Q(role=1),
                name="%(app_label)s_%(class)s_one_ketua_per_kim",
                violation_error_message=_("Satu KIM hanya boleh memiliki satu ketua."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        self.phone = normalize_phone(self.phone)


class StaffKabupaten(models.Model):
    """A Diskominfo staff member works for this kabupaten/kota (or, as coordinator, its whole province).

    Superusers assign staff in the admin (Wilayah kerja staf, or inline on the
    user's page); registry.scope turns assignments into what each user sees.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_kabupaten", verbose_name=_("staf")
    )
    kabupaten = models.ForeignKey(
        Kabupaten, models.CASCADE, related_name="staff_assignments", verbose_name=_("kabupaten/kota")
    )
    whole_province = models.BooleanField(
        _("seluruh provinsi (koordinator)"),
        default=False,
        help_text=_("Centang untuk koordinator provinsi: melihat semua kabupaten/kota di provinsi ini."),
    )
    assigned_at = models.DateTimeField(_("ditugaskan pada"), auto_now_add=True)

    class Meta:
        ordering = ["user__username", "kabupaten__code"]
        verbose_name = _("wilayah kerja staf")
        verbose_name_plural = _("wilayah kerja staf")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kabupaten"],
                name="%(app_label)s_%(class)s_unique_user_kabupaten",
                violation_error_message=_("Staf ini sudah ditugaskan di kabupaten/kota tersebut."),
            ),
        ]

    def __str__(self):
        if self.whole_province:
            return _("%(user)s – seluruh Provinsi %(province)s") % {
                "user": self.user,
                "province": self.kabupaten.province_name,
            }
        return f"{self.user} – {self.kabupaten}"


def _register_staff_scope():
    from . import scope

    scope.register(Kabupaten, "pk")
    scope.register(Kecamatan, "kabupaten")
    scope.register(Desa, "kecamatan__kabupaten")
    scope.register(Kim, "desa__kecamatan__kabupaten")
    scope.register(Pengurus, "kim__desa__kecamatan__kabupaten")
    scope.register(StaffKabupaten, "kabupaten")


_register_staff_scope()
