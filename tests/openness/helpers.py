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
