"""Siti, of Desa Patai (Kecamatan Cempaga, no KIM yet), sends "Kami ingin membentuk KIM" with her
e-mail; Sari (Diskominfo) plans a sosialisasi from the wish in the admin; `send_notifications` tells
Siti, once, on a real SMTP server on loopback (tests/mailbox.py). Her address is personal data:
erased with her contact, the mail waiting for her is never sent."""

import asyncio
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.models import Notification
from core.notifications import deliver_due
from coverage.models import OutreachEvent, Wish
from registry.models import Desa

from ..core.test_notifications import ROOT, database_url_for_another_process
from ..factories import make_event, make_wish
from ..mailbox import Mailbox

PATAI = "62.02.02.2005"
SITI = "siti.patai@contoh.invalid"
CONTACT = {
    "name": "Diskominfo Kotim (contoh)",
    "address": "Jl. Contoh No. 1, Sampit",
    "phone": "0531 000000",
    "email": "diskominfo@contoh.invalid",
}


@pytest.fixture
def mailbox(settings):
    box = Mailbox().start()
    settings.EMAIL_URL = box.url
    settings.DISKOMINFO_CONTACT = CONTACT
    yield box
    box.stop()


@pytest.fixture
def patai(demo):
    return Desa.objects.get(code=PATAI)


def send_wish(*, email=SITI, phone=""):
    """Siti sends the public form, as a visitor does (no login)."""
    data = {
        "name": "Siti Aminah",
        "desa": PATAI,
        "phone": phone,
        "email": email,
        "role": "karang_taruna",
        "people": "12",
        "message": "Kami bisa berkumpul setiap Jumat sore.",
        "consent": "on",
        "website": "",
    }
    assert Client().post("/membentuk-kim/", data, REMOTE_ADDR="198.51.100.7").status_code == 302
    return Wish.objects.get(name="Siti Aminah")


def plan_in_admin(staff_client, wish, *, day, venue="Balai Desa Patai"):
    """Sari follows "Rencanakan sosialisasi" on the wish's page and saves the prefilled event."""
    change = staff_client.get(f"/admin/coverage/wish/{wish.pk}/change/").content.decode()
    link = change.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    initial = staff_client.get(link).context["adminform"].form.initial
    staff_client.post(
        link,
        {
            "title": initial["title"],
            "kind": initial["kind"],
            "status": initial["status"],
            "starts_at_0": day.isoformat(),  # read in every language
            "starts_at_1": "09:00",
            "kecamatan": initial["kecamatan"],
            "desa": initial["desa"],
            "venue": venue,
        },
    )
    wish.refresh_from_db()
    return wish.event


def run_send_notifications():
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def the_day():
    return timezone.localdate() + timedelta(days=14)


def stored_anywhere(text: str) -> list[str]:
    """Every table row holding `text`: the whole database, serialised (the admin's log included)."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        dump = serializers.serialize("json", model._default_manager.all())
        if text.lower() in dump.lower():
            found.append(model._meta.label)
    return found


def test_a_citizen_who_gave_an_email_is_mailed_once_when_staff_plan_a_sosialisasi_from_her_wish(
    mailbox, staff_client, patai
):
    wish = send_wish()
    event = plan_in_admin(staff_client, wish, day=the_day())
    assert event is not None and wish.is_accepted
    run_send_notifications()
    run_send_notifications()
    [mail] = mailbox.to(SITI)
    assert mail["Subject"].startswith("Sosialisasi pembentukan KIM direncanakan di Desa Patai, ")
    assert Notification.objects.get().state == Notification.State.SENT


def test_the_mail_says_which_desa_when_where_her_receipt_how_to_reach_diskominfo_and_erasure(
    mailbox, staff_client, patai
):
    wish = send_wish()
    plan_in_admin(staff_client, wish, day=datetime(2027, 1, 9).date())
    run_send_notifications()
    body = Mailbox.body(mailbox.to(SITI)[0])
    assert "Halo Siti Aminah," in body and "di Desa Patai" in body and wish.receipt in body
    assert "Tanggal: Sabtu, 9 Januari 2027, pukul 09.00 WIB" in body
    assert "Tempat: Balai Desa Patai, Desa Patai, Kecamatan Cempaga" in body
    assert all(value in body for value in CONTACT.values()) and "meminta nama dan kontak Anda dihapus" in body


def test_the_mail_is_in_indonesian_whatever_language_staff_use(mailbox, staff_client, patai):
    wish = send_wish()
    staff_client.cookies["django_language"] = "en"
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    plan_in_admin(staff_client, wish, day=datetime(2027, 1, 9).date())
    run_send_notifications()
    body = Mailbox.body(mailbox.to(SITI)[0])
    assert "Tanggal: Sabtu, 9 Januari 2027" in body and "Saturday" not in body


def test_planning_from_the_same_wish_twice_for_one_event_records_one_mail(mailbox, staff, patai):
    wish = send_wish()
    event = make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day())
    wish.plan(event, by=staff)
    wish.plan(event, by=staff)  # the hook fires again: a second save
    deliver_due()
    assert Notification.objects.count() == 1
    assert len(mailbox.to(SITI)) == 1


def test_a_second_event_planned_for_the_wish_is_told_too(mailbox, staff, patai):
    wish = send_wish()
    first = make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day())
    second = make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day() + timedelta(days=7))
    wish.plan(first, by=staff)
    wish.plan(second, by=staff)  # e.g. the first was called off by the desa
    deliver_due()
    assert len(mailbox.to(SITI)) == 2


def test_a_wish_with_only_a_phone_gets_no_mail(mailbox, staff_client, patai):
    wish = send_wish(email="", phone="0812 3456 7890")
    assert plan_in_admin(staff_client, wish, day=the_day()) is not None
    run_send_notifications()
    assert Notification.objects.count() == 0 and mailbox.messages == []


def test_an_event_recorded_as_already_held_tells_nobody_a_plan(mailbox, staff, patai):
    wish = send_wish()
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.HELD), by=staff)
    assert Notification.objects.count() == 0


def test_erasing_her_contact_on_request_before_the_mail_goes_out_sends_nothing_and_leaves_no_address(
    mailbox, staff_client, patai
):
    wish = send_wish()
    plan_in_admin(staff_client, wish, day=the_day())
    assert sorted(stored_anywhere(SITI)) == ["core.Notification", "coverage.Wish"]  # the scan sees her address
    response = staff_client.post(
        "/admin/coverage/wish/", {"action": "erase_contact", "_selected_action": [wish.pk]}, follow=True
    )
    assert "juga e-mail kepada mereka" in response.content.decode()
    run_send_notifications()
    assert mailbox.messages == []
    assert stored_anywhere(SITI) == [] and not Notification.objects.filter(address__iexact=SITI).exists()


def test_a_mail_already_sent_is_erased_with_her_contact(mailbox, staff_client, patai):
    wish = send_wish()
    plan_in_admin(staff_client, wish, day=the_day())
    run_send_notifications()
    Wish.objects.get(pk=wish.pk).erase_contact()
    assert stored_anywhere(SITI) == []
    assert len(mailbox.to(SITI)) == 1  # what went out before stays out; nothing more


def test_a_wish_deleted_in_the_admin_takes_its_mail_with_it(mailbox, staff_client, patai):
    wish = send_wish()
    plan_in_admin(staff_client, wish, day=the_day())
    staff_client.post(f"/admin/coverage/wish/{wish.pk}/delete/", {"post": "yes"})
    assert not Wish.objects.filter(pk=wish.pk).exists()
    run_send_notifications()
    assert mailbox.messages == [] and stored_anywhere(SITI) == []


def test_retention_erases_the_mail_waiting_for_an_old_wish(mailbox, staff, patai, settings):
    settings.WISH_RETENTION_MONTHS = 12
    wish = make_wish(desa=patai, email=SITI, created_at=timezone.now() - timedelta(days=370))
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    call_command("erase_wish_contacts", stdout=StringIO())
    run_send_notifications()
    assert mailbox.messages == [] and stored_anywhere(SITI) == []


def test_the_hook_tells_nobody_once_the_contact_is_erased(mailbox, staff, patai):
    wish = send_wish()
    wish.erase_contact()
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    assert Notification.objects.count() == 0


def test_a_refused_citizens_address_stays_out_of_the_commands_line_and_the_error_record(settings, staff, patai, caplog):
    wish = send_wish()
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    box = Mailbox(refuse={SITI}).start()
    settings.EMAIL_URL = box.url
    try:
        line = run_send_notifications()
    finally:
        box.stop()
    notification = Notification.objects.get()
    assert box.rcpt_tries[SITI] == 1 and "550 5.1.1" in line and "550 5.1.1" in notification.last_error
    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]
    assert SITI not in line and SITI not in notification.last_error and SITI not in "".join(ours)


def test_staff_see_the_citizens_mail_in_the_outbox_without_her_address_in_the_list(
    client, diskominfo_admin, staff, patai
):
    wish = send_wish()
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    client.force_login(diskominfo_admin)  # Dewi, staff of Kotim (not a superuser)
    listing = client.get("/admin/core/notification/").content.decode()
    assert "Sosialisasi pembentukan KIM direncanakan di Desa Patai" in listing
    assert "warga (e-mail pada minatnya)" in listing and SITI not in listing


def test_staff_of_another_kabupaten_do_not_see_the_citizens_mail(client, staff, patai):
    from django.contrib.auth.models import Group

    from registry.models import StaffKabupaten

    from ..factories import make_kabupaten, make_user

    wish = send_wish()
    wish.plan(make_event(desa=patai, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    lina = make_user(username="lina", is_staff=True)  # Diskominfo Katingan
    lina.groups.add(Group.objects.get(name="Admin Diskominfo"))
    StaffKabupaten.objects.create(user=lina, kabupaten=make_kabupaten(code="62.06", name="Kabupaten Katingan"))
    client.force_login(lina)
    listing = client.get("/admin/core/notification/").content.decode()
    assert "Desa Patai" not in listing and "warga (e-mail pada minatnya)" not in listing


# Two runs at once, and an erasure while a run is sending: other processes on the same database.


def manage_py(env, *args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, **kwargs
    )


def environment(tmp_path, box):
    return {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "DEBUG": "0",
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": database_url_for_another_process(tmp_path),
        "EMAIL_URL": box.url,
    }


def planned_wish(staff, *, email=SITI, name="Siti Aminah"):
    from ..factories import make_desa

    desa = Desa.objects.filter(code=PATAI).first() or make_desa()
    wish = make_wish(desa=desa, name=name, email=email)
    wish.plan(make_event(desa=desa, status=OutreachEvent.Status.PLANNED, starts_at=the_day()), by=staff)
    return wish


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the groups stay for the next test
def test_two_runs_at_once_send_the_citizen_one_mail(tmp_path, staff):
    planned_wish(staff)
    box = Mailbox(delay=0.5).start()  # a slow server: the two runs overlap
    try:
        env = environment(tmp_path, box)
        runs = [manage_py(env, "send_notifications") for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
    finally:
        box.stop()
    assert len(box.to(SITI)) == 1
    assert sum(int(re.search(r"(\d+) terkirim", out).group(1)) for out in outputs) == 1, outputs


class HeldMailbox(Mailbox):
    """A server that holds its answer to the first DATA until the test releases it."""

    def __init__(self, port=None):
        super().__init__(port)
        self.first_data = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.first_data.is_set():
            self.first_data.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_contact_erased_while_a_run_is_sending_gets_no_mail_from_that_run(tmp_path, staff):
    planned_wish(staff, email="andi@contoh.invalid", name="Andi")  # first in line
    siti = planned_wish(staff)
    box = HeldMailbox().start()
    try:
        env = environment(tmp_path, box)
        run = manage_py(env, "send_notifications")  # claims both, then waits on Andi's mail
        assert box.first_data.wait(60)
        erase = f"from coverage.models import Wish; Wish.objects.get(pk={siti.pk}).erase_contact()"
        assert manage_py(env, "shell", "-c", erase).wait(120) == 0
        box.release.set()
        output = run.communicate(timeout=120)[0]
    finally:
        box.release.set()
        box.stop()
    assert len(box.to("andi@contoh.invalid")) == 1
    assert box.to(SITI) == [] and "1 terkirim" in output, output
