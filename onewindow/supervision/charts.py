"""Trend charts as inline SVG, drawn on the server with pygal (installed from PyPI, pinned).

No script and no CDN (DESIGN.md §6): pygal's tooltip script is switched off, so the page ships
plain SVG; each chart carries a ``<title>`` and a ``<desc>`` for screen readers, pygal escapes
every text, and the numbers are also in the table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import pygal
from pygal.style import Style

from onewindow.core import caches

_WIDTH, _HEIGHT = 720, 240
_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: Sequence[float]


def _config(series: Sequence[Series]) -> dict[str, object]:
    style = Style(font_family=_FONT, background="transparent", plot_background="transparent",
                  colors=tuple(s.color for s in series) or ("#1f5f99",), foreground="#222",
                  foreground_strong="#111", foreground_subtle="#767676")
    # js=[]: pygal would otherwise load its tooltip script from the network.
    return {"width": _WIDTH, "height": _HEIGHT, "style": style, "js": [], "disable_xml_declaration": True,
            "legend_at_bottom": True, "show_y_guides": True, "print_values": False, "explicit_size": False,
            "no_data_text": "—", "x_label_rotation": 0, "truncate_label": -1}


def _without_scripts(root):
    """pygal's xml filter hook: drop its inline tooltip configuration script (nothing runs)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


_KINDS = {"stacked_bars": pygal.StackedBar, "lines": pygal.Line}
_Key = tuple[tuple[str, str, tuple[float, ...]], ...]


# A chart is a function of its words and numbers, and pygal takes 30–45 ms to draw one (the
# supervision dashboard draws two at every look): each process keeps the last charts it drew.
@lru_cache(maxsize=128)
def _drawn(kind: str, title: str, description: str, labels: tuple[str, ...], series: _Key) -> str:
    parts = [Series(name, color, values) for name, color, values in series]
    chart = _KINDS[kind](**_config(parts))
    chart.add_xml_filter(_without_scripts)
    chart.title = title
    chart.x_labels = list(labels)
    for s in parts:
        chart.add(s.name, list(s.values))
    svg = chart.render(is_unicode=True)
    # pygal's own <title> is the chart title; the description goes beside it for screen readers.
    return svg.replace("</title>", f"</title><desc>{escape(description)}</desc>", 1)


@caches.register
def forget_charts() -> None:
    """Forget the drawn charts (they depend on nothing but their inputs: for the registry's sake)."""
    _drawn.cache_clear()


def _render(kind: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    return _drawn(kind, str(title), str(description), tuple(str(label) for label in labels),
                  tuple((str(s.name), s.color, tuple(s.values)) for s in series))


def stacked_bars(title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One stacked bar per label (e.g. yellow and red warnings per day)."""
    return _render("stacked_bars", title, description, labels, series)


def lines(title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One line per series over the labels (e.g. the warnings of each period)."""
    return _render("lines", title, description, labels, series)
