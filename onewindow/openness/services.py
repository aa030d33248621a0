"""Every write of on-request disclosure (依申请公开): file, clarify, consult, extend, reply, withdraw.

Each action locks the request, asks the transition table and then the working-day engine
(``check_transition``: the same reading of the law as the clock), appends the chained event and
writes the deadline rows that changed, in one transaction. A refusal is a :class:`DomainError`
with an English code, a Chinese message and the field at fault; nothing is half-written.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.identity import is_valid_id_number, is_valid_uscc
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.documents.models import DocumentNumberSequence
from onewindow.documents.numbering import issuer_short_name
from onewindow.lifecycle.deadlines import by_identity, changes
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require
from onewindow.workdays.clock import (
    FEE_PAYMENT,
    THIRD_PARTY_CONSULTATION,
    ClockState,
    EventKind,
    check_transition,
)
from onewindow.workdays.selectors import snapshot_for

from . import clock as ck
from . import fee_document, fee_rules, reply_document
from .fee_rules import FeeState, Method
from .models import (
    DisclosureFee,
    DisclosureReply,
    DisclosureRequest,
    DisclosureRequestEvent,
    OpennessSequence,
)
from .rules import (
    CLARIFICATION_REPLY_WORKDAYS,
    MAX_TEXT,
    NEEDS_AGENCY,
    NEEDS_GROUND,
    NEEDS_REASON,
    TABLE,
    Action,
    Answer,
    ApplicantKind,
    Channel,
    Delivery,
    Ground,
    State,
)

_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
MAX_POST_DELAY_DAYS = 60  # a letter signed for longer ago than this is a typing mistake


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str
    address: str = ""


# -- helpers ------------------------------------------------------------------------------------------


def _text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"disclosure.{field}_required", f"请填写{label}", field=field)
    if len(text) > limit:
        raise DomainError(f"disclosure.{field}_too_long", f"{label}不能超过 {limit} 个字符", field=field)
    return text


def _choice(value: str | None, enum: type, field: str, label: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise DomainError(f"disclosure.{field}_invalid", f"{label}“{value or ''}”无效", field=field) from None


def _check_applicant(a: Applicant) -> Applicant:
    kind = _choice(a.kind, ApplicantKind, "applicant_kind", "申请人类型")
    name = _text(a.name, "applicant_name", "申请人姓名或名称", limit=100)
    id_number = (a.id_number or "").strip().upper()
    if kind == ApplicantKind.PERSON and not is_valid_id_number(id_number):
        raise DomainError("disclosure.applicant_id_invalid", "身份证号码无效（请检查位数和校验位）",
                          field="applicant_id_number")
    if kind == ApplicantKind.ORGANIZATION and not is_valid_uscc(id_number):
        raise DomainError("disclosure.applicant_id_invalid", "统一社会信用代码无效（请检查位数和校验位）",
                          field="applicant_id_number")
    phone = (a.phone or "").strip().replace("-", "").replace(" ", "")
    if not phone.isdigit() or not 7 <= len(phone) <= 15:
        raise DomainError("disclosure.applicant_phone_invalid", "联系电话应为 7 至 15 位数字", field="applicant_phone")
    address = _text(a.address, "applicant_address", "通信地址", required=False, limit=200)
    return Applicant(kind.value, name, id_number, phone, address)


def _next_request_number(department: Department, year: int) -> str:
    region = department.region
    seq = next_value(OpennessSequence, {"scope": f"request:{region.code}", "year": year})
    return f"{region.prefix}-GK{year}-{seq:06d}"


def _next_reply_number(req: DisclosureRequest, year: int) -> str:
    """``云溪依复〔2026〕000001号``: the documents' numbering (issuer short name, mark, year, sequence)."""
    short = issuer_short_name(req.region.name, req.region.level)
    seq = next_value(DocumentNumberSequence, {"scope": f"doc:{short}依复", "year": year})
    return f"{short}依复〔{year}〕{seq:06d}号"


def stored_events(req: DisclosureRequest) -> list[ck.StoredEvent]:
    return [ck.StoredEvent(e.kind, e.at, e.payload, e.seq)
            for e in DisclosureRequestEvent.objects.filter(request=req).order_by("seq")]


def _specs(req: DisclosureRequest, state: ClockState) -> list:
    return ck.deadline_specs(req.state, state, department_id=req.department_id,
                             consultation_due=ck.pause_due(state, THIRD_PARTY_CONSULTATION),
                             fee_due=ck.pause_due(state, FEE_PAYMENT))


def _load(request_id: int, expected_version: int | None) -> DisclosureRequest:
    req = (DisclosureRequest.objects.select_for_update(of=("self",)).select_related("region", "department")
           .filter(pk=request_id).first())
    if req is None:
        raise NotFound("政府信息公开申请不存在", code="disclosure.not_found", field="number")
    if expected_version is not None and expected_version != req.row_version:
        raise Conflict("disclosure.changed", "该申请已被他人更新，请刷新页面后重试", field="expected_version")
    return req


def _move(req: DisclosureRequest, action: Action) -> State:
    """The state after ``action``; filing is the table's creating move (from no state)."""
    current = None if action == Action.FILE else State(req.state)
    try:
        return TABLE.next_state(action, current)
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def _apply(req: DisclosureRequest, *, action: Action, kind: str, at: datetime, actor: Staff | None,
           note: str = "", payload: dict[str, Any] | None = None, fields: tuple[str, ...] = ()) -> ClockState:
    """The kernel's writes of one action on a locked request: the engine's check, the chained
    event, the row, and the deadline rows that moved."""
    payload = payload or {}
    target = _move(req, action)
    history = stored_events(req)
    calendar = snapshot_for(req.region.code)
    new = ck.StoredEvent(kind, at, payload, len(history) + 1)
    problems = check_transition(ck.clock_events(history), ck.clock_event(new), ck.LIMITS, calendar)
    if problems:
        first = problems[0]
        raise DomainError(f"disclosure.{first.code.removeprefix('clock.')}", first.message, field="action")
    today = local_date(at)
    before = ck.state_of(history, calendar, today)
    before_specs = by_identity(_specs(req, before)) if history else {}
    previous = DisclosureRequestEvent.objects.filter(request=req).order_by("-seq").first()
    event_append(DisclosureRequestEvent(request=req, kind=kind, at=at, actor=actor, note=note, payload=payload),
                 subject_label=req.number, previous=previous)
    after = ck.state_of([*history, new], calendar, today)
    req.state = target.value
    req.reply_due = after.statutory_due if after.statutory_due is not None else req.reply_due
    req.extension_workdays = after.extension_workdays
    req.row_version += 1
    req.save(update_fields=["state", "reply_due", "extension_workdays", "row_version", *fields])
    deadlines_write(subject_type=ck.SUBJECT, subject_id=req.pk, region_id=req.region_id,
                    specs=changes(before_specs, _specs(req, after), vanished_reason="期限已不再适用"), at=at)
    return after


# -- filing ---------------------------------------------------------------------------------------------


def request_file(*, department_id: int, channel: str, applicant: Applicant, description: str, delivery: str,
                 purpose: str = "", received_on: date | None = None, actor: Staff | None = None,
                 at: datetime | None = None) -> DisclosureRequest:
    """登记申请: a request online (the applicant, no staff; confirmed at once), by post (staff record
    the day it was signed for) or in person (today). The receipt date is Art. 31's."""
    at = at or current_time()
    today = local_date(at)
    ch = _choice(channel, Channel, "channel", "申请方式")
    applicant = _check_applicant(applicant)
    description = _text(description, "description", "所需政府信息的内容描述")
    purpose = _text(purpose, "purpose", "用途", required=False, limit=200)
    dv = _choice(delivery, Delivery, "delivery", "获取信息的方式")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("受理机关不存在", code="department.not_found", field="department")
    if ch != Channel.ONLINE and actor is None:
        raise DomainError("disclosure.staff_required", "信函和当面申请须由工作人员登记", field="channel")
    if actor is not None:
        require(actor, Perm.CASE_SUBMIT, region=department.region, department=department, on=today)
    if ch == Channel.POST:
        if received_on is None:
            raise DomainError("disclosure.received_on_required", "信函申请须填写签收日期", field="received_on")
        if received_on > today:
            raise DomainError("disclosure.received_on_future", "签收日期不能晚于今天", field="received_on")
        if (today - received_on).days > MAX_POST_DELAY_DAYS:
            raise DomainError("disclosure.received_on_too_old",
                              f"签收日期不能早于 {MAX_POST_DELAY_DAYS} 天前，请核对", field="received_on")
    else:
        received_on = today  # in person: handed in today; online: confirmed on submission
    with transaction.atomic():
        req = DisclosureRequest.objects.create(
            number=_next_request_number(department, today.year),
            query_code="".join(secrets.choice(_QUERY_ALPHABET) for _ in range(8)),
            region=department.region, department=department, channel=ch.value, applicant_kind=applicant.kind,
            applicant_name=applicant.name, applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone, applicant_address=applicant.address, description=description,
            purpose=purpose, delivery=dv.value, received_on=received_on, state=State.RECEIVED,
            created_at=at, created_by=actor, row_version=0)
        _apply(req, action=Action.FILE, kind=EventKind.SUBMITTED, at=at, actor=actor, note=description[:200],
               payload={"on": received_on.isoformat(), "channel": ch.value})
        return req


# -- handling -------------------------------------------------------------------------------------------


def _handler(req: DisclosureRequest, actor: Staff, at: datetime, perm: Perm = Perm.CASE_REVIEW) -> None:
    require(actor, perm, region=req.region, department=req.department, on=local_date(at))


def _day(value: date | None, today: date, req: DisclosureRequest, field: str, label: str) -> date:
    day = value or today
    if day > today:
        raise DomainError(f"disclosure.{field}_future", f"{label}不能晚于今天", field=field)
    if day < req.received_on:
        raise DomainError(f"disclosure.{field}_before_receipt", f"{label}不能早于收到申请之日", field=field)
    return day


def request_clarification(*, request_id: int, points: list[str], actor: Staff, note: str = "",
                          at: datetime | None = None, expected_version: int | None = None) -> DisclosureRequest:
    """告知补正 (Art. 30): once, within 7 working days of receipt, naming everything to clarify."""
    at = at or current_time()
    clean = [p.strip() for p in points if p and p.strip()]
    if not clean:
        raise DomainError("disclosure.points_required", "请一次性列明需要补正的全部事项", field="points")
    if any(len(p) > 200 for p in clean):
        raise DomainError("disclosure.points_too_long", "每项补正事项不能超过 200 个字符", field="points")
    note = _text(note, "note", "说明", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        _move(req, Action.REQUEST_CLARIFICATION)  # the table's refusal first: "待补正" says more than "once"
        if req.clarification_requested:
            raise DomainError("disclosure.clarification_once",
                              "补正只能告知一次（政府信息公开条例 第三十条），本申请已告知过补正", field="action")
        reply_by = snapshot_for(req.region.code).add_workdays(local_date(at), CLARIFICATION_REPLY_WORKDAYS)
        req.clarification_requested = True
        _apply(req, action=Action.REQUEST_CLARIFICATION, kind=EventKind.SUPPLEMENT_REQUESTED, at=at, actor=actor,
               note=note, payload={"points": clean, "reply_by": reply_by.isoformat()},
               fields=("clarification_requested",))
        return req


def receive_clarification(*, request_id: int, actor: Staff, received_on: date | None = None, note: str = "",
                          at: datetime | None = None, expected_version: int | None = None) -> DisclosureRequest:
    """登记补正: the clarified request arrived (by post: the day signed for); the 20 days restart."""
    at = at or current_time()
    note = _text(note, "note", "补正内容", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        day = _day(received_on, local_date(at), req, "received_on", "补正收到日期")
        _apply(req, action=Action.RECEIVE_CLARIFICATION, kind=EventKind.SUPPLEMENTED, at=at, actor=actor, note=note,
               payload={"on": day.isoformat()})
        return req


def deem_withdrawn(*, request_id: int, actor: Staff, note: str = "", at: datetime | None = None,
                   expected_version: int | None = None) -> DisclosureRequest:
    """视为放弃申请: the time given to clarify (Art. 30) or to pay the processing fee (国办函〔2020〕109号)
    passed without a clarification or a payment."""
    at = at or current_time()
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        today = local_date(at)
        fee = DisclosureFee.objects.select_for_update().filter(request=req).first()
        if req.state == State.AWAITING_FEE and fee is not None:
            if today <= fee.pay_by:
                raise DomainError("disclosure.fee_time_running",
                                  f"缴费期限至 {fee.pay_by.isoformat()} 届满，届满前不能视为放弃申请", field="action")
            fee.state = FeeState.LAPSED
            fee.save(update_fields=["state"])
            note = note or "申请人逾期未缴纳信息处理费，视为放弃申请"
        else:
            asked = DisclosureRequestEvent.objects.filter(request=req, kind=EventKind.SUPPLEMENT_REQUESTED).first()
            reply_by = date.fromisoformat(asked.payload["reply_by"]) if asked is not None else None
            if reply_by is not None and today <= reply_by:
                raise DomainError("disclosure.clarification_time_running",
                                  f"补正期限至 {reply_by.isoformat()} 届满，届满前不能视为放弃申请", field="action")
            note = note or "申请人逾期未补正，视为放弃申请"
        req.closed_on = today
        _apply(req, action=Action.DEEM_WITHDRAWN, kind=EventKind.WITHDRAWN, at=at, actor=actor,
               note=note, payload={"deemed": True}, fields=("closed_on",))
        return req


def start_consultation(*, request_id: int, third_party: str, actor: Staff, note: str = "",
                       at: datetime | None = None, expected_version: int | None = None) -> DisclosureRequest:
    """征求第三方意见 (Art. 32): the clock pauses; the third party has 15 working days."""
    at = at or current_time()
    third_party = _text(third_party, "third_party", "第三方名称", limit=200)
    note = _text(note, "note", "征求意见事项", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        req.consulted = True
        _apply(req, action=Action.START_CONSULTATION, kind=EventKind.SPECIAL_PROCEDURE_STARTED, at=at, actor=actor,
               note=note, payload={"third_party": third_party}, fields=("consulted",))
        return req


def end_consultation(*, request_id: int, opinion: str, actor: Staff, answered_on: date | None = None,
                     note: str = "", at: datetime | None = None,
                     expected_version: int | None = None) -> DisclosureRequest:
    """登记第三方意见: the answer (agree, object, or none within the 15 working days); the clock runs again."""
    at = at or current_time()
    opinions = {"agree": "同意公开", "object": "不同意公开", "none": "逾期未提出意见"}
    if opinion not in opinions:
        raise DomainError("disclosure.opinion_invalid", "第三方意见应为：同意公开、不同意公开或逾期未提出意见",
                          field="opinion")
    note = _text(note, "note", "意见内容", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        day = _day(answered_on, local_date(at), req, "answered_on", "第三方答复日期")
        _apply(req, action=Action.END_CONSULTATION, kind=EventKind.SPECIAL_PROCEDURE_ENDED, at=at, actor=actor,
               note=note or opinions[opinion], payload={"on": day.isoformat(), "opinion": opinion})
        return req


def extend(*, request_id: int, workdays: int, reason: str, actor: Staff, at: datetime | None = None,
           expected_version: int | None = None) -> DisclosureRequest:
    """延长答复期限 (Art. 33): once, at most 20 working days, with the responsible person's consent —
    the actor must be the department's chief representative."""
    at = at or current_time()
    reason = _text(reason, "reason", "延期理由")
    if not isinstance(workdays, int) or isinstance(workdays, bool):
        raise DomainError("disclosure.workdays_invalid", "延长天数须为正整数个工作日", field="workdays")
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at, Perm.CASE_GRANT_EXTENSION)
        _apply(req, action=Action.EXTEND, kind=EventKind.EXTENSION_GRANTED, at=at, actor=actor, note=reason,
               payload={"workdays": workdays, "approver_role": ck.APPROVER_ROLE, "approver": actor.name})
        return req


def reply(*, request_id: int, answer: str, actor: Staff, reasons: str = "", grounds: list[str] | None = None,
          agency: str = "", how_to_obtain: str = "", at: datetime | None = None,
          expected_version: int | None = None) -> DisclosureRequest:
    """作出答复 (Art. 36): the answer, its reasons and the applicant's remedies, as a numbered reply
    document frozen in the same transaction."""
    at = at or current_time()
    kind = _choice(answer, Answer, "answer", "答复类型")
    reasons = _text(reasons, "reasons", "答复理由", required=kind in NEEDS_REASON)
    agency = _text(agency, "agency", "负责公开该信息的机关", required=kind in NEEDS_AGENCY, limit=200)
    how_to_obtain = _text(how_to_obtain, "how_to_obtain", "获取方式", required=False)
    chosen = [_choice(g, Ground, "grounds", "不予公开的理由") for g in (grounds or [])]
    if kind in NEEDS_GROUND and not chosen:
        raise DomainError("disclosure.grounds_required", "不予公开（含部分公开）须选择法定理由", field="grounds")
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        today = local_date(at)
        req.answer, req.replied_on, req.closed_on = kind.value, today, today
        state = _apply(req, action=Action.REPLY, kind=EventKind.DECIDED, at=at, actor=actor, note=reasons,
                       payload={"answer": kind.value, "grounds": [g.value for g in chosen]},
                       fields=("answer", "replied_on", "closed_on"))
        number = _next_reply_number(req, today.year)
        content = reply_document.build(req, number=number, answer=kind, reasons=reasons, grounds=chosen,
                                       agency=agency, how_to_obtain=how_to_obtain, issued_on=today,
                                       on_time=state.timeliness is None or str(state.timeliness) != "overdue")
        DisclosureReply.objects.create(request=req, number=number, answer=kind.value, content=content,
                                       content_sha256=reply_document.content_hash(content), issued_at=at)
        return req


def withdraw(*, request_id: int, actor: Staff, note: str = "", at: datetime | None = None,
             expected_version: int | None = None) -> DisclosureRequest:
    """登记撤回: the applicant withdrew the request (an unpaid fee is no longer charged)."""
    at = at or current_time()
    note = _text(note, "note", "撤回说明", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        req.closed_on = local_date(at)
        _apply(req, action=Action.WITHDRAW, kind=EventKind.WITHDRAWN, at=at, actor=actor,
               note=note or "申请人撤回申请", fields=("closed_on",))
        DisclosureFee.objects.filter(request=req, state=FeeState.PENDING).update(state=FeeState.CANCELLED)
        return req


# -- the processing fee (信息处理费, 第四十二条 and 国办函〔2020〕109号) ----------------------------------------

MAX_PIECES = 50
MAX_PAGES = 100000


def _next_fee_number(req: DisclosureRequest, year: int) -> str:
    """``云溪依收〔2026〕000001号``: numbered like the replies, in a sequence of its own."""
    short = issuer_short_name(req.region.name, req.region.level)
    seq = next_value(DocumentNumberSequence, {"scope": f"doc:{short}依收", "year": year})
    return f"{short}依收〔{year}〕{seq:06d}号"


def month_count_before(req: DisclosureRequest) -> int:
    """How many requests (as pieces) the same applicant made to the same agency earlier in the
    calendar month of this one's receipt — the count 按件计收 starts from."""
    start = req.received_on.replace(day=1)
    earlier = (DisclosureRequest.objects.filter(department=req.department, applicant_id_number=req.applicant_id_number,
                                                received_on__gte=start, received_on__lte=req.received_on)
               .exclude(pk=req.pk).select_related("fee"))
    total = 0
    for other in earlier:
        if other.received_on == req.received_on and other.pk > req.pk:
            continue  # the same day: filed after this one
        fee = getattr(other, "fee", None)
        total += fee.pieces if fee is not None else 1
    return total


def _positive(value: object, field: str, label: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise DomainError(f"disclosure.{field}_invalid", f"{label}须为 1 至 {limit} 的整数", field=field)
    return value


def fee_notice(*, request_id: int, method: str, actor: Staff, pieces: int = 1, pages: int | None = None,
               how_to_pay: str = "", note: str = "", at: datetime | None = None,
               expected_version: int | None = None) -> DisclosureRequest:
    """发出收费通知: only where the applicant's requests exceed the free range (第四十二条); the fee is
    counted by one method (按件 from the month's requests, 按量 from the pages), the numbered notice
    frozen, the reply clock paused until the payment (the applicant has 20 working days)."""
    at = at or current_time()
    kind = _choice(method, Method, "method", "计收方式")
    pieces = _positive(pieces, "pieces", "本申请计件数", MAX_PIECES)
    if kind == Method.PER_PAGE:
        if pages is None:
            raise DomainError("disclosure.pages_required", "按量计收须填写页数", field="pages")
        pages = _positive(pages, "pages", "页数", MAX_PAGES)
    else:
        pages = None
    how_to_pay = _text(how_to_pay, "how_to_pay", "缴费方式", required=False, limit=500)
    note = _text(note, "note", "说明", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        _move(req, Action.FEE_NOTICE)
        if DisclosureFee.objects.filter(request=req).exists():
            raise DomainError("disclosure.fee_once", "每件申请只能收费一次（国办函〔2020〕109号 第三条：不得重复计算）",
                              field="action")
        today = local_date(at)
        calendar = snapshot_for(req.region.code)
        due = ck.state_of(stored_events(req), calendar, today).statutory_due
        if due is not None and today > due:
            raise DomainError("disclosure.fee_after_due",
                              f"答复期限已于 {due.isoformat()} 届满，收费通知应在答复期限内发出", field="action")
        earlier = month_count_before(req)
        try:
            quote = (fee_rules.per_request(earlier, pieces) if kind == Method.PER_REQUEST
                     else fee_rules.per_page(pages or 0))
        except fee_rules.BelowThreshold as exc:
            raise DomainError("disclosure.fee_below_threshold", str(exc),
                              field="pages" if kind == Method.PER_PAGE else "method") from None
        number = _next_fee_number(req, today.year)
        pay_by = calendar.add_workdays(today, fee_rules.NATIONAL.pay_workdays)
        _apply(req, action=Action.FEE_NOTICE, kind=EventKind.SPECIAL_PROCEDURE_STARTED, at=at, actor=actor,
               note=note or f"收费通知 {number}，{quote.amount} 元",
               payload={"procedure": FEE_PAYMENT, "fee_notice": number, "amount": str(quote.amount),
                        "method": kind.value})
        content = fee_document.build(req, number=number, quote=quote, month_count=earlier + pieces, pieces=pieces,
                                     pages=pages, pay_by=pay_by, issued_on=today, how_to_pay=how_to_pay)
        DisclosureFee.objects.create(
            request=req, number=number, method=kind.value, pieces=pieces, pages=pages, month_count=earlier + pieces,
            amount=quote.amount, pay_by=pay_by, state=FeeState.PENDING, content=content,
            content_sha256=fee_document.content_hash(content), issued_at=at, issued_by=actor)
        return req


def _pending_fee(req: DisclosureRequest) -> DisclosureFee:
    fee = DisclosureFee.objects.select_for_update().filter(request=req, state=FeeState.PENDING).first()
    if fee is None:
        raise DomainError("disclosure.fee_not_pending", "本申请没有待缴的信息处理费", field="action")
    return fee


def fee_paid(*, request_id: int, actor: Staff, paid_on: date | None = None, receipt_number: str = "",
             note: str = "", at: datetime | None = None, expected_version: int | None = None) -> DisclosureRequest:
    """登记缴费: the applicant paid within the time given; the reply clock runs again from the day
    after the payment."""
    at = at or current_time()
    receipt_number = _text(receipt_number, "receipt_number", "缴款票据号", required=False, limit=64)
    note = _text(note, "note", "说明", required=False)
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at)
        _move(req, Action.FEE_PAID)
        fee = _pending_fee(req)
        day = _day(paid_on, local_date(at), req, "paid_on", "缴费日期")
        if day < local_date(fee.issued_at):
            raise DomainError("disclosure.paid_on_before_notice", "缴费日期不能早于收费通知发出之日", field="paid_on")
        if day > fee.pay_by:
            raise DomainError("disclosure.fee_paid_late",
                              f"缴费期限已于 {fee.pay_by.isoformat()} 届满，逾期未缴纳的视为放弃申请", field="paid_on")
        fee.state, fee.settled_on, fee.receipt_number, fee.settled_by = FeeState.PAID, day, receipt_number, actor
        fee.save(update_fields=["state", "settled_on", "receipt_number", "settled_by"])
        _apply(req, action=Action.FEE_PAID, kind=EventKind.SPECIAL_PROCEDURE_ENDED, at=at, actor=actor,
               note=note or f"已缴纳信息处理费 {fee.amount} 元",
               payload={"on": day.isoformat(), "procedure": FEE_PAYMENT, "fee_notice": fee.number})
        return req


def fee_waive(*, request_id: int, reason: str, actor: Staff, at: datetime | None = None,
              expected_version: int | None = None) -> DisclosureRequest:
    """减免信息处理费: the responsible person waives the fee, with the reason; the clock runs again."""
    at = at or current_time()
    reason = _text(reason, "reason", "减免理由")
    with transaction.atomic():
        req = _load(request_id, expected_version)
        _handler(req, actor, at, Perm.CASE_GRANT_EXTENSION)
        _move(req, Action.FEE_WAIVE)
        fee = _pending_fee(req)
        fee.state, fee.settled_on, fee.waiver_reason, fee.settled_by = (FeeState.WAIVED, local_date(at), reason,
                                                                       actor)
        fee.save(update_fields=["state", "settled_on", "waiver_reason", "settled_by"])
        _apply(req, action=Action.FEE_WAIVE, kind=EventKind.SPECIAL_PROCEDURE_ENDED, at=at, actor=actor,
               note=reason, payload={"procedure": FEE_PAYMENT, "fee_notice": fee.number, "waived": True})
        return req

