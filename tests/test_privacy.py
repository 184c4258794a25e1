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
