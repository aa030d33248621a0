"""Reads of the power list: the version in force on a day, powers by department and type, one power
with its standards, linked items and flow chart, and the discretion calculator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Q, QuerySet

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .models import DiscretionStandard, Power, PowerListVersion
from .power_rules import Allowed, Category, PowerType, Situation, allowed_range, flow_svg


def versions_for(staff: Staff) -> QuerySet[PowerListVersion]:
    """The versions of the regions ``staff`` is posted to (and below, for the center's office): a
    version not yet in force is its county's business only, so another county's is "not found"."""
    return PowerListVersion.objects.filter(region_q(staff)).select_related("region")


def versions_in_force(on: date | None = None, region_code: str | None = None) -> list[PowerListVersion]:
    """Per region, the newest version whose effective date has come."""
    on = on or local_date()
    qs = PowerListVersion.objects.filter(effective_from__lte=on).select_related("region")
    if region_code:
        qs = qs.filter(region__code=region_code)
    current: dict[int, PowerListVersion] = {}
    for v in qs.order_by("region_id", "-effective_from", "-version"):
        current.setdefault(v.region_id, v)
    return list(current.values())


def powers_in_force(*, on: date | None = None, region_code: str | None = None, department_id: int | None = None,
                    power_type: str = "", q: str = "") -> QuerySet[Power]:
    qs = Power.objects.filter(list_version__in=versions_in_force(on, region_code)).select_related(
        "department", "list_version__region")
    if department_id:
        qs = qs.filter(department_id=department_id)
    if power_type:
        if power_type not in {t.value for t in PowerType}:
            raise DomainError("powers.type_invalid", f"权力类型“{power_type}”无效", field="type")
        qs = qs.filter(power_type=power_type)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(legal_basis__icontains=q))
    return qs.order_by("list_version__region__code", "department__order", "code")


def power_in_force(code: str, *, on: date | None = None) -> Power:
    power = powers_in_force(on=on).filter(code=code).prefetch_related("standards").first()
    if power is None:
        raise NotFound("权力事项不存在", code="powers.not_found", field="code")
    return power


def linked_items(power: Power) -> list[ServiceItem]:
    return list(ServiceItem.objects.filter(implementation_code__in=power.item_codes)
                .select_related("current_version").order_by("implementation_code"))


def flow_chart(power: Power) -> str:
    return flow_svg(power.stages, title=power.name)


def situation_of(s: DiscretionStandard) -> Situation:
    return Situation(s.id, Category(s.category), s.situation, s.range_min, s.range_max, s.legal_text)


def calculate(power: Power, chosen_ids: Sequence[int]) -> Allowed:
    """The discretion calculator: the allowed range for the chosen situations of this power."""
    standards = list(power.standards.all())
    by_id = {s.id: s for s in standards}
    unknown = [i for i in chosen_ids if i not in by_id]
    if unknown:
        raise DomainError("powers.situation_unknown", "所选情形不属于该权力事项的裁量基准", field="situations")
    ordinary = [situation_of(s) for s in standards if s.category == Category.ORDINARY]
    return allowed_range([situation_of(by_id[i]) for i in chosen_ids], ordinary)
