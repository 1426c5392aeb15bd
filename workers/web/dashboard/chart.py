"""A server-rendered SVG line chart: no JavaScript, no build step, allowed by a strict CSP.

``line_chart(points, series)`` draws each named series of ``points`` (dicts with ``t`` and the
series' values) on one time axis, scaled to the largest value, with a few labelled ticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

#: Colours of the series, in order (SVG presentation attributes, not styles: the CSP forbids inline styles).
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea")


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0]
    step = 10 ** (len(str(int(top))) - 1)
    while top / step > 5:
        step *= 2
    return [float(i * step) for i in range(int(top // step) + 1)]


def line_chart(
    points: Sequence[dict[str, Any]],
    series: Sequence[tuple[str, str]],
    *,
    width: int = 720,
    height: int = 220,
    title: str = "",
) -> str:
    """An ``<svg>`` with one polyline per ``(field, label)`` of ``series`` over ``points``."""
    left, right, top_pad, bottom = 48, 28, 24, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max([float(p.get(f) or 0) for p in points for f, _ in series] + [1.0])
    ticks = _ticks(top)
    top = max(top, ticks[-1])
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return left + plot_w * i / n

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#555">{tick:g}</text>'
        )
    labels = max(1, len(points) // 6)
    for i, p in enumerate(points):
        if i % labels == 0 and hasattr(p.get("t"), "strftime"):
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" font-size="11" fill="#555">'
                f"{p['t'].strftime('%H:%M')}</text>"
            )
    for (field, label), colour in zip(series, COLOURS, strict=False):
        coords = " ".join(f"{x(i):.1f},{y(float(p.get(field) or 0)):.1f}" for i, p in enumerate(points))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}">'
            f"<title>{escape(label)}</title></polyline>"
        )
    legend_x = left
    for (_, label), colour in zip(series, COLOURS, strict=False):
        parts.append(
            f'<rect x="{legend_x}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="15" font-size="12" fill="#222">{escape(label)}</text>'
        )
        legend_x += 14 + 8 * len(label) + 16
    parts.append("</svg>")
    return "".join(parts)
