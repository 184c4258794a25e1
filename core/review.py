"""One review workflow for everything staff decide on: a KIM an officer proposed, an officer's
report of a held event, an officer's activity entry (and whatever staff review next).

Each such model inherits `Reviewed`: one status with one vocabulary (*menunggu pemeriksaan*,
*diterima*, *ditolak*), who decided and when, and the reason of a refusal, with
`verify(by=...)` and `refuse(by=..., reason=...)`, each recording its notification to the one who
sent the item (`submitter_field`, `get_officer_url`) in the same transaction (core.notifications). Its queryset inherits `ReviewQuerySet`
(`waiting()`, `accepted()`, `refused()`). The admin, the field area, the inbox and the history
speak these words only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import ChoiceLabels


class Review(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("pemeriksaan", "Menunggu pemeriksaan")
    ACCEPTED = "accepted", pgettext_lazy("pemeriksaan", "Diterima")
    REFUSED = "refused", pgettext_lazy("pemeriksaan", "Ditolak")


REASON_MAX = 1000
REASON_REQUIRED = _("Tuliskan alasan penolakan: yang mengirim membacanya untuk memperbaiki kirimannya.")


def history_reason(what, reason: str) -> str:
    """A history entry's reason (at most 100 characters): "ditolak: <the reason>"."""
    text = f"{what}: {reason}" if reason else str(what)
    return text if len(text) <= 100 else text[:99] + "…"


class ReviewQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(review_status=Review.WAITING)

    def accepted(self):
        return self.filter(review_status=Review.ACCEPTED)

    def refused(self):
        return self.filter(review_status=Review.REFUSED)


class Reviewed(ChoiceLabels, models.Model):
    """What staff review: its status, who decided, when, and why they refused."""

    Review = Review
    REASON_MAX = REASON_MAX
    # The field naming the user who sent it ("proposed_by"): told of every decision. Empty: no one.
    submitter_field = ""

    review_status = models.CharField(_("pemeriksaan"), max_length=10, choices=Review.choices, default=Review.WAITING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_reviewed",
        verbose_name=_("diperiksa oleh"),
    )
    reviewed_at = models.DateTimeField(_("diperiksa pada"), null=True, blank=True)
    review_reason = models.TextField(
        _("alasan penolakan"),
        blank=True,
        max_length=REASON_MAX,
        validators=[MaxLengthValidator(REASON_MAX)],
        help_text=_("Diisi staf saat menolak; yang mengirim membacanya."),
    )

    class Meta:
        abstract = True

    @property
    def awaits_decision(self) -> bool:
        return self.review_status == Review.WAITING

    @property
    def is_accepted(self) -> bool:
        return self.review_status == Review.ACCEPTED

    @property
    def is_refused(self) -> bool:
        return self.review_status == Review.REFUSED

    @property
    def submitter(self):
        """The user who sent it (an officer), or None (staff's own entry, an imported row)."""
        return getattr(self, self.submitter_field) if self.submitter_field else None

    def get_officer_url(self) -> str:
        """Where the one who sent it reads a decision and acts on it (the field area)."""
        raise NotImplementedError(f"{type(self).__name__} must say where its sender acts on a decision")

    def verify(self, *, by, when=None):
        """Staff accept it: from now on it counts (coverage, vitality, public pages)."""
        self._decide(Review.ACCEPTED, by=by, when=when, reason="")
        self._change_reason = gettext("diterima")
        self._save_and_notify(by)

    def refuse(self, *, by, reason: str, when=None):
        """Staff refuse it, saying why: it never counts, and the one who sent it reads the reason."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"review_reason": REASON_REQUIRED})
        reason = self._meta.get_field("review_reason").clean(reason, self)  # at most REASON_MAX characters
        self._decide(Review.REFUSED, by=by, when=when, reason=reason)
        self._change_reason = history_reason(gettext("ditolak"), reason)
        self._save_and_notify(by)

    def _save_and_notify(self, by):
        """The decision and its notification commit together, whichever screen made it."""
        from .notifications import record_decision

        with transaction.atomic():
            self.save()
            record_decision(self, by=by)

    def _decide(self, status, *, by, when, reason):
        self.review_status = status
        self.reviewed_by = by
        self.reviewed_at = when or timezone.now()
        self.review_reason = reason
