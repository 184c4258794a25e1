"""The portal's template filters write what Django's own would, faster: days, months, numbers."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.formats import number_format

from core.templatetags.portal import bilangan, bulan, tanggal

DAYS = [date(2022, 3, 25), date(2026, 1, 1), date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29)]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("day", DAYS)
def test_tanggal_and_bulan_write_a_day_and_a_month_as_the_date_filter_does(language, day):
    with translation.override(language):
        assert tanggal(day) == date_filter(day, "j F Y")
        assert bulan(day) == date_filter(day, "F Y")


def test_a_day_reads_in_the_readers_language():
    with translation.override("id"):
        assert (tanggal(date(2022, 3, 25)), bulan(date(2022, 8, 1))) == ("25 Maret 2022", "Agustus 2022")
    with translation.override("en"):
        assert tanggal(date(2022, 3, 25)) == "25 March 2022"


def test_a_date_and_time_is_the_day_in_sampit_as_with_the_date_filter():
    moment = datetime(2022, 3, 24, 17, 30, tzinfo=UTC)  # 25 March, 00:30 in Sampit
    template = Template('{% load portal %}{{ t|tanggal }} | {{ t|date:"j F Y" }} | {{ t|bulan }} | {{ n|tanggal }}')

    with translation.override("id"):
        assert template.render(Context({"t": moment, "n": None})) == "25 Maret 2022 | 25 Maret 2022 | Maret 2022 | "


@pytest.mark.parametrize("value", [0, 7, 999, -999, 1000, -1000, 1571, 83762, 10**12])
@pytest.mark.parametrize("language", ["id", "en"])
def test_bilangan_is_number_format_with_grouping(language, value):
    with translation.override(language):
        assert bilangan(value) == number_format(value, force_grouping=True)
