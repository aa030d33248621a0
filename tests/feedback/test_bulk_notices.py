"""群发通知: a department's one SMS to a chosen group (every applicant of an item this year, or every
caller of its work orders), its text approved by a second person first, sent through the outbox in
one transaction, rate limited, recorded on the chains, and never sent twice."""

from __future__ import annotations

import pytest

from onewindow.cases import services as case_services
from onewindow.cases.rules import Applicant
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.feedback import rules as r
from onewindow.feedback import services as svc
from onewindow.feedback.models import BulkNotice, WorkOrderEvent
from onewindow.lifecycle.selectors import verify_all
from onewindow.notifications.models import OutboxMessage
from tests.cases.helpers import VALID_ID, at

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 14, 10)


def applied(hall, phone: str, when=None):
    """A case of the committed item handed in by an applicant with this phone."""
    return case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code,
        applicant=Applicant(kind="person", name="李四", id_type="resident_id", id_number=VALID_ID, phone=phone),
        materials=hall.checklist(), window_number="01", at=when or at(2026, 9, 28))


def approved(hall, people, **kw):
    notice = svc.notice_draft(department_id=hall.dept.pk, group=kw.pop("group", "item_applicants"),
                              item_id=kw.pop("item_id", hall.item.pk), year=2026, body="【政务服务】办事大厅10月20日起延时服务。",
                              actor=hall.chief, at=NOW, **kw)
    return svc.notice_review(notice_id=notice.pk, approve=True, actor=people.admin, at=NOW)


def bulk_messages():
    return OutboxMessage.objects.filter(kind="feedback.bulk_notice")


def test_an_approved_notice_reaches_every_applicant_of_the_item_once(hall, people):
    applied(hall, "13900001111")
    applied(hall, "13900001111")  # the same person twice: one message
    applied(hall, "13900002222")
    applied(hall, "13900003333", when=at(2025, 9, 29))  # last year: not in the group
    notice = approved(hall, people)
    sent = svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW)
    assert sent.state == r.NoticeState.SENT
    assert sent.recipients == 2
    assert sorted(bulk_messages().values_list("recipient", flat=True)) == ["13900001111", "13900002222"]
    assert set(bulk_messages().values_list("topic", flat=True)) == {notice.number}
    kinds = list(sent.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["drafted", "approved", "sent"]
    assert sent.events.get(kind="sent").payload["recipients"] == 2
    assert all(report.ok for report in verify_all("bulk_notice"))


def test_a_repeated_send_sends_nothing_twice(hall, people):
    applied(hall, "13900001111")
    notice = approved(hall, people)
    svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW)
    again = svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW)
    assert again.state == r.NoticeState.SENT
    assert bulk_messages().count() == 1
    assert again.events.filter(kind="sent").count() == 1


def test_the_same_idempotency_key_gives_the_same_draft(hall, people):
    first = svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk, year=2026,
                             body="通知", actor=hall.chief, idempotency_key="k-1", at=NOW)
    second = svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk, year=2026,
                              body="通知", actor=hall.chief, idempotency_key="k-1", at=NOW)
    assert first.pk == second.pk
    assert BulkNotice.objects.count() == 1


def test_the_text_is_approved_first_by_another_person(hall, people):
    applied(hall, "13900001111")
    notice = svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk, year=2026,
                              body="通知", actor=people.admin, at=NOW)
    with pytest.raises(DomainError) as unapproved:
        svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW)
    assert unapproved.value.code == "bulk_notice.transition_refused.send"
    with pytest.raises(DomainError) as own:
        svc.notice_review(notice_id=notice.pk, approve=True, actor=people.admin, at=NOW)
    assert own.value.code == "notice.same_approver"
    with pytest.raises(DomainError) as no_reason:
        svc.notice_review(notice_id=notice.pk, approve=False, actor=hall.chief, at=NOW)
    assert no_reason.value.field == "note"
    rejected = svc.notice_review(notice_id=notice.pk, approve=False, note="措辞不当", actor=hall.chief, at=NOW)
    assert rejected.state == r.NoticeState.REJECTED
    assert not bulk_messages().exists()


def test_permissions_are_checked(hall, people):
    with pytest.raises(PermissionDenied):  # a clerk does not send the department's notices
        svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk, year=2026,
                         body="通知", actor=hall.clerk, at=NOW)
    with pytest.raises(PermissionDenied):  # another county's administrator
        svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk, year=2026,
                         body="通知", actor=people.other_admin, at=NOW)
    notice = svc.notice_draft(department_id=hall.dept.pk, group="item_applicants", item_id=hall.item.pk,
                              year=2026, body="通知", actor=hall.reviewer, at=NOW)
    with pytest.raises(PermissionDenied):  # a reviewer drafts but does not approve
        svc.notice_review(notice_id=notice.pk, approve=True, actor=hall.reviewer2, at=NOW)


def test_bad_input_is_refused_with_the_field_named(hall, people):
    base = {"department_id": hall.dept.pk, "year": 2026, "actor": hall.chief, "at": NOW}
    with pytest.raises(DomainError) as group:
        svc.notice_draft(group="everyone", body="通知", **base)
    assert group.value.field == "group"
    with pytest.raises(NotFound) as item:
        svc.notice_draft(group="item_applicants", item_id=None, body="通知", **base)
    assert item.value.field == "item"
    with pytest.raises(DomainError) as long:
        svc.notice_draft(group="order_callers", body="长" * 301, **base)
    assert long.value.code == "feedback.body_too_long"
    with pytest.raises(DomainError) as year:
        svc.notice_draft(group="order_callers", body="通知", **{**base, "year": 2030})
    assert year.value.field == "year"
    empty = approved(hall, people, group="order_callers", item_id=None)
    with pytest.raises(DomainError) as nobody:
        svc.notice_send(notice_id=empty.pk, actor=hall.chief, at=NOW)
    assert nobody.value.code == "notice.no_recipients"


def test_callers_of_the_department_orders_each_get_the_event_on_their_order(hall, people):
    orders = []
    for phone in ("13700001111", "13700001111", "13700002222", ""):
        order = svc.order_receive(region=hall.county, kind="inquiry", content="咨询", caller_phone=phone,
                                  department_id=hall.dept.pk, actor=people.admin, at=at(2026, 10, 12))
        orders.append(order)
    notice = approved(hall, people, group="order_callers", item_id=None)
    sent = svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW)
    assert sent.recipients == 2
    assert bulk_messages().count() == 2
    told = WorkOrderEvent.objects.filter(kind="notice_sent")
    assert sorted(told.values_list("order_id", flat=True)) == sorted(o.pk for o in orders[:3])
    assert all(e.payload["notice"] == notice.number for e in told)
    assert all(report.ok for report in verify_all("work_order"))


def test_a_department_sends_at_most_three_notices_a_day(hall, people):
    applied(hall, "13900001111")
    for _ in range(r.NOTICE_PER_DEPARTMENT_PER_DAY):
        svc.notice_send(notice_id=approved(hall, people).pk, actor=hall.chief, at=NOW)
    fourth = approved(hall, people)
    with pytest.raises(DomainError) as limited:
        svc.notice_send(notice_id=fourth.pk, actor=hall.chief, at=NOW)
    assert limited.value.status == 429
    assert limited.value.code == "notice.rate_limited"
    assert BulkNotice.objects.get(pk=fourth.pk).state == r.NoticeState.APPROVED
    # The next day it goes.
    assert svc.notice_send(notice_id=fourth.pk, actor=hall.chief, at=at(2026, 10, 15, 10)).state == "sent"


def test_a_stale_page_is_told_to_reload(hall, people):
    applied(hall, "13900001111")
    notice = approved(hall, people)
    with pytest.raises(Conflict):
        svc.notice_send(notice_id=notice.pk, actor=hall.chief, at=NOW, expected_version=0)


def test_the_pages_draft_approve_and_send(client, hall, people):
    applied(hall, "13900001111")
    client.force_login(hall.chief.user)
    assert 'data-testid="notice-form"' in client.get("/staff/feedback/notices/").content.decode()
    made = client.post("/staff/feedback/notices/", {"department": hall.dept.pk, "group": "item_applicants",
                                                    "item": hall.item.pk, "year": 2026, "body": "延时服务通知",
                                                    "key": "page-1"})
    assert made.status_code == 302
    notice = BulkNotice.objects.get()
    page = client.get(f"/staff/feedback/notices/{notice.pk}/").content.decode()
    assert 'data-testid="notice-action-approve"' not in page  # not the drafter's own
    client.force_login(people.admin.user)
    page = client.get(f"/staff/feedback/notices/{notice.pk}/").content.decode()
    assert 'data-testid="notice-action-approve"' in page
    client.post(f"/staff/feedback/notices/{notice.pk}/act/approve/", {"row_version": 0})
    client.force_login(hall.chief.user)
    done = client.post(f"/staff/feedback/notices/{notice.pk}/act/send/", {"row_version": 1}, follow=True)
    assert "已交发件箱发送 1 人" in done.content.decode()
    assert bulk_messages().count() == 1
    client.force_login(people.other_admin.user)
    assert client.get(f"/staff/feedback/notices/{notice.pk}/").status_code == 404
