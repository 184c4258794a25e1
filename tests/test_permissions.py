"""Who may open which URL: every URL pattern of the portal, for seven actors.

Actors stand for roles: each group the migrations create has its actor
(ROLE_ACTORS; a new group without one fails
`test_every_role_has_an_actor_in_the_matrix`). Staff of another kabupaten
(`staff_other`, Katingan) see the lists but none of Kotim's rows.

The matrix is built from the URL resolver. A URL pattern without a row here
fails `test_every_url_pattern_has_a_row_in_the_matrix`: when you add a page,
add its row and say who may see it. Admin URLs get their rows from the admin
registry (with the rules below); every other URL is listed by hand.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from core.models import Notification
from core.notifications import unsubscribe_token
from coverage.models import (
    DesaTarget,
    FieldReport,
    FieldSubmission,
    OfficerAssignment,
    OutreachEvent,
    ReportPhoto,
    Wish,
)
from registry.models import Desa, Kabupaten, Kecamatan, Kim, KimActivity, Pengurus, StaffKabupaten, Tier
from registry.scope import is_scoped

from .factories import (
    make_desa,
    make_event,
    make_kabupaten,
    make_kecamatan,
    make_kim,
    make_officer_user,
    make_pengurus,
    make_user,
    make_wish,
)
from .field.photos import image_file

ACTORS = ["anonymous", "officer_a", "officer_b", "staff", "staff_other", "coordinator", "superuser"]
# The actor who plays each role (group); "staff" is Kotim's, "staff_other" Katingan's Admin Diskominfo.
ROLE_ACTORS = {"Admin Diskominfo": "staff", "Petugas lapangan": "officer_a", "Koordinator provinsi": "coordinator"}
STAFF_ACTORS = ["staff", "staff_other", "coordinator"]
LOGIN = "login"  # 302 to the login page of that area
ADMIN_LOGIN, FIELD_LOGIN = "/admin/login/", "/petugas/masuk/"
LOGOUT_ROUTES = {"admin/logout/", "petugas/keluar/"}


@dataclass
class Row:
    url: object  # a function of the world giving the URL
    expect: dict  # actor -> status code, or LOGIN
    method: str = "get"
    data: dict = field(default_factory=dict)


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def staff(status, coordinator=None):
    """Every staff actor gets `status` (the coordinator `coordinator` when given)."""
    return {**dict.fromkeys(STAFF_ACTORS, status), "coordinator": status if coordinator is None else coordinator}


def field_page(name, officer_b=200):
    """A page of the field area: login first, then anyone with the field-area permission
    (Admin Diskominfo has it; the coordinator, who only views, has not)."""
    return Row(
        lambda w: reverse(name),
        {"anonymous": LOGIN, "officer_a": 200, "officer_b": officer_b, **staff(200, 403), "superuser": 200},
    )


HAND_ROWS = {
    # Public pages and open data: everyone.
    "": Row(lambda w: "/", everyone(200)),
    "kabupaten/<str:code>/": Row(lambda w: f"/kabupaten/{w[Kecamatan].kabupaten.code}/", everyone(200)),
    "provinsi/<str:code>/": Row(lambda w: "/provinsi/62/", everyone(404)),  # a country portal's page only
    "kecamatan/<str:code>/": Row(lambda w: w[Kecamatan].get_absolute_url(), everyone(200)),
    "kim/": Row(lambda w: reverse("registry:kim-list"), everyone(200)),
    "kim/<int:pk>/": Row(lambda w: w[Kim].get_absolute_url(), everyone(200)),
    "laporan/<int:tahun>/": Row(lambda w: "/laporan/2022/", everyone(200)),
    "membentuk-kim/": Row(lambda w: reverse("coverage:forming-kim"), everyone(200)),
    "data/": Row(lambda w: reverse("opendata:index"), everyone(200)),
    "data/<slug:slug>.json": Row(lambda w: "/data/kim.json", everyone(200)),
    "data/<slug:slug>.csv": Row(lambda w: "/data/events.csv", everyone(200)),
    "data/<slug:slug>.xlsx": Row(lambda w: "/data/kim.xlsx", everyone(200)),
    "data/catalog.jsonld": Row(lambda w: "/data/catalog.jsonld", everyone(200)),
    "data/catalog.ttl": Row(lambda w: "/data/catalog.ttl", everyone(200)),
    "data/datapackage.json": Row(lambda w: "/data/datapackage.json", everyone(200)),
    "data/<slug:slug>/metadata.json": Row(lambda w: "/data/coverage/metadata.json", everyone(200)),
    "data/<slug:slug>/": Row(lambda w: reverse("opendata:dataset", args=["coverage"]), everyone(200)),
    "robots.txt": Row(lambda w: "/robots.txt", everyone(200)),
    "sitemap.xml": Row(lambda w: "/sitemap.xml", everyone(200)),
    "sitemap-<section>.xml": Row(lambda w: "/sitemap-kim.xml", everyone(200)),
    "petugas/": field_page("field:home"),
    "petugas/masuk/": Row(lambda w: reverse("field:login"), everyone(200)),
    "petugas/keluar/": Row(lambda w: reverse("field:logout"), everyone(LOGIN), method="post"),
    # The language switch only sets a cookie and goes back: everyone, also on the login page.
    "petugas/bahasa/": Row(
        lambda w: reverse("field:language"), everyone(302), method="post", data={"language": "id", "next": "/petugas/"}
    ),
    "petugas/kegiatan/rencana/": field_page("field:event-plan"),
    "petugas/laporan/": field_page("field:report-list"),
    "petugas/laporan/baru/": field_page("field:report-new"),
    "petugas/laporan/kirim/": Row(
        lambda w: reverse("field:report-submit"),
        {"anonymous": LOGIN, "officer_a": 400, "officer_b": 400, **staff(400, 403), "superuser": 400},
        method="post",
    ),
    # A report of Parenggean (kecamatan A): only its officers; staff read reports in the admin.
    "petugas/laporan/<int:pk>/": Row(
        lambda w: reverse("field:report-detail", args=[w["report"].pk]),
        {"anonymous": LOGIN, "officer_a": 200, "officer_b": 404, **staff(404, 403), "superuser": 404},
    ),
    "petugas/foto/<int:pk>/": Row(
        lambda w: reverse("field:photo", args=[w["photo"].pk]),
        # Staff of the photo's kabupaten and the province's coordinator; not Katingan's staff.
        {"anonymous": LOGIN, "officer_a": 200, "officer_b": 403, **staff(200), "staff_other": 403, "superuser": 200},
    ),
    "petugas/kim/usulkan/": field_page("field:kim-propose"),
    "petugas/aktivitas/catat/": field_page("field:activity-new"),
    "petugas/sesi/": field_page("field:session"),
    "petugas/keputusan/": field_page("field:decisions"),
    # Receipt pages of a plan and an activity entry officer A sent: only theirs.
    "petugas/kiriman/<int:pk>/": Row(
        lambda w: reverse("field:submission-detail", args=[w[FieldSubmission].pk]),
        {"anonymous": LOGIN, "officer_a": 200, "officer_b": 404, **staff(404, 403), "superuser": 404},
    ),
    "petugas/aktivitas/<int:pk>/": Row(
        lambda w: reverse("field:activity-detail", args=[w["activity"].pk]),
        {"anonymous": LOGIN, "officer_a": 200, "officer_b": 404, **staff(404, 403), "superuser": 404},
    ),
    "petugas/sw.js": Row(lambda w: reverse("field:sw"), everyone(200)),
    # The admin's own pages.
    "admin/": Row(lambda w: reverse("admin:index"), {**everyone(LOGIN), **staff(200), "superuser": 200}),
    "admin/login/": Row(lambda w: reverse("admin:login"), {**everyone(200), **staff(302), "superuser": 302}),
    "admin/logout/": Row(
        lambda w: reverse("admin:logout"), {**everyone(302), **staff(200), "superuser": 200}, method="post"
    ),
    "admin/password_change/": Row(
        lambda w: reverse("admin:password_change"), {**everyone(LOGIN), **staff(200), "superuser": 200}
    ),
    "admin/password_change/done/": Row(
        lambda w: reverse("admin:password_change_done"), {**everyone(LOGIN), **staff(200), "superuser": 200}
    ),
    # Without its query parameters the autocomplete refuses even staff.
    "admin/autocomplete/": Row(
        lambda w: reverse("admin:autocomplete"), {**everyone(LOGIN), **staff(403), "superuser": 403}
    ),
    "admin/jsi18n/": Row(lambda w: reverse("admin:jsi18n"), {**everyone(LOGIN), **staff(200), "superuser": 200}),
    "admin/r/<path:content_type_id>/<path:object_id>/": Row(
        lambda w: reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(FieldReport).pk, w["report"].pk]
        ),
        {**everyone(LOGIN), **staff(302), "superuser": 302},
    ),
    "healthz": Row(lambda w: "/healthz", everyone(200)),
    "favicon.ico": Row(lambda w: "/favicon.ico", everyone(302)),  # to the static icon
    # The link in every mail to turn e-mail off: signed, no login needed.
    "surel/<str:token>/": Row(lambda w: reverse("mail-preference", args=[unsubscribe_token(w["user"])]), everyone(200)),
    # Spreadsheet import and export of KIM (django-import-export): staff only.
    "admin/registry/kim/import/": Row(
        lambda w: reverse("admin:registry_kim_import"), {**everyone(LOGIN), **staff(200, 403), "superuser": 200}
    ),
    "admin/registry/kim/export/": Row(
        lambda w: reverse("admin:registry_kim_export"), {**everyone(LOGIN), **staff(200), "superuser": 200}
    ),
    # The import's template to download: whoever may import.
    "admin/registry/kim/import/templat.<slug:fmt>": Row(
        lambda w: reverse("admin:registry_kim_import_template", args=["xlsx"]),
        {**everyone(LOGIN), **staff(200, 403), "superuser": 200},
    ),
    # Confirming an import is a POST of the previewed file; without one, a clear refusal.
    "admin/registry/kim/process_import/": Row(
        lambda w: reverse("admin:registry_kim_process_import"),
        {**everyone(LOGIN), **staff(200, 403), "superuser": 200},
        method="post",
    ),
    # Accept / refuse with a reason (registry.admin.DecisionMixin): POST only, rows in the user's scope,
    # the right to change them. Without a decision (or already decided) it changes nothing and goes back.
    **{
        f"admin/{app}/{name}/<path:object_id>/keputusan/": Row(
            lambda w, app=app, name=name, model=model: reverse(f"admin:{app}_{name}_decision", args=[w[model].pk]),
            {**everyone(LOGIN), **staff(302, 403), "staff_other": 404, "superuser": 302},
            method="post",
        )
        for app, name, model in [
            ("registry", "kim", Kim),
            ("registry", "kimactivity", KimActivity),
            ("coverage", "fieldreport", FieldReport),
            ("coverage", "wish", Wish),
        ]
    },
    "admin/^(?P<app_label>auth|axes|registry|coverage|core)/$": Row(
        lambda w: reverse("admin:app_list", args=["registry"]), {**everyone(LOGIN), **staff(200), "superuser": 200}
    ),
    "admin/(?P<url>.*)$": Row(lambda w: "/admin/tidak-ada/", {**everyone(LOGIN), **staff(404), "superuser": 404}),
    "admin/auth/user/<id>/password/": Row(
        lambda w: reverse("admin:auth_user_password_change", args=[w["user"].pk]),
        {**everyone(LOGIN), **staff(403), "superuser": 200},
    ),
}
# What each staff actor's group may do per admin model: all, view only, or nothing.
AXES = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}  # login lock-out records: superusers only
STAFF_RIGHTS = {
    "auth.user": "view",
    "auth.group": "none",
    "coverage.fieldsubmission": "view",  # what phones sent: a log to read
    "registry.staffkabupaten": "none",  # who works where: superusers assign it
    "core.notification": "view",  # the outbox of record: read its attempts and errors, never write it
    **dict.fromkeys(AXES, "none"),
}
RIGHTS = {
    "staff": (STAFF_RIGHTS, "all"),
    "staff_other": (STAFF_RIGHTS, "all"),
    # The province coordinator reads everything of the portal's data, changes nothing.
    "coordinator": ({"auth.group": "none", **dict.fromkeys(AXES, "none")}, "view"),
}
# Reports only come from the field area; lock-out records only from failed logins.
NOT_ADDABLE_IN_ADMIN = {"coverage.fieldreport", "coverage.fieldsubmission", "core.notification", *AXES}
# Reports only come from the field area, wishes from citizens' form; lock-out records only from failed logins.
NOT_ADDABLE_IN_ADMIN = {"coverage.fieldreport", "coverage.fieldsubmission", "coverage.wish", *AXES}


def staff_expectation(actor, action, model):
    """What a staff actor gets for an admin URL of `model`: the group's rights, then the kabupaten.

    The world's rows are Kotim's; Katingan's staff (staff_other) find none of them:
    Django's forms redirect to the admin's home ("does not exist"), history pages answer 404.
    """
    label = model._meta.label_lower
    rights_of, default = RIGHTS[actor]
    rights = rights_of.get(label, default)
    out_of_scope = actor == "staff_other" and is_scoped(model)
    simple_history = isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    if action == "add":
        return 403 if label in NOT_ADDABLE_IN_ADMIN or rights != "all" else 200
    if action == "changelist":
        return 403 if rights == "none" else 200
    if action == "change":
        return 403 if rights == "none" else 302 if out_of_scope else 200
    if action == "delete":
        return 403 if rights != "all" else 302 if out_of_scope else 200
    if action == "history" and not simple_history:
        return 302 if out_of_scope else 403 if rights == "none" else 200
    # django-simple-history's list and version pages look the row up first.
    return 404 if out_of_scope else 403 if rights == "none" else 200


def admin_rows():
    """Rows for every registered admin model's URLs."""
    rows = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        app, name = label.split(".")
        base = f"admin/{app}/{name}/"

        def row(url, action, model=model, redirect=False):
            # <object_id>/ only redirects to .../change/, which then checks the rights.
            if redirect:
                return Row(url, {**everyone(LOGIN), **staff(302), "superuser": 302})
            expect = {actor: staff_expectation(actor, action, model) for actor in STAFF_ACTORS}
            superuser = 403 if action == "add" and model._meta.label_lower in NOT_ADDABLE_IN_ADMIN else 200
            return Row(url, {**everyone(LOGIN), **expect, "superuser": superuser})

        rows[base] = row(lambda w, app=app, name=name: reverse(f"admin:{app}_{name}_changelist"), "changelist")
        rows[f"{base}add/"] = row(lambda w, app=app, name=name: reverse(f"admin:{app}_{name}_add"), "add")
        for action in ("history", "delete", "change"):
            rows[f"{base}<path:object_id>/{action}/"] = row(
                lambda w, app=app, name=name, action=action, model=model: reverse(
                    f"admin:{app}_{name}_{action}", args=[w[model].pk]
                ),
                action,
            )
        rows[f"{base}<path:object_id>/"] = row(
            lambda w, app=app, name=name, model=model: f"/admin/{app}/{name}/{w[model].pk}/", "change", redirect=True
        )
        if hasattr(model, "history"):
            rows[f"{base}^([^/]+)/history/([^/]+)/$"] = row(
                lambda w, app=app, name=name, model=model: reverse(
                    f"admin:{app}_{name}_simple_history",
                    args=[w[model].pk, w[model].history.order_by("history_id").first().history_id],
                ),
                "version",
            )
    return rows


def all_routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def matrix():
    return {**admin_rows(), **HAND_ROWS}


def test_every_url_pattern_has_a_row_in_the_matrix():
    with translation.override(settings.LANGUAGE_CODE):  # unprefixed routes, whatever a test before activated
        routes = list(all_routes())
    missing = [r for r in routes if r not in matrix()]
    stale = [r for r in matrix() if r not in routes]
    assert missing == [], "URL patterns without a row in tests/test_permissions.py"
    assert stale == [], "rows for URL patterns that no longer exist"


@pytest.fixture
def world(db):
    """Kecamatan A (Parenggean) and B (Baamang), an officer in each, staff, a superuser, one of everything."""
    kabupaten = make_kabupaten()
    kec_a = make_kecamatan(kabupaten=kabupaten, code="62.02.04", name="Parenggean")
    kec_b = make_kecamatan(kabupaten=kabupaten, code="62.02.05", name="Baamang")
    desa_a = make_desa(kecamatan=kec_a)
    make_desa(kecamatan=kec_b)
    kim = make_kim(desa=desa_a)
    officer_a = make_officer_user(username="agus", kecamatan=[kec_a])
    officer_b = make_officer_user(username="rina", kecamatan=[kec_b])
    staff = make_user(username="dewi", is_staff=True)  # Kotim's: the portal's kabupaten, implicitly
    staff.groups.add(Group.objects.get(name="Admin Diskominfo"))
    katingan = make_kabupaten(code="62.06", name="Kabupaten Katingan")
    staff_other = make_user(username="lina", is_staff=True)
    staff_other.groups.add(Group.objects.get(name="Admin Diskominfo"))
    StaffKabupaten.objects.create(user=staff_other, kabupaten=katingan)
    coordinator = make_user(username="yosef", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Koordinator provinsi"))
    StaffKabupaten.objects.create(user=coordinator, kabupaten=katingan, whole_province=True)
    superuser = make_user(username="root", is_staff=True, is_superuser=True)
    event = make_event(kecamatan=kec_a, desa=desa_a, kims=[kim])
    report = FieldReport.objects.create(
        client_id="5f0c8b9e-1d2a-4c7e-9a51-0b8f3f1e2d34", event=event, submitted_by=officer_a, receipt="LAP-2026-00001"
    )
    photo = ReportPhoto.objects.create(report=report, image=image_file())
    make_pengurus(kim=kim)
    attempt = {"ip_address": "127.0.0.9", "username": "tamu", "user_agent": "uji", "path_info": "/admin/login/"}
    return {
        AccessAttempt: AccessAttempt.objects.create(**attempt, failures_since_start=1),
        AccessLog: AccessLog.objects.create(**attempt),
        AccessFailureLog: AccessFailureLog.objects.create(**attempt),
        "actors": {
            "anonymous": None,
            "officer_a": officer_a,
            "officer_b": officer_b,
            "staff": staff,
            "staff_other": staff_other,
            "coordinator": coordinator,
            "superuser": superuser,
        },
        "report": report,
        "photo": photo,
        "activity": KimActivity.objects.create(
            kim=kim, date=date(2026, 1, 5), kind="meeting", entered_by=officer_a, client_id=uuid.uuid4()
        ),
        "user": officer_a,
        Kabupaten: kabupaten,
        Kecamatan: kec_a,
        Desa: desa_a,
        Tier: Tier.objects.create(name="Pemula"),
        Kim: kim,
        Pengurus: kim.pengurus.first(),
        OutreachEvent: event,
        FieldReport: report,
        FieldSubmission: FieldSubmission.objects.create(
            client_id="0b9e1c3a-6f2d-4e8b-9c1a-7d5e3f2a1b40", kind="plan", submitted_by=officer_a, event=event
        ),
        OfficerAssignment: OfficerAssignment.objects.first(),
        StaffKabupaten: StaffKabupaten.objects.create(user=staff, kabupaten=kabupaten),
        Group: Group.objects.first(),
        type(officer_a): officer_a,
        KimActivity: KimActivity.objects.create(kim=kim, date=kim.formed_on, kind="meeting"),
        DesaTarget: DesaTarget.objects.create(kabupaten=kabupaten, year=2024, target_percent=50),
        Notification: Notification.objects.create(
            recipient=officer_a, kind="refused", subject="Ditolak: uji", text="Alasan: uji", url="/petugas/"
        ),
        Wish: make_wish(desa=desa_a),
    }


def outcome(route, response):
    login_url = ADMIN_LOGIN if route.startswith("admin/") else FIELD_LOGIN
    if response.status_code == 302 and response["Location"].startswith(login_url):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_exactly_what_the_matrix_says_on_every_url(client, world, actor):
    if world["actors"][actor]:
        client.force_login(world["actors"][actor])
    wrong = {}
    for route, row in matrix().items():
        url = row.url(world)
        response = getattr(client, row.method)(url, row.data)
        got = outcome(route, response)
        if got != row.expect[actor]:
            wrong[route] = f"{url}: expected {row.expect[actor]}, got {got} {response.get('Location', '')}"
        if route in LOGOUT_ROUTES and world["actors"][actor]:
            client.force_login(world["actors"][actor])  # logging out must not end the tour
    assert wrong == {}


def test_every_role_has_an_actor_in_the_matrix(db):
    roles = set(Group.objects.values_list("name", flat=True))
    assert roles == set(ROLE_ACTORS), "a group (role) without an actor in tests/test_permissions.py, or a stale one"
