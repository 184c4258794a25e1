"""Every page the public and the field officers see is valid HTML, as the W3C Nu HTML checker (vnu.jar) reads it.

The pages are rendered with the test client, written to a temporary folder and
checked in one run of vnu.jar (one JVM start). `make vnu` installs the jar from
npm into node_modules/ (gitignored); .ci/run does it, and installs Java if missing.
"""

import json
import os
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.shortcuts import render
from django.test import RequestFactory
from django.utils import timezone, translation

from coverage.models import FieldReport, OutreachEvent
from registry.models import Kim

from .factories import make_event
from .field.photos import image_file
from .tools import missing_tool

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))

pytestmark = pytest.mark.vnu


def vnu_command():
    """`java -jar vnu.jar`, or skip (fail on CI) when Java or the jar is missing."""
    java = shutil.which("java")
    missing = []
    if not java:
        missing.append("java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR.relative_to(ROOT) if VNU_JAR.is_relative_to(ROOT) else VNU_JAR} (make vnu)")
    if missing:
        missing_tool("The HTML checker needs " + " and ".join(missing) + "; .ci/run installs both")
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


def vnu_errors(files: list[Path]) -> list[str]:
    """'file:line: message' for every error vnu finds in `files`."""
    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}  [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def save(folder: Path, name: str, response, status=200) -> Path:
    assert response.status_code == status, (name, response.status_code)
    path = folder / f"{name}.html"
    path.write_bytes(response.content)
    return path


@pytest.fixture
def a_report(officer_parenggean, parenggean):
    """A report of Agus's with a photo, so that the receipt page shows everything it can."""
    from django.test import Client

    client = Client()
    client.force_login(officer_parenggean)
    kim = Kim.objects.filter(desa__kecamatan=parenggean).first()
    data = {
        "client_id": str(uuid.uuid4()),
        "title": "Sosialisasi KIM di Desa Tehang",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "kecamatan": parenggean.pk,
        "day": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "participants": "30",
        "participants_women": "12",
        "participants_men": "18",
        "summary": "Warga antusias membentuk KIM.\nPengurus dipilih.",
        "kims": [kim.pk] if kim else [],
        "photos": image_file(),
    }
    assert client.post("/petugas/laporan/kirim/", data).status_code == 302
    return FieldReport.objects.get()


def test_public_and_field_pages_have_no_html_errors(client, demo, officer_parenggean, parenggean, a_report, tmp_path):
    command = vnu_command()  # skip before rendering anything when the checker is missing
    kim = Kim.objects.public().filter(desa__kecamatan=parenggean).order_by("pk").first()
    make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() + timedelta(days=3))
    files = []
    for prefix, lang in (("", "id"), ("/en", "en")):
        public = {
            "dashboard": "/",
            "dashboard-past-day": "/?tanggal=2022-03-25",
            "kecamatan": f"/kecamatan/{parenggean.code}/",
            "directory": "/kim/",
            "directory-filtered": f"/kim/?kecamatan={parenggean.code}&urut=-nama",
            "directory-page-2": "/kim/?halaman=2",
            "kim": f"/kim/{kim.pk}/",
            "open-data": "/data/",
            "open-data-metadata": "/data/coverage/",
            "open-data-metadata-kim": "/data/kim/",
            "yearly-report": "/laporan/2022/",
            "forming-kim": "/membentuk-kim/",
        }
        for name, url in public.items():
            files.append(save(tmp_path, f"{lang}-{name}", client.get(prefix + url)))
        files.append(save(tmp_path, f"{lang}-dashboard-bad-day", client.get(prefix + "/?tanggal=2022-02-30"), 400))
        files.append(save(tmp_path, f"{lang}-not-found", client.get(prefix + "/tidak-ada/"), 404))
    for template in ("400.html", "500.html", "503.html", "lockout.html", "registry/regions_missing.html"):
        page = render(RequestFactory().get("/"), template)
        files.append(save(tmp_path, "error-" + template.replace("/", "-").removesuffix(".html"), page))

    files.append(save(tmp_path, "field-login", client.get("/petugas/masuk/")))
    client.force_login(officer_parenggean)
    field = {
        "field-home": "/petugas/",
        "field-plan": "/petugas/kegiatan/rencana/",
        "field-report-form": "/petugas/laporan/baru/",
        "field-report-list": "/petugas/laporan/",
        "field-report-detail": a_report.get_absolute_url(),
        "field-kim-propose": "/petugas/kim/usulkan/",
    }
    for name, url in field.items():
        files.append(save(tmp_path, name, client.get(url)))
    # The forms again, refused, with their error messages.
    files.append(save(tmp_path, "field-plan-refused", client.post("/petugas/kegiatan/rencana/", {}), 400))
    files.append(save(tmp_path, "field-report-refused", client.post("/petugas/laporan/kirim/", {}), 400))
    files.append(save(tmp_path, "field-kim-propose-refused", client.post("/petugas/kim/usulkan/", {}), 400))

    assert command
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)


def test_province_portal_pages_have_no_html_errors(client, db, settings, tmp_path):
    """The roll-up, a kabupaten's page and the region-wide directory of a province portal (issue 10)."""
    from core.region import PortalRegion
    from kimportal.demo import load_demo
    from registry.regions import load_regions, region_kabupaten_codes

    command = vnu_command()
    settings.PORTAL_REGION = "62"
    load_regions(region_kabupaten_codes(PortalRegion("62")))
    load_demo()
    kim = Kim.objects.public().filter(desa__kecamatan__kabupaten__code="62.06").order_by("pk").first()
    files = []
    # English pages leave English active in this thread: the override gives later tests Indonesian back.
    with translation.override("id"):
        for prefix, lang in (("", "id"), ("/en", "en")):
            pages = {
                "rollup": "/",
                "rollup-past-day": "/?tanggal=2022-03-25",
                "kabupaten": "/kabupaten/62.06/",
                "kecamatan": "/kecamatan/62.06.02/",
                "directory": "/kim/",
                "directory-kabupaten": "/kim/?kabupaten=62.06&kecamatan=62.06.02",
                "kim": f"/kim/{kim.pk}/",
                "open-data": "/data/",
                "open-data-metadata": "/data/kabupaten/",
            }
            for name, url in pages.items():
                files.append(save(tmp_path, f"province-{lang}-{name}", client.get(prefix + url)))
            files.append(
                save(tmp_path, f"province-{lang}-rollup-bad-day", client.get(prefix + "/?tanggal=2022-02-30"), 400)
            )
    assert command
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)


def test_country_portal_pages_have_no_html_errors(client, db, settings, tmp_path):
    """The country's roll-up, linking provinces, and a province's page on it (issue 23)."""
    from kimportal.demo import load_demo
    from registry.regions import load_regions

    command = vnu_command()
    settings.PORTAL_REGION = ""
    load_regions(["62.02", "62.06", "63.01"])
    load_demo()
    files = []
    with translation.override("id"):
        for prefix, lang in (("", "id"), ("/en", "en")):
            for name, url in {"rollup": "/", "province": "/provinsi/62/"}.items():
                files.append(save(tmp_path, f"country-{lang}-{name}", client.get(prefix + url)))
    assert command
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)


def admin_pages(client) -> dict[str, str]:
    """Every page of the admin a superuser reaches from its home page: each model's list, its add
    form, the change form and history of its first row, and the spreadsheet import. (Not the
    export page: django-import-export's script finds its choices by attributes of its own,
    resource-index and resource-id, which HTML does not have.)"""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = {"admin-index": reverse("admin:index")}
    client.raise_request_exception = False  # a refused add form (reports come from the field) answers 403
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages[f"{name}-list"] = reverse(f"{name}_changelist")
        if client.get(reverse(f"{name}_add")).status_code == 200:
            pages[f"{name}-add"] = reverse(f"{name}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages[f"{name}-change"] = reverse(f"{name}_change", args=[first.pk])
            pages[f"{name}-history"] = reverse(f"{name}_history", args=[first.pk])
        try:
            pages[f"{name}-import"] = reverse(f"{name}_import")
        except NoReverseMatch:
            pass
    return {name.replace(":", "-"): url for name, url in pages.items()}


def test_the_admins_lists_forms_histories_and_import_have_no_html_errors(staff_client, demo, tmp_path):
    from axes.models import AccessLog

    command = vnu_command()
    AccessLog.objects.create(username="sari", ip_address="127.0.0.1", user_agent="pytest")  # a row to open
    with translation.override("id"):
        files = [save(tmp_path, name, staff_client.get(url)) for name, url in admin_pages(staff_client).items()]
    assert command and len(files) > 40
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)
