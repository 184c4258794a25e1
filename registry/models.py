"""Regions (kabupaten, kecamatan, desa/kelurahan) and the KIM that serve them."""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import validate_in_range
from core.links import reverse_arg
from core.models import ChoiceLabels
from core.region import RegionKind, portal_region
from core.review import Review, Reviewed, ReviewQuerySet
from core.search import SEPARATOR, contains_lookup, joined

from .summary import KecamatanMonth, kecamatan_months, kim_months
from .vitality import Vitality, as_day, counts_for_coverage, last_sign_expression, vitality_expression, vitality_q

SK_TERM_WARNING_DAYS = 90  # a new SK takes a community meeting and the kepala desa's signature

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


# KIM.id (Kominfo/Komdigi's national KIM register): each KIM has a registration number
# and its own site on kim.id. Only https addresses on kim.id or a subdomain are accepted.
KIMID_URL_MAX = 200
KIMID_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./\-]{0,49}$")


def validate_kimid_url(value: str):
    """An https address on kim.id or *.kim.id, without user name or password, at most 200 characters."""
    from urllib.parse import urlsplit

    message = _("Alamat situs KIM.id harus https:// di kim.id, misalnya https://nama-kim.kim.id/.")
    if not value:
        return
    if len(value) > KIMID_URL_MAX:
        raise ValidationError(message, code="invalid_kimid_url")
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as error:
        raise ValidationError(message, code="invalid_kimid_url") from error
    if (
        parts.scheme != "https"
        or parts.username is not None
        or parts.password is not None
        or "@" in parts.netloc
        or port not in (None, 443)
        or not (host == "kim.id" or host.endswith(".kim.id"))
        or any(c.isspace() for c in value)
    ):
        raise ValidationError(message, code="invalid_kimid_url")


validate_kimid_number = RegexValidator(
    KIMID_NUMBER_RE,
    _("Nomor registrasi KIM.id hanya berisi huruf, angka, titik, garis miring dan tanda hubung (paling banyak 50)."),
    code="invalid_kimid_number",
)


class KabupatenQuerySet(models.QuerySet):
    def in_portal(self):
        """The loaded kabupaten/kota of the portal's region (settings.PORTAL_REGION): one for a
        kabupaten portal, those of the province, or all of them for the country."""
        return self.in_region(portal_region())

    def in_region(self, region):
        """The loaded kabupaten/kota of `region` (a core.region.PortalRegion)."""
        if region.kind is RegionKind.COUNTRY:
            return self.all()
        if region.kind is RegionKind.PROVINCE:
            return self.filter(code__startswith=region.code + ".")
        return self.filter(code=region.code)

    def portal_name(self) -> str:
        """The name of the portal's region: the kabupaten's, the province's, or Indonesia."""
        region = portal_region()
        if region.kind is RegionKind.COUNTRY:
            return str(_("Indonesia"))
        field = "name" if region.is_kabupaten else "province_name"
        return self.in_portal().values_list(field, flat=True).first() or region.code

    def portal_or_none(self):
        """The kabupaten a kabupaten portal serves, if loaded; None for a province or country portal."""
        region = portal_region()
        return self.filter(code=region.code).first() if region.is_kabupaten else None


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

    def save(self, *args, **kwargs):
        """Save; moved to another kabupaten, recompute both kabupaten's KIM summary (KimMonthlySummary);
        renamed, its KIM's search text (KimSearchText)."""
        with transaction.atomic(using=router.db_for_write(Kecamatan, instance=self), savepoint=False):
            before = (
                None
                if self.pk is None
                else Kecamatan.objects.filter(pk=self.pk).values_list("kabupaten_id", "name").first()
            )
            super().save(*args, **kwargs)
            if before is None:
                return
            if before[0] != self.kabupaten_id:
                KimMonthlySummary.objects.refresh({before[0], self.kabupaten_id})
            if before[1] != self.name:
                KimSearchText.objects.refresh(Kim._base_manager.filter(desa__kecamatan=self).values("pk"))

    def get_absolute_url(self):
        return reverse_arg("coverage:kecamatan-detail", self.code)


class Desa(ChoiceLabels, models.Model):
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
        # ChoiceLabels: cheap, and a kind stored outside the choices shows as it is (Kind(...) raised).
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        """Save; moved to another kecamatan, recompute the KIM summary (KimMonthlySummary) of the
        kabupaten it left and of the one it joined (its KIM may cover another kecamatan now); moved
        or renamed, its KIM's search text (KimSearchText)."""
        with transaction.atomic(using=router.db_for_write(Desa, instance=self), savepoint=False):
            before = (
                None if self.pk is None else Desa.objects.filter(pk=self.pk).values_list("kecamatan_id", "name").first()
            )
            super().save(*args, **kwargs)
            if before is None:
                return
            if before[0] != self.kecamatan_id:
                moved = Kecamatan.objects.filter(pk__in=[before[0], self.kecamatan_id]).values_list(
                    "kabupaten_id", flat=True
                )
                KimMonthlySummary.objects.refresh(set(moved))
            if before != (self.kecamatan_id, self.name):
                KimSearchText.objects.refresh(Kim._base_manager.filter(desa=self).values("pk"))

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


def _active_on(on: date) -> Q:
    """The one rule of an active KIM (see KimQuerySet.active_on)."""
    return (
        Q(review_status=Review.ACCEPTED)
        & Q(formed_on__lte=on)
        & (Q(inactive_since__isnull=True) | Q(inactive_since__gt=on))
        & counts_for_coverage(on)  # quiet / SK-ended KIM, by the settings (see vitality.py)
    )


# KIM updated by id per statement (SQLite takes at most 32,766 values in one).
UPDATE_BATCH = 10_000


class KimQuerySet(ReviewQuerySet):
    """waiting(): proposed by a field officer, not yet decided; refused(): with their reason.

    Bulk writes keep the stored KIM summary (KimMonthlySummary) and search text (KimSearchText) in
    step, in their own transaction: `update()` (and `bulk_update()`, which calls it) of a field the
    summary reads recomputes the summary of every kabupaten whose KIM it touches, of a field the search
    reads the text of each KIM it touches; `bulk_create()` does both for the KIM it creates, and
    `delete()` the summary (the text goes with its KIM). A write that goes around them (raw SQL, COPY)
    must call `KimMonthlySummary.objects.rebuild()` and `KimSearchText.objects.rebuild()`; `manage.py
    check_summary` finds one that did not."""

    # The fields whose change can move a KIM in or out of the summary's counts.
    summary_fields = frozenset({"desa", "desa_id", "formed_on", "inactive_since", "review_status"})
    # The fields of a KIM its stored search text holds (KimSearchText.FIELDS), its desa among them.
    search_fields = frozenset({"name", "desa", "desa_id", "sk_number", "kimid_number"})

    def summary_kabupaten(self) -> set[int]:
        """The ids of the kabupaten these KIM are in."""
        return set(self.order_by().values_list("desa__kecamatan__kabupaten_id", flat=True).distinct())

    def update(self, **kwargs):
        summary, search = self.summary_fields & set(kwargs), self.search_fields & set(kwargs)
        if not (summary or search):
            return super().update(**kwargs)
        if self.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        with transaction.atomic(using=self.db, savepoint=False):
            before = self.summary_kabupaten() if summary else set()
            if search:
                # The KIM it selects, locked, then updated by id: one another writer commits
                # meanwhile is not updated here without its text being refreshed (and the
                # filter may no longer select them once updated).
                selected = Kim._base_manager.filter(pk__in=self.order_by().values("pk"))  # any filter, even distinct()
                kims = list(selected.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
                n = sum(
                    models.QuerySet(Kim, using=self.db).filter(pk__in=kims[i : i + UPDATE_BATCH]).update(**kwargs)
                    for i in range(0, len(kims), UPDATE_BATCH)
                )
            else:
                n = super().update(**kwargs)
            if summary:
                self._refresh_summary(before, kwargs)
            if search:
                KimSearchText.objects.refresh(kims)
        return n

    def _refresh_summary(self, before: set[int], kwargs):
        """After update(**kwargs): the KIM summary of the kabupaten the KIM were in (`before`) and,
        moved, of the one they are in now."""
        if {"desa", "desa_id"} & set(kwargs):
            desa = kwargs.get("desa", kwargs.get("desa_id"))
            if not isinstance(desa, Desa | int):  # an expression: which kabupaten is not known here
                KimMonthlySummary.objects.rebuild()
                return
            moved = Desa.objects.filter(pk=getattr(desa, "pk", desa)).values_list("kecamatan__kabupaten_id", flat=True)
            before |= set(moved)
        KimMonthlySummary.objects.refresh(before)

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            kabupaten = self.summary_kabupaten()
            result = super().delete()
            KimMonthlySummary.objects.refresh(kabupaten)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            desa = {kim.desa_id for kim in created}
            kabupaten = Desa.objects.filter(pk__in=desa).values_list("kecamatan__kabupaten_id", flat=True)
            KimMonthlySummary.objects.refresh(set(kabupaten))
            if all(kim.pk is not None for kim in created):
                KimSearchText.objects.refresh([kim.pk for kim in created])
            else:  # ignore_conflicts: which rows were written is not known
                KimSearchText.objects.rebuild()
        return created

    def public(self):
        """What the public pages and open data show: accepted KIM only, never open proposals."""
        return self.accepted()

    def active_on(self, on: date):
        """Accepted KIM formed on or before `on` and not yet inactive on that day.

        Every coverage number goes through here, so a KIM proposed by a field
        officer counts only once staff have accepted it.
        """
        return self.filter(_active_on(on))

    def with_vitality(self, on: date):
        """Annotate `vitality_code` (a registry.vitality.Vitality value) and `last_sign_of_life`
        as of `on`; read them as `kim.vitality` and `kim.last_activity`."""
        return self.annotate(vitality_code=vitality_expression(on), last_sign_of_life=last_sign_expression(on))

    def in_vitality(self, on: date, *codes: str):
        """KIM whose vitality on `on` is one of `codes` (registry.vitality.Vitality values), without
        annotating it: the conditions of each case (`vitality_q`), which the database answers
        through its indexes where the annotation's CASE makes it test every KIM."""
        return self.filter(vitality_q(on, *codes))

    def sk_term_ending_soon(self, on: date):
        """KIM that count on `on` (active or quiet) whose board's SK term ends within
        SK_TERM_WARNING_DAYS days: time to prepare a new SK (the staff inbox, the KIM list's filter)."""
        return self.in_vitality(on, Vitality.ACTIVE, Vitality.QUIET).filter(
            sk_term_end__gte=on, sk_term_end__lte=on + timedelta(days=SK_TERM_WARNING_DAYS)
        )

    def without_kimid(self):
        """KIM not (yet) registered on KIM.id: staff's reconciliation list."""
        return self.filter(kimid_number="")

    def with_active_on(self, on: date):
        """Annotate each KIM with `active_then`: whether `active_on(on)` counts it, read from the
        row itself (a subquery over the national table cost the directory 20-60 ms)."""
        return self.annotate(active_then=models.ExpressionWrapper(_active_on(on), output_field=models.BooleanField()))

    def formed_by(self, on: date):
        """KIM formed on or before `on`, active or not, accepted or still a proposal.

        A field officer's proposal is a KIM formed and waiting for verification:
        the "KIM terbentuk" stage of its kecamatan. A refused proposal is no KIM.
        """
        return self.filter(formed_on__lte=on).exclude(review_status=Review.REFUSED)

    def in_kabupaten(self, kabupaten):
        """The KIM of the kabupaten's desa, picked by `desa_id = ANY(ARRAY(its desa))` on
        PostgreSQL: counting 32.01's 4,244 KIM then reads the (desa) index alone, 1.7 ms instead of
        8-16 ms joining every KIM to its desa and kecamatan (docs/benchmarks.md)."""
        return self.filter(desa__in_array=Desa.objects.filter(kecamatan__kabupaten=kabupaten).values("pk"))

    def last_updated(self, desa) -> datetime | None:
        """When these KIM in `desa` (a Desa queryset) last changed: each desa's newest through the
        (desa, updated_at) index, then the newest of those, instead of reading every KIM of the
        kabupaten (5,000 in the bench's 32.01: 10 ms)."""
        newest = self.filter(desa=models.OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
        return desa.annotate(newest=models.Subquery(newest)).aggregate(at=models.Max("newest"))["at"]


class Kim(Reviewed):
    """A Kelompok (Komunitas) Informasi Masyarakat serving one desa/kelurahan.

    Staff's own KIM are accepted at once; a field officer's proposal waits for staff's review
    (core.review) and counts for coverage only once accepted."""

    class SkIssuer(models.TextChoices):
        KEPALA_DESA = "kepala_desa", _("Kepala desa")
        LURAH = "lurah", _("Lurah")

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
    sk_issued_by = models.CharField(_("SK ditetapkan oleh"), max_length=12, choices=SkIssuer.choices, blank=True)
    sk_term_end = models.DateField(
        _("akhir masa bakti"),
        null=True,
        blank=True,
        validators=[validate_in_range],
        help_text=_("Hari terakhir masa bakti pengurus menurut SK. Sesudahnya KIM perlu SK baru."),
    )
    kimid_number = models.CharField(
        _("nomor registrasi KIM.id"), max_length=50, blank=True, validators=[validate_kimid_number]
    )
    kimid_url = models.URLField(
        _("situs KIM.id"),
        max_length=KIMID_URL_MAX,
        blank=True,
        validators=[validate_kimid_url],
        help_text=_("Alamat situs KIM di KIM.id, misalnya https://nama-kim.kim.id/."),
    )
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
        _("pemeriksaan"),
        max_length=10,
        choices=Review.choices,
        default=Review.ACCEPTED,
        help_text=_("KIM yang diusulkan petugas lapangan baru dihitung dalam cakupan setelah diterima staf."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_kims",
        verbose_name=_("diusulkan oleh"),
    )
    corrects = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("memperbaiki usulan"),
        help_text=_("Usulan yang ditolak staf dan diperbaiki petugas dengan usulan ini."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    submitter_field = "proposed_by"  # told of staff's decision (core.review)
    objects = KimQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat KIM"), verbose_name_plural=_("riwayat KIM"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("KIM")
        verbose_name_plural = _("KIM")
        indexes = [
            models.Index(fields=["name"], name="registry_kim_name"),  # the admin's order
            # Coverage counts a kecamatan's active KIM, and the monthly chart reads a kabupaten's,
            # from this index alone on PostgreSQL (no table read; SQLite ignores INCLUDE).
            models.Index(
                fields=["desa"],
                include=["id", "review_status", "formed_on", "inactive_since", "sk_term_end"],
                name="registry_kim_desa_active",
            ),
            # The datasets page's "last updated": each desa's newest KIM (KimQuerySet.last_updated).
            models.Index(fields=["desa", "updated_at"], name="registry_kim_desa_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_desa",
                violation_error_message=_("Sudah ada KIM dengan nama ini di desa/kelurahan tersebut."),
            ),
        ]

    def __str__(self):
        return self.name

    # What Kim.save compares before and after: the summary's fields, then the search text's own.
    _SUMMARY_FIELDS = ("desa_id", "formed_on", "inactive_since", "review_status")
    _SEARCH_FIELDS = ("desa_id", "name", "sk_number", "kimid_number")

    def save(self, *args, **kwargs):
        """Save, and in the same transaction: when its desa, dates or review status changed, recompute
        the KIM summary (KimMonthlySummary) of its kabupaten, before and after; when a field staff
        search it by changed, its search text (KimSearchText)."""
        update_fields = kwargs.get("update_fields")
        watched = KimQuerySet.summary_fields | KimQuerySet.search_fields
        if update_fields is not None and not watched & set(update_fields):
            return super().save(*args, **kwargs)
        fields = tuple(dict.fromkeys(self._SUMMARY_FIELDS + self._SEARCH_FIELDS))
        with transaction.atomic(using=router.db_for_write(Kim, instance=self), savepoint=False):
            stored = Kim.objects.filter(pk=self.pk).values_list(*fields).first() if self.pk else None
            super().save(*args, **kwargs)
            before = dict(zip(fields, stored, strict=True)) if stored else None

            def changed(names):  # a new KIM has changed all of them
                return before is None or any(before[name] != getattr(self, name) for name in names)

            if changed(self._SUMMARY_FIELDS):
                desa = {self.desa_id} | ({before["desa_id"]} if before else set())
                kabupaten = Desa.objects.filter(pk__in=desa).values_list("kecamatan__kabupaten_id", flat=True)
                KimMonthlySummary.objects.refresh(set(kabupaten))
            if changed(self._SEARCH_FIELDS):
                KimSearchText.objects.refresh([self.pk])

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(Kim, instance=self), savepoint=False):
            kabupaten = Desa.objects.filter(pk=self.desa_id).values_list("kecamatan__kabupaten_id", flat=True)
            kabupaten = set(kabupaten)
            result = super().delete(*args, **kwargs)
            KimMonthlySummary.objects.refresh(kabupaten)
        return result

    def get_absolute_url(self):
        return reverse_arg("coverage:kim-detail", self.pk)

    def get_officer_url(self):
        """The officer who proposed it reads staff's decision on the field area's home page."""
        return reverse("field:home")

    def is_active_on(self, on: date) -> bool:
        if not self.is_accepted or self.formed_on is None or self.formed_on > on:
            return False
        return self.inactive_since is None or self.inactive_since > on

    @property
    def vitality(self):
        """Vitality as of the day given to `with_vitality` (None without that annotation)."""
        code = getattr(self, "vitality_code", None)
        return Vitality(code) if code else None

    @property
    def last_activity(self) -> date | None:
        """The latest activity entry or held event by the day given to `with_vitality`."""
        return as_day(getattr(self, "last_sign_of_life", None))

    @property
    def kimid_site(self) -> str:
        """The KIM.id site address if it passes validation today, else "" (rows stored before)."""
        try:
            validate_kimid_url(self.kimid_url)
        except ValidationError:
            return ""
        return self.kimid_url

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
        if self.sk_issued_by and not self.sk_number:
            errors.setdefault("sk_number", _("Isi nomor SK bila penetap SK diisi."))
        if self.inactive_since and self.formed_on and self.inactive_since < self.formed_on:
            errors.setdefault("inactive_since", _("Tanggal tidak aktif tidak boleh sebelum tanggal terbentuk."))
        if self.inactive_since and not self.inactive_reason.strip():
            errors["inactive_reason"] = _("Jelaskan mengapa KIM tidak aktif.")
        if self.sk_term_end and self.sk_date and self.sk_term_end < self.sk_date:
            errors.setdefault("sk_term_end", _("Akhir masa bakti tidak boleh sebelum tanggal SK."))
        if self.inactive_reason.strip() and not self.inactive_since:
            errors.setdefault("inactive_since", _("Isi sejak kapan KIM tidak aktif."))
        if errors:
            raise ValidationError(errors)
        self.contact_phone = normalize_phone(self.contact_phone)


def _lock_table(cursor, model):
    """Before a stored table is rebuilt (PostgreSQL): wait for the transactions writing it, and make
    the ones that come to write it wait until the rebuild commits, so that a row they write is
    neither read before they commit nor overwritten after. SQLite has one writer at a time anyway."""
    if cursor.db.vendor == "postgresql":
        cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')


# The kabupaten whose KIM summary waits to be refreshed at the end of a `deferring()` block.
_deferred_refresh: ContextVar[set[int] | None] = ContextVar("kim_summary_deferred_refresh", default=None)


def _accepted_kim_rows(db: str, kabupaten=None) -> list[tuple[int, int, int, date, date | None]]:
    """(kabupaten id, kecamatan id, desa id, formed_on, inactive_since) of the accepted KIM of the
    kabupaten ids `kabupaten` (every one when None): what both KIM summaries are computed from."""
    kims = Kim.objects.using(db).accepted().order_by()
    if kabupaten is not None:
        kims = kims.filter(desa__kecamatan__kabupaten__in=kabupaten)
    fields = ("desa__kecamatan__kabupaten_id", "desa__kecamatan_id", "desa_id", "formed_on", "inactive_since")
    return list(kims.values_list(*fields).iterator(chunk_size=5000))


def _kabupaten_months(rows) -> list["KimMonthlySummary"]:
    return [KimMonthlySummary(**m._asdict()) for m in kim_months((kab, kec, f, i) for kab, kec, _d, f, i in rows)]


def _kecamatan_months(rows) -> list[KecamatanMonth]:
    return kecamatan_months((kec, desa, f, i) for _kab, kec, desa, f, i in rows)


def _month_differences(stored_rows, counted_rows, area: str, fields: tuple[str, ...]) -> list[tuple]:
    """(area id, month, stored, recomputed) where a stored KIM summary (`stored_rows`, a queryset)
    and the recomputed one (`counted_rows`) disagree; each side the `fields` as a tuple, or None."""
    stored = {(a, m): tuple(rest) for a, m, *rest in stored_rows.values_list(area, "month", *fields)}
    counted = {(getattr(row, area), row.month): tuple(getattr(row, f) for f in fields) for row in counted_rows}
    return sorted(
        (a, m, stored.get((a, m)), counted.get((a, m)))
        for a, m in stored.keys() | counted.keys()
        if stored.get((a, m)) != counted.get((a, m))
    )


class KimMonthlySummaryQuerySet(models.QuerySet):
    def counted(self, kabupaten=None) -> list["KimMonthlySummary"]:
        """What the summary should hold for the kabupaten ids `kabupaten` (every one when None),
        recomputed from the accepted KIM (registry.summary.kim_months), as unsaved rows."""
        return _kabupaten_months(_accepted_kim_rows(self.db, kabupaten))

    def refresh(self, kabupaten):
        """Recompute the rows of the kabupaten ids `kabupaten` from their KIM, in the caller's
        transaction (or one of its own), with the rows of their kecamatan (KecamatanKimSummary).
        The kabupaten rows are locked first, so two writers in the same kabupaten wait for each
        other and the second counts the first's KIM; without the lock both would insert the same
        month's row and all but one fail (bench/kim_summary_race.py)."""
        kabupaten = sorted({k for k in kabupaten if k is not None})
        pending = _deferred_refresh.get()
        if pending is not None:
            pending.update(kabupaten)
            return
        if not kabupaten:
            return
        with transaction.atomic(using=self.db, savepoint=False):
            # FOR NO KEY UPDATE: writers wait for each other, a kecamatan added meanwhile (its
            # foreign key check takes FOR KEY SHARE) does not.
            locked = Kabupaten.objects.select_for_update(no_key=True).filter(pk__in=kabupaten).order_by("pk")
            list(locked.values_list("pk"))
            rows = _accepted_kim_rows(self.db, kabupaten)
            # Each DELETE in one statement: through the ORM, the page cache's signal receivers
            # (which watch every model) would make it read each row first and delete them by id.
            placeholders = ", ".join(["%s"] * len(kabupaten))
            with connections[self.db].cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.model._meta.db_table} WHERE kabupaten_id IN ({placeholders})", kabupaten
                )
            self.bulk_create(_kabupaten_months(rows), batch_size=5000)
            KecamatanKimSummary.objects.using(self.db)._replace(kabupaten, _kecamatan_months(rows))

    @contextmanager
    def deferring(self):
        """Within the block, a write of a KIM only notes its kabupaten; when the block ends without
        an error, each noted kabupaten is refreshed once, in the block's transaction (its own if the
        caller has none). For many writes in one transaction: a spreadsheet of 1,000 KIM in one
        kabupaten costs one refresh, not 1,000. Nested blocks leave the refresh to the outermost."""
        if _deferred_refresh.get() is not None:
            yield
            return
        with transaction.atomic(using=self.db):
            token = _deferred_refresh.set(set())
            try:
                yield
                kabupaten = _deferred_refresh.get()
            finally:
                _deferred_refresh.reset(token)
            self.refresh(kabupaten)

    def rebuild(self) -> int:
        """Replace the whole summary, and the one per kecamatan, by what the KIM say (after a bulk
        load that went around the models, such as the bench's COPY, or a change of the regions).
        Returns the rows written in this one."""
        with transaction.atomic(using=self.db, savepoint=False), connections[self.db].cursor() as cursor:
            _lock_table(cursor, self.model)
            cursor.execute(f"DELETE FROM {self.model._meta.db_table}")
            written = len(self.bulk_create(self.counted(), batch_size=5000))
            KecamatanKimSummary.objects.using(self.db).rebuild()
            return written

    def differences(self) -> list[tuple[int, date, tuple | None, tuple | None]]:
        """(kabupaten id, month, stored, recomputed) of every row where the summary and the KIM
        disagree; stored and recomputed are (active KIM, covered kecamatan, last change) or None."""
        return _month_differences(
            self, self.counted(), "kabupaten_id", ("active_kim", "covered_kecamatan", "last_change")
        )


class KimMonthlySummary(models.Model):
    """Per kabupaten/kota and month, the KIM counting at the month's end and the kecamatan they
    cover, stored so that the monthly chart reads a kabupaten's history in one row per month
    instead of sweeping over all its KIM on every view (coverage.queries.monthly_progress).

    A row for each month in which one of the kabupaten's accepted KIM was formed or became
    inactive (registry.summary.kim_months). Kept correct in the same transaction as every write of
    a KIM (Kim.save/delete and KimQuerySet's update, delete and bulk_create) and of a move of a
    desa or kecamatan (Desa.save, Kecamatan.save, the regions loader): the kabupaten's rows are
    recomputed from its KIM, never incremented. `manage.py check_summary` recomputes all of it and
    reports (or, with --fix, repairs) any difference."""

    kabupaten = models.ForeignKey(
        Kabupaten, models.CASCADE, related_name="kim_monthly_summary", verbose_name=_("kabupaten/kota")
    )
    month = models.DateField(_("bulan"))
    active_kim = models.PositiveIntegerField(_("KIM aktif di akhir bulan"))
    covered_kecamatan = models.PositiveIntegerField(_("kecamatan ber-KIM di akhir bulan"))
    last_change = models.DateField(_("perubahan terakhir dalam bulan"))

    objects = KimMonthlySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["kabupaten", "month"]
        verbose_name = _("ringkasan bulanan KIM")
        verbose_name_plural = _("ringkasan bulanan KIM")
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "month"],
                name="%(app_label)s_%(class)s_unique_kabupaten_month",
                violation_error_message=_("Ringkasan KIM kabupaten/kota ini untuk bulan ini sudah ada."),
            ),
        ]

    def __str__(self):
        return f"{self.kabupaten_id} {self.month:%Y-%m}: {self.active_kim} KIM, {self.covered_kecamatan} kecamatan"


class KecamatanKimSummaryQuerySet(models.QuerySet):
    def _replace(self, kabupaten: list[int], months: list[KecamatanMonth]):
        """Make the rows of the kecamatan of the kabupaten ids `kabupaten` be `months`, writing only
        the rows that differ: a KIM saved in the hot kabupaten changes a few of its 2,800 rows, and
        deleting and inserting them all took 100 ms (KimMonthlySummary.refresh holds the lock)."""
        fields = ("active_kim", "covered_desa", "last_change")
        stored = {
            (kecamatan, month): (pk, tuple(rest))
            for pk, kecamatan, month, *rest in self.filter(kecamatan__kabupaten__in=kabupaten)
            .order_by()
            .values_list("pk", "kecamatan_id", "month", *fields)
        }
        wanted = {(row.kecamatan_id, row.month): row for row in months}
        changed = {key for key, (_pk, values) in stored.items() if key not in wanted or values != wanted[key][2:]}
        gone = [stored[key][0] for key in changed]
        kept = stored.keys() - changed
        if gone:
            with connections[self.db].cursor() as cursor:  # one statement, without the page cache's receivers
                for i in range(0, len(gone), UPDATE_BATCH):
                    batch = gone[i : i + UPDATE_BATCH]
                    cursor.execute(
                        f"DELETE FROM {self.model._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(batch))})",
                        batch,
                    )
        added = [KecamatanKimSummary(**row._asdict()) for key, row in wanted.items() if key not in kept]
        self.bulk_create(added, batch_size=5000)

    def counted(self) -> list["KecamatanKimSummary"]:
        """What the summary should hold, recomputed from the accepted KIM, as unsaved rows."""
        return [KecamatanKimSummary(**row._asdict()) for row in _kecamatan_months(_accepted_kim_rows(self.db))]

    def rebuild(self) -> int:
        """Replace the whole summary per kecamatan by what the KIM say (KimMonthlySummary's rebuild
        does, and `check_summary --fix`). Returns the rows written."""
        with transaction.atomic(using=self.db, savepoint=False), connections[self.db].cursor() as cursor:
            _lock_table(cursor, self.model)
            cursor.execute(f"DELETE FROM {self.model._meta.db_table}")
            return len(self.bulk_create(self.counted(), batch_size=5000))

    def differences(self) -> list[tuple[int, date, tuple | None, tuple | None]]:
        """(kecamatan id, month, stored, recomputed) of every row where the summary and the KIM
        disagree; stored and recomputed are (active KIM, covered desa, last change) or None."""
        return _month_differences(self, self.counted(), "kecamatan_id", ("active_kim", "covered_desa", "last_change"))


class KecamatanKimSummary(models.Model):
    """Per kecamatan and month, the KIM counting at the month's end and the desa/kelurahan they
    cover: a dashboard reads each kecamatan's KIM on a day from its row of that day's month (or
    the last before it) instead of visiting each of its desa's KIM (coverage.queries
    kecamatan_coverage). A row for each month in which one of the kecamatan's accepted KIM was
    formed or became inactive (registry.summary.kecamatan_months).

    Kept with KimMonthlySummary, on the same write paths and in the same transaction: refreshing
    a kabupaten's KIM summary recomputes its kecamatan's rows too, and its rebuild rebuilds this.
    `manage.py check_summary` recomputes all of it and reports (or, with --fix, repairs) any
    difference."""

    kecamatan = models.ForeignKey(Kecamatan, models.CASCADE, related_name="kim_summary", verbose_name=_("kecamatan"))
    month = models.DateField(_("bulan"))
    active_kim = models.PositiveIntegerField(_("KIM aktif di akhir bulan"))
    covered_desa = models.PositiveIntegerField(_("desa/kelurahan ber-KIM di akhir bulan"))
    last_change = models.DateField(_("perubahan terakhir dalam bulan"))

    objects = KecamatanKimSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan", "month"]
        verbose_name = _("ringkasan bulanan KIM per kecamatan")
        verbose_name_plural = _("ringkasan bulanan KIM per kecamatan")
        constraints = [
            # Also the index a dashboard reads a kecamatan's latest month by.
            models.UniqueConstraint(
                fields=["kecamatan", "month"],
                name="%(app_label)s_%(class)s_unique_kecamatan_month",
                violation_error_message=_("Ringkasan KIM kecamatan ini untuk bulan ini sudah ada."),
            ),
        ]

    def __str__(self):
        return f"{self.kecamatan_id} {self.month:%Y-%m}: {self.active_kim} KIM, {self.covered_desa} desa"


class KimSearchTextQuerySet(models.QuerySet):
    def counted(self, kims=None) -> list["KimSearchText"]:
        """What the stored text should be for the KIM ids `kims` (a list or a query of ids; every KIM
        when None), from the KIM and their desa and kecamatan, as unsaved rows."""
        rows = Kim._base_manager.order_by().values_list("pk", *KimSearchText.FIELDS)
        if kims is not None:
            rows = rows.filter(pk__in=kims)
        return [KimSearchText(kim_id=pk, text=joined(values)) for pk, *values in rows.iterator(chunk_size=5000)]

    def refresh(self, kims):
        """Recompute the text of the KIM ids `kims` (a list or a query of ids) and store it, inserted
        or replaced, in the caller's transaction: one read of the KIM with their desa and kecamatan,
        one upsert. The KIM rows are locked first (FOR NO KEY UPDATE, PostgreSQL), so that a KIM
        renamed while its desa is renamed ends with both new names: the second writer waits for
        the first and reads what it committed (bench/kim_search_race.py)."""
        if isinstance(kims, list | set | tuple) and not kims:
            return
        with transaction.atomic(using=self.db, savepoint=False):
            locked = Kim._base_manager.select_for_update(no_key=True).filter(pk__in=kims).order_by("pk")
            list(locked.values_list("pk"))
            self.bulk_create(
                self.counted(kims),
                batch_size=5000,
                update_conflicts=True,
                unique_fields=["kim"],
                update_fields=["text"],
            )

    def rebuild(self) -> int:
        """Replace every text by what the KIM say (after a bulk load that went around the models,
        such as the bench's COPY, or a change of the regions). Returns the rows written."""
        with transaction.atomic(using=self.db, savepoint=False), connections[self.db].cursor() as cursor:
            _lock_table(cursor, self.model)
            cursor.execute(f"DELETE FROM {self.model._meta.db_table}")
            return len(self.bulk_create(self.counted(), batch_size=5000))

    def differences(self) -> list[tuple[int, str | None, str | None]]:
        """(KIM id, stored text, recomputed text) of every KIM whose stored text is wrong or missing,
        and of every text left without its KIM (recomputed None)."""
        stored = dict(self.values_list("kim_id", "text").iterator(chunk_size=5000))
        counted = {row.kim_id: row.text for row in self.counted()}
        return sorted(
            (pk, stored.get(pk), counted.get(pk))
            for pk in stored.keys() | counted.keys()
            if stored.get(pk) != counted.get(pk)
        )

    def matching(self, words: list[str]):
        """The texts holding every word of `words` (core.search.words), case-insensitively; none
        may hold core.search.SEPARATOR. Words without case of one or two characters first: no
        trigram index answers them, and compared as stored they spare upper-casing each row that
        lacks them. On PostgreSQL such a word is looked up among the text's stored pieces of one and
        two characters (`short_grams`, registry migration 0020), through their GIN index: "Bench 12"
        then reads the 2,475 texts holding "12" instead of all 50,000 (docs/benchmarks.md)."""
        ordered = sorted(words, key=lambda word: contains_lookup(word) == "icontains")
        return self.filter(*(self._holding(word) for word in ordered))

    def _holding(self, word: str):
        lookup = contains_lookup(word)
        if lookup == "contains" and 0 < len(word) < 3 and connections[self.db].vendor == "postgresql":
            # The array holds every piece of one and two characters but those holding the separator
            # (which no word here holds): the word is in it exactly when the text contains it.
            return RawSQL('"short_grams" @> %s', ([word],), output_field=models.BooleanField())
        return Q(**{f"text__{lookup}": word})


class KimSearchText(models.Model):
    """The fields staff find a KIM by in the admin (KimAdmin.search_fields: its name, its desa's and
    kecamatan's names, its SK and KIM.id numbers), stored joined in one text per KIM.

    Searching "Bench 12" among 50,000 KIM read every KIM and every one of 83,762 desa names for
    "12" (no trigram index answers two characters), once to count and once for the page; here it
    reads one narrow table and no desa (docs/benchmarks.md). Same words, same KIM as Django's own
    search (tests/registry/test_kim_search_text.py). Kept in the same transaction as every write of a KIM
    (Kim.save, KimQuerySet's update and bulk_create; a delete takes its text along), and of a
    rename or move of a desa or kecamatan (Desa.save, Kecamatan.save, the regions loader);
    `manage.py check_summary` recomputes all of it and reports (or, with --fix, repairs) any
    difference. On PostgreSQL the database itself keeps each text's pieces of one and two
    characters beside it (a generated column, `short_grams`), which the model does not list."""

    FIELDS = ("name", "desa__name", "desa__kecamatan__name", "sk_number", "kimid_number")

    kim = models.OneToOneField(Kim, models.CASCADE, primary_key=True, related_name="search_text", verbose_name=_("KIM"))
    text = models.TextField(_("teks pencarian"))

    objects = KimSearchTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("teks pencarian KIM")
        verbose_name_plural = _("teks pencarian KIM")

    def __str__(self):
        return self.text.replace(SEPARATOR, " · ")


class Pengurus(ChoiceLabels, models.Model):
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


class KimActivityQuerySet(ReviewQuerySet):
    def between(self, first: date, last: date):
        """Entries dated from `first` to `last`, both included."""
        return self.filter(date__gte=first, date__lte=last)

    def in_kabupaten(self, kabupaten):
        return self.filter(kim__desa__kecamatan__kabupaten=kabupaten)

    def counted(self):
        """Entries that count for vitality: staff's own, and officers' once staff accepted them."""
        return self.accepted()


def activity_signs(first: date, last: date) -> models.QuerySet:
    """The activity log as a source of signs of life (registry.vitality.LifeSigns): reviewed entries
    of the outer query's KIM dated from `first` to `last`. Added first, by RegistryConfig.ready."""
    return (
        KimActivity.objects.counted()  # an officer's entry counts once staff accepted it
        .filter(kim=models.OuterRef("pk"), date__gte=first, date__lte=last)
        .annotate(day=models.F("date"))
        .order_by()
    )


class KimActivity(Reviewed):
    """A dated entry of what a KIM did: the sign of life its vitality is derived from."""

    class Kind(models.TextChoices):
        KIMID_POST = "kimid_post", _("Berita di situs KIM.id")
        SOCIAL_POST = "social_post", _("Unggahan media sosial")
        MEETING = "meeting", _("Pertemuan")
        TRAINING = "training", _("Pelatihan")
        LOCAL_INFO = "local_info", _("Informasi lokal disampaikan ke Diskominfo")

    # Not a Kind anyone picks: the last activity a spreadsheet import gave (registry.resources,
    # column terakhir_aktif), recorded as an accepted entry on that day.
    IMPORTED = "imported"

    RECEIPT_PREFIX = "AKT"
    NOTE_MAX = 1000
    LINK_MAX = 500

    kim = models.ForeignKey(Kim, models.CASCADE, related_name="activities", verbose_name=_("KIM"))
    date = models.DateField(_("tanggal"), validators=[validate_in_range])
    kind = models.CharField(
        _("jenis"), max_length=12, choices=[*Kind.choices, (IMPORTED, _("Diimpor (terakhir aktif menurut daftar)"))]
    )
    link = models.URLField(
        _("tautan"),
        max_length=LINK_MAX,
        blank=True,
        help_text=_("Opsional: alamat berita atau unggahan (https://...)."),
    )
    note = models.TextField(_("catatan"), blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="kim_activities",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Entered by a field officer from the phone (issue 13 via issue 11's outbox): it counts
    # for vitality only once staff accepted it. Staff's own entries are accepted at once.
    review_status = models.CharField(_("pemeriksaan"), max_length=10, choices=Review.choices, default=Review.ACCEPTED)
    client_id = models.UUIDField(
        _("kode kiriman dari HP"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Dibuat oleh HP petugas; kiriman ulang dengan kode yang sama tidak disimpan dua kali."),
    )
    corrects = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("memperbaiki aktivitas"),
        help_text=_("Aktivitas yang ditolak staf dan diperbaiki petugas dengan kiriman ini."),
    )

    submitter_field = "entered_by"  # told of staff's decision (core.review)
    objects = KimActivityQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat aktivitas KIM"), verbose_name_plural=_("riwayat aktivitas KIM"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("aktivitas KIM")
        verbose_name_plural = _("aktivitas KIM")
        indexes = [models.Index(fields=["kim", "date"], name="registry_kimactivity_kim_date")]

    def __str__(self):
        return f"{self.kim} · {self.get_kind_display()} · {self.date:%d-%m-%Y}"

    def get_officer_url(self):
        """The officer who entered it reads staff's decision on the field area's home page."""
        return reverse("field:home")

    def clean(self):
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("Tanggal tidak boleh di masa depan.")
        if self.link:
            from urllib.parse import urlsplit

            try:
                parts = urlsplit(self.link)
                credentials = parts.username is not None or parts.password is not None
            except ValueError:
                parts, credentials = None, True
            if parts is None or parts.scheme not in ("http", "https") or credentials:
                errors["link"] = _("Tautan harus alamat http(s) tanpa nama pengguna atau kata sandi.")
        if self.kim_id and self.date and self.kim.formed_on and self.date < self.kim.formed_on:
            errors.setdefault("date", _("Tanggal aktivitas tidak boleh sebelum KIM terbentuk."))
        if errors:
            raise ValidationError(errors)

    @property
    def receipt(self) -> str:
        """AKT-2026-00012 for an entry sent from a phone (its receipt in the outbox); "" otherwise."""
        if not (self.client_id and self.pk and self.created_at):
            return ""
        return f"{self.RECEIPT_PREFIX}-{timezone.localtime(self.created_at):%Y}-{self.pk:05d}"
