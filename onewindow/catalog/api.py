"""Public catalog API: search items, read one item's service guide (办事指南). No login needed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.api.schemas import ErrorOut
from onewindow.organization.rules import ROLE_LABELS

from .models import ServiceItem, ServiceItemVersion
from .rules import (
    DELIVERY_METHOD_LABELS,
    HANDLING_TYPE_LABELS,
    ITEM_TYPE_LABELS,
    LIMIT_UNIT_LABELS,
    MATERIAL_FORM_LABELS,
    MATERIAL_PROVISION_LABELS,
    MATERIAL_SOURCE_LABELS,
    ONLINE_DEPTH_LABELS,
    RESULT_TYPE_LABELS,
    SPECIAL_PROCEDURE_LABELS,
)
from .selectors import SEARCH_LIMIT_MAX, item_guide, search_items

router = Router(tags=["事项目录"])


class Labelled(Schema):
    code: str = Field(description="代码（英文，稳定）")
    label: str = Field(description="中文名称")


class Limit(Schema):
    value: int = Field(description="时限数值")
    unit: Labelled = Field(description="时限单位：workday 工作日，natural_day 自然日")
    note: str = Field(description="时限说明")


class ItemSummary(Schema):
    implementation_code: str = Field(description="实施编码")
    basic_code: str = Field(description="基本编码")
    name: str = Field(description="事项名称")
    item_type: Labelled = Field(description="事项类型")
    region_code: str = Field(description="区划代码（12位）")
    department_code: str = Field(description="实施部门编码")
    department_name: str = Field(description="实施部门名称")
    handling_type: Labelled = Field(description="办件类型：instant 即办件，committed 承诺件")
    statutory_limit: Limit = Field(description="法定办结时限")
    promised_limit: Limit = Field(description="承诺办结时限")
    version: int = Field(description="当前版本号")


class MaterialOut(Schema):
    order: int = Field(description="序号")
    name: str = Field(description="材料名称")
    required: bool = Field(description="是否必要")
    form: Labelled = Field(description="材料形式")
    copies: int = Field(description="份数")
    source: Labelled = Field(description="来源渠道")
    provision: Labelled = Field(description="获取方式：applicant 申请人提交，shared 电子证照库共享获取，"
                                            "department 部门自行获取（后两种申请人无需提交）")
    deferrable: bool = Field(description="可容缺受理（缺少该材料时可先行受理，事后补交）")
    paper_size: str = Field(description="纸质规格")
    blank_form: str = Field(description="空白表格")
    sample: str = Field(description="示例样表")
    instructions: str = Field(description="填报须知")


class FeeOut(Schema):
    name: str = Field(description="收费项目")
    basis: str = Field(description="收费依据")
    standard: str = Field(description="收费标准")
    amount_fen: int | None = Field(description="固定金额（分）；按标准计算的为空")
    waivable: bool = Field(description="是否可减免")
    waiver_basis: str = Field(description="减免依据")


class StageOut(Schema):
    order: int = Field(description="序号")
    name: str = Field(description="环节名称")
    department_code: str = Field(description="负责部门编码")
    role: Labelled = Field(description="负责角色")
    budget_workdays: int = Field(description="环节时限（工作日）")
    parallel_group: int | None = Field(description="并联组；相同编号的环节并联办理")
    requires_two_signatures: bool = Field(description="是否需两人核查（行政许可法第三十四条）")


class ItemWindowOut(Schema):
    number: str = Field(description="窗口号")
    name: str = Field(description="窗口名称")
    schedule: str = Field(description="开放时间（定期窗口）")


class ResultOut(Schema):
    type: Labelled = Field(description="审批结果类型")
    name: str = Field(description="审批结果名称")


class ItemGuide(ItemSummary):
    implementing_body: str = Field(description="实施主体")
    entrusted_department: str = Field(description="受委托部门")
    legal_basis: str = Field(description="设定依据")
    acceptance_conditions: str = Field(description="受理条件")
    service_objects: str = Field(description="服务对象")
    quantity_limit: str = Field(description="数量限制")
    is_joint: bool = Field(description="是否联办件")
    max_visits: int = Field(description="到现场次数（0 为全程网办）")
    visits_note: str = Field(description="到现场原因")
    special_procedures: list[Labelled] = Field(description="可能适用的特别程序（所需时间不计入办理时限）")
    online_depth: Labelled = Field(description="网上办理深度（1-4级）")
    materials: list[MaterialOut] = Field(description="申请材料")
    fees: list[FeeOut] = Field(description="收费项目；为空表示不收费")
    stages: list[StageOut] = Field(description="办理环节")
    result: ResultOut = Field(description="审批结果")
    delivery_methods: list[Labelled] = Field(description="送达方式")
    windows: list[ItemWindowOut] = Field(description="办理窗口")
    place: str = Field(description="办理地点")
    hours: str = Field(description="办理时间")
    consultation: str = Field(description="咨询方式")
    complaint: str = Field(description="监督投诉方式")
    published_at: datetime = Field(description="本版本发布时间")


def _labelled(labels: Mapping[Any, str], code: Any) -> dict[str, str]:
    return {"code": str(code), "label": labels.get(code, str(code))}


def _limit(value: int, unit: str, note: str) -> dict[str, Any]:
    return {"value": value, "unit": _labelled(LIMIT_UNIT_LABELS, unit), "note": note}


def _summary(item: ServiceItem, version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "name": version.name,
        "item_type": _labelled(ITEM_TYPE_LABELS, version.item_type),
        "region_code": item.region.code,
        "department_code": item.department.code,
        "department_name": item.department.name,
        "handling_type": _labelled(HANDLING_TYPE_LABELS, version.handling_type),
        "statutory_limit": _limit(version.statutory_limit, version.statutory_unit, version.statutory_note),
        "promised_limit": _limit(version.promised_limit, version.promised_unit, version.promised_note),
        "version": version.version,
    }


def _guide(version: ServiceItemVersion) -> dict[str, Any]:
    item = version.item
    plain = ["implementing_body", "entrusted_department", "legal_basis", "acceptance_conditions",
             "service_objects", "quantity_limit", "is_joint", "max_visits", "visits_note", "place", "hours",
             "consultation", "complaint"]
    return {
        **_summary(item, version),
        **{name: getattr(version, name) for name in plain},
        "special_procedures": [_labelled(SPECIAL_PROCEDURE_LABELS, p) for p in version.special_procedures],
        "online_depth": _labelled(ONLINE_DEPTH_LABELS, version.online_depth),
        "materials": [
            {**_fields(m, ["order", "name", "required", "copies", "deferrable", "paper_size", "blank_form",
                           "sample", "instructions"]),
             "form": _labelled(MATERIAL_FORM_LABELS, m.form), "source": _labelled(MATERIAL_SOURCE_LABELS, m.source),
             "provision": _labelled(MATERIAL_PROVISION_LABELS, m.provision)}
            for m in version.materials.all()
        ],
        "fees": [_fields(f, ["name", "basis", "standard", "amount_fen", "waivable", "waiver_basis"])
                 for f in version.fees.all()],
        "stages": [
            {**_fields(s, ["order", "name", "department_code", "budget_workdays", "parallel_group",
                           "requires_two_signatures"]), "role": _labelled(ROLE_LABELS, s.role)}
            for s in version.stages.all()
        ],
        "result": {"type": _labelled(RESULT_TYPE_LABELS, version.result_type), "name": version.result_name},
        "delivery_methods": [_labelled(DELIVERY_METHOD_LABELS, d) for d in version.delivery_methods],
        "windows": [_fields(w, ["number", "name", "schedule"]) for w in item.windows.all()],
        "published_at": version.created_at,
    }


def _fields(row: object, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


@router.get("", response=list[ItemSummary], auth=None, summary="搜索事项",
            description="按名称、实施编码、基本编码或拼音首字母（如 yyzz）搜索已发布的事项。")
def list_items(
    request: HttpRequest,
    q: str = Query("", description="关键词：名称片段、编码前缀或拼音首字母"),
    department: str | None = Query(None, description="部门编码"),
    region: str | None = Query(None, description="区划代码（12位），含下级区划"),
    limit: int = Query(50, ge=1, le=SEARCH_LIMIT_MAX, description="最多返回条数"),
) -> list[dict[str, Any]]:
    items = search_items(q, region_code=region, department_code=department, limit=limit)
    return [_summary(item, item.current_version) for item in items]


@router.get("/{code}", response={200: ItemGuide, 404: ErrorOut}, auth=None, summary="办事指南",
            description="一个事项的办事指南：编码、类型、时限、材料、收费、环节、结果、送达、窗口、时间、咨询投诉方式。")
def get_item(
    request: HttpRequest,
    code: str,
    version: int | None = Query(None, ge=1, description="版本号；不填为当前版本"),
) -> dict[str, Any]:
    return _guide(item_guide(code, version))
