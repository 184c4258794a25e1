"""Telling people what they must know, durably and exactly once.

Whatever must reach a person is first recorded as a `core.models.Notification` in the transaction
that made it (a staff decision: `record_decision`, called by `core.review.Reviewed.verify/refuse`;
a staff member's daily digest: coverage/digest.py; a citizen's sosialisasi planned from their wish,
to their e-mail address, they have no account: coverage.models.tell_citizen_sosialisasi_planned).
The table is the outbox of record: the portal shows its rows whether or not mail is on. `deliver_due()` (the `send_notifications` command, run
every minute) mails what is due:

- one setting, `EMAIL_URL` (django-environ's form: smtp://host:25, smtp+tls://user:pass@host:587),
  through Django's SMTP backend, from `DEFAULT_FROM_EMAIL`; without it, mail is off: nothing is
  sent, everything stays recorded;
- two runs at once never send a row twice: each run claims its rows first
  (`NotificationQuerySet.claim_due`);
- the mail server down or answering "try later": the row stays pending, retried with back-off
  (1, 2, 4 ... minutes, at most an hour), its attempts and last error shown in the admin;
- a recipient the server refuses for good (5xx at RCPT) is tried at most `EMAIL_MAX_REFUSALS`
  times, then the row is marked failed;
- a user who turned mail off (the signed link in every mail, `unsubscribe_url`), or has no address,
  is told in the portal only;
- a citizen's address is personal data (UU 27/2022): when their contact is erased, the rows holding
  it are deleted (`forget_addresses_about`), so an unsent one is never sent: a run checks its row
  again just before each mail (on PostgreSQL it keeps the row locked until the mail is recorded
  sent, so an erasure waits for that one mail or comes first); the address is never in the
  command's output.

A process killed between the server's "250 OK" and the row's update would send that one mail again
once its claim lapses (`LEASE`): SMTP gives no way to make that step atomic.
"""

import re
import smtplib
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import environ
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from .models import MailPreference, Notification

LEASE = timedelta(minutes=10)  # how long a run holds the rows it claimed before another may take them
BATCH = 200  # rows one run claims at most
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=1)
MAIL_WITHIN = {Notification.Kind.DIGEST: timedelta(days=1)}  # older ones are no longer worth a mail
MAIL_WITHIN_DEFAULT = timedelta(days=7)
UNSUBSCRIBE_SALT = "core.notifications.unsubscribe"


# Recording ---------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    """A portal path as a link a mail can carry (settings.PORTAL_URL in front)."""
    return settings.PORTAL_URL.rstrip("/") + path


def record(
    *, recipient=None, address: str = "", kind, subject: str, text: str, url: str, about=None, day=None, key=""
) -> Notification:
    """One notification in the outbox of record (call it inside the transaction that caused it), to
    a user (`recipient`) or to a person without an account (`address`, personal data: call
    `forget_addresses_about(about)` when their contact is erased). With a `key`, recorded once: the
    same kind and key again (a second save, two at once) returns the first row."""
    from django.contrib.contenttypes.models import ContentType

    if (recipient is None) == (not address):
        raise ValueError("a notification goes to a recipient or to an address, exactly one")
    fields = {
        "recipient": recipient,
        "address": address,
        "kind": kind,
        "content_type": ContentType.objects.get_for_model(about) if about is not None else None,
        "object_id": about.pk if about is not None else None,
        "subject": subject[:200],
        "text": text,
        "url": url,
        "day": day,
        "key": key,
    }
    if not key:
        return Notification.objects.create(**fields)
    found = Notification.objects.filter(kind=kind, key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields)
    except IntegrityError:  # recorded by another transaction at the same moment
        return Notification.objects.get(kind=kind, key=key)


def forget_addresses_about(about) -> int:
    """Erase what the outbox holds of the people without an account told about `about` (a citizen's
    wish whose contact is erased): their rows are deleted, sent or not, so no mail goes out after
    (see the module's docstring). Call it in the transaction that erases the contact; returns how many."""
    deleted, _by_model = Notification.objects.about(about).to_addresses().delete()
    return deleted


def record_decision(item, *, by) -> Notification | None:
    """Tell the one who sent `item` (a `core.review.Reviewed`) what staff decided on it, why, and
    where to act. Nothing when staff decided on their own entry or no one sent it."""
    recipient = item.submitter
    if recipient is None or not recipient.is_active or (by is not None and recipient.pk == by.pk):
        return None
    with translation.override(settings.LANGUAGE_CODE):  # in Indonesian, whatever language staff use
        what = f'{item._meta.verbose_name} "{item}"'
        day = formats.date_format(timezone.localtime(item.reviewed_at), "j F Y")
        if item.is_refused:
            kind = Notification.Kind.REFUSED
            subject = gettext("Ditolak: %(what)s") % {"what": what}
            text = gettext(
                "%(What)s yang Anda kirim ditolak staf Diskominfo pada %(day)s.\n"
                "Alasan: %(reason)s\n"
                "Perbaiki lalu kirim ulang lewat tautan di bawah."
            ) % {"What": what[:1].upper() + what[1:], "day": day, "reason": item.review_reason}
        else:
            kind = Notification.Kind.ACCEPTED
            subject = gettext("Diterima: %(what)s") % {"what": what}
            text = gettext("%(What)s yang Anda kirim diterima staf Diskominfo pada %(day)s. Terima kasih.") % {
                "What": what[:1].upper() + what[1:],
                "day": day,
            }
    return record(recipient=recipient, kind=kind, subject=subject, text=text, url=item.get_officer_url(), about=item)


# The unsubscribe link ----------------------------------------------------------------------------


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def user_of_token(token: str):
    """The user a token from `unsubscribe_token` was made for, or None for a forged or broken one."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe_url(user) -> str:
    return absolute(reverse("mail-preference", args=[unsubscribe_token(user)]))


# The mail ----------------------------------------------------------------------------------------


def share_text(notification: Notification) -> str:
    """What a staff member forwards to the officers' WhatsApp group: no greeting, no personal link."""
    return f"{notification.subject}\n{notification.text}\n{absolute(notification.url)}"


def whatsapp_url(notification: Notification) -> str:
    return "https://wa.me/?text=" + quote(share_text(notification), safe="")


def mail_body(notification: Notification) -> str:
    user = notification.recipient
    if user is None:  # a citizen: the text says it all; no account, no link to turn mail off
        with translation.override(settings.LANGUAGE_CODE):
            return gettext("%(text)s\n\nTentang KIM dan cara menghubungi Diskominfo: %(url)s\n\n-- \nKIM Portal\n") % {
                "text": notification.text,
                "url": absolute(notification.url),
            }
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Halo %(name)s,\n\n%(text)s\n\nBuka: %(url)s\n\n"
            "Teruskan lewat WhatsApp: %(whatsapp)s\n\n"
            "-- \nKIM Portal. Berhenti menerima e-mail ini: %(unsubscribe)s\n"
        ) % {
            "name": user.get_full_name() or user.get_username(),
            "text": notification.text,
            "url": absolute(notification.url),
            "whatsapp": whatsapp_url(notification),
            "unsubscribe": unsubscribe_url(user),
        }


def mail_is_on() -> bool:
    return bool(settings.EMAIL_URL)


def mail_connection():
    """Django's mail backend as EMAIL_URL says (smtp, smtp+tls, smtps; console for development)."""
    config = environ.Env.email_url_config(settings.EMAIL_URL)
    return get_connection(
        backend=config["EMAIL_BACKEND"],
        host=config.get("EMAIL_HOST"),
        port=config.get("EMAIL_PORT"),
        username=config.get("EMAIL_HOST_USER") or None,
        password=config.get("EMAIL_HOST_PASSWORD") or None,
        use_tls=config.get("EMAIL_USE_TLS", False),
        use_ssl=config.get("EMAIL_USE_SSL", False),
        timeout=settings.EMAIL_TIMEOUT,
    )


# Delivery ----------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What one run did."""

    mail_on: bool = True
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.mail_on:
            return gettext("E-mail mati (EMAIL_URL kosong): pemberitahuan tetap tercatat, tidak ada yang dikirim.")
        line = gettext("%(sent)d terkirim, %(retry)d dicoba lagi nanti, %(failed)d gagal, %(skipped)d tidak dikirim.")
        line %= {"sent": self.sent, "retry": self.retry, "failed": self.failed, "skipped": self.skipped}
        return line + (f" ({self.errors[0]})" if self.errors else "")


def backoff(attempts: int) -> timedelta:
    """The wait before try number `attempts + 1`: 1, 2, 4 ... minutes, at most an hour."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def _finish(notification, token, **changes):
    """Update the row only while this run still holds it; the claim ends."""
    return Notification.objects.filter(pk=notification.pk, claimed_by=token).update(
        claimed_by="", claimed_until=None, **changes
    )


def _sent(notification, token, now):
    _finish(notification, token, state=Notification.State.SENT, sent_at=now, attempts=F("attempts") + 1, last_error="")


def _skipped(notification, token, why: str):
    _finish(notification, token, state=Notification.State.SKIPPED, last_error=why)


def _retry_later(notification, token, now, error: str):
    attempts = notification.attempts + 1
    _finish(
        notification,
        token,
        attempts=F("attempts") + 1,
        last_error=error[:2000],
        next_attempt_at=now + backoff(attempts),
    )


def _refused(notification, token, now, error: str) -> bool:
    """The server refused the recipient: failed for good after EMAIL_MAX_REFUSALS times. True if it gave up."""
    refusals = notification.refusals + 1
    gave_up = refusals >= settings.EMAIL_MAX_REFUSALS
    _finish(
        notification,
        token,
        attempts=F("attempts") + 1,
        refusals=F("refusals") + 1,
        last_error=error[:2000],
        next_attempt_at=now + backoff(refusals),
        **({"state": Notification.State.FAILED} if gave_up else {}),
    )
    return gave_up


def _why_not_mailed(notification, now) -> str:
    recipient = notification.recipient
    if recipient is not None and not recipient.email:
        return gettext("Penerima tidak punya alamat e-mail.")
    if recipient is not None and not recipient.is_active:
        return gettext("Akun penerima tidak aktif.")
    if notification.created_at < now - MAIL_WITHIN.get(notification.kind, MAIL_WITHIN_DEFAULT):
        return gettext("Terlalu lama menunggu (e-mail mati?): hanya tampil di portal.")
    if recipient is not None and not MailPreference.receives(recipient):
        return gettext("Penerima mematikan e-mail dari portal.")
    return ""


def _message(notification) -> EmailMessage:
    return EmailMessage(
        subject=notification.subject,
        body=mail_body(notification),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.mail_to],
    )


@contextmanager
def _sending(notification, token):
    """Around one mail: yields whether its row is still this run's and waiting (a citizen's erased
    contact deletes it). PostgreSQL: the row stays locked FOR UPDATE until it is recorded sent, so an
    erasure either comes first (nothing is sent) or waits for this one mail. SQLite: checked just
    before (a transaction held through an SMTP exchange would hold up every writer)."""
    rows = Notification.objects.filter(pk=notification.pk, claimed_by=token, state=Notification.State.PENDING)
    if not database.features.has_select_for_update:
        yield rows.exists()
        return
    with transaction.atomic():
        yield bool(list(rows.select_for_update().values_list("pk", flat=True)))


def _permanent_refusal(error: smtplib.SMTPRecipientsRefused) -> bool:
    return all(code >= 500 for code, _message in error.recipients.values())


def deliver_due(*, now=None, limit: int = BATCH) -> Delivery:
    """Mail every notification that is due, each once; see the module's docstring."""
    if not mail_is_on():
        return Delivery(mail_on=False)
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = Notification.objects.claim_due(now=now, token=token, limit=limit, lease=LEASE)
    done = Delivery()
    to_mail = []
    for notification in claimed:
        why = _why_not_mailed(notification, now)
        if why:
            _skipped(notification, token, why)
            done.skipped += 1
        else:
            to_mail.append(notification)
    if not to_mail:
        return done
    connection = mail_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:  # the server is down: every row waits for the next run
        for notification in to_mail:
            _retry_later(notification, token, now, _describe(error))
        done.retry += len(to_mail)
        done.errors.append(_describe(error))
        return done
    deadline = time.monotonic() + LEASE.total_seconds() / 2  # stop well before another run may take the rows
    try:
        for index, notification in enumerate(to_mail):
            if time.monotonic() > deadline:  # a slow server: leave the rest to the next run, unclaimed
                rest = [waiting.pk for waiting in to_mail[index:]]
                Notification.objects.filter(pk__in=rest, claimed_by=token).update(claimed_by="", claimed_until=None)
                break
            try:
                with _sending(notification, token) as still_ours:
                    if not still_ours:  # erased meanwhile (or taken over after a lapsed claim)
                        done.skipped += 1
                        continue
                    connection.send_messages([_message(notification)])
                    _sent(notification, token, now)
            except smtplib.SMTPRecipientsRefused as error:
                described = _describe(error, notification)
                if _permanent_refusal(error):
                    gave_up = _refused(notification, token, now, described)
                    done.failed += gave_up
                    done.retry += not gave_up
                else:
                    _retry_later(notification, token, now, described)
                    done.retry += 1
                done.errors.append(described)
            except (OSError, smtplib.SMTPException) as error:  # the connection broke: the rest wait too
                described = _describe(error, notification)
                for waiting in to_mail[index:]:
                    _retry_later(waiting, token, now, described)
                done.retry += len(to_mail) - index
                done.errors.append(described)
                break
            else:
                done.sent += 1
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return done


def _describe(error: Exception, notification=None) -> str:
    """The mail server's answer for the admin and the command's line; a citizen's address (personal
    data, as a server may echo it) replaced by "<alamat warga>"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()
        )
    else:
        text = f"{type(error).__name__}: {error}"
    if notification is not None and notification.address:
        text = re.sub(re.escape(notification.address), "<alamat warga>", text, flags=re.IGNORECASE)
    return text
