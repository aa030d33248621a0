"""Supervision orders (督办单): issue, reply, return, close — the lifecycle kernel's second record
type (its reply deadline is a deadline row, its history a hash chain: ``subjects.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action, require
from onewindow.workdays.selectors import snapshot_for

from . import rules as r
from .models import (
    SupervisionOrder,
    SupervisionOrderEvent,
    Warning,
    WarningEvent,
)
from .numbering import next_number
from .rules import OrderAction, OrderState
from .selectors import config_for_region
from .subjects import ORDER_SUBJECT, order_deadline
from .sweep import chiefs_of, resolve_warnings

_LIVE = [str(s) for s in r.LIVE_STATES]


# -- supervision orders (督办单) ----------------------------------------------------------------------------


def order_issue(*, department_id: int, subject: str, requirement: str, actor: Staff, basis: str = "",
                reply_workdays: int | None = None, warning_id: int | None = None, case_id: int | None = None,
                at: datetime | None = None) -> SupervisionOrder:
    """下达督办: a supervisor asks a department to explain and fix something within N working days
    on its region's calendar (the center's default when ``reply_workdays`` is not given)."""
    at = at or current_time()
    subject, requirement = subject.strip(), requirement.strip()
    if not subject:
        raise DomainError("order.subject_required", "请填写督办事项", field="subject")
    if not requirement:
        raise DomainError("order.requirement_required", "请填写督办要求", field="requirement")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    today = local_date(at)
    require(actor, Action.SUPERVISION_ORDER, region=department.region, department=department, on=today)
    if reply_workdays is None:
        reply_workdays = config_for_region(department.region).order_reply_workdays
    if not isinstance(reply_workdays, int) or isinstance(reply_workdays, bool) \
            or not 1 <= reply_workdays <= r.MAX_ORDER_REPLY_WORKDAYS:
        raise DomainError("order.reply_workdays_invalid",
                          f"回复期限须为 1 至 {r.MAX_ORDER_REPLY_WORKDAYS} 个工作日", field="reply_workdays")
    with transaction.atomic():
        warning = None
        if warning_id is not None:
            warning = Warning.objects.select_related("region").filter(pk=warning_id).first()
            if warning is None:
                raise NotFound("预警不存在", code="warning.not_found", field="warning")
            require(actor, Action.SUPERVISION_ORDER, region=warning.region, on=today)
            case_id = case_id or warning.case_id
        case = None
        if case_id is not None:
            case = Case.objects.select_related("region").filter(pk=case_id).first()
            if case is None:
                raise NotFound("办件不存在", code="case.not_found", field="case")
            require(actor, Action.SUPERVISION_ORDER, region=case.region, on=today)
        due = snapshot_for(department.region.code).add_workdays(today, reply_workdays)
        order = SupervisionOrder.objects.create(
            number=next_number(department.region, today.year, "DB"), region=department.region,
            department=department, warning=warning, case=case, subject=subject[:200], requirement=requirement,
            basis=basis.strip(), reply_workdays=reply_workdays, reply_due=due, issued_by=actor, issued_at=at)
        _order_record(order, "issued", at=at, actor=actor, note=requirement,
                      payload={"reply_due": due.isoformat(), "reply_workdays": reply_workdays})
        if warning is not None:
            WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.ORDER_ISSUED, at=at, actor=actor,
                                        note=f"下达督办单 {order.number}", payload={"order_id": order.id})
        _notify_chiefs_of_order(order, at)
        return order


def _order_record(order: SupervisionOrder, kind: str, *, at: datetime, actor: Staff, note: str = "",
                  payload: dict[str, Any] | None = None) -> None:
    """Chain the order's event and write its reply deadline as it now stands, in the caller's
    transaction (the order row is locked or new): the lifecycle kernel's two writes."""
    previous = SupervisionOrderEvent.objects.filter(order=order).order_by("-seq").first()
    event_append(SupervisionOrderEvent(order=order, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                 subject_label=order.number, previous=previous)
    deadlines_write(subject_type=ORDER_SUBJECT, subject_id=order.pk, region_id=order.region_id,
                    specs=[order_deadline(order)])


def _notify_chiefs_of_order(order: SupervisionOrder, at: datetime) -> None:
    chiefs = chiefs_of([order.department_id]).get(order.department_id, set())
    for sid, phone in Staff.objects.filter(id__in=chiefs).values_list("id", "user__phone"):
        mobile = normalize_phone(phone or "")
        if is_mainland_mobile(mobile):
            notify(region=order.region, channel="sms", recipient=mobile, subject="督办通知",
                   body=f"【电子监察】督办单 {order.number}：{order.subject}，请于 {r.fmt(order.reply_due)} 前回复。",
                   kind="supervision.order", topic=order.number, dedupe_key=f"supervision-order:{order.id}:{sid}:sms",
                   at=at)


def _load_order(order_id: int) -> SupervisionOrder:
    order = (SupervisionOrder.objects.select_for_update(of=("self",)).select_related("region", "department")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound("督办单不存在", code="order.not_found", field="order")
    return order


def _order_move(order: SupervisionOrder, action: OrderAction) -> OrderState:
    target = r.next_order_state(action, order.state)
    if target is None:
        raise DomainError(f"order.transition_refused.{action.value}", r.order_refusal(action, order.state),
                          field="action")
    return target


def order_reply(*, order_id: int, explanation: str, measures: str, actor: Staff,
                at: datetime | None = None) -> SupervisionOrder:
    """回复督办: the department's chief representative explains and lists the measures taken.

    Whether the order was replied on time is decided by the first reply against the reply date
    then in force (a return sets a new one).
    """
    at = at or current_time()
    explanation, measures = explanation.strip(), measures.strip()
    if not explanation:
        raise DomainError("order.explanation_required", "请填写情况说明", field="explanation")
    if not measures:
        raise DomainError("order.measures_required", "请填写整改措施", field="measures")
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Action.SUPERVISION_REPLY, region=order.region, department=order.department, on=local_date(at))
        order.state = _order_move(order, OrderAction.REPLY)
        order.explanation, order.measures = explanation, measures
        order.replied_by, order.replied_at = actor, at
        fields = ["state", "explanation", "measures", "replied_by", "replied_at"]
        if order.first_replied_at is None:
            order.first_replied_at = at
            order.replied_on_time = local_date(at) <= order.reply_due
            fields += ["first_replied_at", "replied_on_time"]
        order.save(update_fields=fields)
        _order_record(order, "replied", at=at, actor=actor, note=explanation,
                      payload={"measures": measures, "on_time": local_date(at) <= order.reply_due})
        overdue = list(Warning.objects.filter(order=order, state__in=_LIVE).values_list("id", flat=True))
        resolve_warnings(overdue, reason="督办单已回复", at=at)
        return order


def order_return(*, order_id: int, note: str, actor: Staff, at: datetime | None = None) -> SupervisionOrder:
    """退回: the supervisor sends the reply back; a new reply date of the same N working days runs."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("order.note_required", "请填写退回理由", field="note")
    with transaction.atomic():
        order = _load_order(order_id)
        today = local_date(at)
        require(actor, Action.SUPERVISION_ORDER, region=order.region, department=order.department, on=today)
        order.state = _order_move(order, OrderAction.RETURN)
        order.returned_times += 1
        order.reply_due = snapshot_for(order.region.code).add_workdays(today, order.reply_workdays)
        order.save(update_fields=["state", "returned_times", "reply_due"])
        _order_record(order, "returned", at=at, actor=actor, note=note,
                      payload={"reply_due": order.reply_due.isoformat()})
        return order


def order_close(*, order_id: int, note: str, actor: Staff, at: datetime | None = None) -> SupervisionOrder:
    """销号: the supervisor accepts the reply. A fact warning the order was about is closed out too."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("order.note_required", "请填写销号意见", field="note")
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Action.SUPERVISION_ORDER, region=order.region, department=order.department, on=local_date(at))
        order.state = _order_move(order, OrderAction.CLOSE)
        order.closed_by, order.closed_at, order.close_note = actor, at, note
        order.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
        _order_record(order, "closed", at=at, actor=actor, note=note)
        if order.warning_id is not None:
            warning = Warning.objects.get(pk=order.warning_id)
            if warning.is_live and r.RULES[warning.rule].nature == r.Nature.FACT:
                resolve_warnings([warning.id], reason=f"督办单 {order.number} 已销号：{note}", at=at, actor=actor,
                         kind=WarningEvent.Kind.CLOSED_OUT)
        return order
