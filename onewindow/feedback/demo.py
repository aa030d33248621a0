"""The demo county's citizen's voice, relative to today: ratings on its concluded cases (mostly
good, a few bad ones in every rectification state, one overdue, one followed up after its return
visit), work orders in every state (one overdue, one merged, one withdrawn, one closed and
visited), a small imported 12345 batch and two bulk notices (one sent, one awaiting approval).

Everything goes through the services, as the demo logins (``chief`` of each department, ``admin``,
``supervisor``, ``clerk``), so permissions, transitions, numbers, chains and deadlines are the
real ones. Idempotent: once the county has any rating or work order, nothing more is loaded.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.rules import Role
from onewindow.workdays.selectors import snapshot_for

from . import importer
from . import services as svc
from .models import Rating, Rectification, WorkOrder

DEMO_COUNTY = "990121000000"

# The bad ratings and how far each rectification gets: every state of the loop.
_BAD_STORIES = ("verifying_overdue", "verifying", "invalid_pending", "invalid", "rectifying", "visiting", "closed",
                "cannot_rectify")
_GOOD_LEVELS = ("very_satisfied", "very_satisfied", "satisfied", "very_satisfied", "basic", "satisfied")


def _staff(username: str) -> Staff | None:
    return Staff.objects.filter(user__username=username).first()


def _chief_of(department_id: int) -> Staff | None:
    return (Staff.objects.filter(postings__role="chief_representative", postings__department_id=department_id)
            .order_by("id").first())


def _back(region: Region, today: date, workdays: int, hour: int = 10) -> datetime:
    """A moment ``workdays`` working days before ``today`` at ``hour`` (Shanghai)."""
    snapshot = snapshot_for(region.code)
    day = today
    for _ in range(workdays):
        day -= timedelta(days=1)
        while not snapshot.is_workday(day):
            day -= timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _rate(cases: list[Case], now: datetime) -> tuple[int, list[Rectification]]:
    """Every case rated: a bad rating every so often, one per story of :data:`_BAD_STORIES` in
    order. A story past verification needs the department's chief representative to act, so its
    bad rating waits for a case of a department that has one: which cases concluded when follows
    from the day the demo is loaded, and every state must be there whatever the day."""
    good = 0
    rects: list[Rectification] = []
    bad_every = max(1, len(cases) // max(1, len(_BAD_STORIES)))
    chiefed = set(Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE).values_list("department_id", flat=True))
    due = False
    for i, case in enumerate(cases):
        rated_at = min(case.concluded_at + timedelta(hours=1), now - timedelta(minutes=5))
        due = (due or i % bad_every == 0) and len(rects) < len(_BAD_STORIES)
        bad = due and (_BAD_STORIES[len(rects)].startswith("verifying") or case.department_id in chiefed)
        if bad:
            due = False
            rating = svc.rating_submit(level="dissatisfied" if len(rects) % 2 else "very_dissatisfied",
                                       reasons=["slow", "repeated_visits"][: 1 + len(rects) % 2],
                                       comment="等待时间过长，希望改进", channel="progress", case_number=case.number,
                                       query_code=case.query_code, at=rated_at)
            rects.append(rating.rectification)
        else:
            svc.rating_submit(level=_GOOD_LEVELS[i % len(_GOOD_LEVELS)], channel="progress",
                              case_number=case.number, query_code=case.query_code, at=rated_at)
            good += 1
    return good, rects


def _rectify(rects: list[Rectification], admin: Staff, supervisor: Staff) -> None:
    for rect, story in zip(rects, _BAD_STORIES, strict=False):
        chief = _chief_of(rect.department_id)
        if chief is None or story.startswith("verifying"):
            continue
        if story in ("invalid_pending", "invalid"):
            svc.rectification_mark_invalid(rectification_id=rect.pk, reason="评价内容与办件无关且含侮辱性语言",
                                           actor=chief)
            if story == "invalid":
                svc.rectification_review_invalid(rectification_id=rect.pk, confirm=True, note="复核确认无效",
                                                 actor=supervisor)
            continue
        svc.rectification_verify(rectification_id=rect.pk, finding="已电话联系评价人，情况属实", actor=chief)
        if story == "rectifying":
            continue
        svc.rectification_rectify(rectification_id=rect.pk, measures="调整窗口排班，高峰时段增开窗口",
                                  rectified=story != "cannot_rectify", actor=chief)
        if story in ("closed", "cannot_rectify"):
            svc.rectification_visit(rectification_id=rect.pk, note="回访评价人，已告知整改结果", satisfaction="basic",
                                    actor=admin)


def _follow_up_and_notices(county: Region, rects: list[Rectification], admin: Staff) -> int:
    """追评 on the rectification closed after its return visit; a bulk notice of the first department
    with a chief to its callers, one approved and sent, one awaiting approval. Returns notices made."""
    closed = next((x for x, story in zip(rects, _BAD_STORIES, strict=False) if story == "closed"), None)
    if closed is not None and closed.rating.case is not None:
        case = closed.rating.case
        svc.rating_follow_up(comment="整改后再次办理，等候时间明显缩短", level="satisfied", channel="progress",
                             case_number=case.number, query_code=case.query_code)
    dept, chief = next(((d, c) for d in county.departments.order_by("order", "id")
                        if (c := _chief_of(d.pk)) is not None), (None, None))
    if dept is None or chief is None:
        return 0
    sent = svc.notice_draft(department_id=dept.pk, group="order_callers", year=current_time().astimezone(SHANGHAI).year,
                            body="【政务服务】您反映的问题已有办理结果，如有疑问请致电 12345。", actor=chief,
                            idempotency_key="demo-sent")
    svc.notice_review(notice_id=sent.pk, approve=True, actor=admin)
    with contextlib.suppress(DomainError):  # no caller with a mobile this year: it stays approved
        svc.notice_send(notice_id=sent.pk, actor=chief)
    svc.notice_draft(department_id=dept.pk, group="order_callers", year=current_time().astimezone(SHANGHAI).year,
                     body="【政务服务】办事大厅周六上午延时服务，欢迎预约。", actor=chief, idempotency_key="demo-draft")
    return 2


def _orders(county: Region, today: date, clerk: Staff, admin: Staff, supervisor: Staff) -> int:
    dept_chiefs = [(d, _chief_of(d.pk)) for d in county.departments.order_by("order", "id")]
    dept, chief = next(((d, c) for d, c in dept_chiefs if c is not None), (None, None))
    if dept is None or chief is None:
        return 0

    def new(kind: str, content: str, *, handling: str = "written", back: int = 0, source: str = "window",
            consent: bool = False) -> WorkOrder:
        return svc.order_receive(region=county, kind=kind, content=content, handling=handling, source=source,
                                 caller_name="陈某", caller_phone="13800001111", publish_consent=consent,
                                 actor=clerk, at=_back(county, today, back, 9) if back else None)

    def to_department(order: WorkOrder, when: datetime | None = None) -> WorkOrder:
        return svc.order_dispatch(order_id=order.pk, department_id=dept.pk, actor=admin, at=when)

    new("inquiry", "咨询个体工商户登记需要带哪些材料")  # 待分派
    to_department(new("suggestion", "建议大厅增加自助打印设备"))  # 待签收
    handling = to_department(new("complaint", "窗口午休时段无人值守，等候一小时"))
    svc.order_claim(order_id=handling.pk, actor=chief)  # 办理中
    overdue = new("complaint", "材料被退回三次，每次要求不同", back=6)
    to_department(overdue, _back(county, today, 6, 10))
    svc.order_claim(order_id=overdue.pk, actor=chief, at=_back(county, today, 5, 10))  # 办理中，已逾期
    answered = to_department(new("inquiry", "营业执照变更能否网上办理", back=2))
    svc.order_claim(order_id=answered.pk, actor=chief)
    svc.order_answer(order_id=answered.pk, answer="可以，登录网上办事大厅选择“变更登记”即可", actor=chief)  # 已答复
    closed = to_department(new("inquiry", "食品经营许可证到期如何延续", back=3, consent=True))
    svc.order_claim(order_id=closed.pk, actor=chief)
    svc.order_answer(order_id=closed.pk, answer="到期前 30 个工作日提出延续申请，可网上办理", actor=chief)
    svc.order_close(order_id=closed.pk, note="已答复诉求人", actor=admin)
    svc.order_visit(order_id=closed.pk, satisfaction="satisfied", note="诉求人满意", actor=admin)
    svc.order_publish(order_id=closed.pk, actor=admin)  # 已办结、已回访、已公开
    praise = to_department(new("praise", "感谢窗口工作人员耐心细致"))
    svc.order_claim(order_id=praise.pk, actor=chief)
    svc.order_answer(order_id=praise.pk, answer="感谢您的肯定，已转告相关工作人员", actor=chief)
    svc.order_close(order_id=praise.pk, actor=admin)
    first = new("complaint", "停车场收费标准不清楚", source="hotline")
    duplicate = new("complaint", "停车场收费标准不清楚（再次来电）", source="hotline")
    svc.order_merge(order_id=duplicate.pk, into_number=first.number, reason="同一诉求重复来电", actor=admin)
    withdrawn = new("inquiry", "预约取号规则", source="online")
    svc.order_withdraw(order_id=withdrawn.pk, reason="诉求人来电表示已自行解决", actor=admin)
    svc.order_supervise(order_id=overdue.pk, note="已逾期，请今日内答复", actor=supervisor)
    petition = new("petition", "领导信箱：建议延长周六服务时间", source="mailbox", handling="complex")
    to_department(petition)
    return WorkOrder.objects.filter(region=county).count()


def _hotline_batch(county: Region, today: date, admin: Staff) -> int:
    dept = county.departments.order_by("order", "id").first()
    if dept is None:
        return 0
    received = [_back(county, today, n, 11) for n in (6, 2, 1, 1)]
    due = [_back(county, today, 2, 18), today + timedelta(days=5), today + timedelta(days=7), today + timedelta(days=3)]
    texts = ["咨询社保卡补办地点", "投诉大厅空调温度过低", "建议增加周末预约号源", "表扬综合窗口服务周到"]
    kinds = ["咨询", "投诉", "建议", "表扬"]
    rows = [{"external_number": f"DEMO12345-{today:%Y%m%d}-{i + 1:03d}",
             "received_at": received[i].strftime("%Y-%m-%d %H:%M"), "caller_name": "市民", "caller_phone": "",
             "content": texts[i], "kind": kinds[i], "department": dept.name,
             "due_at": (due[i].strftime("%Y-%m-%d %H:%M") if isinstance(due[i], datetime)
                        else f"{due[i].isoformat()} 18:00")} for i in range(4)]
    return len(importer.hotline_import(region=county, rows=rows, actor=admin).created)


def load_demo(*, today: date | None = None) -> str:
    """Ratings, rectifications, work orders and a 12345 batch for the demo county (idempotent)."""
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    clerk, admin, supervisor = _staff("clerk"), _staff("admin"), _staff("supervisor")
    if county is None or clerk is None or admin is None or supervisor is None:
        return "好差评与诉求工单：未找到演示县或演示账号，未加载"
    if Rating.objects.filter(region__code__startswith=county.prefix).exists() or \
            WorkOrder.objects.filter(region=county).exists():
        return "好差评与诉求工单：演示数据已存在，未重复加载"
    now = current_time()
    today = today or now.astimezone(SHANGHAI).date()
    with transaction.atomic():
        cases = list(Case.objects.filter(region__code__startswith=county.prefix, status="concluded",
                                         concluded_at__isnull=False).order_by("concluded_at", "id"))
        good, rects = _rate(cases, now)
        _rectify(rects, admin, supervisor)
        orders = _orders(county, today, clerk, admin, supervisor)
        imported = _hotline_batch(county, today, admin)
        notices = _follow_up_and_notices(county, rects, admin)
    return (f"好差评与诉求工单：评价 {good + len(rects)} 条（差评 {len(rects)} 条，整改单各状态俱全），"
            f"工单 {orders} 件（含 12345 导入 {imported} 件），群发通知 {notices} 条")
