"""Every write of the assessment app: one function per action, one transaction, permission first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from onewindow.core.errors import Conflict, DomainError
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require

from . import facts
from .models import Assessment, GradeBand, LineItem, Scheme, SchemeItem, Score
from .rules import Band, PeriodKind, SubjectKind, check_bands, clamp, grade_for, parse_period
from .selectors import scheme_in_force
from .subjects import subjects_of


@dataclass(frozen=True)
class ItemSpec:
    code: str
    label: str
    points: Decimal
    source: str = ""  # a name in facts.py; empty for a manual item
    minimum_sample: int = 0
    shared_by_chief: bool = False


@transaction.atomic
def scheme_define(*, by: Staff, region: Region, name: str, period_kind: PeriodKind, subject_kind: SubjectKind,
                  effective_from: date, base: Decimal, cap: Decimal, items: list[ItemSpec],
                  bands: list[Band]) -> Scheme:
    """Define a new version of a scheme. Nothing is written unless the whole scheme is sound:
    base within (0, cap], item codes unique, every automatic item's source known and of the same
    subject kind, and grade bands that cover [0, cap] without overlap or gap."""
    require(by, Action.ASSESSMENT_RUN, region=region)
    if not name.strip():
        raise DomainError("scheme_name_missing", "请填写方案名称", field="name")
    if base <= 0 or cap < base:
        raise DomainError("scheme_base_cap", "基础分须大于 0 且不超过封顶分", field="cap")
    if len({i.code for i in items}) != len(items):
        raise DomainError("item_code_repeated", "考核项目代码重复", field="items")
    for item in items:
        if item.points == 0:
            raise DomainError("item_points_zero", f"考核项目“{item.label}”的分值不能为 0", field="items")
        if item.source:
            source = facts.get(item.source)
            if source.subject_kind != subject_kind:
                raise DomainError("fact_source_subject", f"事实来源“{source.label}”不适用于该考核对象",
                                  field="source")
    check_bands(bands, cap)
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(region=region, name=name.strip(), period_kind=period_kind,
                                           subject_kind=subject_kind, effective_from=effective_from, base=base,
                                           cap=cap, created_by=by)
    except IntegrityError:
        raise Conflict("scheme_version_exists", "同一生效日期已有该方案的版本", field="effective_from") from None
    SchemeItem.objects.bulk_create(SchemeItem(scheme=scheme, code=i.code, label=i.label, source=i.source,
                                              points=i.points, minimum_sample=i.minimum_sample,
                                              shared_by_chief=i.shared_by_chief) for i in items)
    GradeBand.objects.bulk_create(GradeBand(scheme=scheme, grade=b.grade, low=b.low, high=b.high) for b in bands)
    return scheme


@dataclass(frozen=True)
class ManualEntry:
    """A manual item's occurrences for one subject (inspection findings, commendations …)."""

    subject_id: int
    item_code: str
    count: int
    evidence: tuple[str, ...] = ()


@transaction.atomic
def assessment_score(*, by: Staff, region: Region, subject_kind: SubjectKind, period: str,
                     manual: list[ManualEntry] | None = None) -> Assessment:
    """Score every subject of ``subject_kind`` in ``region`` for ``period`` with the scheme in force
    on its last day: base plus, per item, occurrences × points, clamped to [0, cap], graded by the
    bands. Each line keeps its evidence. A period is scored once (409 ``period_already_scored``)."""
    require(by, Action.ASSESSMENT_RUN, region=region)
    kind, first, last = parse_period(period)
    scheme = scheme_in_force(region=region, period_kind=kind, subject_kind=subject_kind, on=last)
    items = list(scheme.items.all())
    bands = scheme.bands_list()
    subjects = subjects_of(subject_kind, region)
    known = {sid for sid, _ in subjects}
    per_item: dict[int, dict[int, tuple[int, list[dict[str, str]]]]] = {}
    window = facts.Period(first, last)
    for item in items:
        if item.source:
            per_item[item.id] = {o.subject_id: (o.count, [{"label": e.label, "url": e.url} for e in o.evidence])
                                 for o in facts.get(item.source).function(window, region)}
    by_code = {i.code: i for i in items}
    for entry in manual or []:
        item = by_code.get(entry.item_code)
        if item is None or not item.is_manual:
            raise DomainError("manual_item_unknown", f"“{entry.item_code}”不是本方案的人工录入项目", field="manual")
        if entry.subject_id not in known:
            raise DomainError("manual_subject_unknown", "人工录入的考核对象不在本次考核范围内", field="manual")
        if entry.count <= 0:
            raise DomainError("manual_count_invalid", "人工录入的次数须为正数", field="manual")
        count, evidence = per_item.setdefault(item.id, {}).get(entry.subject_id, (0, []))
        per_item[item.id][entry.subject_id] = (count + entry.count,
                                               evidence + [{"label": label, "url": ""} for label in entry.evidence])
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(region=region, scheme=scheme, subject_kind=subject_kind,
                                                   period=period, first_day=first, last_day=last, scored_by=by)
    except IntegrityError:
        raise Conflict("period_already_scored", f"{region.name}{period}的该类考核已计分，不能重复计分",
                       field="period") from None
    for subject_id, name in subjects:
        lines = []
        for item in items:
            count, evidence = per_item.get(item.id, {}).get(subject_id, (0, []))
            if count:
                lines.append(LineItem(item=item, count=count, points=item.points, amount=item.points * count,
                                      evidence=evidence))
        total = clamp(scheme.base + sum((line.amount for line in lines), Decimal(0)), scheme.cap)
        score = Score.objects.create(assessment=assessment, subject_id=subject_id, subject_name=name,
                                     base=scheme.base, total=total, grade=grade_for(total, bands))
        for line in lines:
            line.score = score
        LineItem.objects.bulk_create(lines)
    return assessment
