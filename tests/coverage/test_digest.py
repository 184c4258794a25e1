"""Staff's daily digest (coverage/digest.py, `manage.py send_digests`): Dewi of Diskominfo Kotim gets
her inbox by mail on a day something waits for her decision, once that day, and nothing on a quiet day."""

import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification
from coverage.digest import record_digests
from coverage.models import FieldReport

from ..factories import make_event
from ..mailbox import Mailbox

DEWI = "dewi@diskominfo.invalid"


@pytest.fixture
def mailbox(settings):
    box = Mailbox().start()
    settings.EMAIL_URL = box.url
    yield box
    box.stop()


@pytest.fixture
def dewi(diskominfo_admin, kotim):
    diskominfo_admin.email = DEWI
    diskominfo_admin.save()
    return diskominfo_admin


def a_report_waits(officer, kecamatan):
    event = make_event(kecamatan=kecamatan, title="Sosialisasi KIM")
    officer.email = "agus@contoh.invalid"
    officer.save()
    FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt="LAP-2026-00001")


def test_staff_get_a_digest_of_what_waits_once_a_day(mailbox, dewi, officer_parenggean, parenggean):
    a_report_waits(officer_parenggean, parenggean)
    call_command("send_digests", stdout=open("/dev/null", "w"))
    call_command("send_digests", stdout=open("/dev/null", "w"))  # a second run the same day
    [mail] = mailbox.to(DEWI)
    body = Mailbox.body(mail)
    assert mail["Subject"].startswith("Ringkasan harian KIM Portal")
    assert "- Laporan petugas belum diperiksa: 1" in body
    assert "http://127.0.0.1:8000/admin/" in body and "https://wa.me/?text=" in body
    assert Notification.objects.filter(kind=Notification.Kind.DIGEST).count() == 1


def test_a_digest_never_carries_an_officers_contact_details(mailbox, dewi, officer_parenggean, parenggean):
    a_report_waits(officer_parenggean, parenggean)
    call_command("send_digests", stdout=open("/dev/null", "w"))
    assert "agus@contoh.invalid" not in Mailbox.body(mailbox.to(DEWI)[0])


def test_nothing_waiting_means_no_digest(mailbox, dewi):
    """Kotim's desa without a KIM are always there; they alone do not make a daily mail."""
    call_command("send_digests", stdout=open("/dev/null", "w"))
    assert mailbox.messages == []
    assert not Notification.objects.exists()


def test_the_database_holds_at_most_one_digest_per_staff_member_a_day(dewi, officer_parenggean, parenggean):
    a_report_waits(officer_parenggean, parenggean)
    assert record_digests(on=timezone.localdate()) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=dewi, kind=Notification.Kind.DIGEST, day=timezone.localdate(), subject="x", text="x", url="/"
        )
