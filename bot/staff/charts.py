"""Geometry for server-rendered SVG bar charts (the template draws them; no JavaScript, no library).

Why compute here: the numbers → pixels arithmetic is testable and the template stays simple markup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    max_value: int
    ticks: tuple[tuple[int, float], ...]  # (value, y) gridlines
    baseline: float
    left: float


def nice_max(value: int) -> int:
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return ((value // 10000) + 1) * 10000


def column_chart(points: list[tuple[str, int]], *, width: int = 720, height: int = 260) -> Chart:
    """Vertical bars, one per (label, value), with labels under the baseline."""
    left, top, bottom, right = 40.0, 16.0, 44.0, 8.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max((v for _, v in points), default=0))
    slot = plot_w / max(1, len(points))
    bar_w = slot * 0.6
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top_value if top_value else 0
        bars.append(Bar(label, value, left + i * slot + (slot - bar_w) / 2, top + plot_h - h, bar_w, h))
    ticks = tuple((round(top_value * k / 5), top + plot_h - plot_h * k / 5) for k in range(6))
    return Chart(width, height, tuple(bars), top_value, ticks, top + plot_h, left)


def bar_chart(points: list[tuple[str, int]], *, width: int = 720, row: int = 32) -> Chart:
    """Horizontal bars, one row per (label, value), label on the left."""
    left, right = 150.0, 60.0
    height = int(row * max(1, len(points)) + 8)
    top_value = nice_max(max((v for _, v in points), default=0))
    plot_w = width - left - right
    bars = tuple(
        Bar(label, value, left, 4 + i * row + row * 0.15, plot_w * value / top_value if top_value else 0, row * 0.7)
        for i, (label, value) in enumerate(points)
    )
    return Chart(width, height, bars, top_value, (), height, left)
