"""The power list (权力清单) and discretion standards (行政处罚裁量基准) as rules. Pure: no Django.

- the nine types of power every department's list uses;
- the discretion calculator: from the situations staff choose, the allowed range of a penalty and
  the legal text it rests on (行政处罚法 第三十二条 lighter, 第三十三条 no penalty; local
  standards say how heavier situations weigh);
- the flow chart of a power's stages as an SVG drawn on the server (no script, no external file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from html import escape


class PowerType(StrEnum):
    LICENSING = "licensing"
    PENALTY = "penalty"
    COERCION = "coercion"
    LEVY = "levy"
    PAYMENT = "payment"
    CONFIRMATION = "confirmation"
    ADJUDICATION = "adjudication"
    REWARD = "reward"
    OTHER = "other"


POWER_TYPE_LABELS: dict[PowerType, str] = {
    PowerType.LICENSING: "行政许可", PowerType.PENALTY: "行政处罚", PowerType.COERCION: "行政强制",
    PowerType.LEVY: "行政征收", PowerType.PAYMENT: "行政给付", PowerType.CONFIRMATION: "行政确认",
    PowerType.ADJUDICATION: "行政裁决", PowerType.REWARD: "行政奖励", PowerType.OTHER: "其他行政权力",
}
POWER_TYPE_BY_LABEL = {label: t for t, label in POWER_TYPE_LABELS.items()} | {
    label.removeprefix("行政"): t for t, label in POWER_TYPE_LABELS.items()}


class Category(StrEnum):
    NO_PENALTY = "no_penalty"
    LIGHTER = "lighter"
    ORDINARY = "ordinary"
    HEAVIER = "heavier"


CATEGORY_LABELS: dict[Category, str] = {Category.NO_PENALTY: "不予处罚", Category.LIGHTER: "从轻或减轻处罚",
                                        Category.ORDINARY: "一般处罚", Category.HEAVIER: "从重处罚"}
CATEGORY_BY_LABEL = {label: c for c, label in CATEGORY_LABELS.items()} | {"从轻": Category.LIGHTER,
                                                                           "一般": Category.ORDINARY,
                                                                           "从重": Category.HEAVIER}


@dataclass(frozen=True)
class Situation:
    id: int
    category: Category
    text: str
    range_min: Decimal | None
    range_max: Decimal | None
    legal_text: str


@dataclass(frozen=True)
class Allowed:
    """The calculator's answer: a penalty or none, its range, and why."""

    penalty: bool
    range_min: Decimal | None
    range_max: Decimal | None
    basis: tuple[str, ...]
    explanation: str


def allowed_range(chosen: Sequence[Situation], ordinary: Sequence[Situation]) -> Allowed:
    """The range a penalty may take given the chosen situations.

    - any no-penalty situation: no penalty (行政处罚法 第三十三条);
    - lighter and heavier situations together weigh each other out: the ordinary range applies;
    - otherwise the chosen situations of one kind bound the range: from the lowest minimum to the
      highest maximum among them (several lighter situations never go below the lowest lighter
      minimum);
    - nothing chosen: the ordinary range.
    """
    basis = tuple(dict.fromkeys(s.legal_text for s in chosen if s.legal_text))
    if any(s.category == Category.NO_PENALTY for s in chosen):
        return Allowed(False, None, None, basis, "具有不予处罚情形，依法不予行政处罚")
    kinds = {s.category for s in chosen}
    if not chosen or {Category.LIGHTER, Category.HEAVIER} <= kinds:
        base = list(ordinary) or list(chosen)
        lo, hi = _span(base)
        why = "未选择从轻或从重情形，适用一般处罚幅度" if not chosen else "同时具有从轻和从重情形，综合裁量，适用一般处罚幅度"
        return Allowed(True, lo, hi, basis + tuple(s.legal_text for s in ordinary if s.legal_text), why)
    lo, hi = _span(chosen)
    label = "、".join(CATEGORY_LABELS[k] for k in sorted(kinds, key=list(Category).index))
    return Allowed(True, lo, hi, basis, f"具有{label}情形，在相应幅度内裁量")


def _span(situations: Sequence[Situation]) -> tuple[Decimal | None, Decimal | None]:
    mins = [s.range_min for s in situations if s.range_min is not None]
    maxs = [s.range_max for s in situations if s.range_max is not None]
    return (min(mins) if mins else None, max(maxs) if maxs else None)


# -- the flow chart -------------------------------------------------------------------------------------

_BOX_W, _BOX_H, _GAP, _PAD = 320, 44, 28, 12


def flow_svg(stages: Sequence[str], *, title: str) -> str:
    """The stages as boxes joined by arrows, top to bottom, in an SVG document (text escaped)."""
    names = [s for s in (str(x).strip() for x in stages) if s] or ["（未录入办理流程）"]
    height = _PAD * 2 + len(names) * _BOX_H + (len(names) - 1) * _GAP
    width = _BOX_W + _PAD * 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}流程图">',
             f"<title>{escape(title)}流程图</title>",
             '<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
             '<path d="M0,0 L10,4 L0,8 z" fill="#444"/></marker></defs>']
    for i, name in enumerate(names):
        y = _PAD + i * (_BOX_H + _GAP)
        rx = 22 if i in (0, len(names) - 1) else 4
        parts.append(f'<rect x="{_PAD}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="{rx}" fill="#f4f7fb" '
                     f'stroke="#2b5797" stroke-width="1.5"/>')
        label = name if len(name) <= 20 else name[:19] + "…"
        parts.append(f'<text x="{_PAD + _BOX_W / 2:g}" y="{y + _BOX_H / 2 + 5:g}" text-anchor="middle" '
                     f'font-size="15" fill="#111">{i + 1}. {escape(label)}</text>')
        if i < len(names) - 1:
            x = _PAD + _BOX_W / 2
            parts.append(f'<line x1="{x:g}" y1="{y + _BOX_H}" x2="{x:g}" y2="{y + _BOX_H + _GAP - 2}" '
                         f'stroke="#444" stroke-width="1.5" marker-end="url(#arrow)"/>')
    parts.append("</svg>")
    return "".join(parts)


def split_list(text: str) -> list[str]:
    """A cell listing several things: separated by →, ；, ;, 、, commas or new lines."""
    for sep in ("→", "；", ";", "、", "，", ",", "\n"):
        text = text.replace(sep, "\n")
    return [p.strip() for p in text.split("\n") if p.strip()]
