"""Writes of publicity with a schedule (公示): schedule, submit to a named reviewer, return, publish
(the reviewer only), objections and their answers, finalize, withdraw — each on the kernel: the
table's move, the chained event, the deadline rows (the due publication date; a late one is a
supervision warning), in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, require
from onewindow.workdays.selectors import snapshot_for

from .models import Objection, OpennessSequence, Publication, PublicationEvent
from .publication_rules import (
    MAX_COMMENT_DAYS,
    TABLE,
    Action,
    State,
    Unit,
    comment_ends,
    next_quarter_due,
    next_quarter_title,
)
from .publication_rules import Kind as PubKind

SUBJECT = "publication"


def _deadline(pub: Publication) -> list[DeadlineSpec]:
    """The due publication date: open until published (then closed), and the comment period's end
    while objections may still be raised (closed when finalized)."""
    publish = DeadlineSpec(kind=Kind.REPLY, key="publish", due_on=pub.due_on, department_id=pub.department_id,
                           title="应发布日期", explanation="公示编排的应发布日期")
    if pub.state in (State.PUBLISHED, State.FINALIZED):
        publish = publish.closed("已发布")
    elif pub.state == State.WITHDRAWN:
        publish = publish.closed("公示已撤回")
    return [publish]


def _record(pub: Publication, kind: str, *, at: datetime, actor: Staff | None, note: str = "",
            payload: dict[str, Any] | None = None) -> None:
    previous = PublicationEvent.objects.filter(publication=pub).order_by("-seq").first()
    event_append(PublicationEvent(publication=pub, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                 subject_label=pub.number, previous=previous)
    deadlines_write(subject_type=SUBJECT, subject_id=pub.pk, region_id=pub.region_id, specs=_deadline(pub), at=at)


def _move(pub: Publication | None, action: Action) -> State:
    try:
        return TABLE.next_state(action, None if pub is None else State(pub.state))
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def _load(publication_id: int) -> Publication:
    pub = (Publication.objects.select_for_update(of=("self",)).select_related("region", "department")
           .filter(pk=publication_id).first())
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found", field="publication")
    return pub


def publication_schedule(*, department_id: int, title: str, kind: str, body: str, comment_days: int,
                         comment_unit: str, due_on: date, actor: Staff, at: datetime | None = None) -> Publication:
    """编排公示: what is to be published, by when, with which comment period."""
    at = at or current_time()
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200:
        raise DomainError("publication.title_required", "请填写标题（不超过 200 个字符）", field="title")
    if not body:
        raise DomainError("publication.body_required", "请填写公示内容", field="body")
    try:
        kind_v, unit_v = PubKind(kind), Unit(comment_unit)
    except ValueError:
        raise DomainError("publication.kind_invalid", "公示类型或公示期单位无效", field="kind") from None
    if not isinstance(comment_days, int) or not 1 <= comment_days <= MAX_COMMENT_DAYS:
        raise DomainError("publication.comment_days_invalid", f"公示期须为 1 至 {MAX_COMMENT_DAYS} 天",
                          field="comment_days")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    require(actor, Perm.CASE_REVIEW, region=department.region, department=department, on=local_date(at))
    with transaction.atomic():
        return _create(department=department, title=title, kind=kind_v, body=body, comment_days=comment_days,
                       comment_unit=unit_v, due_on=due_on, actor=actor, at=at)


def _create(*, department: Department, title: str, kind: PubKind, body: str, comment_days: int, comment_unit: Unit,
            due_on: date, actor: Staff, at: datetime, follows: Publication | None = None) -> Publication:
    state = _move(None, Action.SCHEDULE)
    seq = next_value(OpennessSequence, {"scope": f"publication:{department.region.code}", "year": due_on.year})
    pub = Publication.objects.create(
        number=f"{department.region.prefix}-GS{due_on.year}-{seq:05d}", region=department.region,
        department=department, title=title, kind=kind.value, body=body, comment_days=comment_days,
        comment_unit=comment_unit.value, due_on=due_on, state=state.value, author=actor, created_at=at,
        follows=follows)
    payload = {"due_on": due_on.isoformat()} | ({"follows": follows.number} if follows is not None else {})
    _record(pub, "scheduled", at=at, actor=actor, payload=payload,
            note="季度公示发布后自动编排下一季度" if follows is not None else "")
    return pub


def _schedule_next_quarter(pub: Publication, *, actor: Staff, at: datetime) -> Publication | None:
    """A quarterly publication, once published, puts the next quarter's on the schedule (its due
    date a deadline row like any): the same department, kind and comment period, the body as a
    draft to update. Once only (``follows`` is one-to-one): a publication published again after a
    withdrawal does not schedule a second."""
    if pub.kind != PubKind.QUARTERLY or Publication.objects.filter(follows=pub).exists():
        return None
    return _create(department=pub.department, title=next_quarter_title(pub.title, pub.due_on), kind=PubKind.QUARTERLY,
                   body=pub.body, comment_days=pub.comment_days, comment_unit=Unit(pub.comment_unit),
                   due_on=next_quarter_due(pub.due_on), actor=actor, at=at, follows=pub)


def publication_submit(*, publication_id: int, reviewer_id: int, actor: Staff,
                       at: datetime | None = None) -> Publication:
    """提交审核 to a named reviewer: another person who may approve for the department."""
    at = at or current_time()
    with transaction.atomic():
        pub = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        reviewer = Staff.objects.filter(pk=reviewer_id).first()
        if reviewer is None or reviewer.pk == actor.pk or not can(
                reviewer, Perm.CASE_GRANT_EXTENSION, region=pub.region, department=pub.department):
            raise DomainError("publication.reviewer_invalid", "审核人须为拟稿人以外、对本部门有审核权限的负责人",
                              field="reviewer")
        pub.state = _move(pub, Action.SUBMIT).value
        pub.reviewer = reviewer
        pub.save(update_fields=["state", "reviewer"])
        _record(pub, "submitted", at=at, actor=actor, payload={"reviewer": reviewer.name})
        return pub


def _reviewer_only(pub: Publication, actor: Staff) -> None:
    if pub.reviewer_id != actor.pk:
        raise DomainError("publication.not_reviewer", "只有指定的审核人才能审核本公示", field="action")


def publication_return(*, publication_id: int, note: str, actor: Staff, at: datetime | None = None) -> Publication:
    at = at or current_time()
    if not (note or "").strip():
        raise DomainError("publication.note_required", "请填写退回理由", field="note")
    with transaction.atomic():
        pub = _load(publication_id)
        _reviewer_only(pub, actor)
        pub.state = _move(pub, Action.RETURN).value
        pub.save(update_fields=["state"])
        _record(pub, "returned", at=at, actor=actor, note=note.strip())
        return pub


def publication_publish(*, publication_id: int, actor: Staff, at: datetime | None = None) -> Publication:
    """审核通过并发布: by the named reviewer; the comment period starts."""
    at = at or current_time()
    with transaction.atomic():
        pub = _load(publication_id)
        _reviewer_only(pub, actor)
        pub.state = _move(pub, Action.PUBLISH).value
        today = local_date(at)
        pub.published_on = today
        pub.comment_ends = comment_ends(snapshot_for(pub.region.code), today, pub.comment_days, Unit(pub.comment_unit))
        pub.save(update_fields=["state", "published_on", "comment_ends"])
        _record(pub, "published", at=at, actor=actor, payload={"comment_ends": pub.comment_ends.isoformat(),
                                                                "late": today > pub.due_on})
        _schedule_next_quarter(pub, actor=actor, at=at)
        return pub


def objection_file(*, publication_id: int, text: str, contact_phone: str = "",
                   at: datetime | None = None) -> Objection:
    """提出异议: anyone, during the comment period."""
    at = at or current_time()
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise DomainError("publication.objection_required", "请填写异议内容（不超过 2000 个字符）", field="text")
    phone = (contact_phone or "").strip()
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 15):
        raise DomainError("publication.phone_invalid", "联系电话应为 7 至 15 位数字", field="contact_phone")
    with transaction.atomic():
        pub = _load(publication_id)
        if pub.state != State.PUBLISHED or pub.comment_ends is None or local_date(at) > pub.comment_ends:
            raise DomainError("publication.comment_period_over", "不在公示期内，不能提出异议", field="publication")
        objection = Objection.objects.create(publication=pub, text=text, contact_phone=phone, filed_at=at)
        _record(pub, "objection_filed", at=at, actor=None, payload={"objection": objection.pk})
        return objection


def objection_answer(*, objection_id: int, answer: str, actor: Staff, at: datetime | None = None) -> Objection:
    at = at or current_time()
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("publication.answer_required", "请填写答复", field="answer")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
        if objection is None:
            raise NotFound("异议不存在", code="publication.objection_not_found", field="objection")
        pub = _load(objection.publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        if objection.answered_at is not None:
            raise Conflict("publication.objection_answered", "该异议已答复", field="objection")
        objection.answer, objection.answered_at, objection.answered_by = answer, at, actor
        objection.save(update_fields=["answer", "answered_at", "answered_by"])
        _record(pub, "objection_answered", at=at, actor=actor, note=answer, payload={"objection": objection.pk})
        return objection


def publication_finalize(*, publication_id: int, actor: Staff, note: str = "",
                         at: datetime | None = None) -> Publication:
    """结束公示: once the comment period is over and every objection is answered."""
    at = at or current_time()
    with transaction.atomic():
        pub = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        target = _move(pub, Action.FINALIZE)
        today = local_date(at)
        if pub.comment_ends is not None and today <= pub.comment_ends:
            raise DomainError("publication.comment_period_running",
                              f"公示期至 {pub.comment_ends.isoformat()} 届满，届满后方可结束公示", field="action")
        if pub.objections.filter(answered_at__isnull=True).exists():
            raise DomainError("publication.objections_unanswered", "尚有异议未答复，答复后方可结束公示", field="action")
        pub.state, pub.finalized_on = target.value, today
        pub.save(update_fields=["state", "finalized_on"])
        _record(pub, "finalized", at=at, actor=actor, note=note)
        return pub


def publication_withdraw(*, publication_id: int, note: str, actor: Staff, at: datetime | None = None) -> Publication:
    at = at or current_time()
    if not (note or "").strip():
        raise DomainError("publication.note_required", "请填写撤回理由", field="note")
    with transaction.atomic():
        pub = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        pub.state = _move(pub, Action.WITHDRAW).value
        pub.save(update_fields=["state"])
        _record(pub, "withdrawn", at=at, actor=actor, note=note.strip())
        return pub
