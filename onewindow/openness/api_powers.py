"""Public API of the power list (权力清单): ``GET /powers`` and ``GET /powers/{code}``, the versions in
force today, with the discretion standards of penalty powers. No login: the list is public."""

# No ``from __future__ import annotations``: django-ninja reads the paginated operation's annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from onewindow.api.pagination import BoundedLimitOffset
from onewindow.api.schemas import ErrorOut

from . import power_selectors as sel
from .models import Power
from .power_rules import CATEGORY_LABELS, POWER_TYPE_LABELS, Category, PowerType

router = Router(tags=["权力清单"])


class PowerSummary(Schema):
    code: str = Field(description="权力编码")
    name: str = Field(description="权力名称")
    power_type: str = Field(description="权力类型代码")
    power_type_label: str = Field(description="权力类型")
    region_code: str
    department: str = Field(description="实施部门")
    effective_from: str = Field(description="所在清单版本的生效日期")
    version: int = Field(description="清单版本")


class StandardOut(Schema):
    id: int
    category: str
    category_label: str
    situation: str
    range_min: str | None = Field(description="罚款下限（元）")
    range_max: str | None = Field(description="罚款上限（元）")
    legal_text: str


class PowerDetail(PowerSummary):
    legal_basis: str
    implementing_body: str
    responsibilities: str = Field(description="责任事项")
    accountability: str = Field(description="追责情形")
    stages: list[str] = Field(description="办理流程环节")
    item_codes: list[str] = Field(description="关联服务事项实施编码")
    standards: list[StandardOut] = Field(description="裁量基准（行政处罚事项）")


class PowerFilters(Schema):
    region: str | None = Field(None, pattern=r"^[0-9]{12}$", description="12位区划代码")
    department: int | None = Field(None, description="部门 id")
    type: str = Field("", description="权力类型代码，如 penalty")
    q: str = Field("", max_length=100, description="名称、编码或依据中的文字")


def summary(p: Power) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "power_type": p.power_type,
            "power_type_label": POWER_TYPE_LABELS[PowerType(p.power_type)], "region_code": p.list_version.region.code,
            "department": p.department.name, "effective_from": p.list_version.effective_from.isoformat(),
            "version": p.list_version.version}


def _money(v: Any) -> str | None:
    return None if v is None else f"{v:.2f}"


@router.get("", response={200: list[PowerSummary], 400: ErrorOut, 422: ErrorOut}, summary="The power list in force")
@paginate(BoundedLimitOffset)
def powers(request: HttpRequest, filters: Query[PowerFilters]) -> Any:
    """Every power of the versions in force today, by region, department, type or text."""
    return [summary(p) for p in sel.powers_in_force(region_code=filters.region, department_id=filters.department,
                                                    power_type=filters.type, q=filters.q.strip())]


@router.get("/{code}", response={200: PowerDetail, 400: ErrorOut, 404: ErrorOut}, summary="One power")
def power(request: HttpRequest, code: str) -> Any:
    """A power with its basis, responsibility list, stages, linked items and discretion standards."""
    p = sel.power_in_force(code)
    return {**summary(p), "legal_basis": p.legal_basis, "implementing_body": p.implementing_body,
            "responsibilities": p.responsibilities, "accountability": p.accountability, "stages": p.stages,
            "item_codes": p.item_codes,
            "standards": [{"id": s.id, "category": s.category, "category_label": CATEGORY_LABELS[Category(s.category)],
                           "situation": s.situation, "range_min": _money(s.range_min),
                           "range_max": _money(s.range_max), "legal_text": s.legal_text} for s in p.standards.all()]}
