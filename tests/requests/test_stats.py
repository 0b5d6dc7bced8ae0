"""Weekly counts and outcomes (no personal data), and the chart geometry."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update

from bot.db.models import MediationRequest
from bot.requests import stats
from bot.staff.charts import bar_chart, column_chart, nice_max


@pytest.mark.parametrize(
    "day,monday",
    [
        (date(2026, 11, 23), date(2026, 11, 23)),
        (date(2026, 11, 29), date(2026, 11, 23)),
        (date(2026, 11, 30), date(2026, 11, 30)),
    ],
)
def test_week_start(day, monday):
    assert stats.week_start(day) == monday


@pytest.mark.parametrize("value,expected", [(0, 5), (3, 5), (6, 10), (11, 20), (240, 250), (12345, 20000)])
def test_nice_max(value, expected):
    assert nice_max(value) == expected


def test_column_chart_scales_bars_to_plot_height():
    chart = column_chart([("a", 0), ("b", 5), ("c", 10)])
    heights = [b.height for b in chart.bars]
    assert heights[0] == 0 and heights[2] == pytest.approx(2 * heights[1])
    assert all(b.y + b.height == pytest.approx(chart.baseline) for b in chart.bars)
    assert bar_chart([("x", 2), ("y", 4)]).bars[1].width == pytest.approx(
        2 * bar_chart([("x", 2), ("y", 4)]).bars[0].width
    )


def test_weekly_counts_use_program_timezone(db, file_request):
    a = file_request()
    b = file_request()
    # Monday 2026-11-23 03:00 UTC is still Sunday evening in Chicago → the week of 2026-11-16.
    with db() as s:
        s.execute(
            update(MediationRequest)
            .where(MediationRequest.reference == a.reference)
            .values(created_at=datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc))
        )
        s.execute(
            update(MediationRequest)
            .where(MediationRequest.reference == b.reference)
            .values(created_at=datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc))
        )
    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    with db() as s:
        weeks = dict(stats.weekly_counts(s, weeks=3, tz="America/Chicago", now=now))
    assert weeks == {date(2026, 11, 9): 0, date(2026, 11, 16): 1, date(2026, 11, 23): 1}
    with db() as s:
        overview = stats.overview(s, weeks=3, now=now)
    assert overview.total == 2 and overview.statuses["new"] == 2 and overview.channels == {"web": 2}
    assert set(overview.outcomes) == {"mediated", "not_mediated", "withdrawn", "closed"}
