"""Small inline SVG charts drawn on the server: no chart library, no script, no CDN (DESIGN.md §6).

Pure: strings in, a string of SVG out, every text escaped. Each chart has a ``<title>`` and a
``<desc>`` for screen readers and a visible legend; the numbers are also in the table beside it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

_W, _H = 720, 220
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 40, 12, 24, 36


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: Sequence[float]


def _scale(top: float) -> float:
    """A round maximum for the axis: 1, 2, 5 × 10ⁿ at or above ``top``."""
    if top <= 0:
        return 1
    magnitude = 1.0
    while magnitude * 10 <= top:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return 10 * magnitude


def _divisions(top: float) -> int:
    """Grid lines at whole numbers where the axis allows it (counts are whole)."""
    if top in (1, 2):
        return int(top)
    return 5 if top % 5 == 0 else 4


def _frame(title: str, description: str, labels: Sequence[str], top: float, series: Sequence[Series]) -> list[str]:
    plot_h = _H - _PAD_T - _PAD_B
    key = f"chart-{zlib.crc32((title + description).encode()):08x}"  # ids unique per chart on one page
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" class="chart" '
             f'aria-labelledby="{key}-t {key}-d" width="100%" preserveAspectRatio="xMidYMid meet">',
             f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(description)}</desc>']
    steps = _divisions(top)
    for i in range(steps + 1):
        value = top * i / steps
        y = _PAD_T + plot_h - plot_h * i / steps
        parts.append(f'<line x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" />')
        parts.append(f'<text x="{_PAD_L - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
                     f'{escape(_num(value))}</text>')
    n = max(len(labels), 1)
    every = max(1, n // 12)  # at most about a dozen labels under the axis
    slot = (_W - _PAD_L - _PAD_R) / n
    for i, label in enumerate(labels):
        if i % every == 0:
            x = _PAD_L + slot * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{_H - _PAD_B + 14}" font-size="10" text-anchor="middle">'
                         f'{escape(label)}</text>')
    x = _PAD_L
    for s in series:
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{escape(s.color)}" />'
                     f'<text x="{x + 14}" y="13" font-size="11">{escape(s.name)}</text>')
        x += 24 + 12 * len(s.name)
    return parts


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def stacked_bars(title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One stacked bar per label (e.g. yellow and red warnings per day)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = _scale(max(totals, default=0))
    parts = _frame(title, description, labels, top, series)
    plot_h = _H - _PAD_T - _PAD_B
    slot = (_W - _PAD_L - _PAD_R) / max(len(labels), 1)
    width = max(1.0, slot * 0.7)
    for i, label in enumerate(labels):
        base = _PAD_T + plot_h
        x = _PAD_L + slot * i + (slot - width) / 2
        for s in series:
            v = s.values[i]
            if v <= 0:
                continue
            h = plot_h * v / top
            base -= h
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" height="{h:.1f}" '
                         f'fill="{escape(s.color)}"><title>{escape(label)} {escape(s.name)}: {_num(v)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def lines(title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One polyline per series over the labels (e.g. a rate per month)."""
    top = _scale(max((v for s in series for v in s.values), default=0))
    parts = _frame(title, description, labels, top, series)
    plot_h = _H - _PAD_T - _PAD_B
    slot = (_W - _PAD_L - _PAD_R) / max(len(labels), 1)
    for s in series:
        points = " ".join(f"{_PAD_L + slot * (i + 0.5):.1f},{_PAD_T + plot_h - plot_h * v / top:.1f}"
                          for i, v in enumerate(s.values))
        if points:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{escape(s.color)}" stroke-width="2" />')
        for i, v in enumerate(s.values):
            parts.append(f'<circle cx="{_PAD_L + slot * (i + 0.5):.1f}" cy="{_PAD_T + plot_h - plot_h * v / top:.1f}" '
                         f'r="2.5" fill="{escape(s.color)}"><title>{escape(labels[i])} {escape(s.name)}: {_num(v)}'
                         f'</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
