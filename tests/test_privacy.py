"""No private field ever appears on a public page or in an export."""

import pytest

from registry.models import Kim, Pengurus

from .factories import make_pengurus

SECRETS = {
    "contact_email": "rahasia.kim@contoh.invalid",
    "contact_phone": "081299990000",
    "notes": "CATATAN-INTERNAL-JANGAN-DIBUKA",
}
PENGURUS_PHONE = "081211112222"


@pytest.fixture
def seeded(demo):
    Kim.objects.update(**SECRETS)
    for kim in Kim.objects.all():
        make_pengurus(kim=kim, name="Anggota Rahasia (contoh)", role=Pengurus.Role.ANGGOTA, phone=PENGURUS_PHONE)
    return demo


def public_urls():
    kim = Kim.objects.order_by("pk").first()
    pages = ["/", "/kecamatan/62.02.04/", "/kim/", f"/kim/{kim.pk}/", "/data/"]
    pages += ["/en" + page for page in pages]
    downloads = [
        f"/data/{slug}.{fmt}" for slug in ("coverage", "desa-coverage", "kim", "events") for fmt in ("csv", "json")
    ]
    return pages + downloads


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_private_value_appears_on_any_public_page_or_export(client, seeded):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response).decode()
        for secret in [*SECRETS.values(), PENGURUS_PHONE]:
            assert secret not in text, f"{secret} leaked on {url}"


def test_the_scan_would_see_a_leak(client, seeded):
    """Guard against a scan that reads nothing: the public officer names are there."""
    kim = Kim.objects.order_by("pk").first()
    assert "Anggota Rahasia (contoh)" in client.get(f"/kim/{kim.pk}/").content.decode()


def test_a_proposed_kim_stays_off_the_public_pages_until_verified(client, demo):
    from registry.models import Desa

    from .factories import make_kim

    proposal = make_kim(
        desa=Desa.objects.get(code="62.02.15.2001"), name="KIM Usulan Bukit Santuai", review_status=Kim.Review.WAITING
    )
    assert client.get(proposal.get_absolute_url()).status_code == 404
    for url in ["/kim/", "/kecamatan/62.02.15/", "/data/kim.csv", "/data/desa-coverage.json"]:
        assert "KIM Usulan Bukit Santuai" not in body(client.get(url)).decode(), url


# Citizens' wishes (issue 22): distinctive contact details, looked for everywhere the public reads.
WISH_SECRETS = {
    "name": "Sutarmi Rahasiawati",
    "phone": "081377778888",
    "email": "minat.rahasia@contoh.invalid",
    "message": "PESAN-RAHASIA-WARGA-MINAT",
}


def every_public_url(client):
    """Every page the sitemap lists (both languages), every download in every format, the catalogue,
    the form page and a receipt."""
    import re

    from opendata.datasets import DATASETS

    sections = re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", client.get("/sitemap.xml").content.decode())
    pages = ["/sitemap.xml", *sections]
    for section in sections:
        pages += re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", body(client.get(section)).decode())
    downloads = [f"/data/{slug}.{fmt}" for slug in DATASETS for fmt in ("csv", "json", "xlsx")]
    metadata = [f"/data/{slug}/{page}" for slug in DATASETS for page in ("", "metadata.json")]
    return [
        *pages,
        *downloads,
        *metadata,
        "/data/catalog.ttl",
        "/data/catalog.jsonld",
        "/data/datapackage.json",
        "/membentuk-kim/",
        "/en/membentuk-kim/",
    ]


def readable(url, content: bytes) -> str:
    """The text of a download; an .xlsx is a zip of XML files, read inside."""
    if url.endswith(".xlsx"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())
    return content.decode()


def test_no_contact_of_a_citizens_wish_appears_on_any_public_page_download_catalogue_or_sitemap(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import Notification
    from coverage.models import OutreachEvent, Wish

    from .factories import make_event, make_wish

    desa = Kim.objects.order_by("pk").first().desa.kecamatan.desa.exclude(kims__isnull=False).first()
    wish = make_wish(desa=desa, **WISH_SECRETS)
    planned = make_event(desa=desa, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() + timedelta(days=9))
    wish.plan(planned, by=None)  # the mail telling the citizen waits in the outbox
    assert Notification.objects.to_addresses().count() == 1
    urls = [*every_public_url(client), f"/membentuk-kim/?diterima={wish.receipt}"]
    assert len(urls) > 50  # the sitemap was read: every kecamatan and KIM page
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = readable(url, body(response))
        for secret in WISH_SECRETS.values():
            assert secret not in text, f"{secret} leaked on {url}"
    assert Wish.objects.open().filter(desa=desa).count() == 1  # counted, never named
    assert "Ada minat warga: 1" in client.get(desa.kecamatan.get_absolute_url()).content.decode()


def test_the_wish_scan_would_see_a_leak(client, demo):
    """Guard: the scan's reader finds text in a download and in an .xlsx."""
    assert "Parenggean" in readable("/data/coverage.xlsx", body(client.get("/data/coverage.xlsx")))
