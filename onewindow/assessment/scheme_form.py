"""The scheme page's form: what the center administrator typed, read into the service's inputs.

Interface code (no model writes): it turns text into numbers and specs, refusing what is not a
number with a Chinese message that names the row and the column, and keeps every value typed so
the page can show it again beside the message. The rules of a sound scheme (bands, sources,
shares …) are the service's (:func:`onewindow.assessment.services.scheme_define`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from onewindow.core.errors import DomainError

from .models import Scheme
from .rules import (
    AWARD_LABELS,
    GRADE_LABELS,
    PERIOD_LABELS,
    SUBJECT_LABELS,
    AwardKind,
    AwardRule,
    Band,
    Grade,
    PeriodKind,
    SubjectKind,
)
from .services import ItemSpec

# Blank rows offered under the items a scheme already has (a new scheme: this many of each).
BLANK_ROWS = 4
ITEM_COLUMNS = ("code", "label", "source", "points", "minimum_sample", "shared_by_chief")
SECTIONS = {"d": "扣分项目", "b": "加分项目"}


@dataclass
class Row:
    """One item row as typed; ``prefix`` names its inputs (``d-0-points`` …)."""

    prefix: str
    values: dict[str, str]


@dataclass
class SchemeFormData:
    """Everything the form shows: the head, the two item sections, the bands."""

    head: dict[str, str]
    deductions: list[Row] = field(default_factory=list)
    bonuses: list[Row] = field(default_factory=list)
    bands: list[tuple[str, str, str, str]] = field(default_factory=list)  # (grade, label, low, high)
    awards: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, label, places, threshold)

    @property
    def sections(self) -> list[tuple[str, str, list[Row]]]:
        return [("d", SECTIONS["d"], self.deductions), ("b", SECTIONS["b"], self.bonuses)]


def _rows(section: str, items: list[dict[str, str]], blank: int = BLANK_ROWS) -> list[Row]:
    filled = [Row(f"{section}-{i}-", item) for i, item in enumerate(items)]
    return filled + [Row(f"{section}-{i}-", {}) for i in range(len(items), len(items) + blank)]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def initial(scheme: Scheme | None = None, *, region_id: int | None = None) -> SchemeFormData:
    """The form, empty or filled from ``scheme`` (a new version starts as a copy of the last one,
    its effective date left for the administrator to choose)."""
    if scheme is None:
        bands = [("excellent", "95", "110"), ("good", "85", "95"), ("pass", "60", "85"), ("fail", "0", "60")]
        return SchemeFormData(
            head={"region": str(region_id or ""), "name": "", "period_kind": PeriodKind.MONTH.value,
                  "subject_kind": SubjectKind.WINDOW.value, "effective_from": "", "base": "100", "cap": "110"},
            deductions=_rows("d", []), bonuses=_rows("b", []),
            bands=[(g, GRADE_LABELS[Grade(g)], low, high) for g, low, high in bands],
            awards=[(k.value, label, "", "") for k, label in AWARD_LABELS.items()])
    deductions, bonuses = [], []
    for item in scheme.items.all():
        values = {"code": item.code, "label": item.label, "source": item.source,
                  "points": _number(abs(item.points)), "minimum_sample": str(item.minimum_sample or ""),
                  "shared_by_chief": "1" if item.shared_by_chief else ""}
        (bonuses if item.points > 0 else deductions).append(values)
    by_grade = {b.grade: b for b in scheme.bands.all()}
    by_kind = {a.kind: a for a in scheme.awards.all()}
    return SchemeFormData(
        head={"region": str(scheme.region_id), "name": scheme.name, "period_kind": scheme.period_kind,
              "subject_kind": scheme.subject_kind, "effective_from": "", "base": _number(scheme.base),
              "cap": _number(scheme.cap)},
        deductions=_rows("d", deductions), bonuses=_rows("b", bonuses),
        bands=[(g.value, label, _number(by_grade[g].low) if g in by_grade else "",
                _number(by_grade[g].high) if g in by_grade else "") for g, label in GRADE_LABELS.items()],
        awards=[(k.value, label, str(by_kind[k].places) if k in by_kind else "",
                 _number(by_kind[k].threshold) if k in by_kind and by_kind[k].threshold is not None else "")
                for k, label in AWARD_LABELS.items()])


def typed(post: Mapping[str, Any]) -> SchemeFormData:
    """The form as posted (to show again after a refusal)."""
    head = {k: str(post.get(k, "")).strip() for k in ("region", "name", "period_kind", "subject_kind",
                                                        "effective_from", "base", "cap")}
    sections: dict[str, list[Row]] = {"d": [], "b": []}
    for section in sections:
        count = _int(post.get(f"{section}-rows"), 0, 200)
        for i in range(count):
            prefix = f"{section}-{i}-"
            sections[section].append(Row(prefix, {c: str(post.get(prefix + c, "")).strip() for c in ITEM_COLUMNS}))
    bands = [(g.value, label, str(post.get(f"band-{g.value}-low", "")).strip(),
              str(post.get(f"band-{g.value}-high", "")).strip()) for g, label in GRADE_LABELS.items()]
    awards = [(k.value, label, str(post.get(f"award-{k.value}-places", "")).strip(),
               str(post.get(f"award-{k.value}-threshold", "")).strip()) for k, label in AWARD_LABELS.items()]
    return SchemeFormData(head=head, deductions=sections["d"], bonuses=sections["b"], bands=bands, awards=awards)


def _int(text: object, default: int, limit: int) -> int:
    try:
        return max(0, min(limit, int(str(text))))
    except (TypeError, ValueError):
        return default


def _decimal(text: str, field_name: str, label: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError("value_invalid", f"{label}须为数字", field=field_name) from None
    if not value.is_finite():
        raise DomainError("value_invalid", f"{label}须为数字", field=field_name)
    return value


@dataclass(frozen=True)
class SchemeInput:
    """The service's inputs read from the form."""

    region_id: int
    name: str
    period_kind: PeriodKind
    subject_kind: SubjectKind
    effective_from: date
    base: Decimal
    cap: Decimal
    items: list[ItemSpec]
    bands: list[Band]
    awards: list[AwardRule]


def read(data: SchemeFormData) -> SchemeInput:
    """The service's inputs, or a :class:`DomainError` naming the input at fault (``field`` is the
    input's name, the message names the section, the row and the column in Chinese)."""
    head = data.head
    if not head["name"]:
        raise DomainError("scheme_name_missing", "请填写方案名称", field="name")
    try:
        period_kind = PeriodKind(head["period_kind"])
    except ValueError:
        raise DomainError("period_kind_invalid", f"考核周期须为{'、'.join(PERIOD_LABELS.values())}之一",
                          field="period_kind") from None
    try:
        subject_kind = SubjectKind(head["subject_kind"])
    except ValueError:
        raise DomainError("subject_kind_invalid", f"考核对象须为{'、'.join(SUBJECT_LABELS.values())}之一",
                          field="subject_kind") from None
    try:
        effective_from = date.fromisoformat(head["effective_from"])
    except ValueError:
        raise DomainError("effective_from_invalid", "生效日期须为日期（如 2026-12-01）", field="effective_from") from None
    try:
        region_id = int(head["region"])
    except ValueError:
        raise DomainError("region_invalid", "请选择区划", field="region") from None
    base = _decimal(head["base"], "base", "基础分")
    cap = _decimal(head["cap"], "cap", "封顶分")
    items: list[ItemSpec] = []
    for section, title, rows in data.sections:
        for n, row in enumerate(rows, start=1):
            v = row.values
            if not any(v.get(c) for c in ("code", "label", "source", "points")):
                continue  # a blank row
            where = f"{title}第 {n} 行"
            if not v.get("label"):
                raise DomainError("item_label_invalid", f"{where}：请填写项目名称", field=row.prefix + "label")
            if not v.get("points"):
                raise DomainError("value_invalid", f"{where}：请填写每次{'扣' if section == 'd' else '加'}分",
                                  field=row.prefix + "points")
            points = _decimal(v["points"], row.prefix + "points", f"{where}的每次分值")
            if points <= 0:
                raise DomainError("item_points_sign", f"{where}：每次{'扣' if section == 'd' else '加'}分须为正数"
                                  + ("（扣分项目填写扣除的分数，如 5）" if section == "d" else ""),
                                  field=row.prefix + "points")
            sample_text = v.get("minimum_sample") or "0"
            if not sample_text.isdigit():
                raise DomainError("item_sample_invalid", f"{where}：最小样本须为不小于 0 的整数",
                                  field=row.prefix + "minimum_sample")
            code = v.get("code") or ""
            if not code:
                code = f"{'d' if section == 'd' else 'b'}{n}"
            items.append(ItemSpec(code=code, label=v["label"], points=-points if section == "d" else points,
                                  source=v.get("source", ""), minimum_sample=int(sample_text),
                                  shared_by_chief=section == "d" and bool(v.get("shared_by_chief"))))
    bands = []
    for grade, label, low, high in data.bands:
        if not low and not high:
            continue  # a grade the scheme does not use
        bands.append(Band(Grade(grade), _decimal(low, f"band-{grade}-low", f"“{label}”分数段下限"),
                          _decimal(high, f"band-{grade}-high", f"“{label}”分数段上限")))
    awards = []
    for kind, label, places, threshold in data.awards:
        if not places and not threshold:
            continue  # an award the scheme does not give
        if not places.isdigit():
            raise DomainError("award_places_invalid", f"“{label}”的名额须为正整数", field=f"award-{kind}-places")
        awards.append(AwardRule(AwardKind(kind), int(places), _decimal(threshold, f"award-{kind}-threshold",
                                                                       f"“{label}”的分数线") if threshold else None))
    return SchemeInput(region_id, head["name"], period_kind, subject_kind, effective_from, base, cap, items, bands,
                       awards)
