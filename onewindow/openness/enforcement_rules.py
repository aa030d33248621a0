"""Administrative enforcement made public (阳光执法) as rules: certified officers (持证上岗), the
inspection register and the filing of major penalties (重大行政处罚备案). Pure: no Django.

- 行政处罚法 第四十二条: penalties are enforced by officers with enforcement certificates, never
  fewer than two; 第五十五条: they show their certificates — hence the public list of officers and
  their certificate numbers, and an inspection recorded only with two or more officers holding a
  valid certificate that day;
- 行政处罚法 第五十八条: before a major penalty decision (较大数额罚款, 吊销许可证件, 责令停产停业 …) the
  decision is reviewed by the agency's legal staff (法制审核) — a filing names the day of that review,
  not after the decision;
- the filing of a major penalty with the government's legal office (重大行政处罚备案) is a local rule:
  most provinces' filing measures give 15 days from the decision. The number of days is the setting
  ``ONEWINDOW["MAJOR_PENALTY_FILING_DAYS"]`` (default :data:`FILING_DAYS`), calendar days.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

FILING_DAYS = 15  # local filing measures: within 15 days of the decision (setting MAJOR_PENALTY_FILING_DAYS)
MIN_OFFICERS = 2  # 行政处罚法 第四十二条


class OfficerState(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


OFFICER_STATE_LABELS = {OfficerState.ACTIVE: "有效", OfficerState.REVOKED: "已注销"}


class CertificateKind(StrEnum):
    ENFORCEMENT = "enforcement"  # 行政执法证
    SUPERVISION = "supervision"  # 行政执法监督证


CERTIFICATE_LABELS = {CertificateKind.ENFORCEMENT: "行政执法证", CertificateKind.SUPERVISION: "行政执法监督证"}


def certificate_valid(state: str, valid_until: date, on: date) -> bool:
    """Whether a certificate may be used on ``on``: not revoked, not expired."""
    return state == OfficerState.ACTIVE and on <= valid_until


class PartyKind(StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"


PARTY_LABELS = {PartyKind.ORGANIZATION: "单位", PartyKind.PERSON: "个人（个体工商户）"}


class InspectionResult(StrEnum):
    NO_PROBLEM = "no_problem"
    CORRECTION = "correction"
    CASE_FILED = "case_filed"
    OTHER = "other"


RESULT_LABELS = {InspectionResult.NO_PROBLEM: "未发现问题", InspectionResult.CORRECTION: "责令限期整改",
                 InspectionResult.CASE_FILED: "立案查处", InspectionResult.OTHER: "其他处理"}


class PenaltyKind(StrEnum):
    """行政处罚法 第九条 and 第六十三条: the penalties that make a decision major (with a hearing)."""

    LARGE_FINE = "large_fine"
    CONFISCATION = "confiscation"
    DOWNGRADE = "downgrade"
    REVOCATION = "revocation"
    SUSPENSION = "suspension"
    CLOSURE = "closure"
    RESTRICTION = "restriction"
    OTHER = "other"


PENALTY_LABELS = {
    PenaltyKind.LARGE_FINE: "较大数额罚款", PenaltyKind.CONFISCATION: "没收较大数额违法所得、非法财物",
    PenaltyKind.DOWNGRADE: "降低资质等级", PenaltyKind.REVOCATION: "吊销许可证件",
    PenaltyKind.SUSPENSION: "责令停产停业", PenaltyKind.CLOSURE: "责令关闭", PenaltyKind.RESTRICTION: "限制从业",
    PenaltyKind.OTHER: "其他较重的行政处罚",
}


class FilingState(StrEnum):
    PENDING = "pending"
    FILED = "filed"


FILING_STATE_LABELS = {FilingState.PENDING: "待备案", FilingState.FILED: "已备案"}


def filing_due(decided_on: date, days: int = FILING_DAYS) -> date:
    """The last day to file a major penalty decided on ``decided_on``."""
    return decided_on + timedelta(days=days)


def filing_status(state: str, due: date, filed_on: date | None, today: date) -> str:
    """on_time / late (filed after the due day) / pending / overdue (not filed, past the due day)."""
    if state == FilingState.FILED and filed_on is not None:
        return "late" if filed_on > due else "on_time"
    return "overdue" if today > due else "pending"


FILING_STATUS_LABELS = {"on_time": "按时备案", "late": "逾期备案", "pending": "待备案", "overdue": "逾期未备案"}
