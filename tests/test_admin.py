"""Diskominfo staff manage regions, KIM and events in the Django admin."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.review import Review
from coverage.models import FieldReport, OfficerAssignment, OutreachEvent
from kimportal.demo import DEMO_PASSWORD, STAFF_USERNAME
from registry.models import Desa, Kecamatan, Kim, Pengurus

from .factories import make_event, make_kim, make_pengurus, make_user

CHANGELISTS = [
    "admin:registry_kabupaten_changelist",
    "admin:registry_kecamatan_changelist",
    "admin:registry_desa_changelist",
    "admin:registry_tier_changelist",
    "admin:registry_kim_changelist",
    "admin:registry_pengurus_changelist",
    "admin:coverage_outreachevent_changelist",
    "admin:coverage_fieldreport_changelist",
    "admin:coverage_officerassignment_changelist",
]
NO_ADD_FORM = {"admin:coverage_fieldreport_changelist"}  # reports only come from the field area


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
    add_status = 403 if name in NO_ADD_FORM else 200
    assert staff_client.get(reverse(name.replace("changelist", "add"))).status_code == add_status


def test_a_login_with_a_foreign_next_lands_on_the_admin_index(client, staff):
    data = {"username": "sari", "password": "rahasia-uji-123", "next": "https://evil.example/"}
    response = client.post("/admin/login/?next=https://evil.example/", data)
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_an_event_add_form_opens_prefilled_with_a_day_or_empty_for_a_broken_one(staff_client, kotim):
    url = reverse("admin:coverage_outreachevent_add")
    prefilled = staff_client.get(url, {"starts_at": "2022-03-24 09:00"})
    assert 'value="24-03-2022"' in prefilled.content.decode()
    broken = staff_client.get(url, {"starts_at": "x"})
    assert broken.status_code == 200
    assert 'name="starts_at_0" class="vDateField"' in broken.content.decode()


def test_the_readme_demo_login_opens_the_admin(client, demo):
    assert client.login(username=STAFF_USERNAME, password=DEMO_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert "Administrasi Diskominfo" in response.content.decode()


def changelist_queries(client, name):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    return len(queries)


def test_changelists_run_a_fixed_number_of_queries_however_many_rows(staff_client, staff, demo):
    for name in CHANGELISTS:  # a connection's first JSON query asks SQLite once whether it has JSON
        changelist_queries(staff_client, name)
    before = {name: changelist_queries(staff_client, name) for name in CHANGELISTS}
    desa = list(Desa.objects.filter(kind=Desa.Kind.DESA)[:30])
    for d in desa:
        kim = make_kim(desa=d, formed_on=date(2021, 2, 1), review_status=Kim.Review.WAITING, proposed_by=staff)
        make_pengurus(kim=kim, role=Pengurus.Role.KETUA)
        event = make_event(desa=d, kims=[kim])
        FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=staff, receipt=f"R-{d.pk}")
        OfficerAssignment.objects.get_or_create(user=make_user(), kecamatan=d.kecamatan)
    after = {name: changelist_queries(staff_client, name) for name in CHANGELISTS}
    assert after == before


@pytest.mark.parametrize(
    "name",
    [
        "admin:registry_kim_changelist",
        "admin:registry_desa_changelist",
        "admin:registry_kecamatan_changelist",
        "admin:coverage_outreachevent_changelist",
    ],
)
def test_the_lists_of_national_tables_show_fifty_rows_a_page(staff_client, demo, name):
    """50 rows a page, not Django's 100: a 1366x768 screen shows about 17, and each row costs
    half a millisecond to render (core.admin.LIST_PER_PAGE). Kotim's 185 desa take four pages."""
    response = staff_client.get(reverse(name))

    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.list_per_page == 50
    assert len(changelist.result_list) == min(50, changelist.result_count)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_list_rows_checkbox_is_djangos_own_character_for_character(db, language):
    from django.contrib import admin
    from django.contrib.admin import ModelAdmin
    from django.utils import translation

    kim = make_kim(name="KIM <b>\"Suara\" & 'Warga'</b>")
    model_admin = admin.site._registry[Kim]

    with translation.override(language):
        assert model_admin.action_checkbox(kim) == ModelAdmin.action_checkbox(model_admin, kim)


@pytest.mark.parametrize(
    "name, query",
    [
        ("admin:registry_kim_changelist", ""),
        ("admin:registry_kim_changelist", "?q=Bench+1"),
        ("admin:registry_kim_changelist", "?q=%26%25%2B%22+bench&o=-2.1"),
        ("admin:registry_kim_changelist", "?review_status__exact=accepted&aktif=ya&p=2"),
        ("admin:registry_kim_changelist", "?q=b%C3%A9nch&_popup=1&_to_field=id"),
        ("admin:registry_desa_changelist", "?q=a&p=3"),
        ("admin:registry_kecamatan_changelist", "?q=ba"),
        ("admin:registry_pengurus_changelist", "?q=a"),
        ("admin:coverage_outreachevent_changelist", "?status__exact=planned&q=sosialisasi"),
    ],
)
def test_a_lists_row_links_are_djangos_own_character_for_character(staff_client, demo, monkeypatch, name, query):
    """Each row links to its change page keeping the list's search, filters and order, as Django
    writes it, though LongChangeList reverses the address once a page and resolves none."""
    from django.contrib.admin.views.main import ChangeList

    from core.admin import LongChangeList, LongListMixin

    desa = Desa.objects.order_by("code").first()
    for i in range(60):
        make_kim(desa=desa, name=f'KIM Bench {i} &%+"' if i % 2 else f"KIM Bénch {i}")

    pages = {}
    for changelist in (LongChangeList, ChangeList):
        monkeypatch.setattr(LongListMixin, "get_changelist", lambda self, request, cls=changelist, **kwargs: cls)
        response = staff_client.get(reverse(name) + query)
        assert response.status_code == 200
        assert type(response.context["cl"]) is changelist
        pages[changelist] = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert pages[LongChangeList] == pages[ChangeList]
    assert b"/change/" in pages[ChangeList]  # rows were listed, with their links


def test_every_long_lists_rows_are_djangos_own_character_for_character(client, superuser, demo, monkeypatch):
    """Every admin list written by LongChangeList (its rows worked out once a column rather than
    once a cell) is the page Django writes, for root who sees every list: HTML in names, empty
    related rows, dates, a desa gone from a KIM's list, searches and sorting included."""
    from django.contrib import admin

    from core.admin import LongChangeList

    desa = Desa.objects.order_by("code").first()
    kim = make_kim(desa=desa, name="KIM <b>\"Suara\" & 'Warga'</b>", inactive_since=date(2023, 5, 1))
    make_kim(desa=desa, name="KIM Bénch", proposed_by=superuser, review_status=Review.WAITING)
    make_pengurus(kim=kim, name="<script>x</script>")
    make_event(kecamatan=desa.kecamatan, desa=desa, title="Sosialisasi <i>KIM</i> & warga")
    client.force_login(superuser)
    ours = LongChangeList.result_rows  # taken once: the loop swaps it
    written = []  # the pages whose rows the portal wrote

    lists, with_rows = set(), set()
    for model, model_admin in admin.site._registry.items():
        if model_admin.get_changelist(None) is not LongChangeList:
            continue
        lists.add(model._meta.label)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ("", "?q=a", "?o=-2.1", "?p=2"):
            pages = []
            for rows in (lambda self: written.append(self) or ours(self), lambda self: None):  # ours, Django's
                monkeypatch.setattr(LongChangeList, "result_rows", rows)
                response = client.get(url + query)
                assert response.status_code in (200, 302), url + query  # 302: a page past the end
                pages.append(re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content))
            assert pages[0] == pages[1], url + query
            if b'<td class="field-' in pages[0]:
                with_rows.add(model._meta.label)

    assert lists == {
        "coverage.DesaTarget",
        "coverage.FieldReport",
        "coverage.OutreachEvent",
        "registry.Desa",
        "registry.Kecamatan",
        "registry.Kim",
        "registry.KimActivity",
        "registry.Pengurus",
    }
    assert {
        "registry.Kim",
        "registry.Desa",
        "registry.Kecamatan",
        "registry.Pengurus",
        "coverage.OutreachEvent",
    } <= with_rows


def test_every_lists_pages_are_the_rows_djangos_paginator_cuts(client, superuser, demo, monkeypatch):
    """A long list reads a page's ids first and then those rows with what they show
    (core.paginator.IdsFirstPaginator): the pages are the ones Django's own paginator writes,
    for every list, searched, sorted by any column and paged to the last."""
    from django.contrib import admin
    from django.core.paginator import Paginator

    from core.paginator import IdsFirstPaginator

    desa = list(Desa.objects.order_by("code")[:20])
    for i in range(120):  # three pages, the KIM sharing names so that the order needs the id
        make_kim(desa=desa[i % 20], name=f"KIM Bench {i % 7}", formed_on=date(2020, 1, 1) + timedelta(days=i % 5))
    client.force_login(superuser)

    lists = set()
    for model, model_admin in admin.site._registry.items():
        if not issubclass(model_admin.paginator, IdsFirstPaginator):
            continue
        lists.add(model._meta.label)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ("?p=2", "?q=bench&p=3", "?o=-2.1&p=2", "?o=3&p=2", "?o=4.-1&p=3"):
            pages = []
            for paginator in (model_admin.paginator, Paginator):
                monkeypatch.setattr(type(model_admin), "paginator", paginator)
                response = client.get(url + query)
                assert response.status_code in (200, 302), url + query  # 302: a page past the end
                pages.append(re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content))
            assert pages[0] == pages[1], url + query

    assert {"registry.Kim", "registry.Desa", "registry.Pengurus", "coverage.OutreachEvent"} <= lists


def test_a_searched_kim_list_joins_only_its_pages_rows(staff_client, staff, kotim):
    """The page's 50 KIM are found by id over the KIM alone; only they are joined to their desa,
    kecamatan, tier and proposer (746 matches of `sungai` were all joined on the bench)."""
    desa = Desa.objects.order_by("code").first()
    for i in range(60):
        make_kim(desa=desa, name=f"KIM Sungai {i}")

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("admin:registry_kim_changelist") + "?q=sungai&p=2")

    assert response.status_code == 200
    assert [k.name for k in response.context["cl"].result_list] == [
        f"KIM Sungai {i}" for i in sorted(range(60), key=str)
    ][50:]
    page = next(q["sql"] for q in queries if "registry_desa" in q["sql"] and "LIMIT" in q["sql"])
    ids = page[page.index('"registry_kim"."id" IN (SELECT') :]
    assert "LIMIT 10 OFFSET 50)" in ids  # the cut is inside the ids' subquery
    assert not re.search(r"LIMIT \d+(?: OFFSET \d+)?$", page.strip())  # not on the joined rows


def test_every_admin_page_has_djangos_context_but_the_sidebars_list_of_apps(rf, staff):
    """The admin site (core.admin.PortalAdminSite) has no navigation sidebar, so it does not build
    the list of every app and model that only the sidebar reads; the rest is Django's own."""
    from django.contrib import admin
    from django.contrib.admin import AdminSite

    from core.admin import PortalAdminSite

    request = rf.get("/admin/registry/kim/")
    request.user = staff

    assert isinstance(admin.site, PortalAdminSite)
    ours, djangos = admin.site.each_context(request), AdminSite.each_context(admin.site, request)
    assert "available_apps" not in ours and djangos.pop("available_apps")
    assert {key: str(value) for key, value in ours.items()} == {key: str(value) for key, value in djangos.items()}


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


def kim_form(desa, pengurus):
    data = {
        "name": "KIM Harapan Baru",
        "desa": desa.pk,
        "formed_on": "2022-01-10",
        "pengurus-TOTAL_FORMS": str(len(pengurus)),
        "pengurus-INITIAL_FORMS": "0",
        "pengurus-MIN_NUM_FORMS": "0",
        "pengurus-MAX_NUM_FORMS": "1000",
    }
    for index, (name, role) in enumerate(pengurus):
        data[f"pengurus-{index}-name"] = name
        data[f"pengurus-{index}-role"] = str(role)
        data[f"pengurus-{index}-phone"] = ""
    return data


def test_staff_add_a_kim_with_its_pengurus(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [("Rina (uji)", Pengurus.Role.KETUA), ("Tono (uji)", Pengurus.Role.SEKRETARIS)])
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert response.status_code == 302
    assert Kim.objects.get().pengurus.count() == 2


def test_a_kim_with_two_ketua_is_refused_and_nothing_is_saved(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [("Rina (uji)", Pengurus.Role.KETUA), ("Tono (uji)", Pengurus.Role.KETUA)])
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "Satu KIM hanya boleh memiliki satu ketua." in response.content.decode()
    assert not Kim.objects.exists()
    assert not Pengurus.objects.exists()


def test_a_kim_formed_in_the_future_is_refused_in_indonesian(staff_client, kotim):
    desa = Desa.objects.get(code="62.02.02.2004")
    data = kim_form(desa, [])
    data["formed_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert not Kim.objects.exists()


def test_staff_filter_the_kim_waiting_for_verification(staff_client, demo):
    make_kim(desa=Desa.objects.get(code="62.02.15.2001"), name="KIM Usulan Santuai", review_status=Kim.Review.WAITING)
    html = staff_client.get(reverse("admin:registry_kim_changelist"), {"review_status__exact": "waiting"}).content
    assert "KIM Usulan Santuai" in html.decode()
    assert "KIM Kecamatan Parenggean" not in html.decode()


def test_one_click_verify_records_who_verified_and_the_kim_counts(staff_client, staff, demo):
    kim = make_kim(desa=Desa.objects.get(code="62.02.15.2001"), review_status=Kim.Review.WAITING)
    data = {"action": "verify", "_selected_action": [kim.pk]}
    staff_client.post(reverse("admin:registry_kim_changelist"), data)
    kim.refresh_from_db()
    assert (kim.review_status, kim.reviewed_by) == (Kim.Review.ACCEPTED, staff)
    assert kim.is_active


def test_the_history_of_a_kim_keeps_who_verified_it_and_shows_in_the_admin(staff_client, staff, demo):
    kim = make_kim(desa=Desa.objects.get(code="62.02.15.2001"), review_status=Kim.Review.WAITING)
    staff_client.post(reverse("admin:registry_kim_changelist"), {"action": "verify", "_selected_action": [kim.pk]})
    latest = kim.history.latest()
    assert (latest.history_user, latest.review_status, latest.history_change_reason) == (
        staff,
        "accepted",
        "diterima",
    )
    assert staff_client.get(reverse("admin:registry_kim_history", args=[kim.pk])).status_code == 200


def test_staff_mark_waiting_reports_as_reviewed(staff_client, staff, demo):
    event = OutreachEvent.objects.held().first()
    report = FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=staff, receipt="LAP-1")
    waiting = staff_client.get(reverse("admin:coverage_fieldreport_changelist"), {"review_status__exact": "waiting"})
    assert "LAP-1" in waiting.content.decode()
    staff_client.post(
        reverse("admin:coverage_fieldreport_changelist"), {"action": "verify", "_selected_action": [report.pk]}
    )
    report.refresh_from_db()
    assert (report.review_status, report.reviewed_by) == (FieldReport.Review.ACCEPTED, staff)


def test_staff_assign_a_field_officer_to_a_kecamatan(staff_client, kotim):
    officer = make_user(username="agus")
    data = {"user": officer.pk, "kecamatan": Kecamatan.objects.get(code="62.02.04").pk}
    assert staff_client.post(reverse("admin:coverage_officerassignment_add"), data).status_code == 302
    assert OfficerAssignment.objects.get().user == officer


@pytest.mark.parametrize("field", ["formed_on", "sk_date", "inactive_since"])
def test_a_kim_date_before_2000_is_refused_in_the_admin(staff_client, kotim, field):
    data = kim_form(Desa.objects.get(code="62.02.02.2004"), [])
    data |= {"sk_number": "1/2022", "sk_date": "2022-01-10", "inactive_reason": "Bubar"}
    data |= {"inactive_since": "2023-01-01", field: "0001-01-01"}
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "Tanggal paling awal adalah 1 Januari 2000." in response.content.decode()
    assert not Kim.objects.exists()


def test_an_event_dated_before_2000_is_refused_in_the_admin(staff_client, kotim):
    data = event_form(
        Kecamatan.objects.get(code="62.02.04"), status=OutreachEvent.Status.HELD, starts_at_0="0001-01-01"
    )
    response = staff_client.post(reverse("admin:coverage_outreachevent_add"), data)
    assert "Tanggal paling awal adalah 1 Januari 2000." in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_an_event_summary_over_2000_characters_is_refused_in_the_admin(staff_client, kotim):
    data = event_form(Kecamatan.objects.get(code="62.02.04"), status=OutreachEvent.Status.HELD, summary="a" * 2001)
    response = staff_client.post(reverse("admin:coverage_outreachevent_add"), data)
    assert "paling banyak 2000 karakter" in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_a_kim_address_over_500_characters_is_refused_in_the_admin(staff_client, kotim):
    data = kim_form(Desa.objects.get(code="62.02.02.2004"), []) | {"address": "Jalan " * 100}
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert "paling banyak 500 karakter" in response.content.decode()
    assert not Kim.objects.exists()


def kim_change_form(kim, members, **fields):
    """The KIM change form as posted: `members` are (pengurus or None, name, role, delete).
    (tests/registry/test_vitality.py uses it too.)"""
    data = {
        "name": kim.name,
        "desa": kim.desa_id,
        "formed_on": kim.formed_on.isoformat(),
        "pengurus-TOTAL_FORMS": str(len(members)),
        "pengurus-INITIAL_FORMS": str(sum(1 for member, *_ in members if member)),
        "pengurus-MIN_NUM_FORMS": "0",
        "pengurus-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (member, name, role, delete) in enumerate(members):
        data.update({f"pengurus-{index}-name": name, f"pengurus-{index}-role": str(role)})
        data.update({f"pengurus-{index}-phone": "", f"pengurus-{index}-kim": kim.pk})
        if member:
            data[f"pengurus-{index}-id"] = member.pk
        if delete:
            data[f"pengurus-{index}-DELETE"] = "on"
    return data


# A KIM's history page (pengurus, activity, imports, decisions, long text): tests/admin/test_history.py


def test_every_admin_page_names_an_icon_that_exists_and_favicon_ico_leads_to_it(client, staff_client, demo):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("img/favicon.svg")
    kim = Kim.objects.first()
    pages = [
        "/admin/",
        "/admin/registry/kim/add/",
        f"/admin/registry/kim/{kim.pk}/change/",
        f"/admin/registry/kim/{kim.pk}/history/",
        "/admin/registry/kim/import/",
        "/admin/coverage/outreachevent/",
    ]
    for url in pages:
        assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in staff_client.get(url).content.decode(), url
    assert finders.find("img/favicon.svg")
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, icon)
