"""The directory's cheaper rendering writes the same page (issue 10)."""

from django import forms

from registry.filters import QuickSelect


def both(choices, value, attrs):
    return forms.Select(choices=choices).render("desa", value, attrs), QuickSelect(choices=choices).render(
        "desa", value, attrs
    )


def test_the_quick_select_writes_what_djangos_select_writes():
    choices = [("", "Semua desa/kelurahan"), ("62.02.04.1004", "Kelurahan Parenggean"), ("x", 'A & B <"c"> d\'e')]
    for value in ("", "62.02.04.1004", "x", None):
        django_html, quick_html = both(choices, value, {"id": "id_desa", "required": True, "disabled": False})
        assert quick_html == django_html


def test_the_quick_select_writes_option_groups_as_django_does():
    choices = [("Kecamatan <A>", [("1", "Satu"), ("2", "Dua")]), ("3", "Tiga")]
    django_html, quick_html = both(choices, "2", {"id": "id_desa", "data-x": 'a"b'})
    assert quick_html == django_html


def test_the_desa_filter_offers_what_a_model_choice_field_of_the_same_desa_offers(kotim):
    from django_filters.fields import ModelChoiceField

    from registry.filters import KimFilter
    from registry.models import Desa, Kabupaten, Kim

    parenggean = Desa.objects.filter(kecamatan__code="62.02.04")
    for data in ({"kecamatan": "62.02.04"}, {"kecamatan": "62.02.04", "desa": parenggean.last().code}, {}):
        kim_filter = KimFilter(data, queryset=Kim.objects.all(), kabupaten=Kabupaten.objects.get(code="62.02"))
        ours = kim_filter.form["desa"]
        desa = parenggean if data else Desa.objects.filter(kecamatan__kabupaten__code="62.02")
        djangos = ModelChoiceField(
            queryset=desa, to_field_name="code", empty_label="Semua desa/kelurahan", widget=QuickSelect
        )
        expected = djangos.widget.render("desa", data.get("desa"), {"id": "id_desa"})
        assert ours.as_widget() == expected
        assert ours.as_widget().count("<option") == desa.count() + 1 > 10


def test_the_directorys_whole_filter_form_is_what_djangos_selects_write(kotim, monkeypatch):
    """Every select of the directory's filter is a QuickSelect; the form reads as it would with
    Django's own Select, in both languages, with and without choices made."""
    from django.utils import translation

    from registry.filters import KimFilter
    from registry.models import Kabupaten, Kim

    kotim_kabupaten = Kabupaten.objects.get(code="62.02")
    quick = QuickSelect.render  # taken once: the loop below swaps QuickSelect.render back and forth
    for data in ({}, {"kecamatan": "62.02.04", "status": "aktif", "vitalitas": "vakum", "urut": "-terbentuk"}):
        for language in ("id", "en"):
            forms_written = []
            for render in (quick, forms.Select.render):
                monkeypatch.setattr(QuickSelect, "render", render)
                kim_filter = KimFilter(data, queryset=Kim.objects.all(), kabupaten=kotim_kabupaten)
                with translation.override(language):
                    forms_written.append(str(kim_filter.form))
            assert forms_written[0] == forms_written[1]
    selects = [name for name, field in kim_filter.form.fields.items() if isinstance(field.widget, forms.Select)]
    assert all(isinstance(kim_filter.form.fields[name].widget, QuickSelect) for name in selects)
    assert {"status", "vitalitas", "tier", "urut"} <= set(selects)
