import pytest
from django.core.management import CommandError, call_command

from registry.models import Desa, Kabupaten, Kecamatan
from registry.regions import load_regions


def test_loading_kotim_gives_its_17_kecamatan_and_185_desa_kelurahan(kotim):
    assert kotim.name == "Kabupaten Kotawaringin Timur"
    assert Kecamatan.objects.filter(kabupaten=kotim).count() == 17
    assert Desa.objects.filter(kecamatan__kabupaten=kotim).count() == 185


def test_kelurahan_and_desa_are_told_apart_by_their_code(kotim):
    assert Desa.objects.filter(kind=Desa.Kind.KELURAHAN).count() == 17
    assert Desa.objects.filter(kind=Desa.Kind.DESA).count() == 168
    assert str(Desa.objects.get(code="62.02.04.1004")) == "Kelurahan Parenggean"


def test_loading_twice_changes_nothing(kotim):
    ids = set(Desa.objects.values_list("pk", flat=True))
    result = load_regions(["62.02"])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 203)
    assert set(Desa.objects.values_list("pk", flat=True)) == ids


def test_a_renamed_region_is_updated_by_its_code_not_duplicated(kotim):
    Kecamatan.objects.filter(code="62.02.15").update(name="Bukit Sentuai")
    result = load_regions(["62.02"])
    assert result.updated == 1
    assert Kecamatan.objects.get(code="62.02.15").name == "Bukit Santuai"
    assert Kecamatan.objects.filter(kabupaten=kotim).count() == 17


def test_a_second_kabupaten_loads_beside_kotim(kotim):
    load_regions(["62.01"])
    kobar = Kabupaten.objects.get(code="62.01")
    assert kobar.name == "Kabupaten Kotawaringin Barat"
    assert kobar.province_name == "Kalimantan Tengah"
    assert Kecamatan.objects.filter(kabupaten=kotim).count() == 17
    assert Kecamatan.objects.filter(kabupaten=kobar).count() > 0


def test_command_loads_the_portal_kabupaten_by_default(db, capsys):
    call_command("load_regions")
    assert Kabupaten.objects.get().code == "62.02"
    assert "203 wilayah baru" in capsys.readouterr().out


def test_an_unknown_kabupaten_code_is_refused_in_indonesian_and_loads_nothing(db):
    with pytest.raises(CommandError, match="tidak ada dalam data Kemendagri"):
        call_command("load_regions", "62.02", "99.99")
    assert not Kabupaten.objects.exists()


def test_a_malformed_code_is_refused_in_indonesian(db):
    with pytest.raises(CommandError, match="tidak valid"):
        call_command("load_regions", "kotim")
    assert not Kecamatan.objects.exists()
