"""Outreach events: the sosialisasi, meetings and trainings that build KIM coverage."""

import hashlib
import hmac
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import start_of_day, validate_in_range
from core.models import ChoiceLabels, Notification
from core.notifications import forget_addresses_about, record
from core.review import Review, Reviewed, ReviewQuerySet
from registry import scope as staff_scope
from registry.models import Desa, Kecamatan, Kim
from registry.vitality import months_before

# An event planned or reported without an hour starts at this time.
DEFAULT_TIME = time(9, 0)


def planning_horizon(today: date | None = None) -> date:
    """The last day an outreach event may be planned for (settings.PLANNING_HORIZON_DAYS ahead)."""
    return (today or timezone.localdate()) + timedelta(days=settings.PLANNING_HORIZON_DAYS)


class SummarizedQuerySet(models.QuerySet):
    """Bulk writes that keep the stored monthly summary (MonthlySummary) in step, in their own
    transaction: `update()` (and `bulk_update()`, which calls it), `delete()` and `bulk_create()`
    recompute the (kecamatan, month) rows of every event they touch, before and after. A write that
    goes around them (raw SQL, COPY) must call `MonthlySummary.objects.rebuild()`; `manage.py
    check_summary` finds one that did not."""

    # The fields whose change can move an event in or out of a summary row.
    summary_fields: frozenset[str] = frozenset()

    def _summary_events(self):
        """The events this queryset touches, as an OutreachEvent queryset."""
        raise NotImplementedError

    def update(self, **kwargs):
        if not self.summary_fields & set(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.order_by().values_list("pk", flat=True))
            touched = self.model.objects.filter(pk__in=pks)
            before = touched._summary_events().summary_keys()
            n = super().update(**kwargs)
            MonthlySummary.objects.refresh(before | touched._summary_events().summary_keys())
        return n

    def delete(self):
        with transaction.atomic(using=self.db):
            keys = self._summary_events().summary_keys()
            result = super().delete()
            MonthlySummary.objects.refresh(keys)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            pks = [pk for pk in map(self._summary_event_pk, created) if pk is not None]
            MonthlySummary.objects.refresh(OutreachEvent.objects.filter(pk__in=pks).summary_keys())
        return created


class OutreachEventQuerySet(SummarizedQuerySet):
    summary_fields = frozenset({"status", "starts_at", "kecamatan", "kecamatan_id"})

    def _summary_events(self):
        return self

    @staticmethod
    def _summary_event_pk(event):
        return event.pk

    def summary_keys(self) -> set[tuple[int, date]]:
        """The (kecamatan id, month) of every event in this queryset: the summary rows it counts in."""
        return {
            (kecamatan_id, summary_month(starts_at))
            for kecamatan_id, starts_at in self.order_by().values_list("kecamatan_id", "starts_at").distinct()
        }

    def held(self):
        return self.filter(status=OutreachEvent.Status.HELD)

    def planned(self):
        return self.filter(status=OutreachEvent.Status.PLANNED)

    def overdue(self, on: date | None = None):
        """Planned events whose day has passed without a report."""
        on = on or timezone.localdate()
        return self.planned().filter(starts_at__lt=start_of_day(on))

    def in_kabupaten(self, kabupaten):
        return self.filter(kecamatan__kabupaten=kabupaten)

    def last_updated(self, kecamatan) -> datetime | None:
        """When these events in `kecamatan` (a Kecamatan queryset) last changed: each kecamatan's
        newest read backwards through the (kecamatan, updated_at) index, then the newest of those.
        MAX over the join read every event of a kabupaten (52,479 in the bench's 32.01: 70-100 ms)."""
        newest = self.filter(kecamatan=models.OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
        return kecamatan.annotate(newest=models.Subquery(newest)).aggregate(at=models.Max("newest"))["at"]

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        """The years with events, as the admin's date hierarchy asks, in two indexed queries: the
        first and last event, then one EXISTS per year between them (SELECT DISTINCT
        DATE_TRUNC('year', ...) read all 500,000 events of a national install: 380 ms). Other
        kinds and fields, and a span of more than 50 years, as Django does them."""
        if field_name != "starts_at" or kind != "year" or tzinfo is not None:
            return super().datetimes(field_name, kind, order, tzinfo)
        zone, events = timezone.get_current_timezone(), self.order_by()
        span = events.aggregate(first=models.Min("starts_at"), last=models.Max("starts_at"))
        if span["first"] is None:
            return []
        first, last = (timezone.localtime(span[end], zone).year for end in ("first", "last"))
        if last - first > 50 or last >= 9999:
            return super().datetimes(field_name, kind, order, tzinfo)
        starts = {year: datetime(year, 1, 1, tzinfo=zone) for year in range(first, last + 2)}
        flags = {
            f"y{year}": models.Exists(events.filter(starts_at__gte=starts[year], starts_at__lt=starts[year + 1]))
            for year in range(first, last + 1)
        }
        found = events.annotate(**flags).values_list(*flags)[:1].get()
        years = [starts[year] for year, has in zip(range(first, last + 1), found, strict=True) if has]
        return years if order == "ASC" else years[::-1]

    def for_staff(self, user):
        """The events of the kabupaten `user` works for (registry.scope)."""
        return staff_scope.for_staff(self, user)

    def public(self):
        """What public pages, charts and open data may count: every event but one a field officer
        reported whose report staff have not accepted yet, or refused (FieldReport.verify
        publishes it; FieldReport.refuse keeps it out).

        Events staff plan or record themselves have no FieldReport and stay public. A plan beyond
        the planning horizon (stored before the rule, or straight into the database) is not
        published either: "Kegiatan berikutnya: 31 Desember 9999" helps nobody. Every public
        reader starts from here (tests/field/test_review.py checks that none forgets).
        """
        implausible = models.Q(status=OutreachEvent.Status.PLANNED, starts_at__gte=start_of_day(planning_horizon()))
        return self.exclude(implausible).exclude(pk__in=FieldReport.objects.unpublished().values("event_id"))


class OutreachEvent(ChoiceLabels, models.Model):
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

    # Summary, outcome and follow-up: at most this many characters, checked for every writer
    # (full_clean); public pages also cut longer rows stored before the limit.
    TEXT_MAX = 2000

    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("tanggal dan waktu"), validators=[validate_in_range])
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
    participants_women = models.PositiveIntegerField(_("peserta perempuan"), null=True, blank=True)
    participants_men = models.PositiveIntegerField(_("peserta laki-laki"), null=True, blank=True)
    summary = models.TextField(
        _("ringkasan hasil"), blank=True, max_length=TEXT_MAX, validators=[MaxLengthValidator(TEXT_MAX)]
    )
    outcome = models.TextField(
        _("hasil yang dicapai"), blank=True, max_length=TEXT_MAX, validators=[MaxLengthValidator(TEXT_MAX)]
    )
    follow_up = models.TextField(
        _("tindak lanjut"), blank=True, max_length=TEXT_MAX, validators=[MaxLengthValidator(TEXT_MAX)]
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = OutreachEventQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[kims], verbose_name=_("riwayat kegiatan"), verbose_name_plural=_("riwayat kegiatan")
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [
            # With the id, counts that exclude unreviewed field reports (public()) read the index alone.
            models.Index(fields=["kecamatan", "status", "starts_at"], include=["id"], name="coverage_event_kec_status"),
            # The admin's changelist order (newest first) on a national table.
            models.Index(fields=["starts_at", "id"], name="coverage_event_starts_at"),
            # The datasets page's "last updated" of a kabupaten's 50,000 events, from the index alone.
            models.Index(fields=["kecamatan", "updated_at"], include=["id"], name="coverage_event_kec_updated"),
            # A kecamatan page's latest past events (any status but planned), read backwards: 0.4 ms
            # for the 50 latest of 1,300 instead of 12 ms sorting them all.
            models.Index(fields=["kecamatan", "starts_at", "id"], name="coverage_event_kec_starts"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localdate(self.starts_at):%d-%m-%Y})"

    def save(self, *args, **kwargs):
        """Save, and recompute in the same transaction the summary rows the event leaves and enters
        (MonthlySummary): its kecamatan and month before and after."""
        fields = kwargs.get("update_fields")
        if fields is not None and not OutreachEventQuerySet.summary_fields & set(fields):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            before = set() if self._state.adding else OutreachEvent.objects.filter(pk=self.pk).summary_keys()
            super().save(*args, **kwargs)
            MonthlySummary.objects.refresh(before | {self.summary_key})

    save.alters_data = True

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            keys = OutreachEvent.objects.filter(pk=self.pk).summary_keys()
            result = super().delete(*args, **kwargs)
            MonthlySummary.objects.refresh(keys)
        return result

    delete.alters_data = True

    @property
    def summary_key(self) -> tuple[int, date]:
        return (self.kecamatan_id, summary_month(self.starts_at))

    @property
    def day(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def is_overdue(self) -> bool:
        """Planned, and its day has passed without a report."""
        return self.status == self.Status.PLANNED and self.day < timezone.localdate()

    @property
    def participants_label(self) -> str:
        """ "25 peserta", as a kecamatan page lists a held event ("" without a number)."""
        if not self.participants:
            return ""
        return ngettext("%(n)s peserta", "%(n)s peserta", self.participants) % {"n": self.participants}

    def mark_held(
        self,
        *,
        on: date,
        desa: Desa | None = None,
        venue: str = "",
        participants: int | None = None,
        participants_women: int | None = None,
        participants_men: int | None = None,
        summary: str = "",
        outcome: str = "",
        follow_up: str = "",
    ):
        """Record that the event took place on `on`, with what happened; validated, not saved.

        A planned event keeps its hour (an event reported on its own day before
        that hour starts now); its desa and venue stay unless new ones are given.
        Raises ValidationError, keyed by this model's fields, when the result is invalid.
        """
        at = timezone.localtime(self.starts_at).time() if self.starts_at else DEFAULT_TIME
        self.status = self.Status.HELD
        self.starts_at = min(timezone.make_aware(datetime.combine(on, at)), timezone.now())
        self.desa = desa or self.desa
        self.venue = venue or self.venue
        self.participants = participants
        self.participants_women = participants_women
        self.participants_men = participants_men
        self.summary, self.outcome, self.follow_up = summary, outcome or "", follow_up or ""
        self.full_clean()

    def clean(self):
        errors = {}
        if self.desa_id and self.kecamatan_id and self.desa.kecamatan_id != self.kecamatan_id:
            errors["desa"] = _("%(desa)s tidak berada di Kecamatan %(kecamatan)s.") % {
                "desa": self.desa,
                "kecamatan": self.kecamatan,
            }
        if self.status == self.Status.PLANNED and self.starts_at and self.day > planning_horizon():
            errors["starts_at"] = _(
                "Rencana kegiatan paling jauh %(days)s hari ke depan, sampai %(last)s. Periksa tahunnya."
            ) % {"days": settings.PLANNING_HORIZON_DAYS, "last": date_format(planning_horizon(), "j F Y")}
        if self.status == self.Status.HELD and self.starts_at and self.starts_at > timezone.now():
            errors["starts_at"] = _("Kegiatan yang sudah dilaksanakan tidak boleh bertanggal di masa depan.")
        counted = [n for n in (self.participants, self.participants_women, self.participants_men) if n is not None]
        if counted and self.status != self.Status.HELD:
            errors["participants"] = _("Jumlah peserta hanya diisi untuk kegiatan yang sudah dilaksanakan.")
        elif (self.participants_women or self.participants_men) and self.participants is not None:
            if (self.participants_women or 0) + (self.participants_men or 0) > self.participants:
                errors["participants"] = _("Jumlah perempuan dan laki-laki melebihi jumlah peserta.")
        if errors:
            raise ValidationError(errors)


class OfficerAssignmentQuerySet(models.QuerySet):
    def kecamatan_of(self, user):
        """The kecamatan `user` is assigned to, as a Kecamatan queryset."""
        if not user.is_authenticated:
            return Kecamatan.objects.none()
        return Kecamatan.objects.filter(officer_assignments__user=user)


class OfficerAssignment(models.Model):
    """Staff assign a field officer to a kecamatan; the officer acts only where assigned."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="kecamatan_assignments", verbose_name=_("petugas")
    )
    kecamatan = models.ForeignKey(
        Kecamatan, models.CASCADE, related_name="officer_assignments", verbose_name=_("kecamatan")
    )
    assigned_at = models.DateTimeField(_("ditugaskan pada"), auto_now_add=True)

    objects = OfficerAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "kecamatan__code"]
        verbose_name = _("penugasan petugas")
        verbose_name_plural = _("penugasan petugas")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kecamatan"],
                name="%(app_label)s_%(class)s_unique_user_kecamatan",
                violation_error_message=_("Petugas ini sudah ditugaskan di kecamatan tersebut."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.kecamatan}"


class FieldReportQuerySet(SummarizedQuerySet, ReviewQuerySet):
    # A report's review decides whether its event is public, so counted (OutreachEvent.public).
    summary_fields = frozenset({"review_status", "event", "event_id"})

    def _summary_events(self):
        return OutreachEvent.objects.filter(pk__in=self.order_by().values("event_id"))

    @staticmethod
    def _summary_event_pk(report):
        return report.event_id

    def visible_to(self, user):
        """Reports of events in the kecamatan `user` is assigned to."""
        return self.filter(event__kecamatan__in=OfficerAssignment.objects.kecamatan_of(user))

    def summary_event_keys(self) -> set[tuple[int, date]]:
        return self._summary_events().summary_keys()

    def unpublished(self):
        """Reports whose event the public may not count yet (waiting) or at all (refused)."""
        return self.exclude(review_status=Review.ACCEPTED)

    def for_staff(self, user):
        """The reports of the kabupaten `user` works for (registry.scope)."""
        return staff_scope.for_staff(self, user)


# A location fix less sure than this many metres is flagged "lokasi tidak presisi" for staff.
LOCATION_IMPRECISE_METERS = 500
# A fix claiming to be less sure than this (1000 km) says nothing: it is refused.
LOCATION_ACCURACY_MAX = 1_000_000
LOCATION_FIELDS = ("latitude", "longitude", "location_accuracy", "located_at")


class FieldReport(Reviewed):
    """A field officer's report of a held event, delivered once per client-made id. It waits for
    staff's review (core.review): its event is public once the report is accepted."""

    client_id = models.UUIDField(
        _("kode laporan dari HP"),
        unique=True,
        help_text=_(
            "Dibuat oleh HP petugas; laporan yang dikirim ulang dengan kode yang sama tidak disimpan dua kali."
        ),
    )
    receipt = models.CharField(_("nomor tanda terima"), max_length=20, unique=True, null=True, blank=True)
    event = models.OneToOneField(OutreachEvent, models.PROTECT, related_name="report", verbose_name=_("kegiatan"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="field_reports", verbose_name=_("dikirim oleh")
    )
    submitted_at = models.DateTimeField(_("diterima server"), auto_now_add=True)
    # Proof of presence, for staff only (never on public pages nor in open data): where the
    # phone was when the officer tapped "Catat lokasi saya", how sure it was, and when.
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    location_accuracy = models.PositiveIntegerField(
        _("akurasi lokasi (m)"), null=True, blank=True, validators=[MaxValueValidator(LOCATION_ACCURACY_MAX)]
    )
    located_at = models.DateTimeField(_("waktu lokasi"), null=True, blank=True, validators=[validate_in_range])
    corrects = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("memperbaiki laporan"),
        help_text=_("Laporan yang ditolak staf dan diperbaiki petugas dengan laporan ini."),
    )
    # The plan this report names while the plan still waits in the phone's outbox: when the plan
    # arrives later, it is attached to this report's event (field.services.plan_event).
    plan_client_id = models.UUIDField(_("kode rencana dari HP"), null=True, blank=True, db_index=True)

    submitter_field = "submitted_by"  # told of staff's decision (core.review)
    objects = FieldReportQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat laporan"), verbose_name_plural=_("riwayat laporan"))

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("laporan petugas")
        verbose_name_plural = _("laporan petugas")
        permissions = [("use_field_area", _("Dapat memakai area petugas lapangan"))]

    def __str__(self):
        return self.receipt or str(self.client_id)

    def save(self, *args, **kwargs):
        """Save, and recompute in the same transaction its event's summary row (MonthlySummary):
        the review decides whether the event counts."""
        fields = kwargs.get("update_fields")
        if fields is not None and not FieldReportQuerySet.summary_fields & set(fields):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            before = set() if self._state.adding else FieldReport.objects.filter(pk=self.pk).summary_event_keys()
            super().save(*args, **kwargs)
            MonthlySummary.objects.refresh(before | OutreachEvent.objects.filter(pk=self.event_id).summary_keys())

    save.alters_data = True

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            keys = FieldReport.objects.filter(pk=self.pk).summary_event_keys()
            result = super().delete(*args, **kwargs)
            MonthlySummary.objects.refresh(keys)
        return result

    delete.alters_data = True

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("field:report-detail", args=[self.pk])

    def get_officer_url(self):
        """The report's own page in the field area: its decision, its reason, fixing and resending."""
        return self.get_absolute_url()

    def make_receipt(self) -> str:
        """The number the officer quotes: year of delivery and a running number."""
        return f"LAP-{timezone.localtime(self.submitted_at):%Y}-{self.pk:05d}"

    @property
    def has_location(self) -> bool:
        return self.latitude is not None

    @property
    def is_location_imprecise(self) -> bool:
        """The fix is worse than LOCATION_IMPRECISE_METERS: staff should not rely on it."""
        return self.has_location and self.location_accuracy > LOCATION_IMPRECISE_METERS

    def clean(self):
        given = [name for name in LOCATION_FIELDS if getattr(self, name) is not None]
        if given and len(given) < len(LOCATION_FIELDS):
            raise ValidationError(_("Lokasi tidak lengkap: lintang, bujur, akurasi dan waktunya dikirim bersama."))
        if self.located_at and self.located_at > timezone.now() + timedelta(days=1):
            raise ValidationError({"located_at": _("Waktu lokasi berada di masa depan. Periksa jam HP.")})


def report_photo_path(photo, filename):
    return f"laporan/{timezone.localdate():%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    """A photo of a held event, re-encoded on upload so that no EXIF or GPS data is stored."""

    report = models.ForeignKey(FieldReport, models.CASCADE, related_name="photos", verbose_name=_("laporan"))
    image = models.ImageField(_("foto"), upload_to=report_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("lebar"), default=0)
    height = models.PositiveIntegerField(_("tinggi"), default=0)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("foto laporan")
        verbose_name_plural = _("foto laporan")

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("field:photo", args=[self.pk])


class FieldSubmission(ChoiceLabels, models.Model):
    """A plan or a KIM proposal sent from an officer's phone, stored once per client-made id.

    Reports carry their own id (FieldReport.client_id); this is the same idempotency key for
    what the other field forms create, so a retry of a lost answer gets the first receipt back.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", _("Rencana kegiatan")
        PROPOSAL = "proposal", _("Usulan KIM")

    RECEIPT_PREFIX = {Kind.PLAN: "REN", Kind.PROPOSAL: "USL"}

    client_id = models.UUIDField(_("kode kiriman dari HP"), unique=True)
    kind = models.CharField(_("jenis kiriman"), max_length=10, choices=Kind.choices)
    receipt = models.CharField(_("nomor tanda terima"), max_length=20, unique=True, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="field_submissions", verbose_name=_("dikirim oleh")
    )
    submitted_at = models.DateTimeField(_("diterima server"), auto_now_add=True)
    event = models.OneToOneField(
        OutreachEvent, models.SET_NULL, null=True, blank=True, related_name="submission", verbose_name=_("kegiatan")
    )
    kim = models.OneToOneField(
        Kim, models.SET_NULL, null=True, blank=True, related_name="field_submission", verbose_name=_("KIM")
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("kiriman petugas")
        verbose_name_plural = _("kiriman petugas")

    def __str__(self):
        return self.receipt or str(self.client_id)

    def make_receipt(self) -> str:
        """REN-2026-00007 for a plan, USL-2026-00008 for a proposal."""
        return f"{self.RECEIPT_PREFIX[self.kind]}-{timezone.localtime(self.submitted_at):%Y}-{self.pk:05d}"


def _users_for_staff(user):
    """Users a staff member may see: field officers and staff of their kabupaten, themselves, and
    accounts not yet assigned anywhere (so that they can assign a new officer's kecamatan)."""
    from django.db.models import Q

    from registry.models import StaffKabupaten

    assigned_elsewhere = Q(pk__in=OfficerAssignment.objects.values("user")) | Q(
        pk__in=StaffKabupaten.objects.values("user")
    )
    return (
        Q(pk=user.pk)
        | Q(
            pk__in=OfficerAssignment.objects.filter(staff_scope.kabupaten_q("kecamatan__kabupaten", user)).values(
                "user"
            )
        )
        | Q(pk__in=StaffKabupaten.objects.filter(staff_scope.kabupaten_q("kabupaten", user)).values("user"))
        | (~assigned_elsewhere & Q(is_superuser=False))
    )


def _submissions_for_staff(user):
    """A plan or proposal belongs to its event's or its KIM's kabupaten (neither left: superusers only)."""
    return staff_scope.kabupaten_q("event__kecamatan__kabupaten", user) | staff_scope.kabupaten_q(
        "kim__desa__kecamatan__kabupaten", user
    )


def _notifications_for_staff(user):
    """What the portal told the officers and staff of the user's kabupaten, and the user: a
    notification belongs to its recipient's work (an officer's kecamatan, a staff member's kabupaten);
    one to a citizen belongs to their wish's kabupaten."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from registry.models import StaffKabupaten

    officers = OfficerAssignment.objects.filter(staff_scope.kabupaten_q("kecamatan__kabupaten", user))
    staff = StaffKabupaten.objects.filter(staff_scope.kabupaten_q("kabupaten", user))
    wishes = Wish.objects.filter(staff_scope.kabupaten_q("desa__kecamatan__kabupaten", user))
    return (
        Q(recipient=user.pk)
        | Q(recipient__in=officers.values("user"))
        | Q(recipient__in=staff.values("user"))
        | Q(
            recipient__isnull=True,
            content_type=ContentType.objects.get_for_model(Wish),
            object_id__in=wishes.values("pk"),
        )
    )


staff_scope.register(OutreachEvent, "kecamatan__kabupaten")
staff_scope.register(OfficerAssignment, "kecamatan__kabupaten")
staff_scope.register(FieldReport, "event__kecamatan__kabupaten")
staff_scope.register(ReportPhoto, "report__event__kecamatan__kabupaten")
staff_scope.register(FieldSubmission, rule=_submissions_for_staff)
staff_scope.register(settings.AUTH_USER_MODEL, rule=_users_for_staff)
staff_scope.register("coverage.DesaTarget", "kabupaten")
staff_scope.register("core.Notification", rule=_notifications_for_staff)


class DesaTarget(models.Model):
    """Diskominfo's target for a year: this share of desa/kelurahan has an active KIM by 31 December.

    For the whole kabupaten, or for one kecamatan of it.
    """

    FIRST_YEAR, LAST_YEAR = 2000, 2100

    year = models.PositiveSmallIntegerField(
        _("tahun"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    kabupaten = models.ForeignKey(
        "registry.Kabupaten", models.PROTECT, related_name="desa_targets", verbose_name=_("kabupaten/kota")
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="desa_targets",
        verbose_name=_("kecamatan"),
        help_text=_("Kosongkan untuk target seluruh kabupaten."),
    )
    target_percent = models.DecimalField(
        _("target (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Persentase desa/kelurahan yang memiliki KIM aktif pada 31 Desember tahun itu."),
    )
    note = models.CharField(_("keterangan"), max_length=200, blank=True, help_text=_("Misalnya dasar penetapannya."))

    # Who changed a target, when and why (the admin's "Alasan perubahan"): a target is a commitment.
    history = HistoricalRecords(
        verbose_name=_("riwayat target desa ber-KIM"), verbose_name_plural=_("riwayat target desa ber-KIM")
    )

    class Meta:
        ordering = ["-year", "kabupaten", "kecamatan"]
        verbose_name = _("target desa ber-KIM")
        verbose_name_plural = _("target desa ber-KIM")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kabupaten"],
                condition=models.Q(kecamatan__isnull=True),
                name="%(app_label)s_%(class)s_one_per_kabupaten_year",
                violation_error_message=_("Target kabupaten untuk tahun ini sudah ada."),
            ),
            models.UniqueConstraint(
                fields=["year", "kecamatan"],
                condition=models.Q(kecamatan__isnull=False),
                name="%(app_label)s_%(class)s_one_per_kecamatan_year",
                violation_error_message=_("Target kecamatan ini untuk tahun ini sudah ada."),
            ),
        ]

    def __str__(self):
        scope = self.kecamatan or self.kabupaten
        return f"{self.year} · {scope} · {self.target_percent}%"

    @property
    def scope_code(self) -> str:
        return self.kecamatan.code if self.kecamatan_id else self.kabupaten.code

    def clean(self):
        if self.kecamatan_id and self.kabupaten_id and self.kecamatan.kabupaten_id != self.kabupaten_id:
            raise ValidationError({"kecamatan": _("Kecamatan ini tidak berada di kabupaten tersebut.")})


# --- Citizens' wishes to form a KIM (issue 22): an additive block, kept apart for easy merges. ---


def validate_phone(value: str):
    """An Indonesian phone or WhatsApp number: 08…, +628… or 628…, 9 to 15 digits, spaces and dashes allowed."""
    digits = value.replace(" ", "").replace("-", "").replace(".", "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit() or not (digits.startswith("08") or digits.startswith("62")) or not 9 <= len(digits) <= 15:
        raise ValidationError(
            _("Nomor telepon/WhatsApp tidak dikenali. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890."),
            code="phone",
        )


class WishQuerySet(ReviewQuerySet):
    def open(self):
        """Wishes still counting as demand: waiting for staff, or accepted (not refused)."""
        return self.exclude(review_status=Review.REFUSED)

    def contact_expired(self, now: datetime | None = None):
        """Wishes whose contact is older than settings.WISH_RETENTION_MONTHS and not erased yet."""
        now = now or timezone.now()
        cutoff = now - (
            timezone.localdate(now) - months_before(timezone.localdate(now), settings.WISH_RETENTION_MONTHS)
        )
        return self.filter(created_at__lt=cutoff, contact_erased_at__isnull=True)

    def for_staff(self, user):
        return staff_scope.for_staff(self, user)

    def receive(self, *, desa, name: str, phone: str, email: str, role: str, people: int, message: str = ""):
        """Store a citizen's wish and give it its receipt; the same wish sent again the same day
        (a form posted twice) is stored once: returns (wish, created). Raises ValidationError."""
        now = timezone.now()
        sent = "\x1f".join(
            [desa.code, name.strip().casefold(), phone, email.casefold(), role, str(people), message.strip()]
        )
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"{timezone.localdate(now)}\x1f{sent}".encode(), hashlib.sha256
        ).hexdigest()
        found = self.filter(digest=digest).first()
        if found is not None:
            return found, False
        wish = Wish(desa=desa, name=name.strip(), phone=phone, email=email, role=role, people=people)
        wish.message, wish.consent_at, wish.created_at, wish.digest = message.strip(), now, now, digest
        wish.full_clean()
        try:
            with transaction.atomic():
                wish.save()
                wish.receipt = wish.make_receipt()
                wish.save(update_fields=["receipt"])
        except IntegrityError:  # the same form, posted twice at the same moment
            return self.get(digest=digest), False
        return wish, True


class Wish(Reviewed):
    """A citizen's wish to form a KIM in their desa (*minat membentuk KIM*), sent from /membentuk-kim/.

    Personal data (UU 27/2022): the name, phone, e-mail and message are seen by Diskominfo staff of
    the kabupaten only, never on a public page, in open data or a log line; `erase_contact()`
    removes them (on request, or after settings.WISH_RETENTION_MONTHS by `erase_wish_contacts`),
    keeping the anonymous wish (desa, role, number of people, dates, decision) as demand.
    """

    class Role(models.TextChoices):
        KEPALA_DESA = "kepala_desa", _("Kepala desa/lurah")
        PERANGKAT = "perangkat", _("Perangkat desa/kelurahan")
        BPD = "bpd", _("Anggota BPD/LPM")
        KARANG_TARUNA = "karang_taruna", _("Karang taruna/pemuda")
        PKK = "pkk", _("PKK/kelompok perempuan")
        TOKOH = "tokoh", _("Tokoh masyarakat, agama atau adat")
        WARGA = "warga", _("Warga")
        LAINNYA = "lainnya", _("Lainnya")

    NAME_MAX, MESSAGE_MAX, PEOPLE_MAX = 100, 1000, 1000

    receipt = models.CharField(_("nomor tanda terima"), max_length=20, unique=True, null=True, blank=True)
    desa = models.ForeignKey(Desa, models.PROTECT, related_name="wishes", verbose_name=_("desa/kelurahan"))
    name = models.CharField(_("nama"), max_length=NAME_MAX, blank=True)
    phone = models.CharField(_("telepon/WhatsApp"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    role = models.CharField(_("peran di masyarakat"), max_length=20, choices=Role.choices)
    people = models.PositiveSmallIntegerField(
        _("jumlah orang yang siap"), validators=[MinValueValidator(1), MaxValueValidator(PEOPLE_MAX)]
    )
    message = models.TextField(
        _("pesan"), blank=True, max_length=MESSAGE_MAX, validators=[MaxLengthValidator(MESSAGE_MAX)]
    )
    consent_at = models.DateTimeField(_("persetujuan data pribadi"))
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now, db_index=True)
    # A keyed hash of what was sent, so the same form posted twice is stored once; erased with the contact.
    digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    contact_erased_at = models.DateTimeField(_("kontak dihapus pada"), null=True, blank=True)
    event = models.ForeignKey(
        OutreachEvent,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="wishes",
        verbose_name=_("sosialisasi yang direncanakan"),
    )
    # The mail to the citizen (core.models.Notification about this wish): deleted with the wish.
    notifications = GenericRelation(Notification)

    objects = WishQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("minat membentuk KIM")
        verbose_name_plural = _("minat membentuk KIM")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_erased_at__isnull=False) | ~models.Q(phone="") | ~models.Q(email=""),
                name="%(app_label)s_%(class)s_has_contact",
                violation_error_message=_("Isi nomor telepon/WhatsApp atau e-mail (salah satu cukup)."),
            ),
        ]

    def __str__(self):
        # Never the name or contact: this is what the admin's log and messages show.
        return self.receipt or _("Minat #%(pk)s") % {"pk": self.pk}

    def make_receipt(self) -> str:
        """MNT-2026-00007: the year it was sent and a running number."""
        return f"MNT-{timezone.localtime(self.created_at):%Y}-{self.pk:05d}"

    @property
    def kecamatan(self):
        return self.desa.kecamatan

    @property
    def has_contact(self) -> bool:
        return self.contact_erased_at is None

    def clean(self):
        if self.contact_erased_at is None and not (self.phone or self.email):
            raise ValidationError(_("Isi nomor telepon/WhatsApp atau e-mail (salah satu cukup)."))

    def erase_contact(self, *, when=None):
        """Remove who sent it (name, phone, e-mail, message, the duplicate guard) and the mail to
        them in the notifications outbox, sent or not (core.notifications.forget_addresses_about);
        keep the wish."""
        self.name = self.phone = self.email = self.message = ""
        self.digest = None
        self.contact_erased_at = when or timezone.now()
        with transaction.atomic():
            self.save(update_fields=["name", "phone", "email", "message", "digest", "contact_erased_at"])
            forget_addresses_about(self)

    def plan(self, event: OutreachEvent, *, by):
        """Staff planned `event` (a sosialisasi) from this wish: link it, accept a waiting wish, and
        tell the citizen (tell_citizen_sosialisasi_planned), all in one transaction."""
        if event.kecamatan_id != self.desa.kecamatan_id:
            raise ValidationError(_("Kegiatan ini tidak berada di kecamatan desa yang berminat."))
        self.event = event
        if self.awaits_decision:
            self._decide(Review.ACCEPTED, by=by, when=None, reason="")
        with transaction.atomic():
            self.save()
            tell_citizen_sosialisasi_planned(self)


def tell_citizen_sosialisasi_planned(wish: Wish) -> Notification | None:
    """Record the e-mail telling the citizen who sent `wish` that a sosialisasi is planned in their
    desa (the day, the time and the place, their receipt number, how to reach Diskominfo, and that
    they may ask for their data to be erased), mailed by `send_notifications`.

    Only for a wish with an e-mail and its contact kept, linked to a planned event; once per wish
    and event, however often this is called. Nothing otherwise (a phone only: staff call them).
    """
    event = wish.event
    if event is None or event.status != OutreachEvent.Status.PLANNED or not wish.email or not wish.has_contact:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # in Indonesian, whatever language staff use
        subject, text = _sosialisasi_planned_mail(wish, event)
        url = reverse("coverage:forming-kim")
    return record(
        address=wish.email,
        kind=Notification.Kind.PLANNED,
        subject=subject,
        text=text,
        url=url,
        about=wish,
        key=f"wish-{wish.pk}-event-{event.pk}",
    )


def _sosialisasi_planned_mail(wish: Wish, event: OutreachEvent) -> tuple[str, str]:
    """The subject and text of the citizen's mail (in the active language)."""
    starts = timezone.localtime(event.starts_at)
    day = date_format(starts, "l, j F Y")
    place = [event.venue.strip(), str(event.desa or ""), gettext("Kecamatan %(name)s") % {"name": event.kecamatan}]
    kabupaten = wish.desa.kecamatan.kabupaten
    contact = settings.DISKOMINFO_CONTACT
    office = contact.get("name") or gettext("Diskominfo %(name)s") % {"name": kabupaten}
    ways = [
        (gettext("Alamat"), contact.get("address", "")),
        (gettext("Telepon/WhatsApp"), contact.get("phone", "")),
        (gettext("E-mail"), contact.get("email", "")),
    ]
    subject = gettext("Sosialisasi pembentukan KIM direncanakan di %(desa)s, %(day)s") % {
        "desa": wish.desa,
        "day": date_format(starts, "j F Y"),
    }
    text = gettext(
        "Halo %(name)s,\n\n"
        "terima kasih atas minat Anda membentuk Komunitas Informasi Masyarakat (KIM) di %(desa)s "
        "(nomor tanda terima %(receipt)s). %(office)s merencanakan sosialisasi pembentukan KIM:\n\n"
        "Tanggal: %(day)s, pukul %(time)s\n"
        "Tempat: %(place)s\n\n"
        "Ajak warga yang siap ikut. Jadwal dapat berubah: untuk memastikannya, hubungi %(office)s "
        "dengan menyebut nomor tanda terima Anda.\n"
        "%(ways)s\n\n"
        "Anda dapat meminta nama dan kontak Anda dihapus kapan saja: hubungi %(office)s dengan menyebut "
        "nomor tanda terima. Tanpa permintaan pun, data itu dihapus %(months)d bulan setelah minat dikirim."
    ) % {
        "name": wish.name or gettext("Bapak/Ibu"),
        "desa": wish.desa,
        "receipt": wish.receipt,
        "office": office,
        "day": day,
        "time": f"{starts:%H.%M} {starts.tzname()}",
        "place": ", ".join(part for part in place if part),
        "ways": "\n".join(f"{label}: {value}" for label, value in ways if value),
        "months": settings.WISH_RETENTION_MONTHS,
    }
    return subject, text


def erase_expired_contacts(now: datetime | None = None) -> int:
    """Erase the contact of every wish older than settings.WISH_RETENTION_MONTHS; return how many."""
    now = now or timezone.now()
    expired = list(Wish.objects.contact_expired(now))
    for wish in expired:
        wish.erase_contact(when=now)
    return len(expired)


staff_scope.register(Wish, "desa__kecamatan__kabupaten")


# --- The stored monthly summary (issue 23): what the dashboards count over all history. ---

# Months the summary keeps: from the portal's earliest day up to, not including, December 9999 (the
# local month of a moment in the last hours of 9999 would be year 10000, which no date can hold).
# A dashboard never asks a stored month outside them: its chart starts at EARLIEST_DAY and its last
# month, the one of the day shown, is counted from the events themselves.
SUMMARY_FIRST_MONTH, SUMMARY_END_MONTH = date(2000, 1, 1), date(9999, 12, 1)


def _month_start(month: date) -> datetime:
    """The first instant of `month` in the portal's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(month, time.min), timezone.get_default_timezone())


def summary_month(starts_at: datetime | None) -> date | None:
    """The summary month of an event starting at `starts_at`: its month in the portal's time zone,
    None outside the months the summary keeps."""
    if starts_at is None or not _month_start(SUMMARY_FIRST_MONTH) <= starts_at < _month_start(SUMMARY_END_MONTH):
        return None
    return timezone.localtime(starts_at, timezone.get_default_timezone()).date().replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


class MonthlySummaryQuerySet(models.QuerySet):
    def counted(self, events=None):
        """What the summary should hold, recomputed from the events: (kecamatan id, month, held
        public events) for every pair with at least one, as a values_list queryset (one SQL query)."""
        from django.db.models.functions import TruncMonth

        events = OutreachEvent.objects.all() if events is None else events
        return (
            events.public()
            .held()
            .filter(starts_at__gte=_month_start(SUMMARY_FIRST_MONTH), starts_at__lt=_month_start(SUMMARY_END_MONTH))
            .annotate(
                summary_month=TruncMonth(
                    "starts_at", output_field=models.DateField(), tzinfo=timezone.get_default_timezone()
                )
            )
            .order_by()
            .values_list("kecamatan_id", "summary_month")
            .annotate(n=models.Count("*"))
        )

    def refresh(self, keys):
        """Recompute the rows of the (kecamatan id, month) pairs `keys` from the events, in the
        caller's transaction (or one of its own). The rows are locked first (created if missing),
        so two writers of the same month wait for each other and the second counts the first's
        event; without the lock each would count what it sees and the last to write would win."""
        keys = sorted({(kecamatan, month) for kecamatan, month in keys if kecamatan is not None and month is not None})
        if not keys:
            return
        kecamatan, months = {k for k, _m in keys}, {m for _k, m in keys}
        with transaction.atomic(using=self.db):
            self.bulk_create([MonthlySummary(kecamatan_id=k, month=m) for k, m in keys], ignore_conflicts=True)
            locked = (
                self.select_for_update()
                .filter(kecamatan__in=kecamatan, month__in=months)
                .order_by("kecamatan", "month")
            )
            wanted = set(keys)
            rows = [row for row in locked if (row.kecamatan_id, row.month) in wanted]
            events = OutreachEvent.objects.filter(
                kecamatan__in=kecamatan,
                starts_at__gte=_month_start(min(months)),
                starts_at__lt=_month_start(_next_month(max(months))),
            )
            counts = {(k, m): n for k, m, n in self.counted(events)}
            for row in rows:
                row.held_events = counts.get((row.kecamatan_id, row.month), 0)
            self.bulk_update(rows, ["held_events"])

    def rebuild(self) -> int:
        """Replace the whole summary by what the events say, in one INSERT … SELECT (after a bulk
        load that went around the models, such as the bench's COPY). Returns the rows written."""
        from django.db import connections

        sql, params = self.counted().query.sql_with_params()
        table = self.model._meta.db_table
        with transaction.atomic(using=self.db), connections[self.db].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"INSERT INTO {table} (kecamatan_id, month, held_events) {sql}", params)
            return cursor.rowcount

    def differences(self) -> list[tuple[int, date, int, int]]:
        """(kecamatan id, month, stored, recomputed) of every row where the summary and the events
        disagree (a missing row and a row of 0 are the same)."""
        stored = {
            (k, m): n for k, m, n in self.filter(held_events__gt=0).values_list("kecamatan", "month", "held_events")
        }
        counted = {(k, m): n for k, m, n in self.counted()}
        return sorted(
            (k, m, stored.get((k, m), 0), counted.get((k, m), 0))
            for k, m in stored.keys() | counted.keys()
            if stored.get((k, m), 0) != counted.get((k, m), 0)
        )


class MonthlySummary(models.Model):
    """Public outreach events held per kecamatan and month (in the portal's time zone), stored so
    that a dashboard reads a kabupaten's history in a few hundred rows instead of counting its tens
    of thousands of events on every view.

    Kept correct in the same transaction as every write of an event or of a field report's review
    (OutreachEvent.save/delete, FieldReport.save/delete and their querysets' update, delete and
    bulk_create): the rows the write touched are recomputed from the events, never incremented.
    `manage.py check_summary` recomputes all of it and reports (or, with --fix, repairs) any
    difference."""

    kecamatan = models.ForeignKey(
        Kecamatan, models.CASCADE, related_name="monthly_summary", verbose_name=_("kecamatan")
    )
    month = models.DateField(_("bulan"))
    held_events = models.PositiveIntegerField(_("kegiatan dilaksanakan"), default=0)

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan", "month"]
        verbose_name = _("ringkasan bulanan")
        verbose_name_plural = _("ringkasan bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "month"],
                name="%(app_label)s_%(class)s_unique_kecamatan_month",
                violation_error_message=_("Ringkasan kecamatan ini untuk bulan ini sudah ada."),
            ),
        ]
        indexes = [
            # The same keys with the count beside them (PostgreSQL; SQLite has no INCLUDE and keeps
            # the unique index): a dashboard sums a kabupaten's months from the index alone, 1.35 ->
            # 0.70 ms for the hot kabupaten's 3,800 rows. A unique constraint with INCLUDE would do
            # it in one index, but Django drops such a constraint on SQLite altogether.
            models.Index(fields=["kecamatan", "month"], include=["held_events"], name="coverage_monthly_held"),
        ]

    def __str__(self):
        return f"{self.kecamatan_id} {self.month:%Y-%m}: {self.held_events}"
