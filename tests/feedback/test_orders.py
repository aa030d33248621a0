"""Work orders: 受理 → 分派 → 办理 → 答复 → 办结, 督办, 回访; refusals and permissions; deadlines
by type on working days; withdrawn and merged orders; the clerk flagged after two substantiated
complaints; the red warning once overdue."""

from __future__ import annotations

from datetime import datetime

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import SHANGHAI
from onewindow.feedback import selectors as sel
from onewindow.feedback import services as svc
from onewindow.feedback.models import ClerkFlag
from onewindow.feedback.subjects import ORDER_SUBJECT
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.supervision.models import Warning
from onewindow.supervision.sweep import sweep
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


def _complaint(hall, people, *, handling="written", about=None, when=None):
    return svc.order_receive(region=hall.county, kind="complaint", content="窗口人员态度生硬，材料被退回三次",
                             handling=handling, caller_name="李四", caller_phone="13900000001",
                             about_staff_id=about.id if about else None, actor=hall.clerk,
                             at=when or at(2026, 10, 12))


def _through(hall, people, order, *, substantiated=True, when=None):
    when = when or at(2026, 10, 13)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=when)
    svc.order_claim(order_id=order.id, actor=hall.reviewer, at=when)
    return svc.order_answer(order_id=order.id, answer="经查属实，已批评教育", substantiated=substantiated,
                            actor=hall.reviewer, at=when)


def test_the_whole_loop(hall, people):
    order = _complaint(hall, people)
    assert order.number.startswith("990121-GD2026-")
    assert order.owner_id == hall.clerk.id
    assert order.answer_due.isoformat() == "2026-10-15"  # written: 3 working days
    assert "3 个工作日" in order.answer_explanation
    order = svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    assert order.state == "dispatched"
    order = svc.order_claim(order_id=order.id, actor=hall.reviewer, at=at(2026, 10, 13))
    assert order.handler_id == hall.reviewer.id
    order = svc.order_supervise(order_id=order.id, note="请尽快答复", actor=people.supervisor, at=at(2026, 10, 13))
    assert order.supervised_times == 1
    order = svc.order_answer(order_id=order.id, answer="已核实并整改", substantiated=True, actor=hall.reviewer,
                             at=at(2026, 10, 14))
    assert order.state == "answered"
    assert deadlines_of(ORDER_SUBJECT, order.id)[0].state == "closed"
    order = svc.order_close(order_id=order.id, note="办结", actor=people.admin, at=at(2026, 10, 15))
    order = svc.order_visit(order_id=order.id, satisfaction="satisfied", note="诉求人满意", actor=people.admin,
                            at=at(2026, 10, 16))
    assert (order.state, order.satisfaction) == ("closed", "satisfied")
    with pytest.raises(DomainError) as again:
        svc.order_visit(order_id=order.id, satisfaction="satisfied", actor=people.admin, at=at(2026, 10, 16))
    assert again.value.code == "feedback.already_visited"
    kinds = list(order.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["received", "dispatched", "claimed", "supervised", "answered", "closed", "visited"]
    assert next(verify_all(ORDER_SUBJECT, order.number)).ok


@pytest.mark.parametrize(("handling", "due"), [("oral", "2026-10-12"), ("written", "2026-10-15"),
                                               ("complex", "2026-10-19")])
def test_deadline_by_type_on_working_days(hall, people, handling, due):
    assert _complaint(hall, people, handling=handling).answer_due.isoformat() == due


def test_a_hotline_order_keeps_its_own_due_time(hall, people):
    order = svc.order_receive(region=hall.county, kind="inquiry", content="咨询营业执照办理", handling="hotline",
                              source="hotline", external_number="12345-001",
                              due_at=datetime(2026, 10, 20, 18, 0, tzinfo=SHANGHAI), actor=people.admin,
                              at=at(2026, 10, 12))
    assert order.answer_due.isoformat() == "2026-10-20"
    with pytest.raises(DomainError) as exc:
        svc.order_receive(region=hall.county, kind="inquiry", content="x", handling="hotline", actor=people.admin,
                          at=at(2026, 10, 12))
    assert exc.value.field == "due_at"


def test_refusal_goes_back_to_the_dispatcher_and_reassignment_needs_a_reason(hall, people):
    order = _complaint(hall, people)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    order = svc.order_refuse(order_id=order.id, reason="不属于本部门职责", actor=hall.chief, at=at(2026, 10, 12))
    assert (order.state, order.department_id) == ("received", None)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    with pytest.raises(DomainError) as exc:
        svc.order_reassign(order_id=order.id, department_id=hall.dept.id, reason=" ", actor=people.admin,
                           at=at(2026, 10, 12))
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as same:
        svc.order_reassign(order_id=order.id, department_id=hall.dept.id, reason="改派", actor=people.admin,
                           at=at(2026, 10, 12))
    assert same.value.code == "feedback.same_department"


def test_each_refused_move_has_its_code(hall, people):
    order = _complaint(hall, people)
    with pytest.raises(DomainError) as exc:
        svc.order_answer(order_id=order.id, answer="x", substantiated=False, actor=hall.reviewer, at=at(2026, 10, 12))
    assert exc.value.code in ("feedback.transition_refused.answer", "forbidden.order.handle")
    with pytest.raises(DomainError) as closing:
        svc.order_close(order_id=order.id, actor=people.admin, at=at(2026, 10, 12))
    assert closing.value.code == "feedback.transition_refused.close"


def test_permissions_per_role_and_region(hall, people):
    order = _complaint(hall, people)
    with pytest.raises(PermissionDenied):
        svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=hall.clerk, at=at(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.other_admin,
                           at=at(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        svc.order_supervise(order_id=order.id, note="x", actor=people.admin, at=at(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        svc.order_receive(region=hall.county, kind="inquiry", content="x", actor=hall.outsider, at=at(2026, 10, 12))
    assert order not in sel.orders_for(people.other_admin)
    assert order in sel.orders_for(people.admin)


def test_a_complaint_answer_says_whether_substantiated(hall, people):
    order = _complaint(hall, people)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    svc.order_claim(order_id=order.id, actor=hall.reviewer, at=at(2026, 10, 12))
    with pytest.raises(DomainError) as exc:
        svc.order_answer(order_id=order.id, answer="已处理", actor=hall.reviewer, at=at(2026, 10, 12))
    assert exc.value.code == "feedback.substantiated_required"


def test_two_substantiated_complaints_in_a_year_flag_the_clerk(hall, people):
    _through(hall, people, _complaint(hall, people, about=hall.clerk))
    assert not ClerkFlag.objects.exists()
    _through(hall, people, _complaint(hall, people, about=hall.clerk), substantiated=False)
    assert not ClerkFlag.objects.exists()
    _through(hall, people, _complaint(hall, people, about=hall.clerk))
    flag = ClerkFlag.objects.get()
    assert (flag.staff_id, flag.year, len(flag.orders)) == (hall.clerk.id, 2026, 2)
    facts = sel.substantiated_complaints_per_clerk(region=hall.county, year=2026)
    assert facts[0].staff_id == hall.clerk.id
    assert facts[0].substantiated == 2
    assert facts[0].flagged


def test_withdrawn_and_merged_orders_are_closed_with_their_reason(hall, people):
    first = _complaint(hall, people)
    second = _complaint(hall, people)
    merged = svc.order_merge(order_id=second.id, into_number=first.number, reason="同一诉求重复来电",
                             actor=people.admin, at=at(2026, 10, 12))
    assert (merged.state, merged.merged_into_id) == ("merged", first.id)
    assert list(first.duplicates.all()) == [merged]
    with pytest.raises(NotFound):
        svc.order_merge(order_id=first.id, into_number="NOPE", reason="x", actor=people.admin, at=at(2026, 10, 12))
    withdrawn = svc.order_withdraw(order_id=first.id, reason="诉求人撤回", actor=people.admin, at=at(2026, 10, 12))
    assert withdrawn.state == "withdrawn"
    assert deadlines_of(ORDER_SUBJECT, first.id)[0].closed_reason == "工单已撤回"


def test_first_contact_hands_over_with_a_record(hall, people):
    order = _complaint(hall, people)
    with pytest.raises(DomainError) as exc:
        svc.order_handover(order_id=order.id, to_staff_id=hall.reviewer.id, reason="x", actor=hall.reviewer,
                           at=at(2026, 10, 12))
    assert exc.value.code in ("feedback.not_owner", "forbidden.order.handover")
    order = svc.order_handover(order_id=order.id, to_staff_id=hall.reviewer.id, reason="下班交接", actor=hall.clerk,
                               at=at(2026, 10, 12))
    assert order.owner_id == hall.reviewer.id
    assert order.events.get(kind="handed_over").payload == {"from": hall.clerk.id, "to": hall.reviewer.id}


def test_a_stale_page_is_told_to_reload(hall, people):
    order = _complaint(hall, people)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12),
                       expected_version=0)
    with pytest.raises(Conflict):
        svc.order_withdraw(order_id=order.id, reason="x", actor=people.admin, at=at(2026, 10, 12), expected_version=0)


def test_an_overdue_order_turns_red_and_resolves_when_answered(hall, people):
    order = _complaint(hall, people)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    sweep(now=at(2026, 10, 16, 9))
    red = Warning.objects.get(subject_type=ORDER_SUBJECT, subject_id=order.id)
    assert (red.rule, red.level, red.department_id) == ("deadline_overdue", "red", hall.dept.id)
    svc.order_claim(order_id=order.id, actor=hall.reviewer, at=at(2026, 10, 16, 10))
    svc.order_answer(order_id=order.id, answer="已答复", substantiated=False, actor=hall.reviewer,
                     at=at(2026, 10, 16, 11))
    sweep(now=at(2026, 10, 16, 12))
    red.refresh_from_db()
    assert red.state == "resolved"


def test_a_substantiated_report_is_rewarded_once_with_approver_and_amount(hall, people):
    order = _through(hall, people, _complaint(hall, people))
    with pytest.raises(PermissionDenied):
        svc.order_reward(order_id=order.id, amount="200", note="举报属实", actor=hall.chief)
    with pytest.raises(DomainError) as bad:
        svc.order_reward(order_id=order.id, amount="-5", note="举报属实", actor=people.admin)
    assert bad.value.field == "amount"
    order = svc.order_reward(order_id=order.id, amount="200", note="依据有奖举报办法", actor=people.admin)
    assert (str(order.reward_amount), order.reward_approved_by_id) == ("200.00", people.admin.id)
    with pytest.raises(DomainError) as twice:
        svc.order_reward(order_id=order.id, amount="200", note="再次", actor=people.admin)
    assert twice.value.code == "feedback.reward_refused"
    unfounded = _through(hall, people, _complaint(hall, people), substantiated=False)
    with pytest.raises(DomainError) as refused:
        svc.order_reward(order_id=unfounded.id, amount="100", note="x", actor=people.admin)
    assert refused.value.code == "feedback.reward_refused"
