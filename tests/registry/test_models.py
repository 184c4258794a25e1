from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import Kim, Pengurus

from ..factories import make_desa, make_kim, make_pengurus


def test_sk_date_in_the_future_is_refused(db):
    kim = Kim(
        desa=make_desa(),
        name="KIM Uji",
        formed_on=date(2021, 1, 1),
        sk_number="1/2021",
        sk_date=timezone.localdate() + timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        kim.full_clean()
    assert error.value.message_dict["sk_date"] == ["Tanggal tidak boleh di masa depan."]


def test_an_inactive_kim_needs_a_reason(db):
    kim = Kim(desa=make_desa(), name="KIM Uji", formed_on=date(2021, 1, 1), inactive_since=date(2022, 1, 1))
    with pytest.raises(ValidationError) as error:
        kim.full_clean()
    assert "inactive_reason" in error.value.message_dict


def test_a_kim_cannot_become_inactive_before_it_was_formed(db):
    kim = Kim(
        desa=make_desa(),
        name="KIM Uji",
        formed_on=date(2021, 1, 1),
        inactive_since=date(2020, 1, 1),
        inactive_reason="Bubar",
    )
    with pytest.raises(ValidationError) as error:
        kim.full_clean()
    assert "inactive_since" in error.value.message_dict


def test_two_kim_with_the_same_name_in_one_desa_are_refused(db):
    first = make_kim(name="KIM Harapan")
    duplicate = Kim(desa=first.desa, name="KIM Harapan", formed_on=date(2021, 1, 1))
    with pytest.raises(ValidationError, match="Sudah ada KIM dengan nama ini"):
        duplicate.full_clean()


def test_a_kim_has_only_one_ketua(db):
    kim = make_kim()
    make_pengurus(kim=kim, role=Pengurus.Role.KETUA, name="Ketua Pertama")
    second = Pengurus(kim=kim, role=Pengurus.Role.KETUA, name="Ketua Kedua")
    with pytest.raises(ValidationError, match="hanya boleh memiliki satu ketua"):
        second.full_clean()


def test_pengurus_phone_numbers_are_checked_and_stored_without_spaces(db):
    officer = make_pengurus(phone="0812-3456 7890")
    assert officer.phone == "081234567890"
    with pytest.raises(ValidationError, match="Nomor telepon tidak valid"):
        Pengurus(kim=officer.kim, name="X", phone="12345").full_clean()


def test_a_kim_is_active_from_its_formation_until_it_becomes_inactive(db):
    kim = make_kim(formed_on=date(2021, 1, 1), inactive_since=date(2022, 6, 1))
    assert not kim.is_active_on(date(2020, 12, 31))
    assert kim.is_active_on(date(2021, 1, 1))
    assert kim.is_active_on(date(2022, 5, 31))
    assert not kim.is_active_on(date(2022, 6, 1))


def test_active_on_queryset_agrees_with_the_model(db):
    active = make_kim(formed_on=date(2020, 1, 1))
    make_kim(formed_on=date(2020, 1, 1), inactive_since=date(2021, 1, 1))
    make_kim(formed_on=date(2023, 1, 1))
    assert list(Kim.objects.active_on(date(2022, 3, 25))) == [active]


def test_a_desa_whose_stored_kind_is_unknown_still_shows_on_the_public_pages(client, kotim):
    """A row written past the model (an old import, SQL by hand) with a kind the portal no longer
    knows: its name shows with that kind as stored, and no page that lists it fails."""
    from registry.models import Desa

    kim = make_kim(desa=Desa.objects.filter(kecamatan__kabupaten=kotim).first(), name="KIM Dusun Uji")
    Desa.objects.filter(pk=kim.desa_id).update(kind="dusun")
    desa = Desa.objects.get(pk=kim.desa_id)
    assert str(desa) == f"dusun {desa.name}"
    for url in ["/kim/", f"/kim/{kim.pk}/", f"/kecamatan/{desa.kecamatan.code}/", "/data/kim.csv"]:
        assert client.get(url).status_code == 200, url
    assert f"dusun {desa.name}" in client.get(f"/kim/{kim.pk}/").content.decode()
