"""The progress chart's axis labels, large enough to read on a phone, never overlap."""

import itertools
from datetime import date

import pytest

from coverage.charts import GAP, WIDTH, progress_chart
from coverage.queries import MonthPoint


def months(first: date, n: int) -> list[MonthPoint]:
    return [
        MonthPoint(date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1), i // 3, i // 2, 0)
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [2, 3, 13, 14, 25, 61, 97, 120])
@pytest.mark.parametrize("first", [date(2019, 1, 1), date(2019, 10, 1), date(2020, 12, 1)])
def test_the_years_under_the_chart_stay_apart_and_inside_the_picture(first, n):
    chart = progress_chart(months(first, n), kecamatan_total=17)
    spans = [tick.span for tick in chart.x_ticks]
    assert spans[0][0] >= 0 and spans[-1][1] <= WIDTH
    assert all(right + GAP <= next_left for (_left, right), (next_left, _right) in itertools.pairwise(spans))
    assert chart.x_ticks[0].label == str(first.year)  # the chart says where it starts


def test_the_count_axis_leaves_room_for_its_longest_label():
    small = progress_chart(months(date(2020, 1, 1), 24), kecamatan_total=17)
    large = progress_chart(months(date(2020, 1, 1), 24), kecamatan_total=1500)
    assert (small.y_ticks[-1].label, large.y_ticks[-1].label) == ("20", "2000")
    assert large.plot_left - small.plot_left == 2 * 16  # two digits more
