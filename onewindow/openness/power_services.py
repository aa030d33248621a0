"""Writes of the power list: an Excel workbook imported as a new version with its effective date,
and its export. Every row is checked first and every problem reported with its sheet, row and
column; one problem and nothing is written."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from openpyxl import Workbook, load_workbook

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.spreadsheet import append_row
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require

from .models import DiscretionStandard, Power, PowerListVersion
from .power_rules import (
    CATEGORY_BY_LABEL,
    CATEGORY_LABELS,
    POWER_TYPE_BY_LABEL,
    POWER_TYPE_LABELS,
    Category,
    PowerType,
    split_list,
)

POWER_SHEET = "权力清单"
STANDARD_SHEET = "裁量基准"
POWER_HEADERS = ("权力编码", "部门编码", "权力名称", "权力类型", "设定依据", "实施主体", "责任事项", "追责情形",
                 "办理流程", "关联事项编码")
STANDARD_HEADERS = ("权力编码", "情形类别", "情形", "下限（元）", "上限（元）", "法律条文")
MAX_ROWS = 5000


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ImportRejected(DomainError):
    """The workbook has problems; ``problems`` lists each with its sheet, row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("powers.import_rejected", f"导入失败：发现 {len(problems)} 处问题，未导入任何数据",
                         field="file")
        self.problems = problems


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _amount(value: object) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    return Decimal(text)


def _rows(book: Any, sheet: str, headers: tuple[str, ...], problems: list[Problem]) -> list[tuple[int, dict]]:
    if sheet not in book.sheetnames:
        problems.append(Problem(sheet, 0, "", f"缺少工作表“{sheet}”"))
        return []
    ws = book[sheet]
    rows = ws.iter_rows(values_only=True)
    head = [_text(h) for h in next(rows, ())]
    missing = [h for h in headers if h not in head]
    if missing:
        problems.append(Problem(sheet, 1, "", f"缺少列：{'、'.join(missing)}"))
        return []
    out = []
    for n, values in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            problems.append(Problem(sheet, n, "", f"行数超过 {MAX_ROWS}"))
            break
        record = {h: values[head.index(h)] if head.index(h) < len(values) else None for h in headers}
        if all(_text(v) == "" for v in record.values()):
            continue
        out.append((n, record))
    return out


def power_list_import(*, region_id: int, data: bytes, effective_from: date, actor: Staff, note: str = "",
                      at: datetime | None = None) -> PowerListVersion:
    """Import a workbook as the region's next power-list version, in force from ``effective_from``."""
    at = at or current_time()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.CATALOG_EDIT, region=region, on=local_date(at))
    latest = PowerListVersion.objects.filter(region=region).aggregate(m=Max("effective_from"))["m"]
    if latest is not None and effective_from <= latest:
        raise DomainError("powers.effective_from_not_after", f"生效日期须晚于现行版本的生效日期（{latest.isoformat()}）",
                          field="effective_from")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise DomainError("powers.file_unreadable", "无法读取该文件，请上传 .xlsx 格式的工作簿", field="file") from None
    problems: list[Problem] = []
    departments = {d.code: d for d in Department.objects.filter(region=region)}
    known_items = set(ServiceItem.objects.filter(region__code__startswith=region.prefix)
                      .values_list("implementation_code", flat=True))
    powers: dict[str, dict[str, Any]] = {}
    for n, r in _rows(book, POWER_SHEET, POWER_HEADERS, problems):
        p = _power_row(n, r, departments, known_items, problems)
        if p is None:
            continue
        if p["code"] in powers:
            problems.append(Problem(POWER_SHEET, n, "权力编码", f"权力编码“{p['code']}”重复"))
            continue
        powers[p["code"]] = p
    standards = [s for n, r in _rows(book, STANDARD_SHEET, STANDARD_HEADERS, problems)
                 if (s := _standard_row(n, r, powers, problems)) is not None]
    if problems:
        raise ImportRejected(problems)
    if not powers:
        raise ImportRejected([Problem(POWER_SHEET, 0, "", "工作表中没有任何权力事项")])
    with transaction.atomic():
        number = (PowerListVersion.objects.filter(region=region).aggregate(m=Max("version"))["m"] or 0) + 1
        version = PowerListVersion.objects.create(region=region, version=number, effective_from=effective_from,
                                                  note=note.strip()[:200], created_at=at, created_by=actor)
        saved = {code: Power.objects.create(list_version=version, **fields) for code, fields in powers.items()}
        DiscretionStandard.objects.bulk_create([DiscretionStandard(power=saved[s.pop("power_code")], **s)
                                                for s in standards])
        return version


def _power_row(n: int, r: dict, departments: dict[str, Department], known_items: set[str],
               problems: list[Problem]) -> dict[str, Any] | None:
    found = len(problems)

    def need(column: str, limit: int) -> str:
        text = _text(r[column])
        if not text:
            problems.append(Problem(POWER_SHEET, n, column, f"“{column}”不能为空"))
        elif len(text) > limit:
            problems.append(Problem(POWER_SHEET, n, column, f"“{column}”不能超过 {limit} 个字符"))
        return text

    code, name = need("权力编码", 40), need("权力名称", 200)
    basis, body = need("设定依据", 4000), need("实施主体", 100)
    department = departments.get(_text(r["部门编码"]))
    if department is None:
        problems.append(Problem(POWER_SHEET, n, "部门编码", f"本区划没有部门编码“{_text(r['部门编码'])}”"))
    kind = POWER_TYPE_BY_LABEL.get(_text(r["权力类型"]))
    if kind is None:
        problems.append(Problem(POWER_SHEET, n, "权力类型",
                                f"权力类型“{_text(r['权力类型'])}”无效（可用：{'、'.join(POWER_TYPE_LABELS.values())}）"))
    items = split_list(_text(r["关联事项编码"]))
    unknown = [i for i in items if i not in known_items]
    if unknown:
        problems.append(Problem(POWER_SHEET, n, "关联事项编码", f"未知的服务事项编码：{'、'.join(unknown)}"))
    if len(problems) > found:
        return None
    assert department is not None
    assert kind is not None
    return {"code": code, "department": department, "name": name, "power_type": kind.value, "legal_basis": basis,
            "implementing_body": body, "responsibilities": _text(r["责任事项"]), "accountability": _text(r["追责情形"]),
            "stages": split_list(_text(r["办理流程"])), "item_codes": items}


def _standard_row(n: int, r: dict, powers: dict[str, dict[str, Any]], problems: list[Problem]) -> dict | None:
    found = len(problems)
    code = _text(r["权力编码"])
    power = powers.get(code)
    if power is None:
        problems.append(Problem(STANDARD_SHEET, n, "权力编码", f"权力清单中没有权力编码“{code}”"))
    elif power["power_type"] != PowerType.PENALTY:
        problems.append(Problem(STANDARD_SHEET, n, "权力编码", f"“{code}”不是行政处罚事项，不设裁量基准"))
    category = CATEGORY_BY_LABEL.get(_text(r["情形类别"]))
    if category is None:
        problems.append(Problem(STANDARD_SHEET, n, "情形类别",
                                f"情形类别“{_text(r['情形类别'])}”无效（可用：{'、'.join(CATEGORY_LABELS.values())}）"))
    situation = _text(r["情形"])
    if not situation or len(situation) > 300:
        problems.append(Problem(STANDARD_SHEET, n, "情形", "“情形”不能为空，且不超过 300 个字符"))
    amounts: list[Decimal | None] = []
    for column in ("下限（元）", "上限（元）"):
        try:
            value = _amount(r[column])
        except InvalidOperation:
            problems.append(Problem(STANDARD_SHEET, n, column, f"“{_text(r[column])}”不是金额"))
            value = None
        if value is not None and value < 0:
            problems.append(Problem(STANDARD_SHEET, n, column, "金额不能为负数"))
        amounts.append(value)
    lo, hi = amounts
    if lo is not None and hi is not None and lo > hi:
        problems.append(Problem(STANDARD_SHEET, n, "上限（元）", "上限不能小于下限"))
    if category not in (None, Category.NO_PENALTY) and (lo is None or hi is None) and len(problems) == found:
        problems.append(Problem(STANDARD_SHEET, n, "下限（元）", "处罚情形须填写下限和上限"))
    if len(problems) > found:
        return None
    assert category is not None
    return {"power_code": code, "category": category.value, "situation": situation, "range_min": lo,
            "range_max": hi, "legal_text": _text(r["法律条文"]), "order": n}


def power_list_export(version: PowerListVersion) -> bytes:
    """The version as a workbook in the import's layout (safe cells): export, edit, import again."""
    book = Workbook()
    ws = book.active
    ws.title = POWER_SHEET
    append_row(ws, POWER_HEADERS)
    powers = list(version.powers.select_related("department").order_by("code"))
    for p in powers:
        append_row(ws, [p.code, p.department.code, p.name, POWER_TYPE_LABELS[PowerType(p.power_type)],
                        p.legal_basis, p.implementing_body, p.responsibilities, p.accountability,
                        "→".join(p.stages), "、".join(p.item_codes)])
    ws2 = book.create_sheet(STANDARD_SHEET)
    append_row(ws2, STANDARD_HEADERS)
    for p in powers:
        for s in p.standards.all():
            append_row(ws2, [p.code, CATEGORY_LABELS[Category(s.category)], s.situation, s.range_min, s.range_max,
                             s.legal_text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
