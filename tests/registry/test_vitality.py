"""A KIM's vitality as of a day, and what the settings let count for coverage."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.review import Review
from coverage.queries import kecamatan_coverage
from registry.models import Kim, KimActivity
from registry.vitality import Vitality, months_before

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim


def make_activity(kim, day, kind=KimActivity.Kind.MEETING, **fields):
    activity = KimActivity(kim=kim, date=day, kind=kind, **fields)
    activity.full_clean()
    activity.save()
    return activity


def vitality(kim, on):
    return Kim.objects.with_vitality(on).get(pk=kim.pk).vitality


def test_a_kim_without_signs_of_life_for_six_months_is_quiet(db):
    kim = make_kim(formed_on=date(2021, 1, 1))
    make_activity(kim, date(2021, 3, 10))
    assert vitality(kim, date(2021, 9, 10)) == Vitality.ACTIVE
    assert vitality(kim, date(2021, 9, 11)) == Vitality.QUIET


def test_a_kim_quiet_in_the_past_is_active_again_after_a_new_activity(db):
    kim = make_kim(formed_on=date(2021, 1, 1))
    make_activity(kim, date(2023, 5, 2), kind=KimActivity.Kind.KIMID_POST, link="https://contoh.kim.id/berita/1")
    assert vitality(kim, date(2022, 12, 31)) == Vitality.QUIET
    assert vitality(kim, date(2023, 5, 2)) == Vitality.ACTIVE
    assert vitality(kim, date(2023, 11, 2)) == Vitality.ACTIVE
    assert vitality(kim, date(2023, 11, 3)) == Vitality.QUIET


def test_a_held_event_with_the_kim_keeps_it_from_being_quiet(db):
    kim = make_kim(formed_on=date(2021, 1, 1))
    make_event(desa=kim.desa, kims=[kim], starts_at=date(2022, 3, 24))
    make_event(desa=kim.desa, kims=[kim], starts_at=date(2022, 8, 24), status="cancelled")
    assert vitality(kim, date(2022, 6, 1)) == Vitality.ACTIVE
    assert vitality(kim, date(2022, 10, 1)) == Vitality.QUIET


def test_a_newly_formed_kim_is_not_quiet_before_its_first_six_months(db):
    kim = make_kim(formed_on=date(2022, 1, 15))
    assert vitality(kim, date(2022, 7, 15)) == Vitality.ACTIVE
    assert vitality(kim, date(2022, 7, 16)) == Vitality.QUIET


def test_an_old_kim_entered_in_the_portal_without_any_sign_of_life_is_judged_only_six_months_later(db):
    kim = make_kim(formed_on=date(2019, 5, 1), entered_on=date(2022, 3, 1))  # imported, no last activity
    assert vitality(kim, date(2022, 2, 28)) == Vitality.QUIET  # before it entered: nothing was ever recorded
    assert vitality(kim, date(2022, 3, 1)) == Vitality.ACTIVE
    assert vitality(kim, date(2022, 9, 1)) == Vitality.ACTIVE
    assert vitality(kim, date(2022, 9, 2)) == Vitality.QUIET


def test_an_old_kim_entered_with_an_older_sign_of_life_is_judged_by_that_sign(db):
    kim = make_kim(formed_on=date(2019, 5, 1), entered_on=date(2022, 3, 1))
    make_activity(kim, date(2020, 1, 10), kind=KimActivity.IMPORTED)  # the imported terakhir_aktif
    assert vitality(kim, date(2022, 3, 1)) == Vitality.QUIET


def test_the_quiet_months_are_a_setting(db, settings):
    settings.KIM_QUIET_MONTHS = 12
    kim = make_kim(formed_on=date(2021, 1, 1))
    assert vitality(kim, date(2021, 12, 31)) == Vitality.ACTIVE


def test_a_kim_whose_sk_term_ended_needs_a_new_sk(db):
    kim = make_kim(
        formed_on=date(2021, 1, 1), sk_number="1/2021", sk_date=date(2021, 1, 1), sk_term_end=date(2023, 12, 31)
    )
    make_activity(kim, date(2023, 12, 20))
    assert vitality(kim, date(2023, 12, 31)) == Vitality.ACTIVE
    assert vitality(kim, date(2024, 1, 1)) == Vitality.SK_ENDED


def test_an_inactive_or_unformed_kim_is_inactive(db):
    kim = make_kim(formed_on=date(2021, 1, 1), inactive_since=date(2022, 1, 1))
    assert vitality(kim, date(2020, 6, 1)) == Vitality.INACTIVE
    assert vitality(kim, date(2022, 1, 1)) == Vitality.INACTIVE


def test_last_activity_is_the_latest_entry_or_held_event_up_to_the_day(db):
    kim = make_kim(formed_on=date(2021, 1, 1))
    make_activity(kim, date(2022, 1, 5))
    make_event(desa=kim.desa, kims=[kim], starts_at=date(2022, 3, 24))
    last = lambda on: Kim.objects.with_vitality(on).get(pk=kim.pk).last_activity  # noqa: E731
    assert last(date(2021, 12, 31)) is None
    assert last(date(2022, 2, 1)) == date(2022, 1, 5)
    assert last(date(2022, 4, 1)) == date(2022, 3, 24)


def coverage_of(kim, on):
    return kecamatan_coverage(kabupaten=kim.desa.kecamatan.kabupaten, on=on).covered_count


def test_quiet_and_expired_kim_count_for_coverage_by_default(db):
    kabupaten = make_kabupaten()
    quiet = make_kim(desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten)), formed_on=date(2020, 1, 1))
    make_kim(
        desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten)),
        formed_on=date(2020, 1, 1),
        sk_number="2/2020",
        sk_date=date(2020, 1, 1),
        sk_term_end=date(2021, 12, 31),
    )
    assert coverage_of(quiet, date(2022, 6, 1)) == 2


def test_quiet_kim_stop_counting_when_the_setting_says_so(db, settings):
    settings.KIM_QUIET_COUNTS = False
    quiet = make_kim(formed_on=date(2020, 1, 1))
    assert coverage_of(quiet, date(2022, 6, 1)) == 0
    make_activity(quiet, date(2022, 5, 1))
    assert coverage_of(quiet, date(2022, 6, 1)) == 1


def test_expired_kim_stop_counting_when_the_setting_says_so(db, settings):
    settings.KIM_SK_ENDED_COUNTS = False
    kim = make_kim(
        formed_on=date(2020, 1, 1), sk_number="3/2020", sk_date=date(2020, 1, 1), sk_term_end=date(2022, 5, 31)
    )
    assert coverage_of(kim, date(2022, 5, 31)) == 1
    assert coverage_of(kim, date(2022, 6, 1)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://kim-parenggean.kim.id/",
        "https://kim.id/kim/parenggean",
        "https://KIM-Baamang.kim.id/berita/2024/01",
    ],
)
def test_a_kimid_site_on_kim_id_is_accepted(db, url):
    make_kim(kimid_url=url, kimid_number="KIM-6202-0001")


@pytest.mark.parametrize(
    "url",
    [
        "http://kim-parenggean.kim.id/",  # not https
        "https://kim-parenggean.kim.id.evil.example/",
        "https://evilkim.id/",
        "https://user:sandi@kim-parenggean.kim.id/",
        "https://kim.id@evil.example/",
        "https://kim-parenggean.kim.id:8443/",
        "javascript:alert(1)//kim.id",
        "https://kim-parenggean.kim.id/" + "a" * 200,
    ],
)
def test_a_kimid_site_elsewhere_is_refused_with_a_clear_message(db, url):
    with pytest.raises(ValidationError) as error:
        make_kim(kimid_url=url)
    assert "kimid_url" in error.value.message_dict


def test_a_kimid_number_with_odd_characters_is_refused(db):
    with pytest.raises(ValidationError) as error:
        make_kim(kimid_number="=HYPERLINK(1)")
    assert "kimid_number" in error.value.message_dict


def test_an_activity_link_with_credentials_or_note_too_long_is_refused(db):
    kim = make_kim()
    with pytest.raises(ValidationError) as error:
        make_activity(kim, date(2022, 1, 1), link="https://a:b@contoh.id/", note="x" * 1001)
    assert set(error.value.message_dict) == {"link", "note"}


def test_an_activity_cannot_be_in_the_future_or_before_the_kim(db):
    kim = make_kim(formed_on=date(2021, 1, 1))
    with pytest.raises(ValidationError):
        make_activity(kim, date(2020, 12, 31))
    with pytest.raises(ValidationError):
        make_activity(kim, date(9999, 1, 1))


def test_months_before_keeps_the_last_day_of_shorter_months():
    assert months_before(date(2022, 8, 31), 6) == date(2022, 2, 28)
    assert months_before(date(2022, 3, 15), 6) == date(2021, 9, 15)


def test_vitality_of_many_kim_costs_one_query(db, django_assert_num_queries):
    for _ in range(30):
        make_activity(make_kim(formed_on=date(2021, 1, 1)), date(2022, 1, 1))
    with django_assert_num_queries(1):
        values = [k.vitality for k in Kim.objects.with_vitality(date(2022, 3, 1))]
    assert values == [Vitality.ACTIVE] * 30


CASES = [
    (Vitality.ACTIVE,),
    (Vitality.QUIET,),
    (Vitality.SK_ENDED,),
    (Vitality.INACTIVE,),
    (Vitality.ACTIVE, Vitality.QUIET),  # the staff inbox's "SK term ending soon"
    (Vitality.QUIET, Vitality.SK_ENDED),  # the yearly report's "needs attention"
    (Vitality.SK_ENDED, Vitality.INACTIVE),
]


def test_in_vitality_finds_the_kim_the_annotation_names_whatever_they_hold(db):
    """`in_vitality` (the cases as plain conditions) against `with_vitality` (the CASE): the same
    KIM for every case and pair of cases, on random KIM whatever their rows hold: proposals and
    refusals, no SK term or one long ended, inactive before or after the day, activity entries
    waiting or accepted, before the KIM was formed, held and cancelled events, entered late."""
    rng = random.Random(23)
    desa = make_desa()
    days = [date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365)) for _ in range(40)]
    for _i in range(60):
        formed = rng.choice(days)
        kim = make_kim(desa=desa, formed_on=formed, entered_on=rng.choice([formed, rng.choice(days)]))
        Kim.objects.filter(pk=kim.pk).update(  # stored as they come, whatever a form would refuse
            review_status=rng.choice(list(Review)),
            inactive_since=rng.choice([None, None, rng.choice(days)]),
            sk_term_end=rng.choice([None, rng.choice(days), date(2030, 1, 1)]),
        )
        for _ in range(rng.randrange(3)):
            KimActivity.objects.create(
                kim=kim, date=rng.choice(days), kind=KimActivity.Kind.MEETING, review_status=rng.choice(list(Review))
            )
        if rng.random() < 0.3:
            make_event(desa=desa, kims=[kim], starts_at=rng.choice(days), status=rng.choice(["held", "cancelled"]))

    met = set()
    for on in [*rng.sample(days, 8), date(2026, 12, 7)]:
        named = dict(Kim.objects.with_vitality(on).values_list("pk", "vitality_code"))
        met |= set(named.values())
        for codes in CASES:
            found = set(Kim.objects.in_vitality(on, *codes).values_list("pk", flat=True))
            assert found == {pk for pk, code in named.items() if code in codes}, (on, codes)
    assert met == set(Vitality)  # every case met on some day


def test_the_inbox_counts_kim_by_their_vitality_without_working_it_out_for_each(db):
    """The SK cases need no search of the activity log or the events (a national inbox: 390 -> 15 ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        Kim.objects.in_vitality(date(2026, 12, 7), Vitality.SK_ENDED).count()
        Kim.objects.sk_term_ending_soon(date(2026, 12, 7)).count()

    assert all("registry_kimactivity" not in q["sql"] and "CASE" not in q["sql"] for q in ctx.captured_queries)


def test_staff_log_an_activity_on_the_kim_page_and_are_recorded_as_its_author(staff_client, staff):
    from django.urls import reverse

    from ..test_admin import kim_change_form

    kim = make_kim(formed_on=date(2021, 1, 1))
    data = kim_change_form(kim, [])
    data |= {
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "activities-0-date": "2022-02-03",
        "activities-0-kind": "local_info",
        "activities-0-link": "",
        "activities-0-note": "Info banjir di Parenggean",
        "activities-0-kim": kim.pk,
    }
    assert staff_client.post(reverse("admin:registry_kim_change", args=[kim.pk]), data).status_code == 302
    activity = KimActivity.objects.get()
    assert (activity.date, activity.entered_by) == (date(2022, 2, 3), staff)


def test_the_profile_and_directory_say_a_quiet_kim_is_vakum(db, client):
    kim = make_kim(formed_on=date(2020, 1, 1))
    assert "Vakum" in client.get(kim.get_absolute_url()).content.decode()
    assert "Vakum" in client.get("/kim/").content.decode()


def test_the_profile_and_directory_say_an_expired_kim_needs_a_new_sk(db, client):
    kim = make_kim(
        formed_on=date(2020, 1, 1), sk_number="1/2020", sk_date=date(2020, 1, 1), sk_term_end=date(2022, 12, 31)
    )
    make_activity(kim, timezone.localdate())
    assert "SK berakhir, perlu SK baru" in client.get(kim.get_absolute_url()).content.decode()
    assert "SK berakhir, perlu SK baru" in client.get("/kim/").content.decode()


def test_the_profile_links_to_the_kims_kimid_site_with_noopener(db, client):
    kim = make_kim(kimid_number="KIM-6202-0007", kimid_url="https://kim-parenggean.kim.id/")
    page = client.get(kim.get_absolute_url()).content.decode()
    assert '<a href="https://kim-parenggean.kim.id/" rel="noopener nofollow">' in page
    assert "KIM-6202-0007" in page


def test_a_kimid_address_stored_before_validation_is_not_linked(db, client):
    kim = make_kim()
    Kim.objects.filter(pk=kim.pk).update(kimid_url="https://kim.id.evil.example/")
    assert "evil.example" not in client.get(kim.get_absolute_url()).content.decode()


def test_the_directory_costs_the_same_queries_with_vitality_for_many_kim(db, client, django_assert_max_num_queries):
    for _ in range(30):
        make_activity(make_kim(formed_on=date(2021, 1, 1)), date(2022, 1, 1))
    with django_assert_max_num_queries(12):
        assert client.get("/kim/").status_code == 200


def test_staff_list_kim_without_kimid_and_export_them_for_registration(staff_client):
    from django.urls import reverse

    registered = make_kim(name="KIM Terdaftar", kimid_number="KIM-1")
    missing = make_kim(name="KIM Belum", contact_phone="0812 3456 7890", address="=HYPERLINK(1)")
    changelist = reverse("admin:registry_kim_changelist")
    page = staff_client.get(changelist, {"kimid": "belum"}).content.decode()
    assert "KIM Belum" in page and "KIM Terdaftar" not in page
    response = staff_client.post(
        changelist, {"action": "export_for_kimid", "_selected_action": [registered.pk, missing.pk]}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("nama_kim;provinsi;kabupaten_kota;kecamatan;desa_kelurahan;kode_wilayah")
    assert "'=HYPERLINK(1)" in response.content.decode() and len(lines) == 3


def test_open_data_carries_vitality_sk_term_last_activity_and_kimid(db, client):
    import json

    kim = make_kim(
        formed_on=date(2020, 1, 1), kimid_number="KIM-9", kimid_url="https://kim-sembilan.kim.id/", notes="RAHASIA"
    )
    make_activity(kim, timezone.localdate())
    quiet = make_kim(formed_on=date(2020, 1, 1))
    Kim.objects.filter(pk=quiet.pk).update(kimid_url="https://evil.example/")  # stored before validation
    rows = {r["id"]: r for r in json.loads(b"".join(client.get("/data/kim.json").streaming_content))["kim"]}
    assert (rows[kim.pk]["vitality"], rows[kim.pk]["last_activity"]) == ("active", timezone.localdate().isoformat())
    assert (rows[kim.pk]["kimid_number"], rows[kim.pk]["kimid_url"]) == ("KIM-9", "https://kim-sembilan.kim.id/")
    assert (rows[quiet.pk]["vitality"], rows[quiet.pk]["kimid_url"]) == ("quiet", None)
    desa = json.loads(b"".join(client.get("/data/desa-coverage.json").streaming_content))["desa"]
    assert sorted(d["vitality"] for d in desa) == ["active", "quiet"]


def test_staff_filter_the_kim_that_went_quiet_or_need_a_new_sk(staff_client):
    from django.urls import reverse

    make_kim(name="KIM Sepi", formed_on=date(2020, 1, 1))
    lively = make_kim(name="KIM Ramai", formed_on=date(2020, 1, 1))
    make_activity(lively, timezone.localdate())
    page = staff_client.get(reverse("admin:registry_kim_changelist"), {"vitalitas": "quiet"}).content.decode()
    assert "KIM Sepi" in page and "KIM Ramai" not in page


def test_the_kim_page_in_the_admin_shows_only_the_latest_ten_activity_entries(staff_client):
    from django.urls import reverse

    kim = make_kim(formed_on=date(2020, 1, 1))
    for day in range(1, 16):
        make_activity(kim, date(2022, 1, day), note=f"catatan-{day:02d}")
    page = staff_client.get(reverse("admin:registry_kim_change", args=[kim.pk])).content.decode()
    assert "catatan-15" in page and "catatan-06" in page and "catatan-05" not in page
