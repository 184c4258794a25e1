"""Staff see and change only their kabupaten's rows, in every admin page (registry.scope).

Two kabupaten with one of everything: Kotim (the portal's) and Katingan.
Dewi works for Kotim, Lina for Katingan, Yosef coordinates the province.
The tests walk every registered admin model, so a new admin is covered (or
fails `test_every_admin_model_is_scoped_or_declared_shared`) without a new test.
"""

import re
from dataclasses import dataclass

import pytest
import tablib
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms as django_forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from core.models import Notification
from coverage.models import (
    DesaTarget,
    FieldReport,
    FieldSubmission,
    OfficerAssignment,
    OutreachEvent,
    ReportPhoto,
    Wish,
)
from registry.models import Desa, Kabupaten, Kecamatan, Kim, KimActivity, Pengurus, StaffKabupaten
from registry.resources import KimResource
from registry.scope import is_scoped, staff_scope

from .factories import (
    make_desa,
    make_event,
    make_kabupaten,
    make_kecamatan,
    make_kim,
    make_officer_user,
    make_user,
    make_wish,
)
from .field.photos import image_file

User = get_user_model()

# Models every staff member shares: tiers are one list for all; groups and login records are superusers'.
SHARED = {"registry.tier", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


@dataclass
class Side:
    """One kabupaten's rows: model -> its row there."""

    kabupaten: Kabupaten
    rows: dict


def make_side(code, name, *, prefix):
    kabupaten = make_kabupaten(code=code, name=name)
    kecamatan = make_kecamatan(kabupaten=kabupaten, code=f"{code}.01", name=f"{prefix} Kota")
    desa = make_desa(kecamatan=kecamatan, code=f"{code}.01.2001", name=f"{prefix} Hulu")
    kim = make_kim(desa=desa, name=f"KIM {prefix} Hulu")
    pengurus = Pengurus.objects.create(kim=kim, name=f"Ketua {prefix}", role=Pengurus.Role.KETUA)
    officer = make_officer_user(username=f"petugas-{prefix.lower()}", kecamatan=[kecamatan])
    event = make_event(kecamatan=kecamatan, desa=desa, kims=[kim], title=f"Sosialisasi {prefix}")
    report = FieldReport.objects.create(
        client_id=f"5f0c8b9e-1d2a-4c7e-9a51-0b8f3f1e2d{code[-2:]}",
        event=event,
        submitted_by=officer,
        receipt=f"LAP-{code}",
    )
    planned = make_event(kecamatan=kecamatan, status=OutreachEvent.Status.PLANNED, title=f"Rencana {prefix}")
    submission = FieldSubmission.objects.create(
        client_id=f"0b9e1c3a-6f2d-4e8b-9c1a-7d5e3f2a1b{code[-2:]}", kind="plan", submitted_by=officer, event=planned
    )
    staff = make_user(username=f"staf-{prefix.lower()}", is_staff=True)
    staff.groups.add(Group.objects.get(name="Admin Diskominfo"))
    assignment = StaffKabupaten.objects.create(user=staff, kabupaten=kabupaten)
    return Side(
        kabupaten,
        {
            Kabupaten: kabupaten,
            Kecamatan: kecamatan,
            Desa: desa,
            Kim: kim,
            Pengurus: pengurus,
            OutreachEvent: event,
            FieldReport: report,
            ReportPhoto: ReportPhoto.objects.create(report=report, image=image_file()),
            FieldSubmission: submission,
            OfficerAssignment: OfficerAssignment.objects.get(user=officer),
            StaffKabupaten: assignment,
            User: officer,
            KimActivity: KimActivity.objects.create(kim=kim, date=kim.formed_on, kind="meeting"),
            DesaTarget: DesaTarget.objects.create(kabupaten=kabupaten, year=2024, target_percent=50),
            Notification: Notification.objects.create(
                recipient=officer, kind="refused", subject=f"Ditolak: {prefix}", text="Alasan: uji", url="/petugas/"
            ),
            Wish: make_wish(desa=desa),
            "staff": staff,
        },
    )


@pytest.fixture
def kotim_side(db):
    return make_side("62.02", "Kabupaten Kotawaringin Timur", prefix="Kotim")


@pytest.fixture
def katingan_side(db):
    return make_side("62.06", "Kabupaten Katingan", prefix="Katingan")


@pytest.fixture
def dewi(kotim_side, katingan_side):
    """Kotim's staff (Admin Diskominfo, assigned to Kotim)."""
    return kotim_side.rows["staff"]


@pytest.fixture
def dewi_client(client, dewi):
    client.force_login(dewi)
    return client


@pytest.fixture
def yosef(kotim_side, katingan_side):
    """The province's coordinator: sees Kotim and Katingan, changes nothing."""
    user = make_user(username="yosef", is_staff=True)
    user.groups.add(Group.objects.get(name="Koordinator provinsi"))
    StaffKabupaten.objects.create(user=user, kabupaten=kotim_side.kabupaten, whole_province=True)
    return user


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def registered():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()]


def test_every_admin_model_is_scoped_or_declared_shared():
    unscoped = [m._meta.label_lower for m, _ in registered() if not is_scoped(m) and m._meta.label_lower not in SHARED]
    assert unscoped == [], "register a path to its kabupaten in registry.scope, or add it to SHARED here"


def test_every_scoped_admin_model_has_rows_on_both_sides_here(kotim_side, katingan_side):
    scoped = {m for m, _ in registered() if is_scoped(m)}
    assert scoped <= set(kotim_side.rows), "give the new model a row in make_side, so the tests below cover it"


def test_no_admin_queryset_holds_another_kabupatens_rows(dewi, kotim_side, katingan_side):
    for model, model_admin in registered():
        if model not in katingan_side.rows:
            continue
        shown = set(model_admin.get_queryset(admin_request(dewi)).values_list("pk", flat=True))
        assert katingan_side.rows[model].pk not in shown, model._meta.label
        assert kotim_side.rows[model].pk in shown, model._meta.label


def test_no_change_list_shows_another_kabupatens_rows(dewi_client, kotim_side, katingan_side):
    opened = 0
    for model, _ in registered():
        if model not in katingan_side.rows:
            continue
        response = dewi_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        if response.status_code == 403:  # no right to the list at all (who works where: superusers)
            continue
        opened += 1
        listed = {row.pk for row in response.context["cl"].result_list}
        assert kotim_side.rows[model].pk in listed, model._meta.label
        assert katingan_side.rows[model].pk not in listed, model._meta.label
    assert opened >= 10


def test_no_form_of_another_kabupatens_row_opens_or_changes_it(dewi_client, katingan_side):
    for model, _ in registered():
        if model not in katingan_side.rows:
            continue
        row = katingan_side.rows[model]
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert dewi_client.get(reverse(f"{name}_change", args=[row.pk])).status_code in (302, 403), model
        assert dewi_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code in (302, 403)
        assert model.objects.filter(pk=row.pk).exists(), model
        if hasattr(model, "history"):
            assert dewi_client.get(reverse(f"{name}_history", args=[row.pk])).status_code == 404, model
            version = model.history.filter(**{model._meta.pk.attname: row.pk}).first()
            url = reverse(f"{name}_simple_history", args=[row.pk, version.history_id])
            assert dewi_client.get(url).status_code == 404, model


def choice_querysets(response):
    """Every choice list of an admin form page: the main form's and its inlines' fields.

    An inline row's hidden id is not a choice: Django looks existing rows up in
    the inline's (scoped) queryset and saves an unknown id as nothing.
    """
    forms = [(response.context["adminform"].form, None)]
    for inline in response.context["inline_admin_formsets"]:
        pk_name = inline.formset.model._meta.pk.name
        forms.extend((form, pk_name) for form in [*inline.formset.forms, inline.formset.empty_form])
    for form, pk_name in forms:
        for name, field in form.fields.items():
            if hasattr(field, "queryset") and name != pk_name:
                yield name, field.queryset


def test_no_choice_list_offers_another_kabupatens_rows(dewi_client, kotim_side, katingan_side):
    checked = 0
    for model, _ in registered():
        if model not in kotim_side.rows:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for url in (reverse(f"{name}_change", args=[kotim_side.rows[model].pk]), reverse(f"{name}_add")):
            response = dewi_client.get(url)
            if response.status_code != 200:
                continue
            for field, queryset in choice_querysets(response):
                other = katingan_side.rows.get(queryset.model)
                if other is not None:
                    checked += 1
                    assert not queryset.filter(pk=other.pk).exists(), f"{url} {field}"
    assert checked >= 8


def test_no_autocomplete_answers_with_another_kabupatens_rows(dewi_client, kotim_side, katingan_side):
    checked = 0
    for model, model_admin in registered():
        for field_name in model_admin.autocomplete_fields:
            remote = model._meta.get_field(field_name).remote_field.model
            params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
            response = dewi_client.get(reverse("admin:autocomplete"), {**params, "field_name": field_name, "term": ""})
            if response.status_code == 403:  # the user may not use this form at all
                continue
            ids = {result["id"] for result in response.json()["results"]}
            if remote in katingan_side.rows:
                checked += 1
                assert str(katingan_side.rows[remote].pk) not in ids, f"{model._meta.label}.{field_name}"
                assert str(kotim_side.rows[remote].pk) in ids, f"{model._meta.label}.{field_name}"
    assert checked >= 6


def test_a_kim_change_form_posting_another_kabupatens_desa_is_refused(dewi_client, kotim_side, katingan_side):
    kim = kotim_side.rows[Kim]
    response = dewi_client.post(
        reverse("admin:registry_kim_change", args=[kim.pk]),
        {
            "name": kim.name,
            "desa": katingan_side.rows[Desa].pk,
            "formed_on": "2021-01-01",
            "pengurus-TOTAL_FORMS": "0",
            "pengurus-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert response.context["adminform"].form.errors["desa"]
    kim.refresh_from_db()
    assert kim.desa == kotim_side.rows[Desa]


def test_an_export_holds_only_the_users_kabupaten(dewi_client, kotim_side, katingan_side):
    columns = {f"kimresource_{column}": "on" for column in KimResource().get_export_headers()}
    text = dewi_client.post("/admin/registry/kim/export/", {"format": "0", "resource": "0", **columns}).content
    assert "KIM Kotim Hulu" in text.decode("utf-8-sig")
    assert "KIM Katingan" not in text.decode("utf-8-sig")


def import_rows(user, *rows):
    dataset = tablib.Dataset(headers=["kode_desa", "nama", "tanggal_terbentuk"])
    for row in rows:
        dataset.append(row)
    return KimResource(staff=user).import_data(dataset, dry_run=False, user=user, file_name="kim.csv")


def test_an_import_row_for_another_kabupaten_is_refused_naming_the_row(katingan_side, kotim_side):
    lina = katingan_side.rows["staff"]  # Katingan's staff, importing a desa of Kotim (the portal's kabupaten)
    result = import_rows(lina, ["62.02.01.2001", "KIM Baru Kotim", "2022-01-01"])
    assert result.has_validation_errors()
    row = result.invalid_rows[0]
    assert row.number == 2
    assert "di luar wilayah kerja Anda" in str(row.error_dict["kode_desa"])
    assert not Kim.objects.filter(name="KIM Baru Kotim").exists()


def test_an_import_never_touches_another_kabupatens_kim_of_the_same_name(katingan_side, kotim_side):
    lina = katingan_side.rows["staff"]
    import_rows(lina, ["62.02.01.2001", "KIM Kotim Hulu", "2020-05-05"])
    assert Kim.objects.get(name="KIM Kotim Hulu").formed_on.isoformat() == "2021-01-01"


def test_the_users_own_rows_import_as_before(kotim_side, katingan_side):
    result = import_rows(kotim_side.rows["staff"], ["62.02.01.2001", "KIM Baru Kotim", "2022-01-01"])
    assert not result.has_validation_errors()
    assert Kim.objects.get(name="KIM Baru Kotim").desa == kotim_side.rows[Desa]


def test_the_report_photo_of_another_kabupaten_is_refused(dewi_client, kotim_side, katingan_side):
    assert dewi_client.get(katingan_side.rows[ReportPhoto].get_absolute_url()).status_code == 403
    assert dewi_client.get(kotim_side.rows[ReportPhoto].get_absolute_url()).status_code == 200


def test_the_province_coordinator_sees_both_kabupaten_and_changes_nothing(client, yosef, kotim_side, katingan_side):
    client.force_login(yosef)
    listed = {kim.pk for kim in client.get("/admin/registry/kim/").context["cl"].result_list}
    assert listed == {kotim_side.rows[Kim].pk, katingan_side.rows[Kim].pk}
    kim = katingan_side.rows[Kim]
    response = client.post(reverse("admin:registry_kim_change", args=[kim.pk]), {"name": "Diubah"})
    assert response.status_code == 403
    assert Kim.objects.get(pk=kim.pk).name == "KIM Katingan Hulu"


def test_staff_of_a_kabupaten_portal_without_an_assignment_work_for_the_portals_kabupaten(
    client, kotim_side, katingan_side
):
    """Upgrading a one-kabupaten install locks none of its staff out."""
    ani = make_user(username="ani", is_staff=True)
    ani.groups.add(Group.objects.get(name="Admin Diskominfo"))
    client.force_login(ani)
    listed = {kim.pk for kim in client.get("/admin/registry/kim/").context["cl"].result_list}
    assert listed == {kotim_side.rows[Kim].pk}


def test_staff_without_an_assignment_in_a_province_portal_see_nothing_and_are_told_why(
    client, settings, kotim_side, katingan_side
):
    settings.PORTAL_REGION = "62"  # a province portal: no one kabupaten is implicitly theirs
    ani = make_user(username="ani", is_staff=True)
    ani.groups.add(Group.objects.get(name="Admin Diskominfo"))
    client.force_login(ani)
    assert staff_scope(ani).is_empty
    response = client.get("/admin/registry/kim/")
    assert list(response.context["cl"].result_list) == []
    assert "belum ditugaskan ke kabupaten/kota mana pun" in response.content.decode()
    assert "belum ditugaskan ke kabupaten/kota mana pun" in client.get("/admin/").content.decode()


def test_only_a_superuser_assigns_staff_to_a_kabupaten(dewi_client, dewi, katingan_side):
    dewi_client.post(
        reverse("admin:registry_staffkabupaten_add"), {"user": dewi.pk, "kabupaten": katingan_side.kabupaten.pk}
    )
    assert not StaffKabupaten.objects.filter(user=dewi, kabupaten=katingan_side.kabupaten).exists()


def test_a_superuser_assigns_staff_inline_on_the_users_page(client, superuser, dewi, katingan_side):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_change", args=[dewi.pk])).content.decode()
    assert "wilayah kerja staf" in page.lower()


def test_login_records_stay_shared_and_superusers_only(dewi_client, db):
    attempt = {"ip_address": "127.0.0.9", "username": "tamu", "user_agent": "uji", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    assert dewi_client.get("/admin/axes/accessattempt/").status_code == 403


def posted_back(form):
    """The data a browser would post for `form` as it was shown: every field with its shown value."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if hasattr(widget, "widgets") and not isinstance(value, list):  # a split date and time
            for index, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
        elif value is None or value is False:
            continue
        else:
            data[bound.html_name] = value
    return data


def history_versions(side):
    """(admin url name, row, its newest version) for every admin with a history, on one side."""
    for model, model_admin in registered():
        if hasattr(model, "history") and hasattr(model_admin, "history_form_view") and model in side.rows:
            row = side.rows[model]
            version = model.history.filter(**{model._meta.pk.attname: row.pk}).first()
            yield f"admin:{model._meta.app_label}_{model._meta.model_name}", row, version


def a_change(form, row, text):
    """One of the row's own columns in `form` and another value it accepts: `text` for a text field,
    else a number one higher; None where the form edits none (a report: staff decide, not edit)."""
    columns = model_to_dict(row)
    for name, field in form.fields.items():
        if name in columns and not field.disabled and type(field) is django_forms.CharField:
            return name, text
    for name, field in form.fields.items():
        if (
            name in columns
            and not field.disabled
            and isinstance(field, django_forms.IntegerField | django_forms.DecimalField)
        ):
            return name, (columns[name] or 0) + 1
    return None


def test_a_view_only_user_posting_a_history_version_back_changes_nothing_in_any_admin(
    client, yosef, kotim_side, katingan_side
):
    """The review's attack: the coordinator, who only views, posts a KIM's (or an event's, a pengurus',
    a target's) history page back with another value. The page offers no Save button; the POST is a 403."""
    client.force_login(yosef)
    walked = 0
    for name, row, version in history_versions(katingan_side):
        url = reverse(f"{name}_simple_history", args=[row.pk, version.history_id])
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'name="_save"' not in page.content.decode(), url
        form = page.context["adminform"].form
        data = posted_back(form)
        change = a_change(form, row, "Diubah koordinator")
        if change:
            data[change[0]] = change[1]
        before = model_to_dict(type(row).objects.get(pk=row.pk))
        assert client.post(url, data).status_code == 403, url
        assert model_to_dict(type(row).objects.get(pk=row.pk)) == before, url
        walked += 1
    assert walked >= 5


def test_staff_who_may_change_a_row_still_revert_it_from_its_history(dewi_client, kotim_side, katingan_side):
    """The same post by the row's own staff reverts it: the data the test above posts is valid."""
    walked = 0
    for name, row, version in history_versions(kotim_side):
        url = reverse(f"{name}_simple_history", args=[row.pk, version.history_id])
        page = dewi_client.get(url)
        if page.status_code != 200 or 'name="_save"' not in page.content.decode():
            continue  # e.g. a report, which staff decide on rather than edit
        form = page.context["adminform"].form
        change = a_change(form, row, "Dipulihkan staf")
        if change is None:
            continue
        field, value = change
        data = {**posted_back(form), field: value}
        assert dewi_client.post(url, data).status_code == 302, url
        assert model_to_dict(type(row).objects.get(pk=row.pk))[field] == value, url
        walked += 1
    assert walked >= 4


WORK_AREA = re.compile(r'<span class="work-area">([^<]*)</span>')


def work_area_in_header(client, user, url):
    client.force_login(user)
    return WORK_AREA.findall(client.get(url).content.decode())


def test_staff_read_in_the_admin_header_which_kabupaten_they_work_on(client, dewi, kotim_side):
    kim = kotim_side.rows[Kim]
    for url in ["/admin/", "/admin/registry/kim/", f"/admin/registry/kim/{kim.pk}/change/"]:
        assert work_area_in_header(client, dewi, url) == ["Wilayah kerja: Kabupaten Kotawaringin Timur"], url


def test_the_province_coordinator_reads_the_province_and_a_superuser_reads_no_work_area(client, yosef, superuser):
    assert work_area_in_header(client, yosef, "/admin/") == ["Wilayah kerja: Provinsi Kalimantan Tengah"]
    assert work_area_in_header(client, superuser, "/admin/") == []
