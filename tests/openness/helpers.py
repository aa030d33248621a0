"""Plain helpers of the openness tests: moments on fixed legal days, a valid applicant."""

from __future__ import annotations

from datetime import date, datetime, time

from onewindow.core.identity import id_number_check_char
from onewindow.openness.services import Applicant
from onewindow.workdays.clock import SHANGHAI


def at(d: date, hour: int = 10) -> datetime:
    """An aware moment on the legal day ``d`` (Asia/Shanghai)."""
    return datetime.combine(d, time(hour, 0), tzinfo=SHANGHAI)


def id_number(first17: str = "11010519800101123") -> str:
    """A resident ID number with its check character."""
    return first17 + id_number_check_char(first17)


def applicant(**changes: str) -> Applicant:
    values = {"kind": "person", "name": "张三丰", "id_number": id_number(), "phone": "13800138000",
              "address": "云溪县城关镇人民路 1 号"}
    values.update(changes)
    return Applicant(**values)


FULL_ID = id_number()
PHONE = "13800138000"


# -- the national calendar as chinesecalendar knows it (the property tests' pure snapshot) ------------

FIRST = date(2004, 1, 1)
LAST = date(2030, 12, 31)
PUBLISHED = range(2004, 2027)


def national():
    """A snapshot of the national calendar from chinesecalendar: 2004–2026 published."""
    import chinese_calendar

    from onewindow.workdays.arithmetic import build_snapshot

    return build_snapshot(first=FIRST, last=LAST, holidays=chinese_calendar.holidays,
                          makeup_workdays=chinese_calendar.workdays, published_years=PUBLISHED, version=1)


# -- power-list workbooks --------------------------------------------------------------------------------

POWER_HEADERS = ("权力编码", "部门编码", "权力名称", "权力类型", "设定依据", "实施主体", "责任事项", "追责情形",
                 "办理流程", "关联事项编码")
STANDARD_HEADERS = ("权力编码", "情形类别", "情形", "下限（元）", "上限（元）", "法律条文")


def power_row(**changes) -> list:
    row = {"权力编码": "SCJG-CF-001", "部门编码": "SCJG", "权力名称": "对未取得食品经营许可从事食品经营活动的处罚",
           "权力类型": "行政处罚", "设定依据": "《中华人民共和国食品安全法》第一百二十二条", "实施主体": "市场监督管理局",
           "责任事项": "立案、调查、审查、告知、决定、送达、执行", "追责情形": "因不履行或不正确履行行政职责，有下列情形的，依法追究责任",
           "办理流程": "立案→调查取证→审查→告知→决定→送达→执行", "关联事项编码": ""} | changes
    return [row[h] for h in POWER_HEADERS]


def standard_row(**changes) -> list:
    row = {"权力编码": "SCJG-CF-001", "情形类别": "一般处罚", "情形": "货值金额不足一万元的", "下限（元）": 50000,
           "上限（元）": 80000, "法律条文": "《食品安全法》第一百二十二条第一款"} | changes
    return [row[h] for h in STANDARD_HEADERS]


def workbook(powers: list[list], standards: list[list]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "权力清单"
    ws.append(POWER_HEADERS)
    for r in powers:
        ws.append(r)
    ws2 = book.create_sheet("裁量基准")
    ws2.append(STANDARD_HEADERS)
    for r in standards:
        ws2.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- fund workbooks ----------------------------------------------------------------------------------------

FUND_HEADERS = ("村（社区）", "姓名", "身份证号码", "金额（元）", "审批日期", "发放日期", "备注")


def fund_row(**changes) -> list:
    row = {"村（社区）": "河湾村委会", "姓名": "李大山", "身份证号码": id_number("99012119650301001"),
           "金额（元）": "1200.50", "审批日期": "2026-03-02", "发放日期": "2026-03-10", "备注": ""} | changes
    return [row[h] for h in FUND_HEADERS]


def fund_workbook(rows: list[list]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "发放明细"
    ws.append(FUND_HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
