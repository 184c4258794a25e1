"""Notifications, durable and exactly once (core/notifications.py), against a real SMTP server on
loopback (tests/mailbox.py): Agus, an officer of Parenggean, sends a report; Dewi (Diskominfo)
refuses it with a reason; `send_notifications` mails him, once."""

import re
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import MailPreference, Notification
from core.notifications import LEASE, deliver_due
from coverage.models import FieldReport

from ..factories import make_event
from ..mailbox import Mailbox
from ..servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
AGUS = "agus@contoh.invalid"
REASON = "Foto tidak jelas, ulangi dengan foto kegiatan."


@pytest.fixture
def mailbox(settings):
    box = Mailbox().start()
    settings.EMAIL_URL = box.url
    yield box
    box.stop()


@pytest.fixture
def agus(officer_parenggean):
    officer_parenggean.email = AGUS
    officer_parenggean.first_name = "Agus"
    officer_parenggean.save()
    return officer_parenggean


@pytest.fixture
def dewi_client(client, diskominfo_admin):
    client.force_login(diskominfo_admin)
    return client


def report_of(officer, kecamatan, receipt="LAP-2026-00009"):
    event = make_event(kecamatan=kecamatan, title="Sosialisasi KIM di Parenggean")
    return FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt=receipt)


def refuse_in_admin(client, report, reason=REASON):
    url = reverse("admin:coverage_fieldreport_decision", args=[report.pk])
    return client.post(url, {"decision": "refuse", "reason": reason})


def later(hours=2):
    return timezone.now() + timedelta(hours=hours)


def test_a_refusal_reaches_the_officers_mailbox_once_with_its_reason(mailbox, agus, parenggean, dewi_client):
    report = report_of(agus, parenggean)
    refuse_in_admin(dewi_client, report)
    call_command("send_notifications", stdout=open("/dev/null", "w"))
    call_command("send_notifications", stdout=open("/dev/null", "w"))
    [mail] = mailbox.to(AGUS)
    body = Mailbox.body(mail)
    assert mail["Subject"] == 'Ditolak: laporan petugas "LAP-2026-00009"'
    assert f"Alasan: {REASON}" in body
    assert f"http://127.0.0.1:8000/petugas/laporan/{report.pk}/" in body  # where he fixes and resends
    assert Notification.objects.get().state == Notification.State.SENT


def test_the_mail_is_short_plain_and_carries_a_whatsapp_link_without_anything_personal(
    mailbox, agus, parenggean, dewi_client
):
    refuse_in_admin(dewi_client, report_of(agus, parenggean))
    deliver_due()
    mail = mailbox.to(AGUS)[0]
    body = Mailbox.body(mail)
    assert mail.get_content_type() == "text/plain" and len(body) < 1500
    shared = unquote(re.search(r"https://wa\.me/\?text=(\S+)", body).group(1))
    assert REASON in shared and "LAP-2026-00009" in shared
    assert "/surel/" not in shared and AGUS not in shared and "Halo" not in shared  # his link and address stay his


def test_the_decision_and_its_notification_commit_together(agus, parenggean, diskominfo_admin, monkeypatch):
    report = report_of(agus, parenggean)
    monkeypatch.setattr("core.notifications.record", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        report.refuse(by=diskominfo_admin, reason=REASON)
    report.refresh_from_db()
    assert report.awaits_decision  # no decision without its notification


def test_every_decision_on_an_officers_work_is_recorded_whatever_screen_made_it(agus, parenggean, diskominfo_admin):
    report_of(agus, parenggean).verify(by=diskominfo_admin)  # e.g. the list's "Terima yang terpilih"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (agus, Notification.Kind.ACCEPTED)
    assert notification.subject == 'Diterima: laporan petugas "LAP-2026-00009"'


def test_staff_deciding_on_their_own_entry_tell_nobody(agus, parenggean, diskominfo_admin):
    report_of(diskominfo_admin, parenggean).refuse(by=diskominfo_admin, reason="Salah input.")
    assert not Notification.objects.exists()


def test_without_email_url_notifications_are_recorded_not_sent_and_the_command_says_mail_is_off(
    mailbox, settings, agus, parenggean, dewi_client, capsys
):
    settings.EMAIL_URL = ""
    refuse_in_admin(dewi_client, report_of(agus, parenggean))
    call_command("send_notifications")
    assert "E-mail mati" in capsys.readouterr().out
    assert mailbox.messages == []
    assert Notification.objects.get().state == Notification.State.PENDING  # still shown in the portal


def test_with_the_server_down_nothing_is_lost_and_the_next_run_sends_it(settings, agus, parenggean, dewi_client):
    down_port = free_port()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{down_port}"  # nothing listens there yet
    refuse_in_admin(dewi_client, report_of(agus, parenggean))
    assert deliver_due().retry == 1
    notification = Notification.objects.get()
    assert (notification.state, notification.attempts) == (Notification.State.PENDING, 1)
    assert "Connection refused" in notification.last_error
    box = Mailbox(down_port).start()
    try:
        assert deliver_due().sent == 0  # its back-off has not passed yet
        assert deliver_due(now=later()).sent == 1
        assert len(box.to(AGUS)) == 1
    finally:
        box.stop()
    notification.refresh_from_db()
    assert (notification.state, notification.attempts, notification.last_error) == (Notification.State.SENT, 2, "")


def test_a_recipient_refused_at_rcpt_is_recorded_and_tried_at_most_n_times(
    settings, agus, officer_baamang, parenggean, baamang, diskominfo_admin
):
    settings.EMAIL_MAX_REFUSALS = 3
    officer_baamang.email = "rina@hilang.invalid"
    officer_baamang.save()
    report_of(officer_baamang, baamang, receipt="LAP-2026-00010").refuse(by=diskominfo_admin, reason=REASON)
    report_of(agus, parenggean).refuse(by=diskominfo_admin, reason=REASON)
    box = Mailbox(refuse={"rina@hilang.invalid"}).start()
    settings.EMAIL_URL = box.url
    try:
        for hours in range(0, 10, 2):  # five runs, each after the back-off
            deliver_due(now=later(hours))
    finally:
        box.stop()
    refused = Notification.objects.get(recipient=officer_baamang)
    assert box.rcpt_tries["rina@hilang.invalid"] == 3
    assert (refused.state, refused.refusals) == (Notification.State.FAILED, 3)
    assert "550 5.1.1 Mailbox unavailable" in refused.last_error
    assert len(box.to(AGUS)) == 1  # the other recipient's mail went out once


def test_a_claimed_notification_is_not_taken_by_a_second_run_until_its_lease_ends(agus, parenggean, diskominfo_admin):
    report_of(agus, parenggean).refuse(by=diskominfo_admin, reason=REASON)
    now = timezone.now()
    first = Notification.objects.claim_due(now=now, token="a", limit=10, lease=LEASE)
    assert len(first) == 1
    assert Notification.objects.claim_due(now=now, token="b", limit=10, lease=LEASE) == []
    assert len(Notification.objects.claim_due(now=now + LEASE * 2, token="c", limit=10, lease=LEASE)) == 1


def database_url_for_another_process(tmp_path) -> str:
    """The test database as another process reaches it: PostgreSQL's by its URL, SQLite's (in
    memory) copied to a file."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        return f"postgres://{settings_dict['USER']}{password}@{host}/{settings_dict['NAME']}"
    import sqlite3

    copy = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return f"sqlite:///{copy}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the groups stay for the next test
def test_two_runs_at_once_send_each_notification_once(tmp_path, agus, parenggean, diskominfo_admin):
    for number in range(6):
        report_of(agus, parenggean, receipt=f"LAP-2026-0010{number}").refuse(by=diskominfo_admin, reason=REASON)
    box = Mailbox(delay=0.3).start()  # a slow server: the two runs overlap
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "DEBUG": "0",
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": database_url_for_another_process(tmp_path),
        "EMAIL_URL": box.url,
    }
    try:
        command = [sys.executable, "manage.py", "send_notifications"]
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
    finally:
        box.stop()
    subjects = sorted(mail["Subject"] for mail in box.to(AGUS))
    assert subjects == sorted({f'Ditolak: laporan petugas "LAP-2026-0010{n}"' for n in range(6)})
    assert sum(int(re.search(r"(\d+) terkirim", out).group(1)) for out in outputs) == 6, outputs


def test_the_unsubscribe_link_in_a_mail_turns_mail_off(mailbox, client, agus, parenggean, diskominfo_admin):
    report_of(agus, parenggean).refuse(by=diskominfo_admin, reason=REASON)
    deliver_due()
    link = re.search(r"http://127\.0\.0\.1:8000(/surel/\S+/)", Mailbox.body(mailbox.to(AGUS)[0])).group(1)
    page = client.get(link)
    assert "Matikan e-mail" in page.content.decode()
    assert client.post(link, {"receives_mail": "0"}).status_code == 302
    assert "dimatikan" in client.get(link).content.decode()
    report_of(agus, parenggean, receipt="LAP-2026-00011").refuse(by=diskominfo_admin, reason=REASON)
    deliver_due()
    assert len(mailbox.to(AGUS)) == 1
    assert Notification.objects.get(subject__contains="00011").state == Notification.State.SKIPPED


def test_a_forged_unsubscribe_link_changes_nothing(client, agus):
    response = client.post("/surel/1:forged/", {"receives_mail": "0"})
    assert response.status_code == 404
    assert "Tautan ini tidak berlaku" in response.content.decode()
    assert MailPreference.receives(agus)


def test_staff_read_attempts_and_the_last_error_in_the_admin_without_changing_them(
    settings, dewi_client, agus, parenggean, diskominfo_admin
):
    settings.EMAIL_URL = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    report_of(agus, parenggean).refuse(by=diskominfo_admin, reason=REASON)
    deliver_due()
    notification = Notification.objects.get()
    listing = dewi_client.get(reverse("admin:core_notification_changelist")).content.decode()
    assert "Connection refused" in listing
    page = dewi_client.get(reverse("admin:core_notification_change", args=[notification.pk])).content.decode()
    assert 'name="_save"' not in page


def test_a_run_on_a_slow_server_leaves_the_rest_to_the_next_run_before_its_claim_runs_out(
    settings, monkeypatch, agus, parenggean, diskominfo_admin
):
    for number in range(3):
        report_of(agus, parenggean, receipt=f"LAP-2026-0020{number}").refuse(by=diskominfo_admin, reason=REASON)
    monkeypatch.setattr("core.notifications.LEASE", timedelta(seconds=0.4))  # stops after 0.2 s
    box = Mailbox(delay=0.3).start()
    settings.EMAIL_URL = box.url
    try:
        assert deliver_due().sent == 1
        assert len(Notification.objects.due(timezone.now())) == 2  # unclaimed at once, not after the lease
        assert deliver_due(now=later()).sent == 1
    finally:
        box.stop()
