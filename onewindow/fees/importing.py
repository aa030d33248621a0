"""Importing bills from a department's own charging system (CSV: 办件编号, 收费项目, 数量, 减免类别).

Each row names a fee item of the case's item version by its name. A row naming a fee off the
schedule is refused (行政许可法 第五十九条) — and the attempt is recorded, committed even though the
row is not, so the e-supervision rule "目录外收费" fires for it (``checks.py``). The rows of one
case that are all on the schedule become one draft bill, confirmed like any other.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from . import services
from .models import OffScheduleAttempt
from .permissions import FeeAction, fee_require
from .selectors import schedule_of

COLUMNS = ("办件编号", "收费项目", "数量", "减免类别")


@dataclass
class ImportReport:
    bills: list[str] = field(default_factory=list)  # numbers of the draft bills made
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)


def bills_import(*, data: bytes, actor: Staff, at: datetime | None = None) -> ImportReport:
    """Read the CSV and draft a bill per case whose rows are all lawful; report every other row."""
    at = at or current_time()
    report = ImportReport()
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    except UnicodeDecodeError:
        raise DomainError("import.encoding", "文件须为 UTF-8 编码的 CSV", field="file") from None
    by_case: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for n, row in enumerate(rows, start=2):
        by_case[(row.get("办件编号") or "").strip()].append((n, row))
    for number, entries in by_case.items():
        case = Case.objects.filter(region_q(actor), number=number).select_related("region", "department").first()
        if case is None:
            report.problems += [(n, "case.not_found", f"办件 {number} 不存在") for n, _ in entries]
            continue
        fee_require(actor, FeeAction.BILL_ISSUE, region=case.region, department=case.department)
        schedule = {s.name: s for s in schedule_of(case.item_version_id)}
        lines, refused = [], False
        for n, row in entries:
            name = (row.get("收费项目") or "").strip()
            fee = schedule.get(name)
            if fee is None:
                _record_attempt(case, name, actor, at)
                report.problems.append((n, "fees.off_schedule", f"“{name}”不在本事项收费目录内，不得收取"))
                refused = True
                continue
            try:
                quantity = Decimal((row.get("数量") or "1").strip())
            except InvalidOperation:
                report.problems.append((n, "fees.quantity_invalid", "数量须为数字"))
                refused = True
                continue
            lines.append({"fee_item": fee.fee_item_id, "quantity": str(quantity),
                          "waiver": (row.get("减免类别") or "").strip()})
        if refused or not lines:
            continue
        try:
            report.bills.append(services.bill_draft(case_id=case.pk, lines=lines, actor=actor, at=at).number)
        except DomainError as exc:
            report.problems += [(n, exc.code, exc.message) for n, _ in entries]
    return report


def _record_attempt(case: Case, name: str, actor: Staff, at: datetime) -> None:
    with transaction.atomic():
        OffScheduleAttempt.objects.create(region=case.region, department=case.department, case=case,
                                          attempted_at=at, actor=actor, source="import", fee_name=name[:200])
