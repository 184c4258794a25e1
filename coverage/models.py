"""Outreach events: the sosialisasi, meetings and trainings that build KIM coverage."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Desa, Kecamatan, Kim


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the portal's time zone (Asia/Jakarta)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day`, exclusive."""
    return start_of_day(day + timedelta(days=1))


class OutreachEventQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=OutreachEvent.Status.HELD)

    def planned(self):
        return self.filter(status=OutreachEvent.Status.PLANNED)

    def between(self, first: date, last: date):
        """Events dated from `first` to `last`, both days included."""
        return self.filter(starts_at__gte=start_of_day(first), starts_at__lt=end_of_day(last))

    def overdue(self, today: date | None = None):
        """Planned events whose day has passed without a report."""
        today = today or timezone.localdate()
        return self.planned().filter(starts_at__lt=start_of_day(today))

    def in_kabupaten(self, kabupaten):
        return self.filter(kecamatan__kabupaten=kabupaten)


class OutreachEvent(models.Model):
    class Kind(models.TextChoices):
        SOSIALISASI = "sosialisasi", _("Sosialisasi")
        PEMBINAAN = "pembinaan", _("Pembinaan")
        KONSOLIDASI = "konsolidasi", _("Rapat konsolidasi")
        PELATIHAN = "pelatihan", _("Pelatihan")
        MONITORING = "monitoring", _("Monitoring dan evaluasi")
        LAINNYA = "lainnya", _("Lainnya")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        HELD = "held", _("Dilaksanakan")
        CANCELLED = "cancelled", _("Dibatalkan")

    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("tanggal dan waktu"))
    kecamatan = models.ForeignKey(Kecamatan, models.PROTECT, related_name="events", verbose_name=_("kecamatan"))
    desa = models.ForeignKey(
        Desa,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("desa/kelurahan"),
        help_text=_("Opsional; harus berada di kecamatan yang dipilih."),
    )
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_events",
        verbose_name=_("petugas penanggung jawab"),
    )
    kims = models.ManyToManyField(Kim, blank=True, related_name="events", verbose_name=_("KIM yang terlibat"))
    participants = models.PositiveIntegerField(_("jumlah peserta"), null=True, blank=True)
    summary = models.TextField(_("ringkasan hasil"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = OutreachEventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [
            models.Index(fields=["kecamatan", "status", "starts_at"], name="coverage_event_kec_status"),
            # The admin's changelist order (newest first) on a national table.
            models.Index(fields=["starts_at", "id"], name="coverage_event_starts_at"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localdate(self.starts_at):%d-%m-%Y})"

    @property
    def day(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def is_overdue(self) -> bool:
        """Planned, and its day has passed without a report."""
        return self.status == self.Status.PLANNED and self.day < timezone.localdate()

    def clean(self):
        errors = {}
        if self.desa_id and self.kecamatan_id and self.desa.kecamatan_id != self.kecamatan_id:
            errors["desa"] = _("%(desa)s tidak berada di Kecamatan %(kecamatan)s.") % {
                "desa": self.desa,
                "kecamatan": self.kecamatan,
            }
        if self.status == self.Status.HELD and self.starts_at and self.starts_at > timezone.now():
            errors["starts_at"] = _("Kegiatan yang sudah dilaksanakan tidak boleh bertanggal di masa depan.")
        if self.participants is not None and self.status != self.Status.HELD:
            errors["participants"] = _("Jumlah peserta hanya diisi untuk kegiatan yang sudah dilaksanakan.")
        if errors:
            raise ValidationError(errors)
