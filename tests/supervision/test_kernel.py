"""The lifecycle kernel under supervision: cases and supervision orders write their deadlines as
rows in the transition's own transaction, the sweep scans those rows whatever record they belong
to, warnings name their record, and ``verify_history`` covers every record type's chain."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.cases import services as cs
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.services import deadlines_of, deadlines_write
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionOrderEvent, Warning
from onewindow.supervision.rules import Code
from tests.cases.helpers import accepted_case, at, submit
from tests.supervision.helpers import start_of

pytestmark = pytest.mark.django_db


def _rows(subject_type: str, pk: int) -> dict[tuple[str, str], Deadline]:
    return {(d.kind, d.key): d for d in deadlines_of(subject_type, pk)}


def test_a_case_registers_its_deadlines_as_it_moves(hall):
    case = submit(hall)
    rows = _rows("case", case.id)
    assert set(rows) == {("acceptance", "")}
    assert (rows["acceptance", ""].state, rows["acceptance", ""].due_on) == ("open", case.acceptance_due)

    case = cs.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    rows = _rows("case", case.id)
    assert (rows["acceptance", ""].state, rows["acceptance", ""].closed_reason) == ("closed", "已作出受理决定")
    promised = rows["promised", ""]
    assert (promised.state, promised.due_on, promised.yellow_from) == ("open", date(2026, 10, 19), date(2026, 10, 16))
    assert (rows["statutory", ""].due_on, rows["statutory", ""].statutory) == (date(2026, 11, 2), True)
    assert (promised.region_id, promised.department_id) == (case.region_id, case.department_id)
    stage = rows["stage", "2"]
    assert (stage.state, stage.title, stage.responsible_id, stage.lapses_after) == (
        "open", "“审查”环节", None, date(2026, 10, 19))

    cs.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    assert _rows("case", case.id)["stage", "2"].responsible_id == hall.reviewer.id


def test_a_transition_that_moves_no_deadline_writes_no_deadline_row(hall):
    case = accepted_case(hall)
    before = {d.pk: d.changed_at for d in Deadline.objects.filter(subject_id=case.id, kind__in=["promised",
                                                                                               "statutory"])}
    cs.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="需要补充核查",
                              at=at(2026, 9, 30))
    after = {d.pk: d.changed_at for d in Deadline.objects.filter(pk__in=before)}
    assert after == before


def test_the_sweep_fires_from_deadline_rows_and_names_the_record(hall, watchers):
    case = accepted_case(hall)  # promised due 2026-10-19
    sv.sweep(now=start_of(date(2026, 10, 20)))
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE)
    promised = _rows("case", case.id)["promised", ""]
    assert (w.subject_type, w.subject_id, w.deadline_id, w.case_id) == ("case", case.id, promised.id, case.id)
    [row] = [r for r in sel.with_explanations([w])]
    assert row.subject.title == case.number
    assert row.subject.named == f"办件 {case.number}"
    assert row.subject.url.endswith(f"/cases/{case.number}/")


def test_a_deadline_moved_into_the_past_fires_at_the_next_sweep_without_crossing_a_line(hall, watchers):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 10)))  # the cursor's day is now 10-10
    assert not Warning.objects.filter(rule=Code.PROMISED_OVERDUE).exists()
    # Its owner moves the promised date to a day before the cursor's (as a re-timing could):
    # no range scan of (10-10, 10-11] finds it, the read of the changed rows does.
    deadlines_write(subject_type="case", subject_id=case.id, region_id=case.region_id,
                    specs=[DeadlineSpec(Kind.PROMISED, date(2026, 10, 5), department_id=case.department_id)])
    sv.sweep(now=start_of(date(2026, 10, 11)))
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE, case=case)
    assert w.due_on == date(2026, 10, 5)
    # and moved back, the warning resolves at the next sweep
    deadlines_write(subject_type="case", subject_id=case.id, region_id=case.region_id,
                    specs=[DeadlineSpec(Kind.PROMISED, date(2026, 10, 19), department_id=case.department_id)])
    sv.sweep(now=start_of(date(2026, 10, 12)))
    w.refresh_from_db()
    assert (w.state, w.resolution) == ("resolved", "期限已变化，预警条件已不存在")


def test_the_order_is_a_second_record_type_on_the_kernel(hall, watchers):
    order = sv.order_issue(department_id=hall.dept.id, subject="办件超时", requirement="请说明原因并整改",
                           actor=watchers.supervisor, at=at(2026, 10, 20))
    reply = _rows("order", order.id)["reply", ""]
    assert (reply.state, reply.due_on, reply.department_id) == ("open", date(2026, 10, 27), hall.dept.id)

    sv.sweep(now=start_of(date(2026, 10, 28)))
    w = Warning.objects.get(rule=Code.ORDER_REPLY_OVERDUE)
    assert (w.subject_type, w.subject_id, w.order_id, w.deadline_id) == ("order", order.id, order.id, reply.id)
    [row] = sel.with_explanations([w])
    assert row.subject.named == f"督办单 {order.number}（办件超时）"

    sv.order_reply(order_id=order.id, explanation="已处理", measures="已整改", actor=hall.chief, at=at(2026, 10, 28))
    reply.refresh_from_db()
    assert (reply.state, reply.closed_reason) == ("closed", "督办单已回复")
    sv.order_return(order_id=order.id, note="措施不具体", actor=watchers.supervisor, at=at(2026, 10, 29))
    reply.refresh_from_db()
    assert (reply.state, reply.due_on) == ("open", date(2026, 11, 5))

    events = list(SupervisionOrderEvent.objects.filter(order=order).order_by("seq"))
    assert [(e.seq, e.kind) for e in events] == [(1, "issued"), (2, "replied"), (3, "returned")]
    assert events[1].prev_hash == events[0].hash


def test_verify_history_covers_the_orders_chain(hall, watchers):
    order = sv.order_issue(department_id=hall.dept.id, subject="办件超时", requirement="请说明原因并整改",
                           actor=watchers.supervisor, at=at(2026, 10, 20))
    sv.order_reply(order_id=order.id, explanation="已处理", measures="已整改", actor=hall.chief, at=at(2026, 10, 21))
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "核查督办单 1 件，有问题 0 件" in out.getvalue()
    with triggers_lifted(protected_uris()):  # on PostgreSQL the table itself refuses the edit
        SupervisionOrderEvent.objects.filter(order=order, seq=2).update(note="改过的说明")
    with pytest.raises(CommandError):
        call_command("verify_history", "--type", "order", stdout=(out := StringIO()))
    assert f"{order.number} 第2个事件 [hash_mismatch]" in out.getvalue()
