"""Supervision orders (督办单), warnings' acknowledgement and close-out, efficiency warnings (效能告诫)."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionSettings, Warning
from onewindow.supervision.rules import Code
from onewindow.workdays.selectors import snapshot_for
from tests.cases.helpers import accepted_case, at, submit

from .helpers import start_of

pytestmark = pytest.mark.django_db


def issue(hall, actor, **kw):
    return sv.order_issue(department_id=hall.dept.id, subject="办件超时", requirement="请说明原因并整改", actor=actor,
                          at=kw.pop("at", at(2026, 10, 20)), **kw)


def test_a_supervisor_issues_an_order_due_in_n_working_days_on_the_regions_calendar(hall, watchers):
    order = issue(hall, watchers.supervisor)
    assert order.number == "990121-DB2026-0001"
    assert order.reply_workdays == 5  # the default
    assert order.reply_due == snapshot_for(hall.county.code).add_workdays(date(2026, 10, 20), 5) == date(2026, 10, 27)
    assert (order.state, order.department_id, order.issued_by_id) == ("issued", hall.dept.id, watchers.supervisor.id)
    assert [e.kind for e in order.events.all()] == ["issued"]
    assert issue(hall, watchers.supervisor).number == "990121-DB2026-0002"


def test_the_centers_setting_gives_the_default_reply_period(hall, watchers):
    SupervisionSettings.objects.create(region=hall.county, order_reply_workdays=3)
    assert issue(hall, watchers.supervisor).reply_workdays == 3


def test_a_clerk_cannot_issue_nor_can_a_supervisor_of_another_county(hall, watchers):
    with pytest.raises(PermissionDenied):
        issue(hall, hall.clerk)
    with pytest.raises(PermissionDenied):
        issue(hall, watchers.other_supervisor)
    # the city's supervisor reaches both counties
    assert issue(hall, watchers.city_supervisor).region_id == hall.county.id


def test_orders_are_seen_by_supervisors_of_the_region_and_the_departments_chief_only(hall, watchers):
    order = issue(hall, watchers.supervisor)
    assert list(sel.orders_for(watchers.supervisor)) == [order]
    assert list(sel.orders_for(watchers.city_supervisor)) == [order]
    assert list(sel.orders_for(hall.chief)) == [order]
    assert list(sel.orders_for(watchers.other_supervisor)) == []
    assert list(sel.orders_for(hall.clerk)) == []
    with pytest.raises(NotFound):
        sel.order_for(watchers.other_supervisor, order.id)


def test_reply_return_reply_close_out(hall, watchers):
    order = issue(hall, watchers.supervisor)
    with pytest.raises(PermissionDenied):
        sv.order_reply(order_id=order.id, explanation="x", measures="y", actor=hall.reviewer, at=at(2026, 10, 21))
    with pytest.raises(DomainError) as exc:
        sv.order_close(order_id=order.id, note="好", actor=watchers.supervisor, at=at(2026, 10, 21))
    assert exc.value.code == "order.transition_refused.close"
    order = sv.order_reply(order_id=order.id, explanation="人手不足", measures="增派审核人员", actor=hall.chief,
                           at=at(2026, 10, 27, 17))
    assert (order.state, order.replied_on_time) == ("replied", True)
    abilities = sel.order_abilities(watchers.supervisor, order)
    assert abilities.close
    assert abilities.return_
    assert not abilities.reply
    order = sv.order_return(order_id=order.id, note="措施不具体", actor=watchers.supervisor, at=at(2026, 10, 28))
    assert order.state == "returned"
    assert order.returned_times == 1
    assert order.reply_due == snapshot_for(hall.county.code).add_workdays(date(2026, 10, 28), 5)
    order = sv.order_reply(order_id=order.id, explanation="人手不足", measures="周末加班清理积压", actor=hall.chief,
                           at=at(2026, 10, 29))
    assert order.replied_on_time is True  # decided by the first reply
    with pytest.raises(PermissionDenied):
        sv.order_close(order_id=order.id, note="好", actor=hall.chief, at=at(2026, 10, 30))
    order = sv.order_close(order_id=order.id, note="整改到位，同意销号", actor=watchers.supervisor, at=at(2026, 10, 30))
    assert order.state == "closed"
    assert [e.kind for e in order.events.all()] == ["issued", "replied", "returned", "replied", "closed"]


def test_an_overdue_reply_raises_its_own_warning_which_the_reply_resolves(hall, watchers):
    order = issue(hall, watchers.supervisor)  # due 2026-10-27
    sv.sweep(now=start_of(date(2026, 10, 27)))
    assert not Warning.objects.filter(rule=Code.ORDER_REPLY_OVERDUE).exists()
    sv.sweep(now=start_of(date(2026, 10, 28)))
    w = Warning.objects.get(rule=Code.ORDER_REPLY_OVERDUE)
    assert (w.level, w.target_kind, w.department_id, w.order_id, w.state) == ("red", "department", hall.dept.id,
                                                                               order.id, "open")
    order = sv.order_reply(order_id=order.id, explanation="已处理", measures="已整改", actor=hall.chief,
                           at=at(2026, 10, 28))
    assert order.replied_on_time is False
    w.refresh_from_db()
    assert (w.state, w.resolution) == ("resolved", "督办单已回复")


def test_an_order_about_a_fact_warning_closes_it_out_with_the_order(hall, watchers):
    case = submit(hall)
    from onewindow.cases import services as cs

    cs.cases_deem_overdue_acceptances(now=start_of(date(2026, 10, 11)))
    sv.sweep(now=start_of(date(2026, 10, 11)))
    w = Warning.objects.get(rule=Code.DEEMED_ACCEPTANCE)
    order = sv.order_issue(department_id=hall.dept.id, subject="视为受理", requirement="说明未按时受理的原因",
                           warning_id=w.id, actor=watchers.supervisor, at=at(2026, 10, 12))
    assert order.case_id == case.id
    assert "order_issued" in [e.kind for e in w.events.all()]
    sv.order_reply(order_id=order.id, explanation="窗口人员请假", measures="落实AB岗", actor=hall.chief,
                   at=at(2026, 10, 13))
    sv.order_close(order_id=order.id, note="同意", actor=watchers.supervisor, at=at(2026, 10, 14))
    w.refresh_from_db()
    assert w.state == "resolved"
    assert w.resolved_by_id == watchers.supervisor.id
    assert w.events.order_by("-id").first().kind == "closed_out"


def test_the_responsible_staff_acknowledge_a_warning_with_a_note(hall, watchers):
    accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE)
    with pytest.raises(DomainError) as exc:
        sv.warning_acknowledge(warning_id=w.id, note=" ", actor=hall.chief)
    assert exc.value.field == "note"
    with pytest.raises(PermissionDenied):
        sv.warning_acknowledge(warning_id=w.id, note="说明", actor=hall.outsider)
    w = sv.warning_acknowledge(warning_id=w.id, note="专家评审意见未返回", actor=hall.chief, at=at(2026, 10, 20, 9))
    assert (w.state, w.acknowledged_by_id, w.acknowledgement) == ("acknowledged", hall.chief.id, "专家评审意见未返回")
    # still live: a condition resolves when its cause goes away
    assert w.is_live
    # a supervisor may close it out
    with pytest.raises(PermissionDenied):
        sv.warning_close_out(warning_id=w.id, note="已核实", actor=hall.chief)
    w = sv.warning_close_out(warning_id=w.id, note="已核实", actor=watchers.supervisor, at=at(2026, 10, 20, 10))
    assert w.state == "resolved"
    assert w.resolution == "销号：已核实"
    assert [e.kind for e in w.events.all()][-2:] == ["acknowledged", "closed_out"]


def test_efficiency_warning_goes_on_the_staff_members_record(hall, watchers):
    with pytest.raises(PermissionDenied):
        sv.efficiency_warning_issue(reason="超时", basis="中心效能告诫办法", staff_id=hall.reviewer.id, actor=hall.chief)
    with pytest.raises(PermissionDenied):
        sv.efficiency_warning_issue(reason="超时", basis="中心效能告诫办法", staff_id=hall.reviewer.id,
                                    actor=watchers.other_supervisor)
    with pytest.raises(DomainError) as exc:
        sv.efficiency_warning_issue(reason="超时", basis="", staff_id=hall.reviewer.id, actor=watchers.supervisor)
    assert exc.value.field == "basis"
    item = sv.efficiency_warning_issue(reason="无故拖延审核", basis="中心效能告诫办法第五条", staff_id=hall.reviewer.id,
                                       actor=watchers.supervisor, at=at(2026, 10, 20))
    assert item.number == "990121-GJ2026-0001"
    assert item.department_id == hall.dept.id  # counted for the department too
    assert sel.record_of(hall.reviewer).efficiency_warnings == [item]
    assert sel.record_of(hall.reviewer2).efficiency_warnings == []
    assert list(sel.efficiency_warnings_for(watchers.supervisor)) == [item]
    assert list(sel.efficiency_warnings_for(watchers.other_supervisor)) == []
