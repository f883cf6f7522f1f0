"""The weekly volume chart (klient.voice.chart, pure): one bar per week scaled to the
highest, whole pixels, and markers on the weeks an action was created and closed."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from klient.voice.chart import volume_bars

MONDAY = date(2026, 10, 5)


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=104))
def test_bars_are_whole_pixels_inside_the_plot_and_the_highest_is_full(volumes):
    weeks = [MONDAY + timedelta(weeks=n) for n in range(len(volumes))]
    chart = volume_bars(weeks, volumes)

    assert [b.value for b in chart.bars] == volumes
    for bar in chart.bars:
        assert all(isinstance(v, int) for v in (bar.x, bar.y, bar.width, bar.height))
        assert chart.top <= bar.y <= chart.baseline
        assert bar.y + bar.height == chart.baseline
        assert chart.left <= bar.x and bar.x + bar.width <= chart.width
    if max(volumes):
        tallest = max(chart.bars, key=lambda b: b.value)
        assert tallest.y == chart.top


def test_markers_sit_on_their_weeks_and_weeks_outside_are_left_out():
    weeks = [MONDAY + timedelta(weeks=n) for n in range(4)]
    chart = volume_bars(
        weeks,
        [3, 2, 1, 0],
        {
            weeks[1]: [("created", "Action #1 created")],
            weeks[3]: [("closed", "Action #1 closed")],
            MONDAY - timedelta(weeks=9): [("created", "Action #0 created")],
        },
    )
    assert [(m.kind, m.x) for m in chart.markers] == [
        ("created", chart.bars[1].centre),
        ("closed", chart.bars[3].centre),
    ]
