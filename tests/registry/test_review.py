"""KIM proposed by field officers count as coverage only once staff verify them."""

from datetime import date

from django.utils import timezone

from coverage.queries import kecamatan_coverage
from registry.models import Kim

from ..factories import make_kim, make_pengurus, make_user


def test_a_pending_kim_is_not_active():
    kim = Kim(formed_on=date(2021, 1, 1), review_status=Kim.Review.WAITING)
    assert not kim.is_active_on(date(2022, 1, 1))


def test_a_pending_kim_does_not_cover_its_kecamatan(kotim):
    desa = kotim.kecamatan.get(code="62.02.15").desa.first()
    make_kim(desa=desa, review_status=Kim.Review.WAITING)
    coverage = kecamatan_coverage(kabupaten=kotim, on=date(2022, 3, 25))
    bukit_santuai = next(k for k in coverage.kecamatan if k.code == "62.02.15")
    assert bukit_santuai.active_kim == 0
    assert not bukit_santuai.covered


def test_verifying_a_kim_makes_it_count_and_records_who_and_when(kotim):
    staff = make_user(username="sari", is_staff=True)
    desa = kotim.kecamatan.get(code="62.02.15").desa.first()
    kim = make_kim(desa=desa, review_status=Kim.Review.WAITING)
    kim.verify(by=staff)
    coverage = kecamatan_coverage(kabupaten=kotim, on=timezone.localdate())
    assert next(k for k in coverage.kecamatan if k.code == "62.02.15").active_kim == 1
    assert (kim.reviewed_by, kim.reviewed_at.date() == timezone.now().date()) == (staff, True)


def test_kim_entered_without_review_status_are_verified(db):
    assert make_kim().review_status == Kim.Review.ACCEPTED


def test_every_change_to_a_kim_and_its_pengurus_is_kept_in_history(db):
    kim = make_kim(name="KIM Lama")
    kim.name = "KIM Baru"
    kim.save()
    make_pengurus(kim=kim)
    assert [h.name for h in kim.history.order_by("history_date")] == ["KIM Lama", "KIM Baru"]
    assert kim.pengurus.get().history.count() == 1
