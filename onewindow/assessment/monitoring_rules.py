"""Efficiency monitoring points (效能监测点) and citizen supervisors (特邀监督员) as rules: their kinds,
what they observe, and what each observation becomes. Pure: no database (seed 002)."""

from __future__ import annotations

import re
from enum import StrEnum


class MonitorKind(StrEnum):
    POINT = "point"
    SUPERVISOR = "supervisor"


MONITOR_KIND_LABELS = {MonitorKind.POINT: "效能监测点", MonitorKind.SUPERVISOR: "特邀监督员"}
NUMBER_MARK = {MonitorKind.POINT: "JC", MonitorKind.SUPERVISOR: "JD"}


class Category(StrEnum):
    ENTERPRISE = "enterprise"
    VILLAGE = "village"
    INDIVIDUAL = "individual"


MONITOR_CATEGORY_LABELS = {Category.ENTERPRISE: "企业", Category.VILLAGE: "村（社区）", Category.INDIVIDUAL: "个人"}


class ObservationKind(StrEnum):
    PRAISE = "praise"
    PROBLEM = "problem"
    SUGGESTION = "suggestion"


OBSERVATION_KIND_LABELS = {ObservationKind.PRAISE: "表扬", ObservationKind.PROBLEM: "问题",
                           ObservationKind.SUGGESTION: "建议"}
# Each observation becomes a feedback work order of this kind (a problem is handled as a complaint:
# answered within the written deadline, found true or not).
ORDER_KIND = {ObservationKind.PRAISE: "praise", ObservationKind.PROBLEM: "complaint",
              ObservationKind.SUGGESTION: "suggestion"}

CODE_RE = re.compile(r"[A-Z0-9]{8,16}")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 10
CONTENT_MAX = 2000
NAME_MAX = 128


def normalize_code(code: str) -> str:
    """The code as typed, without spaces and hyphens, in capitals."""
    return re.sub(r"[\s-]", "", code).upper()
