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
from .models import GradeBand, Scheme, SchemeItem
from .rules import Band, PeriodKind, SubjectKind, check_bands


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
