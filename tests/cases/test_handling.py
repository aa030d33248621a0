"""Handling: inbox tasks, AB backups, extension requests, delivery, the deemed-acceptance sweep,
calendar re-timing, history verification and concurrent writers."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from onewindow.cases import selectors
from onewindow.cases import services as s
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from onewindow.organization.models import BackupPost
from onewindow.workdays import services as calendar_services

from .helpers import at, submit

pytestmark = pytest.mark.django_db


def accepted(hall, day=29):
    return s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, day))


def test_acceptance_opens_the_first_review_task_in_the_departments_inbox(hall):
    case = accepted(hall)
    task = case.tasks.get()
    assert (task.stage_name, task.department, task.role, task.assignee) == ("审查", hall.dept, "reviewer", None)
    # Opened Tue Sep 29 with a 3-working-day budget: Sep 30, Oct 8, Oct 9 (National Day in between)
    assert task.due_on == date(2026, 10, 9)
    assert [t.case for t in selectors.inbox(hall.reviewer).tasks] == [case]
    assert [t.case for t in selectors.inbox(hall.reviewer2).tasks] == [case]
    assert selectors.inbox(hall.outsider).tasks == []


def test_claim_release_and_reassignment(hall):
    case = accepted(hall)
    case = s.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    assert case.tasks.get().assignee == hall.reviewer
    assert selectors.inbox(hall.reviewer2).tasks == []  # claimed by a colleague: out of the shared inbox
    with pytest.raises(DomainError) as exc:
        s.case_claim_task(case_id=case.id, actor=hall.reviewer2, stage_order=2, at=at(2026, 9, 30))
    assert exc.value.code == "task.claimed_by_other"
    with pytest.raises(PermissionDenied):
        s.case_release_task(case_id=case.id, actor=hall.reviewer2, stage_order=2, at=at(2026, 9, 30))
    s.case_release_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    assert case.tasks.get().assignee is None
    with pytest.raises(PermissionDenied):
        s.case_reassign_task(case_id=case.id, actor=hall.reviewer, stage_order=2, assignee_id=hall.reviewer2.id)
    with pytest.raises(DomainError) as exc:
        s.case_reassign_task(case_id=case.id, actor=hall.chief, stage_order=2, assignee_id=hall.clerk.id,
                             at=at(2026, 9, 30))
    assert exc.value.code == "task.assignee_ineligible"
    case = s.case_reassign_task(case_id=case.id, actor=hall.chief, stage_order=2, assignee_id=hall.reviewer2.id,
                                at=at(2026, 9, 30))
    assert case.tasks.get().assignee == hall.reviewer2
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["task_claimed", "task_released", "task_reassigned"]


def test_the_ab_backup_sees_and_completes_an_absent_colleagues_task(hall):
    BackupPost.objects.create(primary=hall.reviewer, backup=hall.reviewer2)
    case = s.case_claim_task(case_id=accepted(hall).id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    assert selectors.inbox(hall.reviewer2).tasks == []
    with pytest.raises(DomainError):
        s.case_complete_stage(case_id=case.id, actor=hall.reviewer2, stage_order=2, opinion="代办", at=at(2026, 9, 30))
    hall.reviewer.is_present = False
    hall.reviewer.save()
    assert [t.case for t in selectors.inbox(hall.reviewer2).tasks] == [case]
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer2, stage_order=2, opinion="B岗代办",
                                 at=at(2026, 9, 30))
    assert case.tasks.get(stage_order=2).state == CaseTask.State.DONE
    assert case.tasks.get(stage_order=3).state == CaseTask.State.OPEN


def test_the_decision_waits_in_the_chiefs_inbox_once_every_stage_is_done(hall):
    case = accepted(hall)
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = s.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意", at=at(2026, 9, 30))
    assert selectors.inbox(hall.chief).to_decide == [case]
    assert selectors.inbox(hall.reviewer).tasks == []


def test_an_extension_is_requested_by_the_reviewer_and_decided_by_the_chief(hall):
    case = accepted(hall)
    with pytest.raises(PermissionDenied):
        s.case_request_extension(case_id=case.id, actor=hall.clerk, workdays=5, reason="复杂", at=at(2026, 9, 30))
    with pytest.raises(DomainError) as exc:
        s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=11, reason="复杂", at=at(2026, 9, 30))
    assert exc.value.code == "clock.extension_beyond_cap"
    assert exc.value.field == "workdays"
    case = s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="需补充论证",
                                    at=at(2026, 9, 30))
    assert case.extension_requested_days == 5
    assert selectors.inbox(hall.chief).extension_requests == [case]
    case = s.case_decline_extension(case_id=case.id, actor=hall.chief, reason="期限内可以办结", at=at(2026, 10, 8))
    assert case.extension_requested_days is None
    assert case.promised_due == accepted_due(case)
    case = s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="专家意见分歧",
                                    at=at(2026, 10, 8))
    before = case.promised_due
    case = s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=5, reason="专家意见分歧",
                                  at=at(2026, 10, 9))
    assert case.extension_requested_days is None
    assert case.promised_due > before
    assert case.events.filter(kind="extension_granted").get().payload["requested_workdays"] == 5
    with pytest.raises(DomainError) as exc:
        s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=1, reason="再延", at=at(2026, 10, 9))
    assert exc.value.code == "clock.extension_twice"


def accepted_due(case: Case) -> date:
    from onewindow.workdays.selectors import snapshot_for

    return snapshot_for(case.region.code).add_workdays(case.accepted_on, case.item_version.promised_limit)


def test_an_extension_after_the_statutory_due_date_is_refused(hall):
    case = accepted(hall)
    with pytest.raises(DomainError) as exc:
        s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=3, reason="迟到的延期",
                               at=at(2026, 11, 20))
    assert exc.value.code == "clock.extension_after_statutory_due"


def granted(hall) -> Case:
    case = accepted(hall)
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = s.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意", at=at(2026, 9, 30))
    return s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 8))


def test_certificate_and_delivery_by_post_conclude_the_case(hall):
    case = granted(hall)
    assert selectors.inbox(hall.clerk).to_issue == [case]
    with pytest.raises(DomainError) as exc:
        s.case_deliver(case_id=case.id, actor=hall.clerk, method="window", at=at(2026, 10, 9))
    assert exc.value.code == "case.transition_refused.deliver"
    case = s.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 9))
    assert case.status == "certificate_issued"
    assert selectors.inbox(hall.clerk).to_deliver == [case]
    with pytest.raises(DomainError) as exc:
        s.case_deliver(case_id=case.id, actor=hall.clerk, method="drone", at=at(2026, 10, 9))
    assert exc.value.field == "method"
    case = s.case_deliver(case_id=case.id, actor=hall.clerk, method="post", tracking_number="EMS1234567890CN",
                          at=at(2026, 10, 12))
    assert case.status == "concluded"
    assert case.visits == 1  # posted: no second visit
    assert case.events.get(kind="delivered").payload["tracking_number"] == "EMS1234567890CN"


def test_the_sweep_records_deemed_acceptance_once(hall):
    case = submit(hall)  # received Mon 2026-09-28, acceptance due Sat 2026-10-10
    assert s.cases_deem_overdue_acceptances(now=at(2026, 10, 10, 23)) == 0
    assert s.cases_deem_overdue_acceptances(now=at(2026, 10, 11, 9)) == 1
    assert s.cases_deem_overdue_acceptances(now=at(2026, 10, 11, 10)) == 0
    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.accepted_on == date(2026, 9, 28)
    assert case.events.filter(kind="deemed_accepted").count() == 1
    assert case.tasks.count() == 1


def test_a_calendar_change_re_times_open_cases_and_records_what_moved(hall, django_capture_on_commit_callbacks):
    case = accepted(hall)
    done = s.case_conclude_instant(case_id=s.case_submit(
        actor=hall.clerk, item_code=hall.instant_item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), at=at(2026, 9, 28)).id, actor=hall.clerk, at=at(2026, 9, 28))
    old_promised, old_statutory = case.promised_due, case.statutory_due
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.calendar_override_day(actor=calendar_services.SYSTEM,
                                                region_code=hall.county.code, day=date(2026, 10, 9),
                                                kind="holiday", name="地方节日")
    case.refresh_from_db()
    assert case.promised_due > old_promised
    assert case.statutory_due > old_statutory
    event = case.events.get(kind="calendar_retimed")
    assert event.payload["moved"]["promised_due"] == {"old": str(old_promised), "new": str(case.promised_due)}
    assert selectors.case_view(case).clock.promised_due == case.promised_due
    assert not done.events.filter(kind="calendar_retimed").exists()  # concluded: not re-timed


def test_verify_history_reports_a_tampered_event(hall):
    case = accepted(hall)
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "有问题 0 件" in out.getvalue()
    with triggers_lifted(protected_uris()):  # on PostgreSQL the table itself refuses the edit
        CaseEvent.objects.filter(case=case, seq=2).update(payload={"note": "改过"})
    with pytest.raises(CommandError):
        call_command("verify_history", "--case", case.number, stdout=(out := StringIO()))
    assert "hash_mismatch" in out.getvalue()
    assert case.number in out.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_history", "--case", "nope")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_one_wins_the_other_is_told_to_reload(hall):
    from onewindow.core.timesource import now

    case = submit(hall, when=now())  # today: both actions are lawful, only the race decides
    seen = case.row_version
    barrier = threading.Barrier(2)
    results: list[object] = []

    def act(action):
        barrier.wait()
        try:
            results.append(action())
        except Exception as exc:  # collected for the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(lambda: s.case_accept(case_id=case.id, actor=hall.clerk,
                                                                        expected_version=seen),)),
               threading.Thread(target=act, args=(lambda: s.case_request_supplement(
                   case_id=case.id, actor=hall.clerk, materials=["申请书"], expected_version=seen),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    case.refresh_from_db()
    assert case.row_version == seen + 1


def test_an_online_applicant_submits_supplements_and_withdraws_only_their_own_case(hall, django_user_model):
    from onewindow.cases.rules import MaterialCheck

    me = django_user_model.objects.create_user(username="13900000000", password="Applicant-Pass-1")
    other = django_user_model.objects.create_user(username="13900000001", password="Applicant-Pass-1")
    with pytest.raises(PermissionDenied):
        s.case_submit(actor=None, item_code=hall.item.implementation_code, applicant=hall.applicant(), materials=[],
                      channel="online", at=at(2026, 9, 28))
    case = s.case_submit(actor=None, applicant_account=me, item_code=hall.item.implementation_code,
                         applicant=hall.applicant(), channel="online", at=at(2026, 9, 28),
                         materials=[MaterialCheck("申请书", "received"), MaterialCheck("营业执照副本", "missing")])
    assert case.visits == 0
    assert case.events.get().actor_label == "申请人 张三"
    case = s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 29))
    with pytest.raises(PermissionDenied):
        s.case_supplement(case_id=case.id, actor=None, applicant=other, materials=["营业执照副本"], at=at(2026, 9, 30))
    case = s.case_supplement(case_id=case.id, actor=None, applicant=me, materials=["营业执照副本"], at=at(2026, 9, 30))
    assert case.status == "submitted"
    assert case.visits == 0
    case = s.case_withdraw(case_id=case.id, actor=None, applicant=me, reason="不再需要", at=at(2026, 10, 8))
    assert case.status == "withdrawn"


def test_a_claimed_verification_stage_takes_the_colleagues_second_signature(hall):
    case = accepted(hall)
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="同意", at=at(2026, 9, 30))
    case = s.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=3, at=at(2026, 9, 30))
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=3, opinion="现场符合",
                                 at=at(2026, 9, 30))
    case = s.case_complete_stage(case_id=case.id, actor=hall.reviewer2, stage_order=3, opinion="复核同意",
                                 at=at(2026, 9, 30))
    assert case.tasks.get(stage_order=3).state == CaseTask.State.DONE


def test_an_instant_case_is_decided_certified_and_handed_over_on_the_spot(hall):
    case = s.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                         applicant=hall.applicant(), materials=hall.checklist(), at=at(2026, 9, 28))
    case = s.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    assert list(case.events.values_list("kind", flat=True)) == [
        "submitted", "accepted", "decided", "certificate_issued", "delivered", "concluded"]
    assert case.certificates.count() == 1
    assert selectors.case_view(case).clock.timeliness == "on_time"


def test_times_in_any_zone_keep_the_record_verifiable(hall):
    from datetime import datetime as dt
    from zoneinfo import ZoneInfo

    from onewindow.cases.history import verify_case

    case = submit(hall)
    moment = dt(2026, 9, 29, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    s.case_refuse(case_id=case.id, actor=hall.clerk, reason="不属于本机关职权", legal_basis="行政许可法第三十二条",
                  at=moment)
    assert verify_case(Case.objects.get(pk=case.id)).ok


def test_staff_see_which_cases_a_calendar_change_moved(client, hall, django_capture_on_commit_callbacks):
    case = accepted(hall)
    with django_capture_on_commit_callbacks(execute=True):
        change = calendar_services.calendar_override_day(actor=calendar_services.SYSTEM, region_code=hall.county.code,
                                                         day=date(2026, 10, 9), kind="holiday", name="地方节日")
    rows = selectors.retimed_cases(hall.reviewer, change=change.number)
    assert [r.case for r in rows] == [case]
    assert "promised_due" in rows[0].moved
    assert selectors.retimed_cases(hall.outsider) == []
    client.force_login(hall.reviewer.user)
    page = client.get(f"/staff/retimed/?change={change.number}").content.decode()
    assert case.number in page
    assert str(case.promised_due) in page


def test_a_centers_own_yellow_share_times_the_yellow_warning(hall):
    from onewindow.lifecycle.center_settings import forget_yellow_shares
    from onewindow.supervision.models import SupervisionSettings

    default = accepted(hall)  # promised 10 working days from Tue Sep 29; yellow with 1 day left (90 %)
    SupervisionSettings.objects.create(region=hall.county, yellow_share="0.50")
    forget_yellow_shares()  # what the admin does on save; other workers follow within a minute
    halved = accepted(hall)  # yellow once half the promised period is used: 5 working days left
    from onewindow.workdays.selectors import snapshot_for

    cal = snapshot_for(hall.county.code)
    assert cal.workdays_between(default.yellow_from, default.promised_due) == 1
    assert cal.workdays_between(halved.yellow_from, halved.promised_due) == 5


def test_a_changed_yellow_share_re_times_the_open_cases_of_that_center(hall):
    from decimal import Decimal

    from onewindow.cases.jobs import refresh_yellow_lines
    from onewindow.supervision.models import SupervisionSettings
    from onewindow.tasks.registry import registered_jobs
    from onewindow.workdays.selectors import snapshot_for

    cal = snapshot_for(hall.county.code)
    open_case = accepted(hall)
    closed = accepted(hall)
    s.case_withdraw(case_id=closed.id, actor=hall.clerk, reason="申请人撤回", at=at(2026, 9, 30))
    closed.refresh_from_db()
    assert open_case.yellow_share == Decimal("0.90")
    assert cal.workdays_between(open_case.yellow_from, open_case.promised_due) == 1
    # nothing to do while the share is the one the cases were timed with
    assert refresh_yellow_lines(at(2026, 9, 30)) == 0
    # when the county's center halves its share, the change wakes the job at the next tick
    settings_row = SupervisionSettings.objects.create(region=hall.county, yellow_share="0.50")
    spec = registered_jobs()["cases.refresh_yellow_lines"]
    assert spec.wake(at(2026, 9, 30, 11), settings_row.updated_at - timedelta(seconds=1))
    assert not spec.wake(at(2026, 9, 30, 11), settings_row.updated_at)
    assert refresh_yellow_lines(at(2026, 9, 30, 11)) == 1
    open_case.refresh_from_db()
    assert open_case.yellow_share == Decimal("0.50")
    assert cal.workdays_between(open_case.yellow_from, open_case.promised_due) == 5
    # the line is a supervision setting, not the case's record: no event, and the history still verifies
    assert open_case.row_version == CaseEvent.objects.filter(case=open_case).count()
    out = StringIO()
    call_command("verify_history", "--case", open_case.number, stdout=out)
    # a concluded case keeps the line it closed with; a second run changes nothing
    before = Case.objects.get(pk=closed.pk)
    assert (before.yellow_share, before.yellow_from) == (closed.yellow_share, closed.yellow_from)
    assert refresh_yellow_lines(at(2026, 9, 30, 12)) == 0
    # a removed setting brings the default back at the next run
    settings_row.delete()
    assert refresh_yellow_lines(at(2026, 9, 30, 13)) == 1
    open_case.refresh_from_db()
    assert open_case.yellow_share == Decimal("0.90")
