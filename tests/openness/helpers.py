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
