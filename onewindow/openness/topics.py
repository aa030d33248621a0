"""点题公开: the public proposes topics, others second them, the department answers each within a
deadline (a deadline row: overdue → supervision warning) with a publication or a reasoned refusal.
Rules, writes and reads of one small record type on the kernel."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Move, Refused, TransitionTable
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require
from onewindow.workdays.selectors import snapshot_for

from .models import OpennessSequence, Topic, TopicEvent, TopicSecond

SUBJECT = "topic"
ANSWER_WORKDAYS = 15  # a local practice: configurable per center in a later version


class State(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class Action(StrEnum):
    PROPOSE = "propose"
    SECOND = "second"
    ANSWER = "answer"


class AnswerKind(StrEnum):
    PUBLISHED = "published"
    REFUSED = "refused"


ANSWER_LABELS = {AnswerKind.PUBLISHED: "已公开", AnswerKind.REFUSED: "不予公开（说明理由）"}
STATE_LABELS = {State.OPEN: "待答复", State.ANSWERED: "已答复"}

TABLE: TransitionTable[State, Action] = TransitionTable(
    name="topic", noun="点题",
    moves={Action.PROPOSE: Move(frozenset({None}), State.OPEN, None, "提出点题"),
           Action.SECOND: Move(frozenset({State.OPEN}), None, None, "附议"),
           Action.ANSWER: Move(frozenset({State.OPEN}), State.ANSWERED, "case.review", "答复")},
    state_labels=STATE_LABELS, terminal=frozenset({State.ANSWERED}))


def _deadline(topic: Topic) -> DeadlineSpec:
    spec = DeadlineSpec(kind=Kind.REPLY, due_on=topic.answer_due, department_id=topic.department_id,
                        title="点题答复期限", explanation=f"点题提出后 {ANSWER_WORKDAYS} 个工作日内答复")
    return spec.closed("已答复") if topic.state == State.ANSWERED else spec


def _record(topic: Topic, kind: str, *, at: datetime, actor: Staff | None, note: str = "") -> None:
    previous = TopicEvent.objects.filter(topic=topic).order_by("-seq").first()
    event_append(TopicEvent(topic=topic, kind=kind, at=at, actor=actor, note=note), subject_label=topic.number,
                 previous=previous)
    deadlines_write(subject_type=SUBJECT, subject_id=topic.pk, region_id=topic.region_id, specs=[_deadline(topic)],
                    at=at)


def _move(topic: Topic | None, action: Action) -> State:
    try:
        return TABLE.next_state(action, None if topic is None else State(topic.state))
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def topic_propose(*, department_id: int, title: str, description: str = "", at: datetime | None = None) -> Topic:
    """点题: anyone proposes a topic to a department; the answer is due in 15 working days."""
    at = at or current_time()
    title, description = (title or "").strip(), (description or "").strip()
    if not title or len(title) > 200:
        raise DomainError("topic.title_required", "请填写希望公开的内容（不超过 200 个字符）", field="title")
    if len(description) > 2000:
        raise DomainError("topic.description_too_long", "说明不能超过 2000 个字符", field="description")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    today = local_date(at)
    with transaction.atomic():
        state = _move(None, Action.PROPOSE)
        seq = next_value(OpennessSequence, {"scope": f"topic:{department.region.code}", "year": today.year})
        topic = Topic.objects.create(
            number=f"{department.region.prefix}-DT{today.year}-{seq:05d}", region=department.region,
            department=department, title=title, description=description, proposed_on=today,
            answer_due=snapshot_for(department.region.code).add_workdays(today, ANSWER_WORKDAYS), state=state.value)
        _record(topic, "proposed", at=at, actor=None, note=title)
        return topic


def client_key(address: str) -> str:
    """A keyed hash of a client's address: seconds count once per client, no address is stored."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def topic_second(*, topic_id: int, client: str, at: datetime | None = None) -> Topic:
    """附议: once per client, while the topic awaits its answer."""
    at = at or current_time()
    with transaction.atomic():
        topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
        if topic is None:
            raise NotFound("点题不存在", code="topic.not_found", field="topic")
        _move(topic, Action.SECOND)
        try:
            with transaction.atomic():
                TopicSecond.objects.create(topic=topic, client_key=client_key(client), at=at)
        except IntegrityError:
            raise DomainError("topic.already_seconded", "您已附议过该点题", field="topic") from None
        Topic.objects.filter(pk=topic.pk).update(seconds=F("seconds") + 1)
        topic.refresh_from_db()
        return topic


def topic_answer(*, topic_id: int, kind: str, answer: str, actor: Staff, at: datetime | None = None) -> Topic:
    """答复: a publication (where to find it) or a refusal with its reasons."""
    at = at or current_time()
    try:
        answer_kind = AnswerKind(kind)
    except ValueError:
        raise DomainError("topic.answer_kind_invalid", "答复方式无效", field="kind") from None
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("topic.answer_required", "请填写答复内容（公开的位置或不予公开的理由）", field="answer")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("region", "department").filter(pk=topic_id).first()
        if topic is None:
            raise NotFound("点题不存在", code="topic.not_found", field="topic")
        require(actor, Perm.CASE_REVIEW, region=topic.region, department=topic.department, on=local_date(at))
        topic.state = _move(topic, Action.ANSWER).value
        topic.answer_kind, topic.answer, topic.answered_on, topic.answered_by = (answer_kind.value, answer,
                                                                                 local_date(at), actor)
        topic.save(update_fields=["state", "answer_kind", "answer", "answered_on", "answered_by"])
        _record(topic, "answered", at=at, actor=actor, note=answer)
        return topic


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.select_related("department").order_by("-seconds", "-proposed_on", "-id")
