"""Staff open the admin and read first what needs doing in their kabupaten (coverage.inbox)."""

import re
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coverage.inbox import staff_inbox
from coverage.models import FieldReport, OutreachEvent
from registry.models import Kim, KimActivity, StaffKabupaten

from ..factories import (
    make_desa,
    make_event,
    make_kabupaten,
    make_kecamatan,
    make_kim,
    make_officer_user,
    make_user,
    make_wish,
)


def make_work(kecamatan, n, *, prefix):
    """n of everything that waits: proposals, unreviewed reports and activity entries, overdue plans,
    a desa without KIM."""
    officer = make_officer_user(username=f"petugas-{prefix}-{kecamatan.pk}-{n}", kecamatan=[kecamatan])
    for i in range(n):
        desa = make_desa(kecamatan=kecamatan)
        proposal = make_kim(desa=desa, name=f"Usulan {prefix} {i}", review_status=Kim.Review.WAITING)
        make_wish(desa=desa)
        event = make_event(kecamatan=kecamatan, desa=desa)
        FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=officer)
        KimActivity.objects.create(
            kim=proposal,
            date=timezone.localdate(),
            kind=KimActivity.Kind.MEETING,
            entered_by=officer,
            client_id=uuid.uuid4(),
            review_status=KimActivity.Review.WAITING,  # sent from the phone, not yet reviewed
        )
        make_event(
            kecamatan=kecamatan,
            status=OutreachEvent.Status.PLANNED,
            starts_at=timezone.localdate() - timedelta(days=3),
        )


def kotim_staff():
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    return dewi


def inbox_counts(html):
    return dict(re.findall(r'<tr class="inbox-(\w+)[^"]*">.*?<td class="inbox-count">(\d+)</td>', html, re.S))


def test_the_admin_home_page_counts_what_waits_in_the_users_kabupaten(client, db):
    kotim = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04", name="Parenggean")
    make_kim(desa=make_desa(kecamatan=kotim), name="KIM Aktif")  # one desa covered
    make_work(kotim, 2, prefix="kotim")
    katingan = make_kecamatan(kabupaten=make_kabupaten(code="62.06", name="Kabupaten Katingan"), code="62.06.01")
    make_work(katingan, 5, prefix="katingan")
    client.force_login(kotim_staff())
    html = client.get("/admin/").content.decode()
    assert "Perlu ditindaklanjuti" in html
    assert inbox_counts(html) == {
        "kim_pending": "2",
        "reports_waiting": "2",
        "activity_waiting": "2",
        "wishes_waiting": "2",
        "events_overdue": "2",
        "kecamatan_uncovered": "0",
        "desa_uncovered": "2",
        "kim_quiet": "1",  # KIM Aktif: formed in 2021, nothing recorded since
        "kim_sk_ended": "0",
        "kim_sk_ending": "0",
    }


def test_each_count_links_to_a_list_of_exactly_those_rows(client, db):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    make_kecamatan(kabupaten=kecamatan.kabupaten, code="62.02.05")
    make_work(kecamatan, 3, prefix="kotim")
    dewi = kotim_staff()
    client.force_login(dewi)
    for item in staff_inbox(user=dewi, on=timezone.localdate()):
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        assert response.context["cl"].result_count == item.count, item.key


def test_the_inbox_costs_the_same_queries_whatever_the_number_of_rows(client, db):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    client.force_login(kotim_staff())
    make_work(kecamatan, 2, prefix="a")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    make_work(kecamatan, 12, prefix="b")
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many) == len(few)
    assert len(few) <= 17  # one COUNT per item (activity entries the 9th, wishes the 10th)


def test_staff_of_another_kabupaten_count_none_of_kotims_work(client, db):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    make_work(kecamatan, 3, prefix="kotim")
    lina = make_user(username="lina", is_staff=True)
    lina.groups.add(Group.objects.get(name="Admin Diskominfo"))
    StaffKabupaten.objects.create(user=lina, kabupaten=make_kabupaten(code="62.06", name="Kabupaten Katingan"))
    assert {item.key: item.count for item in staff_inbox(user=lina, on=timezone.localdate())} == {
        "kim_pending": 0,
        "reports_waiting": 0,
        "activity_waiting": 0,
        "wishes_waiting": 0,
        "events_overdue": 0,
        "kecamatan_uncovered": 0,
        "desa_uncovered": 0,
        "kim_quiet": 0,
        "kim_sk_ended": 0,
        "kim_sk_ending": 0,
    }


def test_kim_whose_sk_term_ends_within_90_days_or_ended_are_counted_and_listed(client, db):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    today = timezone.localdate()
    for name, term_end in [
        ("KIM Segera", today + timedelta(days=30)),
        ("KIM Hari Ini", today),
        ("KIM Masih Lama", today + timedelta(days=91)),
        ("KIM Sudah Lewat", today - timedelta(days=1)),
    ]:
        kim = make_kim(desa=make_desa(kecamatan=kecamatan), name=name, formed_on=today - timedelta(days=30))
        kim.sk_number, kim.sk_date, kim.sk_term_end = "1/2026", kim.formed_on, term_end
        kim.save()
    dewi = kotim_staff()
    client.force_login(dewi)
    items = {item.key: item for item in staff_inbox(user=dewi, on=today)}
    assert (items["kim_sk_ending"].count, items["kim_sk_ended"].count) == (2, 1)
    listed = client.get(items["kim_sk_ending"].url).context["cl"].result_list
    assert sorted(kim.name for kim in listed) == ["KIM Hari Ini", "KIM Segera"]


def test_login_records_are_not_shown_to_staff_who_are_not_superusers(client, db):
    client.force_login(kotim_staff())
    html = client.get("/admin/").content.decode()
    assert "Axes" not in html and "axes" not in html


def test_superusers_see_the_login_records_named_in_indonesian(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/").content.decode()
    assert "Catatan percobaan masuk (Axes)" in html


def test_the_inbox_counts_quiet_kim_and_kim_that_need_a_new_sk(client, db):
    from datetime import date

    from registry.models import KimActivity

    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    make_kim(desa=make_desa(kecamatan=kecamatan), name="KIM Sepi", formed_on=date(2020, 1, 1))
    lively = make_kim(desa=make_desa(kecamatan=kecamatan), name="KIM Ramai", formed_on=date(2020, 1, 1))
    KimActivity.objects.create(kim=lively, date=timezone.localdate(), kind="meeting")
    make_kim(
        desa=make_desa(kecamatan=kecamatan),
        formed_on=date(2020, 1, 1),
        sk_number="1/2020",
        sk_date=date(2020, 1, 1),
        sk_term_end=date(2023, 1, 1),
    )
    counts = {item.key: item.count for item in staff_inbox(user=kotim_staff(), on=timezone.localdate())}
    assert (counts["kim_quiet"], counts["kim_sk_ended"]) == (1, 1)


def test_officers_activity_waiting_for_review_is_counted_in_the_inbox_and_opens_its_list(client, db):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    make_work(kecamatan, 3, prefix="kotim")
    KimActivity.objects.update(review_status=KimActivity.Review.ACCEPTED)  # staff reviewed these three
    make_work(kecamatan, 2, prefix="baru")
    client.force_login(kotim_staff())
    html = client.get("/admin/").content.decode()
    assert inbox_counts(html)["activity_waiting"] == "2"
    assert '<a href="/admin/registry/kimactivity/?review_status__exact=waiting">' in html


def test_the_inbox_names_the_kabupaten_or_the_province_a_staff_member_works_for(client, db):
    kotim = make_kabupaten()
    make_kecamatan(kabupaten=kotim, code="62.02.04")
    katingan = make_kabupaten(code="62.06", name="Kabupaten Katingan")
    dewi = kotim_staff()
    StaffKabupaten.objects.create(user=dewi, kabupaten=kotim)
    yosef = make_user(username="yosef", is_staff=True)
    yosef.groups.add(Group.objects.get(name="Admin Diskominfo"))
    StaffKabupaten.objects.create(user=yosef, kabupaten=katingan, whole_province=True)
    client.force_login(dewi)
    assert "Perlu ditindaklanjuti di Kabupaten Kotawaringin Timur</caption>" in client.get("/admin/").content.decode()
    client.force_login(yosef)
    assert "Perlu ditindaklanjuti di Provinsi Kalimantan Tengah</caption>" in client.get("/admin/").content.decode()
