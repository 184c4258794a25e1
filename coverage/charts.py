"""Server-rendered SVG line chart of coverage over time (readable without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import MonthPoint

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 32


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    covered_points: str  # SVG polyline points
    kim_points: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def _nice_max(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def progress_chart(points: list[MonthPoint], *, kecamatan_total: int) -> Chart | None:
    """Two lines over the months: covered kecamatan and active KIM, on one count axis."""
    if len(points) < 2:
        return None
    top = _nice_max(max([kecamatan_total] + [p.active_kim for p in points]))
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP

    def x(i):
        return round(x0 + (x1 - x0) * i / (len(points) - 1), 1)

    def y(v):
        return round(y0 - (y0 - y1) * v / top, 1)

    def line(values):
        return " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))

    years = [(i, p.month.year) for i, p in enumerate(points) if p.month.month == 1 or i == 0]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=x0,
        plot_right=x1,
        plot_top=y1,
        plot_bottom=y0,
        covered_points=line([p.covered_kecamatan for p in points]),
        kim_points=line([p.active_kim for p in points]),
        y_ticks=[Tick(y(v), str(v)) for v in (0, top // 2, top)],
        x_ticks=[Tick(x(i), str(year)) for i, year in years],
    )
