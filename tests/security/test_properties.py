"""Property-based tests: generated data posted to the forms never breaks them.

Whatever is posted, the answer is a saved object (a redirect) or the form
again with an Indonesian message; never a 500, never a partial save.
"""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.models import OutreachEvent
from registry.models import Desa, Kecamatan, Kim, Pengurus

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_NOTE = "Harap perbaiki kesalahan"

texts = st.text(max_size=300)
nasty_text = st.one_of(
    texts,
    st.sampled_from(
        ["<script>alert(1)</script>", "' OR 1=1 --", "𝕂𝕀𝕄 🇮🇩", " ", "a" * 5000, "Robert'); DROP TABLE x;--"]
    ),
)
day_text = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(lambda d: d.strftime("%d-%m-%Y")),
    st.dates().map(str),
    st.sampled_from(["30-02-2022", "2022-13-01", "00-00-0000", "31/12/2022", "", "kemarin"]),
    st.text(max_size=12),
)
id_text = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), st.text(max_size=20), st.just(""))


@pytest.fixture
def desa_ids(kotim):
    return list(Desa.objects.filter(kecamatan__kabupaten=kotim).values_list("pk", flat=True)[:30])


def no_server_error_and_all_or_nothing(response, before, after, model_count_after_success):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert after == before, "a form with errors saved something"
        assert ERROR_NOTE in response.content.decode()
    else:
        assert after == model_count_after_success


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_kim_add_form_takes_any_input_without_breaking(staff_client, desa_ids, data):
    pengurus = data.draw(st.integers(min_value=0, max_value=3))
    post = {
        "name": data.draw(nasty_text),
        "desa": data.draw(st.one_of(st.sampled_from(desa_ids).map(str), id_text)),
        "tier": data.draw(id_text),
        "formed_on": data.draw(day_text),
        "sk_number": data.draw(st.one_of(st.just(""), nasty_text)),
        "sk_date": data.draw(st.one_of(st.just(""), day_text)),
        "inactive_since": data.draw(st.one_of(st.just(""), day_text)),
        "inactive_reason": data.draw(st.one_of(st.just(""), nasty_text)),
        "website": data.draw(st.one_of(st.just(""), texts, st.just("javascript:alert(1)"))),
        "contact_email": data.draw(st.one_of(st.just(""), texts)),
        "contact_phone": data.draw(st.one_of(st.just(""), st.text(max_size=30), st.just("0812 3456 7890"))),
        "pengurus-TOTAL_FORMS": str(pengurus),
        "pengurus-INITIAL_FORMS": "0",
    }
    for i in range(pengurus):
        post[f"pengurus-{i}-name"] = data.draw(nasty_text)
        post[f"pengurus-{i}-role"] = data.draw(st.one_of(st.sampled_from(["1", "2", "9"]), id_text))
        post[f"pengurus-{i}-phone"] = data.draw(st.one_of(st.just(""), st.text(max_size=25)))
    before = (Kim.objects.count(), Pengurus.objects.count())
    response = staff_client.post("/admin/registry/kim/add/", post)
    after = (Kim.objects.count(), Pengurus.objects.count())
    if response.status_code == 302:
        kim = Kim.objects.latest("pk")
        kim.full_clean()  # what was saved is valid
        assert after[0] == before[0] + 1
    no_server_error_and_all_or_nothing(response, before, after, after)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_event_add_form_takes_any_input_without_breaking(staff_client, kotim, data):
    kecamatan = list(Kecamatan.objects.filter(kabupaten=kotim).values_list("pk", flat=True))
    desa = list(Desa.objects.filter(kecamatan__kabupaten=kotim).values_list("pk", flat=True))
    post = {
        "title": data.draw(nasty_text),
        "kind": data.draw(st.one_of(st.sampled_from(OutreachEvent.Kind.values), texts)),
        "status": data.draw(st.one_of(st.sampled_from(OutreachEvent.Status.values), texts)),
        "starts_at_0": data.draw(day_text),
        "starts_at_1": data.draw(st.one_of(st.just("09:00"), st.text(max_size=8))),
        "kecamatan": data.draw(st.one_of(st.sampled_from(kecamatan).map(str), id_text)),
        "desa": data.draw(st.one_of(st.just(""), st.sampled_from(desa).map(str), id_text)),
        "participants": data.draw(st.one_of(st.just(""), id_text)),
        "summary": data.draw(st.one_of(st.just(""), nasty_text)),
    }
    before = OutreachEvent.objects.count()
    response = staff_client.post("/admin/coverage/outreachevent/add/", post)
    after = OutreachEvent.objects.count()
    if response.status_code == 302:
        event = OutreachEvent.objects.latest("pk")
        event.full_clean()
        assert event.desa is None or event.desa.kecamatan_id == event.kecamatan_id
    no_server_error_and_all_or_nothing(response, before, after, before + 1)


@PROPERTY_SETTINGS
@given(kecamatan_index=st.integers(min_value=0, max_value=16), desa_index=st.integers(min_value=0, max_value=184))
def test_an_event_in_a_desa_of_another_kecamatan_is_refused_with_a_clear_message(
    staff_client, kotim, kecamatan_index, desa_index
):
    kecamatan = Kecamatan.objects.filter(kabupaten=kotim).order_by("code")[kecamatan_index]
    desa = Desa.objects.filter(kecamatan__kabupaten=kotim).order_by("code")[desa_index]
    response = staff_client.post(
        "/admin/coverage/outreachevent/add/",
        {
            "title": "Sosialisasi",
            "kind": "sosialisasi",
            "status": "planned",
            "starts_at_0": (date.today() + timedelta(days=60)).strftime("%d-%m-%Y"),  # within the planning horizon
            "starts_at_1": "09:00",
            "kecamatan": kecamatan.pk,
            "desa": desa.pk,
        },
    )
    if desa.kecamatan_id == kecamatan.pk:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert f"tidak berada di Kecamatan {kecamatan.name}" in response.content.decode()
        assert not OutreachEvent.objects.filter(desa=desa, kecamatan=kecamatan).exists()


@PROPERTY_SETTINGS
@given(value=st.text(max_size=40))
def test_any_day_parameter_gets_the_page_or_an_indonesian_message(client, kotim, value):
    for url in ("/", "/data/coverage.json"):
        response = client.get(url, {"tanggal": value})
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            body = response.content.decode()
            assert "Tanggal" in body or "Permintaan tidak valid" in body


@pytest.mark.parametrize("value", [":", "9" * 30, "-9" * 20, "<script>", "1.5"])
def test_a_broken_id_in_an_autocomplete_field_gets_the_form_back_with_a_message(staff_client, kotim, value):
    response = staff_client.post(
        "/admin/registry/kim/add/",
        {
            "name": "KIM Uji",
            "desa": value,
            "tier": value,
            "formed_on": "01-01-2022",
            "pengurus-TOTAL_FORMS": "0",
            "pengurus-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert ERROR_NOTE in response.content.decode()
    assert not Kim.objects.filter(name="KIM Uji").exists()


def test_a_kim_with_a_broken_pengurus_row_is_not_saved_at_all(staff_client, desa_ids):
    response = staff_client.post(
        "/admin/registry/kim/add/",
        {
            "name": "KIM Utuh",
            "desa": desa_ids[0],
            "formed_on": "01-01-2022",
            "pengurus-TOTAL_FORMS": "2",
            "pengurus-INITIAL_FORMS": "0",
            "pengurus-0-name": "Andi",
            "pengurus-0-role": "1",
            "pengurus-1-name": "Budi",
            "pengurus-1-role": "1",
        },
    )
    assert "Satu KIM hanya boleh memiliki satu ketua" in response.content.decode()
    assert not Kim.objects.filter(name="KIM Utuh").exists()
    assert not Pengurus.objects.filter(name__in=["Andi", "Budi"]).exists()
