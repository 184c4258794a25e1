"""Diskominfo staff manage regions, KIM and events in the Django admin."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coverage.demo import DEMO_PASSWORD, STAFF_USERNAME
from coverage.models import OutreachEvent
from registry.models import Desa, Kecamatan, Kim, Officer

from .factories import make_event, make_kim, make_officer

CHANGELISTS = [
    "admin:registry_kabupaten_changelist",
    "admin:registry_kecamatan_changelist",
    "admin:registry_desa_changelist",
    "admin:registry_tier_changelist",
    "admin:registry_kim_changelist",
    "admin:registry_officer_changelist",
    "admin:coverage_outreachevent_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", CHANGELISTS)
def test_logged_in_users_without_staff_rights_are_refused(client, citizen, name):
    client.force_login(citizen)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", CHANGELISTS)
def test_staff_see_every_changelist_and_add_form(staff_client, demo, name):
    assert staff_client.get(reverse(name)).status_code == 200
    assert staff_client.get(reverse(name.replace("changelist", "add"))).status_code == 200


def test_the_readme_demo_login_opens_the_admin(client, demo):
    assert client.login(username=STAFF_USERNAME, password=DEMO_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert "Administrasi Diskominfo" in response.content.decode()


def changelist_queries(client, name):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    return len(queries)


def test_changelists_run_a_fixed_number_of_queries_however_many_rows(staff_client, demo):
    before = {name: changelist_queries(staff_client, name) for name in CHANGELISTS}
    desa = list(Desa.objects.filter(kind=Desa.Kind.DESA)[:30])
    for d in desa:
        kim = make_kim(desa=d, formed_on=date(2021, 2, 1))
        make_officer(kim=kim, role=Officer.Role.KETUA)
        make_event(desa=d, kims=[kim])
    after = {name: changelist_queries(staff_client, name) for name in CHANGELISTS}
    assert after == before


def event_form(kecamatan, desa=None, **fields):
    data = {
        "title": "Sosialisasi KIM",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "status": OutreachEvent.Status.PLANNED,
        "starts_at_0": "2022-03-30",
        "starts_at_1": "09:00",
        "kecamatan": kecamatan.pk,
        "desa": desa.pk if desa else "",
        "venue": "Aula",
        "summary": "",
    }
    data.update(fields)
    return data


def test_an_event_in_a_desa_outside_its_kecamatan_is_refused_and_not_saved(staff_client, kotim):
    parenggean = Kecamatan.objects.get(code="62.02.04")
    baamang_tengah = Desa.objects.get(code="62.02.05.1002")
    response = staff_client.post(reverse("admin:coverage_outreachevent_add"), event_form(parenggean, baamang_tengah))
    assert response.status_code == 200
    assert "Kelurahan Baamang Tengah tidak berada di Kecamatan Parenggean." in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_a_held_event_dated_in_the_future_is_refused_and_not_saved(staff_client, kotim):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = event_form(
        Kecamatan.objects.get(code="62.02.04"), status=OutreachEvent.Status.HELD, starts_at_0=tomorrow.isoformat()
    )
    response = staff_client.post(reverse("admin:coverage_outreachevent_add"), data)
    assert "tidak boleh bertanggal di masa depan" in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_staff_can_record_a_held_event(staff_client, kotim):
    data = event_form(Kecamatan.objects.get(code="62.02.04"), status=OutreachEvent.Status.HELD, participants="25")
    response = staff_client.post(reverse("admin:coverage_outreachevent_add"), data)
    assert response.status_code == 302
    assert OutreachEvent.objects.get().participants == 25


def kim_form(desa, officers):
    data = {
        "name": "KIM Harapan Baru",
        "desa": desa.pk,
        "formed_on": "2022-01-10",
        "officers-TOTAL_FORMS": str(len(officers)),
        "officers-INITIAL_FORMS": "0",
        "officers-MIN_NUM_FORMS": "0",
        "officers-MAX_NUM_FORMS": "1000",
    }
    for index, (name, role) in enumerate(officers):
        data[f"officers-{index}-name"] = name
        data[f"officers-{index}-role"] = str(role)
        data[f"officers-{index}-phone"] = ""
    return data


def test_staff_add_a_kim_with_its_officers(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [("Rina (uji)", Officer.Role.KETUA), ("Tono (uji)", Officer.Role.SEKRETARIS)])
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert response.status_code == 302
    assert Kim.objects.get().officers.count() == 2


def test_a_kim_with_two_ketua_is_refused_and_nothing_is_saved(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [("Rina (uji)", Officer.Role.KETUA), ("Tono (uji)", Officer.Role.KETUA)])
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "Satu KIM hanya boleh memiliki satu ketua." in response.content.decode()
    assert not Kim.objects.exists()
    assert not Officer.objects.exists()


def test_a_kim_formed_in_the_future_is_refused_in_indonesian(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [])
    data["formed_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert not Kim.objects.exists()
