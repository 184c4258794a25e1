from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class ChoiceLabels:
    """get_FOO_display() without translating every label of the field's choices on each call.

    Django's own builds a dict of make_hashable(choices): hashing a lazy label translates it, so
    each of the bench's 32.01 kecamatan page's 243 lookups translated every label of its field
    (2,000 gettext calls a request, 685 with this; its CPU 46 -> 41 ms, docs/benchmarks.md).
    Only the values are hashed here, as the admin's display_for_field does; choices with
    unhashable values take Django's way. Put it first among a model's bases (the display methods
    are bound when the class is made)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = dict(field.flatchoices).get(value, value)
        except TypeError:  # list-like choices (a JSONField's)
            label = dict(make_hashable(field.flatchoices)).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


class DataRevision(models.Model):
    """How often the data the public sees has changed: one row, counted up after every committed
    change to a model the page cache watches (`core.cache.invalidate_on_change`).

    It lives in the database, not in a process or a cache, so every worker and every server
    reads the same number: the open data's ETags come from it (`opendata/conditional.py`).
    """

    number = models.BigIntegerField(_("nomor"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("revisi data")
        verbose_name_plural = _("revisi data")

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        """The revision now (0 before the first change): one query."""
        return cls.objects.values_list("number", flat=True).first() or 0

    @classmethod
    def count_up(cls):
        """One more revision; the row is made by the first change."""
        if not cls.objects.update(number=F("number") + 1):
            cls.objects.bulk_create([cls(pk=1, number=1)], ignore_conflicts=True)


class NotificationQuerySet(models.QuerySet):
    def about(self, obj):
        """What was told about `obj` (the row's `about`)."""
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def to_addresses(self):
        """Those addressed to a person without an account (by `address`: personal data)."""
        return self.filter(recipient__isnull=True)

    def for_user(self, user):
        """What `user` was told, newest first (the portal shows these whether or not mail is on)."""
        return self.filter(recipient=user).order_by("-created_at", "-pk")

    def due(self, now):
        """Waiting to be mailed, their time come, and claimed by no run (or by one whose lease ran out)."""
        return self.filter(state=Notification.State.PENDING, next_attempt_at__lte=now).filter(
            models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)
        )

    def claim_due(self, *, now, token: str, limit: int, lease) -> list["Notification"]:
        """Take up to `limit` due notifications for one run of `send_notifications`, marked with
        `token` until `now + lease`: two runs at once never take the same row.

        PostgreSQL: the candidates are locked `FOR UPDATE SKIP LOCKED`, so a second run takes
        the next ones. Every database: the claim is one conditional UPDATE that re-checks "due",
        so of two runs that picked the same row only one gets it (SQLite serialises writers).
        """
        candidates = self.due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                ids = list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
                self.filter(pk__in=ids).update(claimed_by=token, claimed_until=now + lease)
        else:  # SQLite: a plain read, then the claim in one statement (no read-then-write transaction to deadlock)
            ids = list(candidates.values_list("pk", flat=True)[:limit])
            if ids:
                self.due(now).filter(pk__in=ids).update(claimed_by=token, claimed_until=now + lease)
        return list(self.filter(pk__in=ids, claimed_by=token).select_related("recipient").order_by("pk"))


class Notification(ChoiceLabels, models.Model):
    """The outbox of record: one row per thing a person is told (a staff decision on what they sent,
    a daily digest, a citizen's sosialisasi planned), recorded in the transaction that made it and
    mailed later by `manage.py send_notifications` (core/notifications.py), exactly once.

    It goes to a user (`recipient`) or, for a person without an account (a citizen who gave an
    e-mail with their wish), to an `address`: exactly one of the two. The address is personal data:
    the rows holding it are deleted when its owner's contact is erased
    (core.notifications.forget_addresses_about), and it is never shown in `__str__` (the admin's log).
    """

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("keputusan: diterima")
        REFUSED = "refused", _("keputusan: ditolak")
        DIGEST = "digest", _("ringkasan harian")
        PLANNED = "planned", _("sosialisasi direncanakan (untuk warga)")

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu dikirim")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal (penerima ditolak server e-mail)")
        SKIPPED = "skipped", _("tidak dikirim lewat e-mail")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("penerima"),
        help_text=_("Pengguna portal; kosong bila yang diberi tahu warga tanpa akun (lihat alamat e-mail)."),
    )
    address = models.EmailField(
        _("alamat e-mail warga"),
        max_length=254,
        blank=True,
        help_text=_("Data pribadi: dihapus bersama kontak warga itu."),
    )
    # What makes it one of a kind ("wish-7-event-12"): a second record with the same kind and key is the first.
    key = models.CharField(_("kunci"), max_length=100, blank=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", models.SET_NULL, null=True, blank=True, verbose_name=_("jenis data")
    )
    object_id = models.PositiveBigIntegerField(_("nomor data"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    url = models.CharField(_("tautan"), max_length=500, help_text=_("Halaman tempat penerima bertindak."))
    subject = models.CharField(_("judul"), max_length=200)
    text = models.TextField(_("isi"))
    day = models.DateField(_("hari"), null=True, blank=True, help_text=_("Hari ringkasan harian."))
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    sent_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan kirim"), default=0)
    refusals = models.PositiveIntegerField(_("ditolak server e-mail"), default=0)
    next_attempt_at = models.DateTimeField(_("coba kirim berikutnya"), default=timezone.now)
    last_error = models.TextField(_("kesalahan terakhir"), blank=True)
    claimed_by = models.CharField(_("diambil oleh"), max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(_("diambil sampai"), null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_notification_due"),
            models.Index(fields=["recipient", "-created_at"], name="core_notification_recipient"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=models.Q(kind="digest"),
                name="%(app_label)s_%(class)s_one_digest_a_day",
                violation_error_message=_("Ringkasan harian untuk pengguna ini pada hari itu sudah ada."),
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, address="")
                | (models.Q(recipient__isnull=True) & ~models.Q(address="")),
                name="%(app_label)s_%(class)s_one_recipient",
                violation_error_message=_("Pemberitahuan ditujukan ke satu pengguna atau satu alamat e-mail."),
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=~models.Q(key=""),
                name="%(app_label)s_%(class)s_once_per_key",
                violation_error_message=_("Pemberitahuan ini sudah tercatat."),
            ),
        ]

    def __str__(self):
        return f"{self.recipient or _('warga')} · {self.subject}"  # never the address

    @property
    def mail_to(self) -> str:
        """The address its mail goes to: the user's, or the citizen's."""
        return self.recipient.email if self.recipient_id else self.address


class MailPreference(models.Model):
    """A user's choice to receive e-mail from the portal (on unless they turned it off from the link
    in a mail). Notifications are recorded either way; only their mail is left out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="mail_preference", verbose_name=_("pengguna")
    )
    receives_mail = models.BooleanField(_("menerima e-mail"), default=True)
    changed_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("pilihan e-mail")
        verbose_name_plural = _("pilihan e-mail")

    def __str__(self):
        return f"{self.user}: {self.receives_mail}"

    @classmethod
    def receives(cls, user) -> bool:
        return not cls.objects.filter(user=user, receives_mail=False).exists()

    @classmethod
    def choose(cls, user, *, receives_mail: bool):
        cls.objects.update_or_create(user=user, defaults={"receives_mail": receives_mail})
