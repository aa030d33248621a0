"""Writes of publicity with a schedule (公示): schedule, submit to a named reviewer, return, publish
(the reviewer only), objections and their answers, finalize, withdraw — each on the kernel: the
table's move, the chained event, the deadline rows (the due publication date; a late one is a
supervision warning), in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.cases.services import case_end_publicity
from onewindow.cases.states import Status
from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, require
from onewindow.organization.rules import RegionLevel
from onewindow.workdays.selectors import snapshot_for

from . import catalogue_rules as cr
from .catalogue_rules import COMMENT_CATEGORIES, SUBJECTS, VILLAGE_CATEGORIES, Category
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
    """The due publication date: open until published (then closed). For information with a date of
    creation or change it is the legal deadline (Art. 26, 预算法 第十四条): statutory."""
    category = Category(pub.category)
    legal = pub.made_on is not None and category not in VILLAGE_CATEGORIES
    publish = DeadlineSpec(kind=Kind.REPLY, key="publish", due_on=pub.due_on, department_id=pub.department_id,
                           statutory=legal, title="应发布日期",
                           explanation=cr.legal_basis(category) if legal else "公示编排的应发布日期")
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
                         comment_unit: str, actor: Staff, due_on: date | None = None, category: str = "notice",
                         subject: str = "", doc_number: str = "", made_on: date | None = None,
                         village_id: int | None = None, at: datetime | None = None) -> Publication:
    """编排公开信息: what is to be published, by when, with which comment period (a notice's) and its
    catalogue entry (category, subject class, document number, the day it was created or changed).
    With that day the due date is the law's (Art. 26: 20 working days; budgets: 20 days) unless an
    earlier one is given; a later one is refused."""
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
    try:
        category_v = Category(category)
    except ValueError:
        raise DomainError("publication.category_invalid", f"信息类别“{category}”无效", field="category") from None
    if category_v in COMMENT_CATEGORIES:
        if not isinstance(comment_days, int) or not 1 <= comment_days <= MAX_COMMENT_DAYS:
            raise DomainError("publication.comment_days_invalid", f"公示期须为 1 至 {MAX_COMMENT_DAYS} 天",
                              field="comment_days")
    else:
        comment_days = 0  # a document, a budget, staffing: published as they are, no objections invited
    if subject and subject not in SUBJECTS:
        raise DomainError("publication.subject_invalid", f"主题分类“{subject}”无效", field="subject")
    doc_number = (doc_number or "").strip()
    if len(doc_number) > 64:
        raise DomainError("publication.doc_number_too_long", "文号不能超过 64 个字符", field="doc_number")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    require(actor, Perm.CASE_REVIEW, region=department.region, department=department, on=local_date(at))
    village = _village(village_id, department, category_v)
    due_on = _due_on(category_v, made_on, due_on, department, local_date(at))
    with transaction.atomic():
        return _create(department=department, title=title, kind=kind_v, body=body, comment_days=comment_days,
                       comment_unit=unit_v, due_on=due_on, actor=actor, at=at, category=category_v,
                       subject=subject, doc_number=doc_number, made_on=made_on, village=village)


def _village(village_id: int | None, department: Department, category: Category) -> Region | None:
    if village_id is None:
        if category in VILLAGE_CATEGORIES:
            raise DomainError("publication.village_required", "村务公开须选择所属村（社区）", field="village")
        return None
    village = Region.objects.filter(pk=village_id, level=RegionLevel.VILLAGE,
                                    code__startswith=department.region.prefix).first()
    if village is None:
        raise DomainError("publication.village_invalid", "所选村（社区）不在本部门所属区划内", field="village")
    return village


def _due_on(category: Category, made_on: date | None, due_on: date | None, department: Department,
            today: date) -> date:
    if made_on is not None and made_on > today:
        raise DomainError("publication.made_on_future", "形成或变更日期不能晚于今天", field="made_on")
    legal = cr.legal_due(category, made_on, snapshot_for(department.region.code)) if made_on else None
    if due_on is None:
        if legal is None:
            raise DomainError("publication.due_on_required", "请填写应发布日期，或填写信息形成或变更日期",
                              field="due_on")
        return legal
    if legal is not None and due_on > legal:
        raise DomainError("publication.due_beyond_legal",
                          f"应发布日期不得晚于 {legal.isoformat()}（{cr.legal_basis(category)}）", field="due_on")
    return due_on


def _create(*, department: Department, title: str, kind: PubKind, body: str, comment_days: int, comment_unit: Unit,
            due_on: date, actor: Staff, at: datetime, follows: Publication | None = None,
            category: Category = Category.NOTICE, subject: str = "", doc_number: str = "",
            made_on: date | None = None, village: Region | None = None,
            revises: Publication | None = None) -> Publication:
    state = _move(None, Action.SCHEDULE)
    seq = next_value(OpennessSequence, {"scope": f"publication:{department.region.code}", "year": due_on.year})
    pub = Publication.objects.create(
        number=f"{department.region.prefix}-GS{due_on.year}-{seq:05d}", region=department.region,
        department=department, title=title, kind=kind.value, body=body, comment_days=comment_days,
        comment_unit=comment_unit.value, due_on=due_on, state=state.value, author=actor, created_at=at,
        follows=follows, category=category.value, subject=subject, doc_number=doc_number, made_on=made_on,
        village=village, revises=revises)
    payload: dict[str, Any] = {"due_on": due_on.isoformat(), "category": category.value}
    if follows is not None:
        payload["follows"] = follows.number
    if revises is not None:
        payload["revises"] = revises.number
    if made_on is not None:
        payload["made_on"] = made_on.isoformat()
    note = "季度公示发布后自动编排下一季度" if follows is not None else ("变更已公开的信息" if revises else "")
    _record(pub, "scheduled", at=at, actor=actor, payload=payload, note=note)
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
                   due_on=next_quarter_due(pub.due_on), actor=actor, at=at, follows=pub,
                   category=Category(pub.category), subject=pub.subject, village=pub.village)


def publication_submit(*, publication_id: int, reviewer_id: int, actor: Staff,
                       at: datetime | None = None) -> Publication:
    """提交审核 to a named reviewer: another person who may approve for the department."""
    at = at or current_time()
    with transaction.atomic():
        pub = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        reviewer = Staff.objects.filter(pk=reviewer_id).first()
        if reviewer is None:
            raise DomainError("publication.reviewer_required", "请指定审核人", field="reviewer")
        # Review before publishing is a second person's: neither the author nor whoever submits.
        if reviewer.pk in (pub.author_id, actor.pk):
            raise DomainError("publication.reviewer_is_author", "审核人不能是拟稿人或提交人本人，请指定其他负责人审核",
                              field="reviewer")
        if not can(reviewer, Perm.CASE_GRANT_EXTENSION, region=pub.region, department=pub.department):
            raise DomainError("publication.reviewer_invalid", "审核人须为对本部门有审核权限的负责人（首席代表）",
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
        pub.comment_ends = (comment_ends(snapshot_for(pub.region.code), today, pub.comment_days, Unit(pub.comment_unit))
                            if pub.comment_days else None)
        if not pub.index_number:  # published again after a withdrawal: the same entry of the catalogue
            pub.index_number = _next_index_number(pub, today.year)
        pub.save(update_fields=["state", "published_on", "comment_ends", "index_number"])
        _record(pub, "published", at=at, actor=actor, payload={
            "comment_ends": pub.comment_ends.isoformat() if pub.comment_ends else None, "late": today > pub.due_on,
            "index_number": pub.index_number})
        if pub.revises_id is not None:
            original = _load(pub.revises_id)
            _record(original, "superseded", at=at, actor=actor, note=f"已由 {pub.number} 变更",
                    payload={"revised_by": pub.number})
        _schedule_next_quarter(pub, actor=actor, at=at)
        return pub


def _next_index_number(pub: Publication, year: int) -> str:
    """索引号: the agency's organization code, the category, the year, the next number."""
    org = cr.organization_code(pub.department.credit_code, pub.department.code)
    category = Category(pub.category)
    seq = next_value(OpennessSequence, {"scope": f"index:{org}:{cr.CATEGORY_CODES[category]}", "year": year})
    return cr.index_number(org, category, year, seq)


def publication_publish_for_case(*, case: Case, title: str, body: str, comment_days: int, comment_unit: str,
                                 actor: Staff, at: datetime) -> Publication:
    """决定前公示 of a case, scheduled and published at once by the handler who starts it (the
    case action checked their power): its text is made from the case, nothing typed to review.
    Its objections and finalizing are those of every publication."""
    if not 1 <= comment_days <= MAX_COMMENT_DAYS:
        raise DomainError("publication.comment_days_invalid", f"公示期须为 1 至 {MAX_COMMENT_DAYS} 天",
                          field="comment_days")
    today = local_date(at)
    pub = _create(department=case.department, title=title[:200], kind=PubKind.AD_HOC, body=body,
                  comment_days=comment_days, comment_unit=Unit(comment_unit), due_on=today, actor=actor, at=at)
    pub.case, pub.reviewer, pub.state = case, actor, _move(pub, Action.SUBMIT).value
    pub.state = _move(pub, Action.PUBLISH).value
    pub.published_on = today
    pub.comment_ends = comment_ends(snapshot_for(pub.region.code), today, comment_days, Unit(comment_unit))
    pub.index_number = _next_index_number(pub, today.year)
    pub.save(update_fields=["case", "reviewer", "state", "published_on", "comment_ends", "index_number"])
    _record(pub, "published", at=at, actor=actor, note="办件决定前公示，由办件启动并发布", payload={
        "comment_ends": pub.comment_ends.isoformat(), "late": False, "index_number": pub.index_number,
        "case": case.number})
    return pub


def publication_revise(*, publication_id: int, changed_on: date, actor: Staff, title: str = "", body: str = "",
                       doc_number: str | None = None, at: datetime | None = None) -> Publication:
    """变更已公开的信息: the changed information is published as a revision, due within the law's
    time of the change (Art. 26 "或者变更"); the original stays in the catalogue until the revision
    is published, then points to it."""
    at = at or current_time()
    with transaction.atomic():
        original = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=original.region, department=original.department, on=local_date(at))
        if original.state not in (State.PUBLISHED, State.FINALIZED):
            raise DomainError("publication.revise_not_published", "只有已发布的信息才能变更", field="action")
        later = Publication.objects.filter(revises=original).first()
        if later is not None:
            raise DomainError("publication.revision_exists",
                              f"该信息已有变更版本 {later.number}，请在最新版本上变更", field="action")
        category = Category(original.category)
        # A village's correction has no legal deadline of its own: the agencies' 20 working days.
        fallback = (snapshot_for(original.region.code).add_workdays(changed_on, cr.ART26_WORKDAYS)
                    if category in VILLAGE_CATEGORIES else None)
        due_on = _due_on(category, changed_on, fallback, original.department, local_date(at))
        title = (title or "").strip() or original.title
        if len(title) > 200:
            raise DomainError("publication.title_required", "请填写标题（不超过 200 个字符）", field="title")
        revision = _create(department=original.department, title=title, kind=PubKind(original.kind),
                           body=(body or "").strip() or original.body, comment_days=original.comment_days,
                           comment_unit=Unit(original.comment_unit), due_on=due_on, actor=actor, at=at,
                           category=category, subject=original.subject,
                           doc_number=original.doc_number if doc_number is None else doc_number.strip()[:64],
                           made_on=changed_on, village=original.village, revises=original)
        _record(original, "revision_scheduled", at=at, actor=actor, payload={"revision": revision.number,
                                                                            "changed_on": changed_on.isoformat()})
        return revision


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
        return _finalize(pub, actor=actor, note=note, at=at)


def publications_end_case_publicity(*, now: datetime | None = None) -> int:
    """决定前公示 that ran out: a case's publication whose comment period is over with no objection
    waiting for its answer is finalized by the system, so the case's pause ends and its clock
    resumes without anyone having to remember it (one with an unanswered objection waits for the
    answer, then for a staff member to finalize). Idempotent; each publication locked."""
    now = now or current_time()
    due = (Publication.objects.filter(case__isnull=False, state=State.PUBLISHED, comment_ends__lt=local_date(now))
           .values_list("pk", flat=True).order_by("comment_ends", "pk"))
    done = 0
    for pk in list(due):
        with transaction.atomic():
            pub = _load(pk)
            if pub.state != State.PUBLISHED or pub.objections.filter(answered_at__isnull=True).exists():
                continue
            _finalize(pub, actor=None, note="公示期满，无待答复的异议，系统结束公示", at=now)
            done += 1
    return done


def _finalize(pub: Publication, *, actor: Staff | None, note: str, at: datetime) -> Publication:
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
    if pub.case_id is not None and Case.objects.filter(pk=pub.case_id, status=Status.SPECIAL_PROCEDURE).exists():
        # 决定前公示 over: the case's pause ends today and its clock resumes (a case withdrawn
        # meanwhile has nothing left to resume).
        case_end_publicity(case_id=pub.case_id, actor=actor, publication=pub.number, at=at)
    return pub


def publication_withdraw(*, publication_id: int, note: str, actor: Staff, at: datetime | None = None) -> Publication:
    at = at or current_time()
    if not (note or "").strip():
        raise DomainError("publication.note_required", "请填写撤回理由", field="note")
    with transaction.atomic():
        pub = _load(publication_id)
        require(actor, Perm.CASE_REVIEW, region=pub.region, department=pub.department, on=local_date(at))
        if pub.case_id is not None:
            raise DomainError("publication.case_publicity_fixed",
                              "办件的决定前公示不能撤回：公示期满并答复全部异议后结束公示，办件方可作出决定", field="action")
        pub.state = _move(pub, Action.WITHDRAW).value
        pub.withdrawn_on, pub.withdrawn_reason = local_date(at), note.strip()[:500]
        pub.save(update_fields=["state", "withdrawn_on", "withdrawn_reason"])
        _record(pub, "withdrawn", at=at, actor=actor, note=note.strip())
        return pub
