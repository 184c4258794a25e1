"""The directory's cheaper rendering writes the same page (issue 10)."""

from django import forms

from registry.filters import QuickSelect


def both(choices, value, attrs):
    return forms.Select(choices=choices).render("desa", value, attrs), QuickSelect(choices=choices).render(
        "desa", value, attrs
    )


def test_the_quick_select_writes_what_djangos_select_writes():
    choices = [("", "Semua desa/kelurahan"), ("62.02.04.1004", "Kelurahan Parenggean"), ("x", 'A & B <"c">')]
    for value in ("", "62.02.04.1004", "x", None):
        django_html, quick_html = both(choices, value, {"id": "id_desa", "required": True, "disabled": False})
        assert quick_html == django_html


def test_the_quick_select_writes_option_groups_as_django_does():
    choices = [("Kecamatan <A>", [("1", "Satu"), ("2", "Dua")]), ("3", "Tiga")]
    django_html, quick_html = both(choices, "2", {"id": "id_desa", "data-x": 'a"b'})
    assert quick_html == django_html
