"""A long list's page read as its ids, then its rows by id: the same rows in the same order as
Django's Paginator gives, with what the page shows."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paginator import page_by_ids
from registry.models import Desa, Kim

from ..factories import make_kim


@pytest.fixture
def kims(kotim):
    desa = list(Desa.objects.filter(kecamatan__code="62.02.04"))
    for n in range(23):
        make_kim(desa=desa[n % len(desa)], name=f"KIM {n % 7} Uji {n:02d}")
    return Kim.objects.filter(desa__kecamatan__code="62.02.04").order_by("name", "pk")


@pytest.mark.parametrize("number", [1, 2, 3, "3", 999, 0, -1, 2.0, 2.5, "2.0", "bukan-angka", None])
def test_a_page_holds_the_rows_djangos_paginator_gives_in_its_order(kims, number):
    djangos = Paginator(kims, 10).get_page(number)
    ours = page_by_ids(kims, number, 10, rows=Kim.objects.select_related("desa"))
    assert [k.pk for k in ours.object_list] == [k.pk for k in djangos.object_list]
    assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
        djangos.number,
        djangos.paginator.count,
        djangos.paginator.num_pages,
    )


def test_the_rows_carry_what_the_page_shows_without_a_query_each(kims):
    page = page_by_ids(kims, 1, 10, rows=Kim.objects.select_related("desa__kecamatan"))
    with CaptureQueriesContext(connection) as queries:
        names = [kim.desa.kecamatan.name for kim in page.object_list]
    assert names == ["Parenggean"] * 10 and len(queries) == 0


def test_a_row_gone_between_the_two_reads_is_left_out(kims):
    first = kims.first()
    page = page_by_ids(kims, 1, 10, rows=Kim.objects.exclude(pk=first.pk))
    assert first not in page.object_list and len(page.object_list) == 9


def test_a_page_in_the_list_costs_one_query_for_its_ids_and_count_and_one_for_its_rows(kims):
    with CaptureQueriesContext(connection) as queries:
        page = page_by_ids(kims, 2, 10, rows=Kim.objects.all())
    assert len(queries) == 2 and page.paginator.count == 23 and len(page.object_list) == 10


def test_an_empty_list_has_one_empty_page(kims):
    page = page_by_ids(kims.filter(name="tidak ada"), 1, 10, rows=Kim.objects.all())
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])
