"""A bar chart as plain numbers for an inline SVG drawn by the template: no JavaScript,
no charting library. Pure: no Django."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 200
TOP = 10
BOTTOM = 30  # room for the week labels
LEFT = 36  # room for the percent axis


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # percent; None when nothing was due
    x: int  # whole pixels: a float would be localised ("12,5") in the SVG
    y: int
    width: int
    height: int
    text_x: int

    @property
    def empty(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP

    def gridline(self, percent: int) -> int:
        return round(self.baseline - (self.baseline - self.top) * percent / 100)


def percent_bars(points: Sequence[tuple[str, float | None]]) -> Chart:
    """One bar per (label, percent) in order, scaled to 0-100 %."""
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(points), 1)
    width = max(slot * 0.7, 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if value is None else plot_height * max(0.0, min(value, 100.0)) / 100
        x = LEFT + index * slot + (slot - width) / 2
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x),
                y=round(HEIGHT - BOTTOM - height),
                width=round(width),
                height=round(height),
                text_x=round(x + width / 2),
            )
        )
    return Chart(bars=tuple(bars))
