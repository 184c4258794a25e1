"""Staff's daily digest: their inbox (coverage.inbox) by mail, only on days when something waits
for their decision, at most once a day each (a unique constraint on the notification)."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse_lazy
from django.utils import formats, translation
from django.utils.translation import gettext

from core.models import Notification
from core.notifications import record

from .inbox import InboxItem, staff_inbox

INBOX = reverse_lazy("admin:index")  # the admin's home page holds the inbox
WAITING = "review_status__exact=waiting"  # an inbox line listing what waits for staff's decision


def waits_for_decision(item: InboxItem) -> bool:
    return item.count > 0 and WAITING in item.url


def staff_digest(*, user, on: date) -> tuple[str, str] | None:
    """(subject, text) of `user`'s digest on day `on`: every line of their inbox that is not zero;
    None when nothing waits for their decision (a quiet day sends no mail)."""
    with translation.override(settings.LANGUAGE_CODE):
        items = staff_inbox(user=user, on=on)
        if not any(waits_for_decision(item) for item in items):
            return None
        day = formats.date_format(on, "l, j F Y")
        lines = [f"- {item.label}: {item.count}" for item in items if item.count]
        subject = gettext("Ringkasan harian KIM Portal, %(day)s") % {"day": day}
        text = gettext("Yang menunggu Anda di KIM Portal pada %(day)s:") % {"day": day} + "\n" + "\n".join(lines)
    return subject, text


def record_digests(*, on: date) -> int:
    """Record today's digest of every active staff member who has something waiting and none yet
    for `on`; the number recorded. Run twice, it records nothing the second time."""
    done = set(Notification.objects.filter(kind=Notification.Kind.DIGEST, day=on).values_list("recipient", flat=True))
    recorded = 0
    for user in get_user_model().objects.filter(is_staff=True, is_active=True).exclude(pk__in=done).order_by("pk"):
        digest = staff_digest(user=user, on=on)
        if digest is None:
            continue
        subject, text = digest
        try:
            with transaction.atomic():
                record(
                    recipient=user, kind=Notification.Kind.DIGEST, subject=subject, text=text, url=str(INBOX), day=on
                )
        except IntegrityError:  # another run recorded it meanwhile: one a day (the unique constraint)
            continue
        recorded += 1
    return recorded
