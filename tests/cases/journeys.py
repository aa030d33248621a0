"""The main journeys of a case through the services, as plain functions of the ``hall``.

tests/cases/test_lifecycle.py runs each inside the test's transaction, as most tests do;
tests/cases/test_own_transaction.py runs them again with each transition the outermost
transaction, as production does.
"""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.materials import outstanding_of
from onewindow.cases.models import Case
from onewindow.core.errors import Conflict, DomainError, PermissionDenied

from .helpers import Hall, at, submit


def full_lifecycle_to_a_grant(hall: Hall) -> None:
    case = submit(hall)
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    assert case.status == "in_review"
    assert case.accepted_on == date(2026, 9, 29)
    assert case.promised_due is not None
    assert case.statutory_due is not None
    assert case.promised_due < case.statutory_due
    assert case.current_stage == 2
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="材料齐全", at=at(2026, 9, 30))
    assert case.current_stage == 3
    # Art. 34: the verification stage needs two different signers.
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=3, opinion="现场符合", at=at(2026, 10, 8))
    assert case.current_stage == 3
    with pytest.raises(DomainError) as exc:
        s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=3, opinion="再签", at=at(2026, 10, 8))
    assert exc.value.code == "stage.same_signer"
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer2, stage_order=3, opinion="同意", at=at(2026, 10, 8))
    assert case.current_stage is None
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    assert case.status == "granted"
    assert case.issuance_due is not None
    assert verify_case(case).ok
    assert [e.kind for e in case.events.order_by("seq")] == [
        "submitted", "accepted", "stage_completed", "stage_signed", "stage_completed", "decided"]


def denial_concludes_with_reasons_and_rights(hall: Hall) -> None:
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = s.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="意见", at=at(2026, 9, 30))
    with pytest.raises(DomainError) as exc:
        s.case_decide(case_id=case.id, actor=hall.chief, grant=False, at=at(2026, 10, 8))
    assert exc.value.field == "reasons"
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=False, reasons="场所不符合要求", at=at(2026, 10, 8))
    assert case.status == "concluded"
    decided = case.events.get(kind="decided")
    assert "六十日" in decided.payload["rights"]
    assert "六个月" in decided.payload["rights"]


def instant_item_concludes_on_the_spot(hall: Hall) -> None:
    case = s.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                         applicant=hall.applicant(), materials=hall.checklist(item=hall.instant_item), at=at(2026, 9, 28))
    case = s.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    assert case.status == "concluded"
    assert case.promised_due == date(2026, 9, 28)
    with pytest.raises(DomainError) as exc:
        s.case_conclude_instant(case_id=submit(hall).id, actor=hall.clerk)
    assert exc.value.code == "case.not_instant"


def one_time_notice_then_supplement_restarts_acceptance_window(hall: Hall) -> None:
    case = submit(hall, missing=("场所证明",))
    assert outstanding_of(case).owed == ()  # 场所证明 is optional in the fixture
    case = s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 28))
    assert case.status == "awaiting_supplement"
    case = s.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 10, 12))
    assert case.status == "submitted"
    assert case.visits == 2
    # A new 5-working-day window from Mon Oct 12.
    assert case.acceptance_due == date(2026, 10, 19)


def special_procedure_pauses_and_extension_moves_both_dues(hall: Hall) -> None:
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    promised, statutory = case.promised_due, case.statutory_due
    case = s.case_start_special_procedure(case_id=case.id, actor=hall.reviewer, procedure="expert_review",
                                          reason="技术复杂", announced_workdays=5, at=at(2026, 10, 8))
    assert case.status == "special_procedure"
    assert case.is_paused
    with pytest.raises(DomainError):
        s.case_start_special_procedure(case_id=case.id, actor=hall.reviewer, procedure="auction", reason="x",
                                       announced_workdays=5, at=at(2026, 10, 9))
    case = s.case_end_special_procedure(case_id=case.id, actor=hall.reviewer, result="通过", at=at(2026, 10, 14))
    assert case.status == "in_review"
    assert not case.is_paused
    assert case.promised_due > promised
    assert case.statutory_due > statutory
    before = (case.promised_due, case.statutory_due)
    with pytest.raises(PermissionDenied):
        s.case_grant_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="复杂")
    with pytest.raises(DomainError) as exc:
        s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=11, reason="复杂", at=at(2026, 10, 15))
    assert "extension" in exc.value.code
    case = s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=10, reason="复杂", at=at(2026, 10, 15))
    from onewindow.workdays.selectors import snapshot_for
    cal = snapshot_for(hall.county.code)
    assert case.promised_due == cal.add_workdays(before[0], 10)
    assert case.statutory_due == cal.add_workdays(before[1], 10)
    with pytest.raises(DomainError):
        s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=1, reason="再延", at=at(2026, 10, 16))


def stale_version_is_a_conflict_not_a_lost_update(hall: Hall) -> None:
    case = submit(hall)
    seen = case.row_version
    s.case_accept(case_id=case.id, actor=hall.clerk, expected_version=seen, at=at(2026, 9, 29))
    with pytest.raises(Conflict):
        s.case_refuse(case_id=case.id, actor=hall.clerk, reason="r", legal_basis="b", expected_version=seen)
    assert Case.objects.get(pk=case.id).status == "in_review"
