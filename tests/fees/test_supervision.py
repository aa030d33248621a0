"""A fee off the item's schedule cannot be billed; an attempt through import raises the
e-supervision finding "目录外收费"."""

from __future__ import annotations

import pytest

from onewindow.fees.importing import bills_import
from onewindow.fees.models import Bill, OffScheduleAttempt
from onewindow.supervision.models import Warning
from onewindow.supervision.sweep import sweep

from .helpers import REGISTRATION, at, granted

pytestmark = pytest.mark.django_db


def csv_of(*rows: tuple[str, str, str]) -> bytes:
    return ("办件编号,收费项目,数量,减免类别\n" + "".join(f"{c},{f},{q},\n" for c, f, q in rows)).encode()


def test_an_import_on_the_schedule_drafts_a_bill(fh):
    case = granted(fh.hall)
    report = bills_import(data=csv_of((case.number, REGISTRATION, "1")), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    assert (len(report.bills), report.problems, Bill.objects.get().total_fen) == (1, [], 8000)


def test_an_import_off_the_schedule_is_refused_and_recorded(fh):
    case = granted(fh.hall)
    report = bills_import(data=csv_of((case.number, REGISTRATION, "1"), (case.number, "工本费", "1")),
                          actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    assert (report.bills, [p[:2] for p in report.problems], Bill.objects.count(),
            OffScheduleAttempt.objects.get().fee_name) == ([], [(3, "fees.off_schedule")], 0, "工本费")


def test_the_sweep_raises_the_off_schedule_finding(fh):
    case = granted(fh.hall)
    bills_import(data=csv_of((case.number, "工本费", "1")), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    sweep(now=at(2026, 10, 9, 12))
    warning = Warning.objects.get(rule="fees_off_schedule")
    assert (warning.department_id, "工本费" in warning.message) == (fh.hall.dept.id, True)


def test_the_sweep_raises_it_once(fh):
    case = granted(fh.hall)
    bills_import(data=csv_of((case.number, "工本费", "1")), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    sweep(now=at(2026, 10, 9, 12))
    sweep(now=at(2026, 10, 9, 13))
    assert Warning.objects.filter(rule="fees_off_schedule").count() == 1


def test_supervision_does_not_import_fees():
    import pathlib

    import onewindow.supervision as sup

    root = pathlib.Path(sup.__file__).parent
    assert not [p.name for p in root.rglob("*.py") if "onewindow.fees" in p.read_text(encoding="utf-8")]
