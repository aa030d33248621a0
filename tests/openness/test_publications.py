"""Publicity with a schedule: the lifecycle and its refusals, review by the named reviewer, the
comment period in working or calendar days, objections answered before finalizing, the due date
as a deadline row (a late publication is a supervision warning), pages and ``GET /publications``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import publication_services as ps
from onewindow.openness.publication_rules import TABLE, Unit, comment_ends
from onewindow.organization.rules import Role

from .helpers import at, national

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)


@pytest.fixture
def people(two_counties):
    a = two_counties.a

    class People:
        dept = a.market
        author = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
        clerk = a.staff[Role.CLERK]
    return People


def scheduled(p, *, unit: str = "calendar", days: int = 7, due: date = MON):
    return ps.publication_schedule(department_id=p.dept.id, title="2026 年第一季度城乡低保对象公示", kind="quarterly",
                                   body="拟纳入低保对象名单（姓名已脱敏）", comment_days=days, comment_unit=unit,
                                   due_on=due, actor=p.author, at=at(MON - timedelta(days=7)))


def published(p, **kw):
    pub = scheduled(p, **kw)
    ps.publication_submit(publication_id=pub.id, reviewer_id=p.chief.id, actor=p.author, at=at(MON))
    return ps.publication_publish(publication_id=pub.id, actor=p.chief, at=at(MON))


def test_comment_period_in_working_or_calendar_days() -> None:
    cal = national()
    assert comment_ends(cal, date(2026, 9, 30), 7, Unit.CALENDAR) == date(2026, 10, 7)
    # National Day 1–7 October, then 8, 9, the make-up Saturday 10, 12, 13, 14, 15.
    assert comment_ends(cal, date(2026, 9, 30), 7, Unit.WORKDAYS) == date(2026, 10, 15)


def test_the_full_lifecycle(people) -> None:
    pub = published(people, unit="workdays")
    assert pub.state == "published"
    assert pub.comment_ends == date(2026, 3, 11)
    objection = ps.objection_file(publication_id=pub.id, text="某户有营业用车", at=at(date(2026, 3, 5)))
    with pytest.raises(DomainError) as exc:
        ps.publication_finalize(publication_id=pub.id, actor=people.author, at=at(date(2026, 3, 11)))
    assert exc.value.code == "publication.comment_period_running"
    with pytest.raises(DomainError) as exc:
        ps.publication_finalize(publication_id=pub.id, actor=people.author, at=at(date(2026, 3, 12)))
    assert exc.value.code == "publication.objections_unanswered"
    ps.objection_answer(objection_id=objection.id, answer="经入户核查，该车为他人所有", actor=people.author,
                        at=at(date(2026, 3, 12)))
    pub = ps.publication_finalize(publication_id=pub.id, actor=people.author, at=at(date(2026, 3, 12)))
    assert (pub.state, pub.finalized_on) == ("finalized", date(2026, 3, 12))
    assert [r.ok for r in verify_all("publication")] == [True, True]  # and the next quarter's, scheduled


def test_objections_only_during_the_period(people) -> None:
    pub = scheduled(people)
    with pytest.raises(DomainError) as exc:
        ps.objection_file(publication_id=pub.id, text="x", at=at(MON))
    assert exc.value.code == "publication.comment_period_over"
    pub = published(people)
    with pytest.raises(DomainError) as exc:
        ps.objection_file(publication_id=pub.id, text="x", at=at(pub.comment_ends + timedelta(days=1)))
    assert exc.value.code == "publication.comment_period_over"
    with pytest.raises(DomainError) as exc:
        ps.objection_file(publication_id=pub.id, text=" ", at=at(MON))
    assert (exc.value.code, exc.value.field) == ("publication.objection_required", "text")


def test_review_by_the_named_reviewer_only(people, two_counties) -> None:
    pub = scheduled(people)
    with pytest.raises(DomainError) as exc:
        ps.publication_submit(publication_id=pub.id, reviewer_id=people.author.id, actor=people.author, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("publication.reviewer_is_author", "reviewer")
    with pytest.raises(DomainError) as exc:
        ps.publication_submit(publication_id=pub.id, reviewer_id=people.clerk.id, actor=people.author, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("publication.reviewer_invalid", "reviewer")
    with pytest.raises(DomainError) as exc:
        ps.publication_publish(publication_id=pub.id, actor=people.chief, at=at(MON))
    assert exc.value.code == "publication.not_reviewer"
    ps.publication_submit(publication_id=pub.id, reviewer_id=people.chief.id, actor=people.author, at=at(MON))
    with pytest.raises(DomainError) as exc:
        ps.publication_publish(publication_id=pub.id, actor=people.author, at=at(MON))
    assert exc.value.code == "publication.not_reviewer"
    pub = ps.publication_return(publication_id=pub.id, note="名单不全", actor=people.chief, at=at(MON))
    assert pub.state == "draft"
    with pytest.raises(DomainError) as exc:
        ps.publication_finalize(publication_id=pub.id, actor=people.author, at=at(MON))
    assert exc.value.code == "publication.transition_refused.finalize"


def test_the_author_cannot_be_named_reviewer_by_someone_else(people) -> None:
    """The chief representative drafts; a colleague submitting it cannot name the author to review it."""
    pub = ps.publication_schedule(department_id=people.dept.id, title="通知", kind="ad_hoc", body="b", comment_days=7,
                                  comment_unit="calendar", due_on=MON, actor=people.chief, at=at(MON))
    with pytest.raises(DomainError) as exc:
        ps.publication_submit(publication_id=pub.id, reviewer_id=people.chief.id, actor=people.author, at=at(MON))
    assert (exc.value.code, exc.value.field, exc.value.status) == ("publication.reviewer_is_author", "reviewer", 400)
    assert "拟稿人" in exc.value.message


def test_scheduling_checks_its_input_and_role(people) -> None:
    with pytest.raises(DomainError) as exc:
        ps.publication_schedule(department_id=people.dept.id, title="t", kind="yearly", body="b", comment_days=7,
                                comment_unit="calendar", due_on=MON, actor=people.author)
    assert exc.value.code == "publication.kind_invalid"
    with pytest.raises(DomainError) as exc:
        ps.publication_schedule(department_id=people.dept.id, title="t", kind="ad_hoc", body="b", comment_days=0,
                                comment_unit="calendar", due_on=MON, actor=people.author)
    assert (exc.value.code, exc.value.field) == ("publication.comment_days_invalid", "comment_days")
    with pytest.raises(PermissionDenied):
        ps.publication_schedule(department_id=people.dept.id, title="t", kind="ad_hoc", body="b", comment_days=7,
                                comment_unit="calendar", due_on=MON, actor=people.clerk)


def test_a_late_publication_is_a_supervision_warning(people) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    pub = scheduled(people)
    row = deadlines_of("publication", pub.pk)[0]
    assert (row.state, row.due_on) == (DeadlineState.OPEN, MON)
    sweep(now=at(MON + timedelta(days=1)))
    warning = Warning.objects.get(subject_type="publication", subject_id=pub.pk)
    assert warning.rule == "deadline_overdue"
    ps.publication_submit(publication_id=pub.id, reviewer_id=people.chief.id, actor=people.author,
                          at=at(MON + timedelta(days=1), 11))
    ps.publication_publish(publication_id=pub.id, actor=people.chief, at=at(MON + timedelta(days=1), 12))
    assert deadlines_of("publication", pub.pk)[0].state == DeadlineState.CLOSED
    sweep(now=at(MON + timedelta(days=1), 13))
    warning.refresh_from_db()
    assert not warning.is_live


def test_pages_and_api(client, people, two_counties) -> None:
    pub = published(people)
    listing = client.get(reverse("openness:public_publications")).content.decode()
    assert pub.title in listing
    r = client.get("/api/v1/publications")
    assert r.json()["items"][0]["number"] == pub.number
    assert client.get("/api/v1/publications", {"kind": "bogus"}).status_code == 422
    client.force_login(two_counties.a.user(Role.REVIEWER))
    schedule = client.get(reverse("openness:staff_schedule")).content.decode()
    assert pub.number in schedule
    page = client.get(reverse("openness:staff_publication", args=[pub.pk]))
    assert page.status_code == 200
    bad = client.post(reverse("openness:staff_publication_act", args=[pub.pk, "withdraw"]), {"note": ""})
    assert bad.status_code == 400
    assert "请填写撤回理由" in bad.content.decode()
    done = client.post(reverse("openness:staff_publication_act", args=[pub.pk, "finalize"]))
    assert done.status_code == 302  # the comment period (7 days from 2 March) is long over


def test_the_table_is_complete() -> None:
    TABLE.check()


def test_the_next_quarters_due_date_and_title() -> None:
    from onewindow.openness.publication_rules import next_quarter_due, next_quarter_title

    assert next_quarter_due(date(2026, 3, 2)) == date(2026, 6, 2)  # the 2nd day of Q1 → of Q2
    assert next_quarter_due(date(2026, 12, 31)) == date(2027, 3, 31)  # Q4's last day → Q1's last
    assert next_quarter_due(date(2026, 3, 31)) == date(2026, 6, 30)  # day 91 of Q1: Q2 has 91 days
    assert next_quarter_due(date(2026, 9, 30)) == date(2026, 12, 30)
    assert next_quarter_title("2026年第四季度城乡低保对象公示", date(2026, 11, 2)) == "2027年第一季度城乡低保对象公示"
    assert next_quarter_title("2026 年第一季度低保公示", MON) == "2026 年第二季度低保公示"
    assert next_quarter_title("第3季度资金公示", date(2026, 8, 1)) == "第4季度资金公示"
    assert next_quarter_title("村务公开", MON) == "村务公开"


def test_a_published_quarterly_publication_schedules_the_next_quarter_once(people) -> None:
    from onewindow.openness.models import Publication

    pub = published(people)
    following = Publication.objects.get(follows=pub)
    assert (following.kind, following.state, following.due_on) == ("quarterly", "draft", date(2026, 6, 2))
    assert following.title == "2026 年第二季度城乡低保对象公示"
    assert (following.comment_days, following.comment_unit, following.department_id) == (7, "calendar", people.dept.id)
    event = following.events.get(seq=1)
    assert (event.kind, event.payload["follows"]) == ("scheduled", pub.number)
    # Its due date is a deadline row like any: a late next quarter warns like a late first.
    due = [d for d in deadlines_of("publication", following.pk) if d.key == "publish"]
    assert [(d.due_on, d.state) for d in due] == [(date(2026, 6, 2), DeadlineState.OPEN)]
    # An ad hoc publication schedules nothing; the chain of the new one verifies.
    before = Publication.objects.count()
    adhoc = ps.publication_schedule(department_id=people.dept.id, title="临时公示", kind="ad_hoc", body="内容",
                                    comment_days=5, comment_unit="workdays", due_on=MON, actor=people.author,
                                    at=at(MON - timedelta(days=7)))
    ps.publication_submit(publication_id=adhoc.id, reviewer_id=people.chief.id, actor=people.author, at=at(MON))
    ps.publication_publish(publication_id=adhoc.id, actor=people.chief, at=at(MON))
    assert Publication.objects.count() == before + 1
    assert all(report.ok for report in verify_all("publication"))
