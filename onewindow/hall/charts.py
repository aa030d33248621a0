"""The dashboard's wait-time chart: server-side SVG with pygal, no script (the page's CSP), a
``<desc>`` for screen readers; the figures are also in the table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pygal
from pygal.style import Style

_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"


def _without_scripts(root):
    """pygal's xml filter hook: drop its inline tooltip script."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def waits_by_hour(rows: Sequence[tuple[int, float, int]]) -> str:
    """Bars of the mean wait (minutes) of the tickets issued in each hour of the day."""
    style = Style(font_family=_FONT, background="transparent", plot_background="transparent", colors=("#1f5f99",),
                  foreground="#222", foreground_strong="#111", foreground_subtle="#767676")
    chart = pygal.Bar(width=720, height=240, style=style, js=[], disable_xml_declaration=True, show_legend=False,
                      explicit_size=False, no_data_text="今日暂无叫号", x_label_rotation=0)
    chart.add_xml_filter(_without_scripts)
    chart.title = "各时段平均等候（分钟）"
    chart.x_labels = [f"{hour}时" for hour, _, _ in rows]
    chart.add("平均等候", [wait for _, wait, _ in rows])
    svg = chart.render(is_unicode=True)
    description = "；".join(f"{h}时取号{n}人，平均等候{w}分钟" for h, w, n in rows) or "今日暂无叫号"
    return svg.replace("</title>", f"</title><desc>{escape(description)}</desc>", 1)
