"""Rectifications and work orders as record types of the lifecycle kernel: their deadlines as
rows (the supervision sweep raises yellow and red warnings on them and its dashboard lists them),
their hash-chained histories, their titles and links. Registered in ``apps.ready``; supervision
never imports this app."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from django.urls import reverse

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import BulkNotice, BulkNoticeEvent, Rectification, RectificationEvent, WorkOrder, WorkOrderEvent
from .rules import ORDER_AWAITING_ANSWER, ORDER_STATE_LABELS, RECT_STATE_LABELS, OrderState, RectState

RECT_SUBJECT = "rectification"
ORDER_SUBJECT = "work_order"
NOTICE_SUBJECT = "bulk_notice"

# Supervision's rule code, by name only (the arrows point down): red once due. Its one yellow
# deadline rule (promised_near) is held against a case (a warning of it must name one), so these
# records' yellow line is shown by this app's own pages from the row's ``yellow_from``; a
# record-level yellow rule in supervision would be named here.
_RULES = DeadlineRules(yellow="deadline_near", overdue="deadline_overdue")


def _note(rect: Rectification, key: str) -> tuple[date | None, str]:
    note = (rect.due_notes or {}).get(key) or {}
    yellow = note.get("yellow")
    return (date.fromisoformat(yellow) if yellow else None), note.get("explanation", "")


def rect_deadlines(rect: Rectification) -> list[DeadlineSpec]:
    """The three steps' deadlines as they stand: the running one open, the ones done closed."""
    state = RectState(rect.state)
    done = f"整改单{RECT_STATE_LABELS[state]}"
    dept = rect.department_id
    yellow, why = _note(rect, "verify")
    verify = DeadlineSpec(Kind.REPLY, rect.verify_due, key="verify", department_id=dept, title="差评核实",
                          yellow_from=yellow, explanation=why)
    yellow, why = _note(rect, "rectify")
    rectify = DeadlineSpec(Kind.REPLY, rect.rectify_due, key="rectify", department_id=dept, title="差评整改",
                           yellow_from=yellow, explanation=why)
    specs = [verify if state == RectState.VERIFYING else verify.closed("已核实" if state != RectState.INVALID
                                                                         else done),
             rectify if state in (RectState.VERIFYING, RectState.RECTIFYING, RectState.INVALID_PENDING)
             else rectify.closed("已整改" if state != RectState.INVALID else done)]
    if rect.visit_due is not None:
        yellow, why = _note(rect, "visit")
        visit = DeadlineSpec(Kind.REPLY, rect.visit_due, key="visit", department_id=dept, title="差评回访",
                             yellow_from=yellow, explanation=why)
        specs.append(visit if state == RectState.VISITING else visit.closed("已回访并告知结果"))
    return specs


def order_deadlines(order: WorkOrder) -> list[DeadlineSpec]:
    """The answer deadline: running until the order is answered, withdrawn or merged."""
    state = OrderState(order.state)
    spec = DeadlineSpec(Kind.REPLY, order.answer_due, department_id=order.department_id,
                        responsible_id=order.handler_id or order.owner_id, title="诉求答复",
                        yellow_from=order.answer_yellow, explanation=order.answer_explanation)
    if state in ORDER_AWAITING_ANSWER:
        return [spec]
    return [spec.closed(f"工单{ORDER_STATE_LABELS[state]}")]


def _describe_rects(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number) for pk, number in
            Rectification.objects.filter(id__in=list(ids)).values_list("id", "number")}


def _describe_orders(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{topic or '诉求'}）"[:120]) for pk, number, topic in
            WorkOrder.objects.filter(id__in=list(ids)).values_list("id", "number", "topic")}


def _verify_rects(label: str | None) -> Iterator[ChainReport]:
    rects = Rectification.objects.order_by("id")
    if label is not None:
        rects = rects.filter(number=label)
    for rect in rects.iterator(chunk_size=500):
        events = RectificationEvent.objects.filter(rectification=rect).order_by("seq")
        yield ChainReport(RECT_SUBJECT, rect.number, verify_events(events, rect.number))


def _verify_orders(label: str | None) -> Iterator[ChainReport]:
    orders = WorkOrder.objects.order_by("id")
    if label is not None:
        orders = orders.filter(number=label)
    for order in orders.iterator(chunk_size=500):
        events = WorkOrderEvent.objects.filter(order=order).order_by("seq")
        yield ChainReport(ORDER_SUBJECT, order.number, verify_events(events, order.number))


def _describe_notices(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number) for pk, number in
            BulkNotice.objects.filter(id__in=list(ids)).values_list("id", "number")}


def _verify_notices(label: str | None) -> Iterator[ChainReport]:
    notices = BulkNotice.objects.order_by("id")
    if label is not None:
        notices = notices.filter(number=label)
    for notice in notices.iterator(chunk_size=500):
        events = BulkNoticeEvent.objects.filter(notice=notice).order_by("seq")
        yield ChainReport(NOTICE_SUBJECT, notice.number, verify_events(events, notice.number))


def register() -> None:
    register_subject(SubjectType(
        key=RECT_SUBJECT, noun="差评整改单", describe=_describe_rects, verify=_verify_rects,
        url=lambda pk, _d: reverse("workbench:feedback:rectification", args=[pk]),
        deadline_rules={Kind.REPLY: _RULES}))
    register_subject(SubjectType(
        key=ORDER_SUBJECT, noun="工单", describe=_describe_orders, verify=_verify_orders,
        url=lambda pk, _d: reverse("workbench:feedback:order", args=[pk]),
        deadline_rules={Kind.REPLY: _RULES}))
    # A bulk notice has no deadline: it is a record type only for its chain (verify_history).
    register_subject(SubjectType(
        key=NOTICE_SUBJECT, noun="群发通知", describe=_describe_notices, verify=_verify_notices,
        url=lambda pk, _d: reverse("workbench:feedback:notice", args=[pk])))
