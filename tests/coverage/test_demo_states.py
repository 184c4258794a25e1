"""The demo data shows every state of issue 13 and still recreates the source report of March 2022."""

from datetime import date

import pytest
from django.utils import timezone

from coverage.queries import kecamatan_coverage
from coverage.targets import desa_target_progress
from kimportal.demo import load_demo
from registry.models import Kim, KimActivity
from registry.vitality import Vitality

from .test_public_pages import UNCOVERED_IN_SOURCE_REPORT


def uncovered_on(kabupaten, day) -> set[str]:
    return {k.name for k in kecamatan_coverage(kabupaten=kabupaten, on=day).kecamatan if not k.covered}


@pytest.mark.parametrize("day", [date(2022, 3, 25), None], ids=["25-march-2022", "today"])
def test_the_demo_leaves_exactly_the_seven_kecamatan_of_the_source_report_uncovered(demo, day):
    assert uncovered_on(demo, day or timezone.localdate()) == UNCOVERED_IN_SOURCE_REPORT


def test_the_demo_shows_a_quiet_kim_an_expired_sk_and_active_ones_today(demo):
    vitality = dict(Kim.objects.public().with_vitality(timezone.localdate()).values_list("name", "vitality_code"))
    assert vitality.pop("KIM Sebabi") == Vitality.QUIET
    assert vitality.pop("KIM Samuda Kota") == Vitality.SK_ENDED
    assert set(vitality.values()) == {Vitality.ACTIVE}


def test_the_demo_has_kim_with_and_without_kimid_activity_and_this_years_target(demo):
    kims = Kim.objects.public()
    assert (kims.exclude(kimid_number="").count(), kims.without_kimid().count()) == (3, 9)
    assert KimActivity.objects.counted().filter(kind=KimActivity.Kind.KIMID_POST).exists()
    assert desa_target_progress(kabupaten=demo, on=timezone.localdate()).target_percent == 15


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (Kim.objects.count(), KimActivity.objects.count(), uncovered_on(demo, timezone.localdate()))
    load_demo()
    assert (Kim.objects.count(), KimActivity.objects.count(), uncovered_on(demo, timezone.localdate())) == before
