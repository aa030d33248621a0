"""The reports' charts as server-side SVG (pygal, as the supervision dashboard draws them): the
trend of the scores and the distribution of the deductions by item.

No script (pygal's tooltip script is removed), a ``<title>`` and a ``<desc>`` for screen readers,
every text escaped by pygal, and the figures also in the table beside the chart. The chart's id is
fixed (pygal would draw a random one), so the same figures give the same SVG: a report's content,
charts included, is frozen when it is issued and its PDF reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pygal
from pygal.style import Style

_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
_COLORS = ("#1f5f99", "#a4161a", "#1d6b2f", "#d4a017")


def _style(colors: Sequence[str] = _COLORS) -> Style:
    return Style(font_family=_FONT, background="transparent", plot_background="transparent", colors=tuple(colors),
                 foreground="#222", foreground_strong="#111", foreground_subtle="#767676")


def _without_scripts(root):
    """pygal's xml filter hook: drop its inline tooltip script (nothing runs)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _render(chart: pygal.graph.graph.Graph, chart_id: str, title: str, description: str) -> str:
    chart.uuid = chart_id  # a fixed id instead of pygal's random one: the same figures, the same SVG
    chart.add_xml_filter(_without_scripts)
    chart.title = title
    svg = chart.render(is_unicode=True)
    return svg.replace("</title>", f"</title><desc>{escape(description)}</desc>", 1)


def trend(chart_id: str, title: str, description: str, labels: Sequence[str],
          series: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """One line per series (a subject's total, the center's mean …) over the periods."""
    chart = pygal.Line(width=720, height=260, style=_style(), js=[], disable_xml_declaration=True,
                       legend_at_bottom=True, show_y_guides=True, explicit_size=False, no_data_text="暂无数据",
                       x_label_rotation=0, truncate_label=-1, allow_interruptions=True)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart, chart_id, title, description)


def deductions(chart_id: str, title: str, description: str, rows: Sequence[tuple[str, float]]) -> str:
    """One horizontal bar per item: the points it deducted in all (the distribution of deductions)."""
    chart = pygal.HorizontalBar(width=720, height=max(160, 60 + 32 * len(rows)), style=_style(("#a4161a",)), js=[],
                                disable_xml_declaration=True, show_legend=False, explicit_size=False,
                                no_data_text="本期无扣分", truncate_label=-1, print_values=True)
    chart.x_labels = [label for label, _ in rows]
    chart.add("扣分", [points for _, points in rows])
    return _render(chart, chart_id, title, description)
