"""A topic's weekly volume as plain numbers for an inline SVG the template draws: one bar
per ISO week, and a marker on the weeks its corrective actions were created and closed,
so a manager sees the volume before and after. No JavaScript, no charting library.
Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 480
HEIGHT = 120
TOP = 12
BOTTOM = 20  # room for the week labels
LEFT = 24  # room for the scale


@dataclass(frozen=True, slots=True)
class Bar:
    week: date
    value: int
    x: int  # whole pixels: a float would be localised ("12,5") in the SVG
    y: int
    width: int
    height: int
    centre: int


@dataclass(frozen=True, slots=True)
class Marker:
    week: date
    kind: str  # "created" or "closed"
    text: str
    x: int


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    markers: tuple[Marker, ...]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM


def volume_bars(
    weeks: Sequence[date],
    volumes: Sequence[int],
    marks: Mapping[date, Sequence[tuple[str, str]]] | None = None,
) -> Chart:
    """Bars of `volumes` (one per week of `weeks`) scaled to the highest; `marks` puts
    (kind, text) markers on weeks (a week before the first is not drawn)."""
    peak = max([*volumes, 1])
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(weeks), 1)
    width = max(slot * 0.7, 1)
    bars = []
    centres = {}
    for index, (week, value) in enumerate(zip(weeks, volumes, strict=True)):
        height = plot * value / peak
        x = LEFT + index * slot + (slot - width) / 2
        centres[week] = round(x + width / 2)
        bars.append(
            Bar(
                week=week,
                value=value,
                x=round(x),
                y=round(HEIGHT - BOTTOM - height),
                width=round(width),
                height=round(height),
                centre=centres[week],
            )
        )
    markers = [
        Marker(week=week, kind=kind, text=text, x=centres[week])
        for week, found in sorted((marks or {}).items())
        if week in centres
        for kind, text in found
    ]
    return Chart(bars=tuple(bars), markers=tuple(markers), peak=peak)
