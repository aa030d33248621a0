"""点题公开: proposing, seconding once per client, answering by the deadline (a deadline row: overdue
is a supervision warning), refusals, the public page and the staff answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import topics as tp
from onewindow.organization.rules import Role
from onewindow.workdays.selectors import snapshot_for

from .helpers import at

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)


def proposed(two_counties):
    return tp.topic_propose(department_id=two_counties.a.civil.id, title="公开养老服务补贴发放名单",
                            at=at(MON))


def test_a_topic_is_answered_within_fifteen_working_days(two_counties) -> None:
    topic = proposed(two_counties)
    assert topic.answer_due == snapshot_for(topic.region.code).add_workdays(MON, 15)
    row = deadlines_of("topic", topic.pk)[0]
    assert (row.state, row.due_on) == (DeadlineState.OPEN, topic.answer_due)
    reviewer = two_counties.a.staff[Role.CENTER_ADMIN]
    with pytest.raises(PermissionDenied):
        tp.topic_answer(topic_id=topic.id, kind="published", answer="已在政府网站公开", actor=reviewer)
    market_reviewer = two_counties.a.staff[Role.REVIEWER]  # the market department's, not the civil affairs'
    with pytest.raises(PermissionDenied):
        tp.topic_answer(topic_id=topic.id, kind="published", answer="x", actor=market_reviewer)


def test_seconds_count_once_per_client(two_counties) -> None:
    topic = proposed(two_counties)
    tp.topic_second(topic_id=topic.id, client="10.0.0.1")
    topic = tp.topic_second(topic_id=topic.id, client="10.0.0.2")
    assert topic.seconds == 2
    with pytest.raises(DomainError) as exc:
        tp.topic_second(topic_id=topic.id, client="10.0.0.1")
    assert exc.value.code == "topic.already_seconded"


def test_answer_refusals_and_the_closed_deadline(two_counties, staff_factory) -> None:
    civil = two_counties.a.civil
    reviewer = staff_factory(Role.REVIEWER, two_counties.a.region, department=civil)
    topic = proposed(two_counties)
    with pytest.raises(DomainError) as exc:
        tp.topic_answer(topic_id=topic.id, kind="maybe", answer="x", actor=reviewer)
    assert (exc.value.code, exc.value.field) == ("topic.answer_kind_invalid", "kind")
    with pytest.raises(DomainError) as exc:
        tp.topic_answer(topic_id=topic.id, kind="refused", answer="", actor=reviewer)
    assert (exc.value.code, exc.value.field) == ("topic.answer_required", "answer")
    topic = tp.topic_answer(topic_id=topic.id, kind="refused", answer="名单涉及个人隐私，公开汇总数据", actor=reviewer,
                            at=at(MON + timedelta(days=1)))
    assert topic.state == "answered"
    assert deadlines_of("topic", topic.pk)[0].state == DeadlineState.CLOSED
    with pytest.raises(DomainError) as exc:
        tp.topic_second(topic_id=topic.id, client="10.0.0.3")
    assert exc.value.code == "topic.transition_refused.second"
    assert [r.ok for r in verify_all("topic")] == [True]


def test_an_unanswered_topic_is_a_supervision_warning(two_counties) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    topic = proposed(two_counties)
    sweep(now=at(topic.answer_due + timedelta(days=1)))
    assert Warning.objects.get(subject_type="topic", subject_id=topic.pk).rule == "deadline_overdue"


def test_pages(client, two_counties, staff_factory) -> None:
    civil = two_counties.a.civil
    r = client.post(reverse("openness:public_topics"), {"department": civil.id, "title": "公开村道养护经费"})
    assert r.status_code == 302
    topic = tp.public_topics().get()
    assert client.post(reverse("openness:public_second", args=[topic.pk])).status_code == 302
    again = client.post(reverse("openness:public_second", args=[topic.pk]))
    assert again.status_code == 400
    assert "您已附议过该点题" in again.content.decode()
    bad = client.post(reverse("openness:public_topics"), {"department": civil.id, "title": ""})
    assert bad.status_code == 400
    reviewer = staff_factory(Role.REVIEWER, two_counties.a.region, department=civil)
    client.force_login(reviewer.user)
    assert topic.title in client.get(reverse("openness:staff_topics")).content.decode()
    r = client.post(reverse("openness:staff_topics"), {"topic": topic.pk, "kind": "published",
                                                       "answer": "已在县政府网站“财政资金”栏目公开"})
    assert r.status_code == 302
    assert "已在县政府网站" in client.get(reverse("openness:public_topics")).content.decode()
