"""The life of a case through the services: every transition and every refusal."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.cases.rules import Applicant
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted

from . import journeys
from .helpers import at, submit

pytestmark = pytest.mark.django_db


def test_submit_numbers_the_case_and_starts_the_acceptance_clock(hall):
    case = submit(hall)
    assert case.number == "990121-2026-000001"
    assert len(case.query_code) == 8
    assert case.status == "submitted"
    assert case.visits == 1
    # Received Mon 2026-09-28: 5 working days after it skip National Day (Oct 1-7) → Oct 12? No:
    # Sep 29, 30, (Oct 1-7 holidays), Oct 8, 9, 10 (make-up Saturday) → Oct 10 is the 5th.
    assert case.acceptance_due == date(2026, 10, 10)
    assert verify_case(case).ok


def test_full_lifecycle_to_a_grant(hall):
    journeys.full_lifecycle_to_a_grant(hall)


def test_decision_without_the_required_stages_is_refused(hall):
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 9, 30))
    assert exc.value.code == "decision.stages_open"


def test_stage_out_of_order_is_refused(hall):
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=3, opinion="x", at=at(2026, 9, 30))
    assert exc.value.code == "stage.not_ready"


def test_denial_concludes_with_reasons_and_rights(hall):
    journeys.denial_concludes_with_reasons_and_rights(hall)


def test_one_time_notice_then_supplement_restarts_acceptance_window(hall):
    journeys.one_time_notice_then_supplement_restarts_acceptance_window(hall)


def test_second_supplement_notice_adding_materials_is_refused(hall):
    case = submit(hall)
    case = s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 28))
    case = s.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["申请书"], at=at(2026, 9, 30))
    assert "supplement" in exc.value.code
    assert Case.objects.get(pk=case.id).status == "submitted"


def test_refusal_needs_reason_and_basis(hall):
    case = submit(hall)
    with pytest.raises(DomainError) as exc:
        s.case_refuse(case_id=case.id, actor=hall.clerk, reason="", legal_basis="x")
    assert exc.value.field == "reason"
    case = s.case_refuse(case_id=case.id, actor=hall.clerk, reason="不属于本机关职权范围",
                         legal_basis="《行政许可法》第三十二条", where_to_apply="市工商局", at=at(2026, 9, 29))
    assert case.status == "refused"
    with pytest.raises(DomainError) as exc:
        s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    assert exc.value.code == "case.transition_refused.accept"


def test_instant_item_concludes_on_the_spot(hall):
    journeys.instant_item_concludes_on_the_spot(hall)


def test_special_procedure_pauses_and_extension_moves_both_dues(hall):
    journeys.special_procedure_pauses_and_extension_moves_both_dues(hall)


def test_withdraw_before_decision(hall):
    case = s.case_withdraw(case_id=submit(hall).id, actor=hall.clerk, reason="申请人撤回", at=at(2026, 9, 29))
    assert case.status == "withdrawn"


def test_wrong_role_and_wrong_region_are_refused(hall):
    case = submit(hall)
    with pytest.raises(PermissionDenied):
        s.case_accept(case_id=case.id, actor=hall.reviewer)
    with pytest.raises(PermissionDenied):
        s.case_accept(case_id=case.id, actor=hall.outsider)
    with pytest.raises(PermissionDenied):
        s.case_submit(actor=hall.outsider, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                      materials=hall.checklist())
    assert Case.objects.count() == 1


def test_stale_version_is_a_conflict_not_a_lost_update(hall):
    journeys.stale_version_is_a_conflict_not_a_lost_update(hall)


@pytest.mark.parametrize("field,applicant", [
    ("applicant.id_number", Applicant("person", "李四", "resident_id", "110105194912310021")),
    ("applicant.id_number", Applicant("person", "李四", "resident_id", "11010519491331002X")),
    ("applicant.name", Applicant("person", " ", "resident_id", "11010519491231002X")),
    ("applicant.legal_representative", Applicant("company", "某公司", "uscc", "91350100M000100Y43")),
    ("applicant.id_number", Applicant("company", "某公司", "uscc", "91350100M000100Y44", legal_representative="王五")),
])
def test_bad_applicant_data_is_refused_and_saves_nothing(hall, field, applicant):
    with pytest.raises(DomainError) as exc:
        s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=applicant,
                      materials=hall.checklist())
    assert exc.value.field == field
    assert Case.objects.count() == 0


def test_unknown_item_and_unknown_material(hall):
    with pytest.raises(NotFound):
        s.case_submit(actor=hall.clerk, item_code="nope", applicant=hall.applicant(), materials=[])
    from onewindow.cases.rules import MaterialCheck
    with pytest.raises(DomainError) as exc:
        s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                      materials=[MaterialCheck("不存在的材料", "received")])
    assert exc.value.code == "material.unknown"


def test_deemed_acceptance_after_five_working_days(hall):
    case = submit(hall)  # received Mon 2026-09-28, acceptance due Sat 2026-10-10 (make-up day)
    assert s.case_deem_accepted(case_id=case.id, at=at(2026, 10, 10, 12)) is None
    case = s.case_deem_accepted(case_id=case.id, at=at(2026, 10, 11, 9))
    assert case.status == "in_review"
    assert case.accepted_on == date(2026, 9, 28)  # Art. 32: accepted from the day of receipt
    with pytest.raises(DomainError):
        s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["申请书"], at=at(2026, 10, 12))
    assert s.case_deem_accepted(case_id=case.id, at=at(2026, 10, 12)) is None


def test_tampered_event_and_row_are_detected(hall):
    from onewindow.cases.models import CaseEvent
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    with triggers_lifted(protected_uris()):  # on PostgreSQL the table itself refuses the edit
        CaseEvent.objects.filter(case=case, seq=1).update(payload={"channel": "online"})
    result = verify_case(Case.objects.get(pk=case.id))
    assert not result.ok
    assert any(b.code == "hash_mismatch" and b.seq == 1 for b in result.breaks)
    case2 = submit(hall)
    Case.objects.filter(pk=case2.id).update(status="concluded")
    result = verify_case(Case.objects.get(pk=case2.id))
    assert [b.code for b in result.breaks] == ["record_mismatch"]


def test_a_transition_reads_the_history_the_calendar_and_the_tasks_once_and_leaves_nothing_after_the_commit(
        hall, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))

    def reads(sql: list[str], table: str) -> int:
        return sum(1 for q in sql if q.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in q)

    for act in (lambda: s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="材料齐全",
                                              at=at(2026, 9, 30)),
                lambda: s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=3, opinion="现场符合",
                                              at=at(2026, 10, 8))):
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as callbacks:
            act()
        sql = [q["sql"] for q in captured.captured_queries]
        assert reads(sql, "cases_caseevent") == 1
        assert reads(sql, "workdays_calendarchange") == 1
        assert reads(sql, "cases_casetask") == 1
        assert reads(sql, "catalog_stage") == 0  # the published version's stages are kept per process
        assert callbacks == []
        # the row update writes what changed, not every column
        # (on PostgreSQL the update may share a statement with the other writes: core/batching.py)
        mark = 'UPDATE "cases_case" SET'
        update = next(q[q.index(mark):].split(" WHERE ")[0] for q in sql if mark in q)
        assert '"applicant_name"' not in update
        assert '"row_version"' in update
