"""Server-rendered SVG line chart of coverage over time (readable without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import MonthPoint

WIDTH, HEIGHT = 640, 260
RIGHT, TOP, BOTTOM = 12, 12, 38
# The axis labels are 24 units tall on a phone (portal.css), where the chart is 270 to 310 px
# wide: 10 px and more on the screen. A count's digit takes about 16 units and a year about 62,
# so the count axis gets room for its longest label, and a year is named only where its label
# stays 10 units clear of the one before.
DIGIT, YEAR_WIDTH, GAP = 16, 62, 10


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # "start"/"end" for a year at the axis' left/right end, inside the picture

    @property
    def span(self) -> tuple[float, float]:
        """Where a year's label lies along the axis."""
        left = {"start": 0, "middle": YEAR_WIDTH / 2, "end": YEAR_WIDTH}[self.anchor]
        return self.position - left, self.position - left + YEAR_WIDTH


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
    x0, x1, y0, y1 = 10 + DIGIT * len(str(top)), WIDTH - RIGHT, HEIGHT - BOTTOM, TOP

    def x(i):
        return round(x0 + (x1 - x0) * i / (len(points) - 1), 1)

    def y(v):
        return round(y0 - (y0 - y1) * v / top, 1)

    def line(values):
        return " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))

    x_ticks = []
    for i, p in enumerate(points):
        if p.month.month == 1 or i == 0:
            anchor = "start" if i == 0 else "end" if x(i) + YEAR_WIDTH / 2 > WIDTH else "middle"
            tick = Tick(x(i), str(p.month.year), anchor)
            if not x_ticks or tick.span[0] >= x_ticks[-1].span[1] + GAP:
                x_ticks.append(tick)
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
        x_ticks=x_ticks,
    )
