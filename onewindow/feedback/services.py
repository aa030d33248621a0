"""Every write of the citizen's voice: ratings, rating links, rectifications of bad ratings and
work orders. One function per action, one transaction, the permission checked, the record locked,
the event chained and the deadline rows written (the lifecycle kernel's two writes)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Model

from onewindow.cases.models import Case, CaseEvent
from onewindow.catalog.models import ServiceItem
from onewindow.core import crypto
from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import by_identity, changes
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Department, Region, Staff, Window

from . import rules as r
from .clock import Due, due_after, fixed_due, limits_for
from .models import (
    BulkNotice,
    BulkNoticeEvent,
    ClerkFlag,
    FeedbackSequence,
    Rating,
    RatingFollowUp,
    RatingLink,
    Rectification,
    RectificationEvent,
    WorkOrder,
    WorkOrderEvent,
)
from .permissions import Perm, can, require
from .rules import NoticeAction, NoticeState, OrderAction, OrderState, RectAction, RectState
from .subjects import ORDER_SUBJECT, RECT_SUBJECT, order_deadlines, rect_deadlines

_LINK_SALT = "onewindow.feedback.rating-link"


def _number(region: Region, year: int, kind: str, width: int) -> str:
    last = next_value(FeedbackSequence, {"region_id": region.pk, "year": year, "kind": kind})
    return f"{region.prefix}-{kind}{year}-{last:0{width}d}"


def _move(table: Any, action: Any, state: Any) -> Any:
    try:
        return table.next_state(action, state)
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def _check_version(record: Model, expected: int | None) -> None:
    """Two people acting on one record: the second one's page is stale — reload, never overwrite."""
    if expected is not None and expected != record.row_version:
        raise Conflict("record.stale", "该记录已被他人更新，请刷新后重试", field="row_version")


def _text(value: str | None, field: str, what: str, *, required: bool = True, limit: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"feedback.{field}_required", f"请填写{what}", field=field)
    if len(value) > limit:
        raise DomainError(f"feedback.{field}_too_long", f"{what}最多 {limit} 字", field=field)
    return value


def _sms(region: Region, phone: str, body: str, *, kind: str, topic: str, key: str, at: datetime) -> None:
    mobile = normalize_phone(phone or "")
    if is_mainland_mobile(mobile):
        notify(region=region, channel="sms", recipient=mobile, subject="政务服务", body=body, kind=kind, topic=topic,
               dedupe_key=key, at=at)


# -- ratings ---------------------------------------------------------------------------------------------


def _case_clerk(case: Case) -> Staff | None:
    """The staff member who served the applicant: the one who received the case."""
    actor_id = (CaseEvent.objects.filter(case=case, actor__isnull=False).order_by("seq")
                .values_list("actor_id", flat=True).first())
    return Staff.objects.filter(pk=actor_id).first() if actor_id else None


def rating_link_issue(*, case_id: int | None = None, channel: str = r.Channel.SMS, actor: Staff | None = None,
                      window_id: int | None = None, at: datetime | None = None) -> tuple[RatingLink, str]:
    """A single-use, expiring invitation to rate: for a concluded case (the SMS link) or for the
    visitor at a window's counter now (the pad). Returns the link and its signed token — the only
    thing the address carries (no name, no number, no phone)."""
    at = at or current_time()
    channel = r.Channel(channel)
    case = None
    if case_id is not None:
        case = Case.objects.select_related("region").filter(pk=case_id).first()
        if case is None:
            raise NotFound("办件不存在", code="case.not_found", field="case")
    if channel == r.Channel.PAD:
        if actor is None:
            raise DomainError("rating.pad_staff_required", "评价器须由窗口工作人员登录后使用", field="staff")
        window = Window.objects.select_related("region").filter(pk=window_id).first() if window_id else None
        region = window.region if window else (case.region if case else actor.region)
        require(actor, Perm.ORDER_INTAKE, region=region)
        link = RatingLink.objects.create(
            token=secrets.token_urlsafe(16), channel=channel, region=region, case=case,
            department=case.department if case else (window.departments.first() if window else actor.department),
            window=window or (case.window if case else None), staff=actor, created_at=at,
            expires_at=at + timedelta(minutes=r.PAD_LINK_MINUTES))
    else:
        if case is None:
            raise DomainError("rating.case_required", "短信评价链接须对应一个办件", field="case")
        link = RatingLink.objects.create(
            token=secrets.token_urlsafe(16), channel=channel, region=case.region, case=case,
            department=case.department, window=case.window, staff=_case_clerk(case), created_at=at,
            expires_at=at + timedelta(days=r.SMS_LINK_DAYS))
    return link, signing.dumps(link.token, salt=_LINK_SALT, compress=True)


def rating_link_open(signed: str, *, at: datetime | None = None) -> RatingLink:
    """The link a signed token names, if it is genuine, unused and not expired (else a 4xx)."""
    at = at or current_time()
    try:
        token = signing.loads(signed, salt=_LINK_SALT)
    except signing.BadSignature:
        raise DomainError("rating.link_invalid", "评价链接无效", field="token") from None
    link = RatingLink.objects.select_related("region", "case", "staff", "window", "department").filter(
        token=token).first()
    if link is None:
        raise DomainError("rating.link_invalid", "评价链接无效", field="token")
    if link.used_at is not None:
        raise Conflict("rating.link_used", "该评价链接已使用过，每次服务只能评价一次", field="token")
    if at > link.expires_at:
        raise DomainError("rating.link_expired", "评价链接已过期", field="token")
    return link


def _resolve_case(*, user: Any, case_number: str | None, query_code: str | None, channel: r.Channel) -> Case:
    if not case_number:
        raise DomainError("rating.case_required", "请提供办件编号", field="case_number")
    case = Case.objects.select_related("region", "department", "window", "item").filter(
        number=case_number.strip()).first()
    if channel == r.Channel.ONLINE:
        if case is None or user is None or not getattr(user, "is_authenticated", False) \
                or case.applicant_account_id != user.pk:
            raise NotFound("未找到您名下的该办件", code="case.not_found", field="case_number")
    elif case is None or not query_code or not secrets.compare_digest(case.query_code, query_code.strip().upper()):
        raise NotFound("办件编号或查询码不正确", code="case.not_found", field="case_number")
    return case


def rating_submit(*, level: str, reasons: list[str] | None = None, comment: str = "", channel: str,
                  token: str | None = None, case_number: str | None = None, query_code: str | None = None,
                  user: Any = None, at: datetime | None = None) -> Rating:
    """Record one rating. ``channel``: online (the applicant's own account: ``user`` owns the case),
    progress (case number + query code), sms or pad (``token`` of a :class:`RatingLink`).

    A case is rated once (一事一评), a counter visit once (一次一评), only once concluded; a bad
    rating opens its rectification in the same transaction."""
    at = at or current_time()
    try:
        channel = r.Channel(channel)
    except ValueError:
        raise DomainError("rating.channel_invalid", "评价渠道无效", field="channel") from None
    if channel == r.Channel.DEFAULT:
        raise DomainError("rating.channel_invalid", "默认评价由系统记录，不能提交", field="channel")
    reasons = [str(x) for x in (reasons or [])]
    comment = (comment or "").strip()
    level_value, problem = r.check_rating(level, reasons, comment)
    if problem is not None:
        raise DomainError(problem.code, problem.message, field=problem.field)
    with transaction.atomic():
        link = None
        if channel in (r.Channel.SMS, r.Channel.PAD):
            if not token:
                raise DomainError("rating.link_invalid", "缺少评价链接令牌", field="token")
            link = rating_link_open(token, at=at)
            if link.channel != channel:
                raise DomainError("rating.link_invalid", "评价链接与渠道不符", field="token")
            link = RatingLink.objects.select_for_update().get(pk=link.pk)
            if link.used_at is not None:
                raise Conflict("rating.link_used", "该评价链接已使用过，每次服务只能评价一次", field="token")
            case = Case.objects.select_related("region", "department", "window", "item").filter(
                pk=link.case_id).first() if link.case_id else None
        else:
            case = _resolve_case(user=user, case_number=case_number, query_code=query_code, channel=channel)
        if case is not None:
            if case.status not in r.RATABLE_CASE_STATUSES:
                raise DomainError("rating.case_not_concluded", "办件尚未办结，办结后方可评价", field="case_number")
            case = Case.objects.select_for_update(of=("self",)).select_related("region", "department", "window", "item").get(
                pk=case.pk)
            if Rating.objects.filter(case=case).exists():
                raise Conflict("rating.already_rated", "该办件已评价，每件只能评价一次", field="case_number")
        staff = link.staff if link is not None and link.staff_id else (_case_clerk(case) if case else None)
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    region=case.region if case else link.region, case=case, link=link,
                    item=case.item if case else None,
                    department=case.department if case else link.department,
                    window=case.window if case and case.window_id else (link.window if link else None),
                    staff=staff, level=int(level_value), reasons=reasons, comment=comment, channel=channel,
                    rated_at=at)
        except IntegrityError:
            raise Conflict("rating.already_rated", "该办件已评价，每件只能评价一次", field="case_number") from None
        if link is not None:
            link.used_at = at
            link.save(update_fields=["used_at"])
        if level_value in r.BAD_LEVELS and rating.department_id is not None:
            _rectification_open(rating, at=at)
        return rating


# -- rectification of bad ratings ----------------------------------------------------------------------


def _note(due: Due) -> dict[str, Any]:
    return {"yellow": due.yellow_from.isoformat() if due.yellow_from else None, "explanation": due.explanation}


def _rect_record(rect: Rectification, kind: str, *, at: datetime, actor: Staff | None, note: str = "",
                 payload: dict[str, Any] | None = None, before: dict | None = None) -> None:
    previous = RectificationEvent.objects.filter(rectification=rect).order_by("-seq").first()
    event_append(RectificationEvent(rectification=rect, kind=kind, at=at, actor=actor, note=note,
                                    payload=payload or {}), subject_label=rect.number, previous=previous)
    deadlines_write(subject_type=RECT_SUBJECT, subject_id=rect.pk, region_id=rect.region_id,
                    specs=changes(before or {}, rect_deadlines(rect)), at=at)


def _rectification_open(rating: Rating, *, at: datetime) -> Rectification:
    """差评 → 整改单, assigned to the responsible department, verify and rectify clocks running."""
    region = rating.region
    limits = limits_for(region)
    today = local_date(at)
    verify = due_after(region, today, limits.verify_workdays, what="核实期限")
    rectify = due_after(region, today, limits.rectify_workdays, what="整改期限")
    rect = Rectification.objects.create(
        number=_number(region, today.year, "ZG", 4), rating=rating, region=region,
        department_id=rating.department_id, opened_at=at, verify_due=verify.due_on, rectify_due=rectify.due_on,
        due_notes={"verify": _note(verify), "rectify": _note(rectify)})
    _move(r.RECT_TABLE, RectAction.OPEN, None)
    _rect_record(rect, "opened", at=at, actor=None, note=f"{rating.level_label}评价自动生成整改单",
                 payload={"rating_id": rating.pk, "level": rating.level, "reasons": rating.reasons,
                          "verify_due": verify.due_on.isoformat(), "rectify_due": rectify.due_on.isoformat()})
    return rect


def _load_rect(rect_id: int) -> Rectification:
    rect = (Rectification.objects.select_for_update(of=("self",)).select_related("region", "department", "rating")
            .filter(pk=rect_id).first())
    if rect is None:
        raise NotFound("整改单不存在", code="rectification.not_found", field="rectification")
    return rect


def _rect_act(rect_id: int, action: RectAction, actor: Staff, perm: Perm, at: datetime | None,
              expected_version: int | None, change: Callable[[Rectification, datetime], tuple[str, str, dict]]
              ) -> Rectification:
    at = at or current_time()
    with transaction.atomic():
        rect = _load_rect(rect_id)
        require(actor, perm, region=rect.region, department=rect.department)
        _check_version(rect, expected_version)
        before = by_identity(rect_deadlines(rect))
        target = _move(r.RECT_TABLE, action, RectState(rect.state))
        kind, note, payload = change(rect, at)
        rect.state = target
        rect.row_version += 1
        rect.save()
        _rect_record(rect, kind, at=at, actor=actor, note=note, payload=payload, before=before)
        return rect


def rectification_verify(*, rectification_id: int, finding: str, actor: Staff, at: datetime | None = None,
                         expected_version: int | None = None) -> Rectification:
    """核实: the department contacted the rater and found the complaint to stand; rectification runs."""
    finding = _text(finding, "finding", "核实情况")

    def change(rect: Rectification, _at: datetime) -> tuple[str, str, dict]:
        rect.finding = finding
        return "verified", finding, {}

    return _rect_act(rectification_id, RectAction.VERIFY, actor, Perm.RECT_HANDLE, at, expected_version, change)


def rectification_mark_invalid(*, rectification_id: int, reason: str, malicious: bool = True, actor: Staff,
                               at: datetime | None = None, expected_version: int | None = None) -> Rectification:
    """认定无效（恶意）评价: only with a stated reason; a second staff member must confirm it."""
    reason = _text(reason, "reason", "认定无效评价的理由")

    def change(rect: Rectification, _at: datetime) -> tuple[str, str, dict]:
        rect.invalid_reason, rect.malicious, rect.marked_by = reason, bool(malicious), actor
        return "invalid_marked", reason, {"malicious": bool(malicious)}

    return _rect_act(rectification_id, RectAction.MARK_INVALID, actor, Perm.RECT_HANDLE, at, expected_version,
                     change)


def rectification_review_invalid(*, rectification_id: int, confirm: bool, note: str, actor: Staff,
                                 at: datetime | None = None, expected_version: int | None = None) -> Rectification:
    """The second look: a different staff member confirms the rating invalid, or sends it back to
    verification. The one who marked it cannot confirm it."""
    note = _text(note, "note", "复核意见")
    action = RectAction.CONFIRM_INVALID if confirm else RectAction.REJECT_INVALID

    def change(rect: Rectification, when: datetime) -> tuple[str, str, dict]:
        if rect.marked_by_id == actor.pk:
            raise DomainError("rectification.same_confirmer", "认定无效评价须由另一名工作人员复核确认", field="actor")
        if confirm:
            rect.confirmed_by, rect.outcome, rect.closed_at = actor, r.Outcome.INVALID, when
            rect.result_text = f"经核实，该评价认定为无效评价：{rect.invalid_reason}"
            _tell_rater(rect, when)
            return "invalid_confirmed", note, {}
        rect.marked_by, rect.invalid_reason, rect.malicious = None, "", False
        return "invalid_rejected", note, {}

    return _rect_act(rectification_id, action, actor, Perm.RECT_CONFIRM, at, expected_version, change)


def rectification_rectify(*, rectification_id: int, measures: str, rectified: bool = True, actor: Staff,
                          at: datetime | None = None, expected_version: int | None = None) -> Rectification:
    """整改: the measures taken (or why it cannot be rectified); the return visit is due next."""
    measures = _text(measures, "measures", "整改措施或无法整改的理由")

    def change(rect: Rectification, when: datetime) -> tuple[str, str, dict]:
        limits = limits_for(rect.region)
        visit = due_after(rect.region, local_date(when), limits.visit_workdays, what="回访期限")
        rect.measures = measures
        rect.outcome = r.Outcome.RECTIFIED if rectified else r.Outcome.CANNOT_RECTIFY
        rect.visit_due = visit.due_on
        rect.due_notes = {**rect.due_notes, "visit": _note(visit)}
        return "rectified", measures, {"rectified": bool(rectified), "visit_due": visit.due_on.isoformat(),
                                       "on_time": local_date(when) <= rect.rectify_due}

    return _rect_act(rectification_id, RectAction.RECTIFY, actor, Perm.RECT_HANDLE,
                     at, expected_version, change)


def rectification_visit(*, rectification_id: int, note: str, satisfaction: str, actor: Staff,
                        at: datetime | None = None, expected_version: int | None = None) -> Rectification:
    """回访: the rater is called back, told the result and asked if satisfied; the record closes."""
    note = _text(note, "note", "回访情况")
    try:
        satisfaction = r.Satisfaction(satisfaction)
    except ValueError:
        raise DomainError("feedback.satisfaction_invalid", "回访满意度无效", field="satisfaction") from None

    def change(rect: Rectification, when: datetime) -> tuple[str, str, dict]:
        rect.visit_note, rect.visit_satisfaction, rect.closed_at = note, satisfaction, when
        rect.result_text = f"{r.OUTCOME_LABELS[r.Outcome(rect.outcome)]}：{rect.measures}"
        _tell_rater(rect, when)
        return "visited", note, {"satisfaction": satisfaction.value}

    return _rect_act(rectification_id, RectAction.VISIT, actor, Perm.RECT_VISIT, at, expected_version, change)


def _tell_rater(rect: Rectification, at: datetime) -> None:
    """The citizen is told the result: on the case's progress page (the record) and by SMS."""
    case = rect.rating.case
    if case is not None and case.applicant_phone:
        _sms(rect.region, case.applicant_phone,
             f"【政务服务】您对办件 {case.number} 的评价已处理：{r.OUTCOME_LABELS[r.Outcome(rect.outcome)]}。"
             "可在办件进度页查看详情。", kind="feedback.rectification", topic=rect.number,
             key=f"feedback-rect:{rect.pk}:result", at=at)


# -- work orders -----------------------------------------------------------------------------------------


def _order_record(order: WorkOrder, kind: str, *, at: datetime, actor: Staff | None, note: str = "",
                  payload: dict[str, Any] | None = None, before: dict | None = None,
                  actor_label: str = "") -> None:
    previous = WorkOrderEvent.objects.filter(order=order).order_by("-seq").first()
    event_append(WorkOrderEvent(order=order, kind=kind, at=at, actor=actor, actor_label=actor_label, note=note,
                                payload=payload or {}), subject_label=order.number, previous=previous)
    deadlines_write(subject_type=ORDER_SUBJECT, subject_id=order.pk, region_id=order.region_id,
                    specs=changes(before or {}, order_deadlines(order)), at=at)


def _order_due(region: Region, handling: r.Handling, today: date, due_at: datetime | None) -> Due:
    if handling == r.Handling.HOTLINE:
        if due_at is None:
            raise DomainError("feedback.due_required", "12345 工单须有办结时限", field="due_at")
        due_on = local_date(due_at)
        if due_on < today:
            raise DomainError("feedback.due_invalid", "办结时限早于受理时间", field="due_at")
        return fixed_due(region, today, due_on, what="答复期限")
    return due_after(region, today, r.handling_workdays(handling, limits_for(region)), what="答复期限")


def _choice(enum: Any, value: Any, field: str, what: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise DomainError(f"feedback.{field}_invalid", f"{what}“{value}”无效", field=field) from None


def order_receive(*, region: Region | None = None, region_code: str | None = None, kind: str, content: str,
                  source: str = r.Source.WINDOW, handling: str = r.Handling.WRITTEN, topic: str = "",
                  caller_name: str = "", caller_phone: str = "", case_number: str | None = None,
                  about_staff_id: int | None = None, department_id: int | None = None,
                  external_number: str = "", due_at: datetime | None = None, address: str = "",
                  latitude: float | None = None, longitude: float | None = None, publish_consent: bool = False,
                  actor: Staff | None, actor_label: str = "", at: datetime | None = None,
                  _checked: bool = False) -> WorkOrder:
    """受理: a complaint, inquiry, suggestion, praise or letter/visit becomes a numbered work order
    owned by whoever took it (首问负责), its answer deadline running on working days."""
    at = at or current_time()
    today = local_date(at)
    kind = _choice(r.OrderKind, kind, "kind", "诉求类别")
    source = _choice(r.Source, source, "source", "来源")
    handling = _choice(r.Handling, handling, "handling", "办理方式")
    content = _text(content, "content", "诉求内容")
    topic = _text(topic, "topic", "主题", required=False, limit=100) or content[:30]
    if region is None:
        region = Region.objects.filter(code=region_code or "").first() if region_code else (
            actor.region if actor is not None else None)
        if region is None:
            raise NotFound("区划不存在", code="region.not_found", field="region")
    if not _checked and actor is not None:
        require(actor, Perm.ORDER_INTAKE, region=region)
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id, region=region).first()
        if department is None:
            raise NotFound("承办部门不存在", code="department.not_found", field="department")
    case = None
    if case_number:
        case = Case.objects.filter(number=case_number.strip()).first()
        if case is None:
            raise NotFound("相关办件不存在", code="case.not_found", field="case_number")
    about = None
    if about_staff_id is not None:
        about = Staff.objects.filter(pk=about_staff_id).first()
        if about is None:
            raise NotFound("被投诉工作人员不存在", code="staff.not_found", field="about_staff")
    due = _order_due(region, handling, today, due_at)
    with transaction.atomic():
        order = WorkOrder.objects.create(
            number=_number(region, today.year, "GD", 6), region=region, kind=kind, source=source, handling=handling,
            topic=topic, content=content, caller_name=caller_name.strip()[:64], caller_phone=caller_phone.strip()[:20],
            external_number=external_number.strip()[:40], case=case, item=case.item if case else None,
            about_staff=about, department=department, owner=actor, state=_move(r.ORDER_TABLE, OrderAction.RECEIVE, None),
            received_at=at, answer_due=due.due_on, answer_yellow=due.yellow_from, answer_explanation=due.explanation,
            address=address.strip()[:200], latitude=latitude, longitude=longitude,
            publish_consent=bool(publish_consent))
        _order_record(order, "received", at=at, actor=actor, actor_label=actor_label, note=content[:200],
                      payload={"kind": kind.value, "source": source.value, "handling": handling.value,
                               "answer_due": due.due_on.isoformat(), "external_number": order.external_number})
        return order


def _load_order(order_id: int) -> WorkOrder:
    order = (WorkOrder.objects.select_for_update(of=("self",)).select_related("region", "department")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound("工单不存在", code="feedback.not_found", field="number")
    return order


def _order_act(order_id: int, action: OrderAction, actor: Staff, perm: Perm, at: datetime | None,
               expected_version: int | None, change: Callable[[WorkOrder, datetime], tuple[str, str, dict]],
               *, department_bound: bool = True) -> WorkOrder:
    at = at or current_time()
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, perm, region=order.region, department=order.department if department_bound else None)
        _check_version(order, expected_version)
        before = by_identity(order_deadlines(order))
        target = _move(r.ORDER_TABLE, action, OrderState(order.state))
        kind, note, payload = change(order, at)
        order.state = target
        order.row_version += 1
        order.save()
        _order_record(order, kind, at=at, actor=actor, note=note, payload=payload, before=before)
        return order


def _department(order: WorkOrder, department_id: int | None) -> Department:
    department = Department.objects.filter(pk=department_id, region=order.region).first() if department_id else None
    if department is None:
        raise NotFound("承办部门不存在", code="department.not_found", field="department")
    return department


def order_dispatch(*, order_id: int, department_id: int | None, actor: Staff, note: str = "",
                   at: datetime | None = None, expected_version: int | None = None) -> WorkOrder:
    """分派: the dispatcher sends the order to the department that answers it."""
    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        order.department = _department(order, department_id)
        order.handler = None
        return "dispatched", note.strip(), {"department": order.department.pk}

    return _order_act(order_id, OrderAction.DISPATCH, actor, Perm.ORDER_DISPATCH, at, expected_version, change,
                      department_bound=False)


def order_reassign(*, order_id: int, department_id: int | None, reason: str, actor: Staff,
                   at: datetime | None = None, expected_version: int | None = None) -> WorkOrder:
    """改派: to another department, with the reason recorded."""
    reason = _text(reason, "reason", "改派理由")

    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        department = _department(order, department_id)
        if department.pk == order.department_id:
            raise DomainError("feedback.same_department", "改派的部门与当前承办部门相同", field="department")
        payload = {"from": order.department_id, "to": department.pk}
        order.department, order.handler = department, None
        return "reassigned", reason, payload

    return _order_act(order_id, OrderAction.REASSIGN, actor, Perm.ORDER_DISPATCH, at, expected_version, change,
                      department_bound=False)


def order_refuse(*, order_id: int, reason: str, actor: Staff, at: datetime | None = None,
                 expected_version: int | None = None) -> WorkOrder:
    """退回: the department says the order is not theirs; it goes back to the dispatcher."""
    reason = _text(reason, "reason", "退回理由")

    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        payload = {"department": order.department_id}
        order.department, order.handler = None, None
        return "refused", reason, payload

    return _order_act(order_id, OrderAction.REFUSE, actor, Perm.ORDER_HANDLE, at, expected_version, change)


def order_claim(*, order_id: int, actor: Staff, at: datetime | None = None,
                expected_version: int | None = None) -> WorkOrder:
    """签收: a member of the department takes the order and handles it."""
    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        order.handler = actor
        return "claimed", "", {}

    return _order_act(order_id, OrderAction.CLAIM, actor, Perm.ORDER_HANDLE, at, expected_version, change)


def order_handover(*, order_id: int, to_staff_id: int | None, reason: str, actor: Staff,
                   at: datetime | None = None, expected_version: int | None = None) -> WorkOrder:
    """首问负责: the owner stays responsible until handing the order over, with a record."""
    reason = _text(reason, "reason", "移交理由")

    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        if order.owner_id is not None and order.owner_id != actor.pk and not can(actor, Perm.ORDER_DISPATCH,
                                                                                 region=order.region):
            raise DomainError("feedback.not_owner", "只有首问责任人（或分派员）可以移交", field="actor")
        to = Staff.objects.filter(pk=to_staff_id).first() if to_staff_id else None
        if to is None:
            raise NotFound("接收人不存在", code="staff.not_found", field="to_staff")
        if not can(to, Perm.ORDER_HANDOVER, region=order.region):
            raise DomainError("feedback.handover_target", "接收人不在本区划任职，不能接收", field="to_staff")
        payload = {"from": order.owner_id, "to": to.pk}
        order.owner = to
        return "handed_over", reason, payload

    return _order_act(order_id, OrderAction.HANDOVER, actor, Perm.ORDER_HANDOVER, at, expected_version, change,
                      department_bound=False)


def order_answer(*, order_id: int, answer: str, actor: Staff, substantiated: bool | None = None,
                 at: datetime | None = None, expected_version: int | None = None) -> WorkOrder:
    """答复: the department's answer; a complaint says whether it was substantiated (投诉属实)."""
    answer = _text(answer, "answer", "答复内容")

    def change(order: WorkOrder, when: datetime) -> tuple[str, str, dict]:
        if order.kind == r.OrderKind.COMPLAINT and substantiated is None:
            raise DomainError("feedback.substantiated_required", "投诉工单请说明是否属实", field="substantiated")
        order.answer, order.answered_at = answer, when
        order.substantiated = substantiated if order.kind == r.OrderKind.COMPLAINT else None
        if order.caller_phone:
            _sms(order.region, order.caller_phone, f"【政务服务】您反映的问题（工单 {order.number}）已答复：{answer[:60]}",
                 kind="feedback.answer", topic=order.number, key=f"feedback-order:{order.pk}:answer", at=when)
        return "answered", answer, {"substantiated": order.substantiated,
                                    "on_time": local_date(when) <= order.answer_due}

    order = _order_act(order_id, OrderAction.ANSWER, actor, Perm.ORDER_HANDLE, at, expected_version, change)
    if order.substantiated and order.about_staff_id is not None:
        _flag_clerk(order, at=order.answered_at or current_time())
    return order


def _flag_clerk(order: WorkOrder, *, at: datetime) -> ClerkFlag | None:
    """Two substantiated complaints against one clerk in a year → flagged to the center administrator."""
    year = local_date(order.received_at).year
    numbers = list(WorkOrder.objects.filter(about_staff_id=order.about_staff_id, substantiated=True,
                                            kind=r.OrderKind.COMPLAINT, received_at__year=year)
                   .order_by("received_at").values_list("number", flat=True))
    if len(numbers) < r.SUBSTANTIATED_FLAG_THRESHOLD:
        return None
    flag, created = ClerkFlag.objects.get_or_create(
        staff_id=order.about_staff_id, year=year,
        defaults={"region": order.region, "orders": numbers, "flagged_at": at})
    if not created:
        flag.orders = numbers
        flag.save(update_fields=["orders"])
    return flag


def order_supervise(*, order_id: int, note: str, actor: Staff, at: datetime | None = None,
                    expected_version: int | None = None) -> WorkOrder:
    """督办: a supervisor presses the department; recorded on the order."""
    note = _text(note, "note", "督办意见")

    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        order.supervised_times += 1
        return "supervised", note, {"times": order.supervised_times}

    return _order_act(order_id, OrderAction.SUPERVISE, actor, Perm.ORDER_SUPERVISE, at, expected_version, change,
                      department_bound=False)


def order_close(*, order_id: int, note: str = "", actor: Staff, at: datetime | None = None,
                expected_version: int | None = None) -> WorkOrder:
    """办结: the answer is accepted and the order archived."""
    def change(order: WorkOrder, when: datetime) -> tuple[str, str, dict]:
        order.closed_at, order.close_reason = when, note.strip()
        return "closed", note.strip(), {}

    return _order_act(order_id, OrderAction.CLOSE, actor, Perm.ORDER_CLOSE, at, expected_version, change)


def order_visit(*, order_id: int, satisfaction: str, note: str = "", actor: Staff, at: datetime | None = None,
                expected_version: int | None = None) -> WorkOrder:
    """回访: the caller is asked whether satisfied (once)."""
    satisfaction = _choice(r.Satisfaction, satisfaction, "satisfaction", "满意度")

    def change(order: WorkOrder, when: datetime) -> tuple[str, str, dict]:
        if order.visited_at is not None:
            raise DomainError("feedback.already_visited", "该工单已回访", field="action")
        order.satisfaction, order.visited_at = satisfaction, when
        return "visited", note.strip(), {"satisfaction": satisfaction.value}

    return _order_act(order_id, OrderAction.VISIT, actor, Perm.ORDER_VISIT, at, expected_version, change,
                      department_bound=False)


def order_withdraw(*, order_id: int, reason: str, actor: Staff, at: datetime | None = None,
                   expected_version: int | None = None) -> WorkOrder:
    """撤回: closed with the reason; never deleted."""
    reason = _text(reason, "reason", "撤回理由")

    def change(order: WorkOrder, when: datetime) -> tuple[str, str, dict]:
        order.closed_at, order.close_reason = when, reason
        return "withdrawn", reason, {}

    return _order_act(order_id, OrderAction.WITHDRAW, actor, Perm.ORDER_DISPATCH, at, expected_version, change,
                      department_bound=False)


def order_merge(*, order_id: int, into_number: str, reason: str, actor: Staff, at: datetime | None = None,
                expected_version: int | None = None) -> WorkOrder:
    """重复件: closed into another order of the same region; both point to each other."""
    reason = _text(reason, "reason", "合并理由")

    def change(order: WorkOrder, when: datetime) -> tuple[str, str, dict]:
        into = WorkOrder.objects.filter(number=(into_number or "").strip(), region=order.region).first()
        if into is None:
            raise NotFound("要并入的工单不存在", code="feedback.not_found", field="into")
        if into.pk == order.pk or into.merged_into_id is not None:
            raise DomainError("feedback.merge_invalid", "不能并入自身或已合并的工单", field="into")
        order.merged_into, order.closed_at, order.close_reason = into, when, reason
        return "merged", reason, {"into": into.number}

    return _order_act(order_id, OrderAction.MERGE, actor, Perm.ORDER_DISPATCH, at, expected_version, change,
                      department_bound=False)


def order_reward(*, order_id: int, amount: Decimal | str, note: str, actor: Staff, at: datetime | None = None,
                 expected_version: int | None = None) -> WorkOrder:
    """有奖投诉举报: a substantiated complaint or report is rewarded once, the approver and amount
    recorded in its history."""
    note = _text(note, "note", "奖励依据")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError("feedback.reward_invalid", "奖励金额无效", field="amount") from None
    if not Decimal("0") < value <= Decimal("100000"):
        raise DomainError("feedback.reward_invalid", "奖励金额须大于 0 且不超过 100000 元", field="amount")

    def change(order: WorkOrder, _at: datetime) -> tuple[str, str, dict]:
        if not order.substantiated:
            raise DomainError("feedback.reward_refused", "仅经查属实的投诉举报可以奖励", field="action")
        if order.reward_amount is not None:
            raise DomainError("feedback.reward_refused", "该工单已奖励", field="action")
        order.reward_amount, order.reward_approved_by = value, actor
        return "rewarded", note, {"amount": str(value)}

    return _order_act(order_id, OrderAction.REWARD, actor, Perm.ORDER_REWARD, at, expected_version, change,
                      department_bound=False)


def order_publish(*, order_id: int, actor: Staff, at: datetime | None = None) -> WorkOrder:
    """审核公开: the answer the citizen agreed to publish appears on the public page (no personal data)."""
    at = at or current_time()
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Perm.QA_REVIEW, region=order.region)
        if not order.publish_consent or order.state != OrderState.CLOSED:
            raise DomainError("feedback.publish_refused", "仅诉求人同意公开且已办结的工单可以公开", field="action")
        order.published = True
        order.row_version += 1
        order.save(update_fields=["published", "row_version"])
        _order_record(order, "published", at=at, actor=actor, before=by_identity(order_deadlines(order)))
        return order


# The API's and the pages' ``actions/{action}``: each action's service and the inputs it takes.
ORDER_ACTIONS: dict[str, Callable[..., WorkOrder]] = {
    "dispatch": order_dispatch, "reassign": order_reassign, "refuse": order_refuse, "claim": order_claim,
    "handover": order_handover, "answer": order_answer, "supervise": order_supervise, "close": order_close,
    "visit": order_visit, "withdraw": order_withdraw, "merge": order_merge, "reward": order_reward,
}


# -- invitations and default ratings (periodic jobs) ----------------------------------------------------


def rating_invitations_send(*, since: datetime, now: datetime | None = None, limit: int = 2000) -> int:
    """The conclusion SMS's rating link: for each case concluded since ``since`` with a mobile
    number, not rated and not yet invited, one signed single-use link by SMS. Idempotent."""
    from onewindow.core.public import public_url

    now = now or current_time()
    invited = RatingLink.objects.filter(channel=r.Channel.SMS, case__isnull=False).values("case_id")
    cases = (Case.objects.filter(status__in=list(r.RATABLE_CASE_STATUSES), concluded_at__gte=since,
                                 concluded_at__lte=now, ratings__isnull=True)
             .exclude(applicant_phone_bidx="").exclude(pk__in=invited).select_related("region")[:limit])
    sent = 0
    for case in cases:
        if not is_mainland_mobile(normalize_phone(case.applicant_phone)):
            continue
        with transaction.atomic():
            _link, token = rating_link_issue(case_id=case.pk, at=now)
            _sms(case.region, case.applicant_phone,
                 f"【政务服务】您的办件已办结，欢迎评价（{r.SMS_LINK_DAYS} 日内有效）：{public_url('feedback_public:rate', token)}",
                 kind="feedback.invitation", topic=case.number, key=f"feedback-invite:{case.pk}", at=now)
        sent += 1
    return sent


def ratings_record_defaults(*, now: datetime | None = None, limit: int = 5000) -> int:
    """默认好评 where a center's rule has it: a case concluded more than its days ago and not rated
    is recorded as 基本满意 (channel ``default``: never shown as a citizen's words). Idempotent."""
    from .models import FeedbackSettings

    now = now or current_time()
    made = 0
    for settings_row in FeedbackSettings.objects.filter(default_rating_days__isnull=False).select_related("region"):
        before = now - timedelta(days=settings_row.default_rating_days)
        cases = (Case.objects.filter(region__code__startswith=settings_row.region.prefix,
                                     status__in=list(r.RATABLE_CASE_STATUSES), concluded_at__lte=before,
                                     ratings__isnull=True).select_related("region")[:limit])
        for case in cases:
            try:
                with transaction.atomic():
                    Rating.objects.create(region=case.region, case=case, item_id=case.item_id,
                                          department_id=case.department_id, window_id=case.window_id,
                                          staff=_case_clerk(case), level=int(r.Level.BASIC), channel=r.Channel.DEFAULT,
                                          rated_at=now)
            except IntegrityError:  # rated in the meantime
                continue
            made += 1
    return made


# -- 追评: one follow-up of a rating --------------------------------------------------------------------


def rating_follow_up(*, comment: str, channel: str, level: str | None = None, case_number: str | None = None,
                     query_code: str | None = None, user: Any = None, at: datetime | None = None) -> RatingFollowUp:
    """追评: the applicant who rated a case adds one later word (e.g. after the return visit),
    linked to the rating, which stays as it was. Only the applicant's own channels (``online``:
    their account; ``progress``: case number and query code); a second follow-up is refused (409
    ``rating.follow_up_exists``). A follow-up of a bad rating is recorded on its rectification's
    history too, for the department to read."""
    at = at or current_time()
    try:
        channel = r.Channel(channel)
    except ValueError:
        raise DomainError("rating.channel_invalid", "评价渠道无效", field="channel") from None
    if channel not in r.FOLLOW_UP_CHANNELS:
        raise DomainError("rating.channel_invalid", "追评请通过网上账户或办件编号加查询码提交", field="channel")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("rating.follow_up_comment_required", "请填写追评内容", field="comment")
    if len(comment) > r.FOLLOW_UP_MAX_CHARS:
        raise DomainError("rating.follow_up_comment_too_long", f"追评内容最多 {r.FOLLOW_UP_MAX_CHARS} 字",
                          field="comment")
    level_value = None
    if level:
        level_value = r.LEVEL_BY_CODE.get(str(level).strip())
        if level_value is None:
            raise DomainError("rating.level_invalid", "评价等级无效", field="level")
    case = _resolve_case(user=user, case_number=case_number, query_code=query_code, channel=channel)
    with transaction.atomic():
        rating = Rating.objects.select_for_update().filter(case=case).first()
        if rating is None:
            raise NotFound("该办件尚未评价，请先评价", code="rating.not_found", field="case_number")
        if rating.channel == r.Channel.DEFAULT:
            # 默认好评 is the system's, not the applicant's: there is nothing of theirs to follow up.
            raise DomainError("rating.follow_up_default", "默认评价不能追评", field="case_number")
        if RatingFollowUp.objects.filter(rating=rating).exists():
            raise Conflict("rating.follow_up_exists", "该评价已追评，每条评价只能追评一次", field="case_number")
        try:
            with transaction.atomic():
                follow_up = RatingFollowUp.objects.create(rating=rating, level=int(level_value) if level_value else None,
                                                          comment=comment, channel=channel, added_at=at)
        except IntegrityError:  # a concurrent follow-up won
            raise Conflict("rating.follow_up_exists", "该评价已追评，每条评价只能追评一次",
                           field="case_number") from None
        rect = Rectification.objects.select_for_update(of=("self",)).filter(rating=rating).first()
        if rect is not None:
            _rect_record(rect, "follow_up", at=at, actor=None, note=comment[:200],
                         payload={"level": int(level_value) if level_value else None},
                         before=by_identity(rect_deadlines(rect)))
        return follow_up


# -- the caller's full phone on a work order ---------------------------------------------------------------


def order_phone_reveal(*, order_id: int, reason: str, actor: Staff, at: datetime | None = None) -> str:
    """The caller's full phone, for a staff member who calls back (the department handling the
    order, the center's desk), with a reason. Every reveal is an event on the order's chain
    (``phone_revealed``: who, when, why — never the number) before the number is returned."""
    at = at or current_time()
    why = _choice(r.RevealReason, reason, "reason", "查看事由")
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Perm.ORDER_REVEAL_PHONE, region=order.region, department=order.department)
        if not order.caller_phone:
            raise DomainError("feedback.no_phone", "该工单没有留联系电话", field="phone")
        _order_record(order, "phone_revealed", at=at, actor=actor, note=r.REVEAL_REASON_LABELS[why],
                      payload={"reason": why.value}, before=by_identity(order_deadlines(order)))
        return order.caller_phone


# -- bulk notices (群发通知) ----------------------------------------------------------------------------------


class NoticeRateLimited(DomainError):
    """The department's bulk notices of the day are used up: answered with 429."""

    status = 429


def _notice_record(notice: BulkNotice, kind: str, *, at: datetime, actor: Staff | None, note: str = "",
                   payload: dict[str, Any] | None = None) -> None:
    previous = BulkNoticeEvent.objects.filter(notice=notice).order_by("-seq").first()
    event_append(BulkNoticeEvent(notice=notice, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                 subject_label=notice.number, previous=previous)


def notice_draft(*, department_id: int | None, group: str, year: int, body: str, actor: Staff,
                 item_id: int | None = None, idempotency_key: str = "", at: datetime | None = None) -> BulkNotice:
    """拟稿: a department's SMS to a chosen group — every applicant of one of its items in a year,
    or every caller of its work orders in a year. It waits for a second person's approval. The
    same ``idempotency_key`` of the same department gives back the notice it made."""
    at = at or current_time()
    department = Department.objects.select_related("region").filter(pk=department_id).first() \
        if department_id else None
    if department is None:
        raise NotFound("发送部门不存在", code="department.not_found", field="department")
    require(actor, Perm.NOTICE_DRAFT, region=department.region, department=department)
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = BulkNotice.objects.filter(department=department, idempotency_key=key).first()
        if existing is not None:
            return existing
    group = _choice(r.NoticeGroup, group, "group", "发送对象")
    body = _text(body, "body", "短信内容", limit=r.NOTICE_MAX_CHARS)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError("feedback.year_invalid", "年度无效", field="year") from None
    if not 2000 <= year <= local_date(at).year:
        raise DomainError("feedback.year_invalid", "年度无效（不能晚于今年）", field="year")
    item = None
    if group == r.NoticeGroup.ITEM_APPLICANTS:
        item = ServiceItem.objects.filter(pk=item_id, department=department).first() if item_id else None
        if item is None:
            raise NotFound("请选择本部门的事项", code="item.not_found", field="item")
    try:
        with transaction.atomic():
            notice = BulkNotice.objects.create(
                number=_number(department.region, local_date(at).year, "QF", 4), region=department.region,
                department=department, group=group, item=item, year=year, body=body,
                state=_move(r.NOTICE_TABLE, NoticeAction.DRAFT, None), idempotency_key=key, drafted_by=actor,
                drafted_at=at)
            _notice_record(notice, "drafted", at=at, actor=actor, note=body,
                           payload={"group": group.value, "item": item.pk if item else None, "year": year})
    except IntegrityError:  # the same key at the same moment: the first one stands
        return BulkNotice.objects.get(department=department, idempotency_key=key)
    return notice


def _load_notice(notice_id: int) -> BulkNotice:
    notice = (BulkNotice.objects.select_for_update(of=("self",)).select_related("region", "department")
              .filter(pk=notice_id).first())
    if notice is None:
        raise NotFound("群发通知不存在", code="notice.not_found", field="notice")
    return notice


def notice_review(*, notice_id: int, approve: bool, actor: Staff, note: str = "", at: datetime | None = None,
                  expected_version: int | None = None) -> BulkNotice:
    """审核: a second person (chief representative or center administrator) approves the text, or
    sends it back with the reason. The drafter cannot approve their own text."""
    at = at or current_time()
    note = _text(note, "note", "退回理由", required=not approve, limit=500)
    with transaction.atomic():
        notice = _load_notice(notice_id)
        require(actor, Perm.NOTICE_APPROVE, region=notice.region, department=notice.department)
        _check_version(notice, expected_version)
        target = _move(r.NOTICE_TABLE, NoticeAction.APPROVE if approve else NoticeAction.REJECT,
                       NoticeState(notice.state))
        if notice.drafted_by_id == actor.pk:
            raise DomainError("notice.same_approver", "群发通知须由拟稿人以外的人员审核", field="actor")
        notice.state, notice.approved_by, notice.approved_at = target, actor, at
        notice.row_version += 1
        notice.save(update_fields=["state", "approved_by", "approved_at", "row_version"])
        _notice_record(notice, "approved" if approve else "rejected", at=at, actor=actor, note=note)
        return notice


def notice_recipients(notice: BulkNotice) -> tuple[dict[str, str], list[WorkOrder]]:
    """The group of a notice now: mobile numbers by their blind index (one message per person),
    and for the callers' group the work orders whose callers are told (each gets its event)."""
    phones: dict[str, str] = {}
    orders: list[WorkOrder] = []
    if notice.group == r.NoticeGroup.ITEM_APPLICANTS:
        rows = (Case.objects.filter(item_id=notice.item_id, submitted_at__year=notice.year,
                                    region__code__startswith=notice.region.prefix)
                .exclude(applicant_phone_bidx="").order_by("id").values_list("applicant_phone_bidx", "applicant_phone"))
        for bidx, phone in rows:
            mobile = normalize_phone(phone or "")
            if bidx not in phones and is_mainland_mobile(mobile):
                phones[bidx] = mobile
    else:
        for order in (WorkOrder.objects.filter(department=notice.department, received_at__year=notice.year)
                      .exclude(caller_phone="").order_by("id")):
            mobile = normalize_phone(order.caller_phone)
            if not is_mainland_mobile(mobile):
                continue
            orders.append(order)
            phones.setdefault(crypto.blind_index("phone", mobile), mobile)
    return phones, orders


def notice_send(*, notice_id: int, actor: Staff, at: datetime | None = None,
                expected_version: int | None = None) -> BulkNotice:
    """发送: the approved text to every phone of the group, through the outbox, in one transaction.
    Rate limited: at most ``NOTICE_PER_DEPARTMENT_PER_DAY`` notices a department a day and
    ``NOTICE_MAX_RECIPIENTS`` people a notice. Each message's key names the notice and the phone,
    and a notice already sent is returned as it is: a repeated request sends nothing twice. The
    notice's history records the count; each work order of the callers' group records the notice."""
    at = at or current_time()
    with transaction.atomic():
        notice = _load_notice(notice_id)
        require(actor, Perm.NOTICE_DRAFT, region=notice.region, department=notice.department)
        if notice.state == NoticeState.SENT:
            return notice  # a repeat (a double click, a retried request): already done, nothing more
        _check_version(notice, expected_version)
        target = _move(r.NOTICE_TABLE, NoticeAction.SEND, NoticeState(notice.state))
        today = local_date(at)
        sent_today = sum(1 for when in BulkNotice.objects.filter(department=notice.department, state=NoticeState.SENT,
                                                                   sent_at__gte=at - timedelta(days=1))
                         .values_list("sent_at", flat=True) if local_date(when) == today)
        if sent_today >= r.NOTICE_PER_DEPARTMENT_PER_DAY:
            raise NoticeRateLimited("notice.rate_limited",
                                    f"本部门今天已发送 {sent_today} 条群发通知，每天最多 {r.NOTICE_PER_DEPARTMENT_PER_DAY} 条，"
                                    "请明天再发", field="notice")
        phones, orders = notice_recipients(notice)
        if not phones:
            raise DomainError("notice.no_recipients", "发送对象中没有可接收短信的手机号码", field="group")
        if len(phones) > r.NOTICE_MAX_RECIPIENTS:
            raise DomainError("notice.too_many_recipients",
                              f"发送对象有 {len(phones)} 人，超过每条通知 {r.NOTICE_MAX_RECIPIENTS} 人的上限", field="group")
        for bidx, mobile in phones.items():
            notify(region=notice.region, channel="sms", recipient=mobile, subject="政务服务", body=notice.body,
                   kind="feedback.bulk_notice", topic=notice.number, dedupe_key=f"feedback-notice:{notice.pk}:{bidx}",
                   at=at)
        for order in orders:
            locked = _load_order(order.pk)
            _order_record(locked, "notice_sent", at=at, actor=actor, note=f"群发通知 {notice.number}",
                          payload={"notice": notice.number}, before=by_identity(order_deadlines(locked)))
        notice.state, notice.sent_by, notice.sent_at, notice.recipients = target, actor, at, len(phones)
        notice.row_version += 1
        notice.save(update_fields=["state", "sent_by", "sent_at", "recipients", "row_version"])
        _notice_record(notice, "sent", at=at, actor=actor, note=f"发送 {len(phones)} 人",
                       payload={"recipients": len(phones), "orders": [o.number for o in orders][:1000]})
        return notice
