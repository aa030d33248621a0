"""The sweep: every rule fires exactly when it should and not a moment earlier, resolves when its
cause goes away, and never fires twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases import services as cs
from onewindow.cases.history import chain_event
from onewindow.cases.models import Case
from onewindow.core import compiled
from onewindow.notifications.models import OutboxMessage
from onewindow.organization.models import Authorization, Window
from onewindow.organization.rules import Power
from onewindow.supervision import services as sv
from onewindow.supervision.models import CaseRecheck, SupervisionSettings, SweepCursor, Warning, WarningEvent
from onewindow.supervision.rules import RULES, Code
from onewindow.workdays.models import PublishedYear
from onewindow.workdays.selectors import national_calendar, snapshot_for
from tests.cases.helpers import accepted_case, at, review_all, submit

from .helpers import end_of, give_phone, next_day, start_of

pytestmark = pytest.mark.django_db


def live(rule: str | None = None, **kw) -> list[Warning]:
    qs = Warning.objects.filter(state__in=["open", "acknowledged"], **kw)
    return list(qs.filter(rule=rule) if rule else qs)


# -- the promised and statutory deadlines ------------------------------------------------------------


def test_yellow_fires_at_the_start_of_yellow_from_and_not_a_moment_earlier(hall):
    case = accepted_case(hall)
    assert case.yellow_from == date(2026, 10, 16)
    sv.sweep(now=end_of(date(2026, 10, 15)))
    assert live(Code.PROMISED_NEAR) == []
    result = sv.sweep(now=start_of(date(2026, 10, 16)))
    [w] = live(Code.PROMISED_NEAR)
    assert result.fired == 1  # the stage's yellow fired at the earlier sweep
    assert (w.level, w.case_id, w.subject, w.due_on) == ("yellow", case.id, "2026-10-19", date(2026, 10, 19))
    assert w.target_kind == "case"
    assert w.department_id == hall.dept.id
    assert w.window_id == hall.window.id
    assert w.basis == RULES[Code.PROMISED_NEAR].basis
    assert list(w.events.all()) == []  # a yellow one is not texted; the row itself records the firing


def test_red_fires_the_day_after_the_promised_due_date_and_replaces_yellow(hall):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 16)))
    sv.sweep(now=end_of(case.promised_due))  # the last moment of the due date: still only yellow
    assert [w.rule for w in live(case=case, level="red")] == []
    assert [w.rule for w in live(Code.PROMISED_NEAR)] == [Code.PROMISED_NEAR]
    sv.sweep(now=start_of(next_day(case.promised_due)))
    [red] = live(level="red")
    assert (red.rule, red.level, red.severe) == (Code.PROMISED_OVERDUE, "red", False)
    yellow = Warning.objects.get(rule=Code.PROMISED_NEAR)
    assert yellow.state == "resolved"
    assert yellow.resolution == "已转为红牌预警"
    assert [e.kind for e in yellow.events.all()] == ["resolved"]


def test_statutory_breach_is_red_and_severe_from_the_day_after_the_statutory_due_date(hall):
    case = accepted_case(hall)
    assert case.statutory_due == date(2026, 11, 2)
    sv.sweep(now=end_of(case.statutory_due))
    assert live(Code.STATUTORY_OVERDUE) == []
    sv.sweep(now=start_of(date(2026, 11, 3)))
    [w] = live(Code.STATUTORY_OVERDUE)
    assert (w.level, w.severe) == ("red", True)
    # the promised red of the same case stands beside it
    assert len(live(Code.PROMISED_OVERDUE)) == 1


def test_a_first_sweep_catches_up_on_everything_already_crossed(hall):
    accepted_case(hall)
    assert SweepCursor.objects.count() == 0
    sv.sweep(now=start_of(date(2026, 11, 10)))
    # the stage's yellow is not raised: the whole case is over its promised due date by then
    assert sorted(w.rule for w in live()) == [Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE]


def test_repeated_sweeps_never_duplicate(hall):
    accepted_case(hall)
    moment = start_of(date(2026, 10, 20))
    first = sv.sweep(now=moment)
    second = sv.sweep(now=moment)
    third = sv.sweep(now=moment + timedelta(minutes=1))
    assert first.fired >= 1
    assert second.fired == 0
    assert third.fired == 0
    assert Warning.objects.filter(rule=Code.PROMISED_OVERDUE).count() == 1
    # one notification record per red warning: notified once, not once per sweep
    assert WarningEvent.objects.filter(kind="not_notified").count() == Warning.objects.filter(level="red").count()


def test_the_unique_constraint_not_python_makes_firing_idempotent(hall):
    # given a sweep whose cursor was lost (as if a second worker ran with a stale view)
    accepted_case(hall)
    moment = start_of(date(2026, 10, 20))
    sv.sweep(now=moment)
    SweepCursor.objects.all().delete()
    # when it sweeps everything again
    again = sv.sweep(now=moment)
    # then the database skipped what existed
    assert again.fired == 0
    assert Warning.objects.filter(rule=Code.PROMISED_OVERDUE).count() == 1


def test_withdrawal_resolves_the_case_warnings(hall):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    assert live(case=case)
    cs.case_withdraw(case_id=case.id, actor=hall.clerk, reason="申请人撤回", at=at(2026, 10, 20, 11))
    sv.sweep(now=at(2026, 10, 20, 12))
    assert live(case=case) == []
    assert set(Warning.objects.filter(case=case).values_list("resolution", flat=True)) == {"办件已撤回"}


def test_a_decision_resolves_promised_and_statutory_warnings(hall):
    case = accepted_case(hall)
    case = review_all(hall, case, at(2026, 10, 8))
    sv.sweep(now=start_of(date(2026, 11, 3)))
    assert {w.rule for w in live(case=case)} == {Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE}
    cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 11, 3, 9))
    sv.sweep(now=at(2026, 11, 3, 10))
    assert live(case=case) == []
    assert set(Warning.objects.filter(case=case).values_list("resolution", flat=True)) == {"已作出决定"}


def test_an_extension_moves_the_due_date_so_red_resolves_and_fires_again_for_the_new_date(hall):
    case = accepted_case(hall)
    case = cs.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=5, reason="情况复杂",
                                   at=at(2026, 10, 9))
    new_due = case.promised_due
    assert new_due == snapshot_for(hall.county.code).add_workdays(date(2026, 10, 19), 5)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    assert live(Code.PROMISED_OVERDUE) == []
    sv.sweep(now=start_of(next_day(new_due)))
    [w] = live(Code.PROMISED_OVERDUE)
    assert w.subject == new_due.isoformat()


def test_extension_after_red_resolves_the_old_red(hall):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    [old] = live(Code.PROMISED_OVERDUE)
    cs.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=10, reason="情况复杂", at=at(2026, 10, 20, 9))
    sv.sweep(now=at(2026, 10, 20, 10))
    old.refresh_from_db()
    assert old.state == "resolved"
    assert live(Code.PROMISED_OVERDUE) == []


# -- certificate, acceptance, stages, special procedures, visits ----------------------------------------------


def test_certificate_overdue_is_red_until_the_certificate_is_issued(hall):
    case = review_all(hall, accepted_case(hall), at(2026, 10, 8))
    case = cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    due = case.issuance_due
    assert due == snapshot_for(hall.county.code).add_workdays(date(2026, 10, 9), 10)
    sv.sweep(now=end_of(due))
    assert live(Code.ISSUANCE_OVERDUE) == []
    sv.sweep(now=start_of(next_day(due)))
    [w] = live(Code.ISSUANCE_OVERDUE)
    assert w.level == "red"
    cs.case_issue_certificate(case_id=case.id, actor=hall.chief, at=start_of(next_day(due)) + timedelta(hours=9))
    sv.sweep(now=start_of(next_day(due)) + timedelta(hours=10))
    w.refresh_from_db()
    assert (w.state, w.resolution) == ("resolved", "证件已颁发")


def test_deemed_acceptance_is_red_against_the_window(hall):
    case = submit(hall)
    assert case.acceptance_due == date(2026, 10, 10)
    assert cs.cases_deem_overdue_acceptances(now=end_of(case.acceptance_due)) == 0
    sv.sweep(now=end_of(case.acceptance_due))
    assert live(Code.DEEMED_ACCEPTANCE) == []
    moment = start_of(date(2026, 10, 11))
    assert cs.cases_deem_overdue_acceptances(now=moment) == 1
    sv.sweep(now=moment + timedelta(minutes=1))
    [w] = live(Code.DEEMED_ACCEPTANCE)
    assert (w.level, w.target_kind, w.window_id, w.case_id) == ("red", "window", hall.window.id, case.id)
    assert w.target_key == f"window:{hall.window.id}/case:{case.id}"
    # a fact: it does not go away when the case concludes
    cs.case_withdraw(case_id=case.id, actor=hall.clerk, at=moment + timedelta(hours=10))
    sv.sweep(now=moment + timedelta(hours=11))
    w.refresh_from_db()
    assert w.state == "open"


def test_a_stage_over_its_budget_is_yellow_against_the_department_until_done(hall):
    case = accepted_case(hall)
    task = case.tasks.get(stage_order=2)
    assert task.due_on == date(2026, 10, 9)
    sv.sweep(now=end_of(task.due_on))
    assert live(Code.STAGE_OVERDUE) == []
    sv.sweep(now=start_of(date(2026, 10, 10)))
    [w] = live(Code.STAGE_OVERDUE)
    assert (w.level, w.target_kind, w.department_id, w.case_id) == ("yellow", "department", hall.dept.id, case.id)
    cs.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="同意", at=at(2026, 10, 10, 11))
    sv.sweep(now=at(2026, 10, 10, 12))
    w.refresh_from_db()
    assert w.state == "resolved"


def test_special_procedure_longer_than_announced_is_yellow_from_the_day_after_its_announced_end(hall):
    case = accepted_case(hall)
    case = cs.case_start_special_procedure(case_id=case.id, actor=hall.reviewer, procedure="expert_review",
                                           reason="技术复杂", announced_workdays=3, at=at(2026, 10, 8))
    expected_end = snapshot_for(hall.county.code).add_workdays(date(2026, 10, 8), 3)
    assert expected_end == date(2026, 10, 12)
    sv.sweep(now=at(2026, 10, 8, 12))
    assert CaseRecheck.objects.filter(case=case, on_day=date(2026, 10, 13)).exists()
    sv.sweep(now=end_of(expected_end))
    assert live(Code.SPECIAL_PROCEDURE_OVERRUN) == []
    # no event happens on the day: the recheck brings the case back into the sweep
    sv.sweep(now=start_of(date(2026, 10, 13)))
    [w] = live(Code.SPECIAL_PROCEDURE_OVERRUN)
    assert w.level == "yellow"
    assert w.due_on == expected_end
    cs.case_end_special_procedure(case_id=case.id, actor=hall.reviewer, result="评审通过", at=at(2026, 10, 14))
    sv.sweep(now=at(2026, 10, 14, 12))
    w.refresh_from_db()
    assert (w.state, w.resolution) == ("resolved", "特别程序已结束")


def test_more_visits_than_the_item_allows_is_yellow(hall):
    case = submit(hall)
    assert hall.item.current_version.max_visits == 1
    sv.sweep(now=at(2026, 9, 28, 12))
    assert live(Code.VISITS_EXCEEDED) == []
    cs.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 28, 11))
    cs.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 29))
    sv.sweep(now=at(2026, 9, 29, 12))
    [w] = live(Code.VISITS_EXCEEDED)
    assert w.level == "yellow"
    assert "2 次" in w.message


# -- the event rules: tampered or imported histories ------------------------------------------------------------


def _append(case: Case, kind: str, when, actor, payload) -> None:
    """Append a chained event straight onto the history, as an import from elsewhere would arrive."""
    case = Case.objects.get(pk=case.pk)
    compiled.insert(chain_event(case, kind=kind, at=when, actor=actor, payload=payload))
    case.save()


def test_a_second_supplement_notice_adding_materials_is_red(hall):
    case = submit(hall)
    cs.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 28, 11))
    case = cs.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 29))
    sv.sweep(now=at(2026, 9, 29, 12))
    assert live(Code.SUPPLEMENT_REPEATED) == []
    _append(case, "supplement_requested", at(2026, 9, 30), hall.clerk, {"materials": ["营业执照副本", "申请书"]})
    sv.sweep(now=at(2026, 9, 30, 12))
    [w] = live(Code.SUPPLEMENT_REPEATED)
    assert w.level == "red"
    assert "申请书" in w.message
    assert live(Code.RECORD_MISMATCH) == []  # the chain itself is intact


def test_a_decision_with_stages_skipped_is_red(hall):
    case = accepted_case(hall)
    _append(case, "decided", at(2026, 9, 30), hall.chief, {"outcome": "grant", "reasons": ""})
    sv.sweep(now=at(2026, 9, 30, 12))
    [w] = live(Code.STAGES_SKIPPED)
    assert w.level == "red"
    assert "审查" in w.message


def test_a_decision_without_the_authorization_that_day_is_red_against_the_staff_member(hall):
    case = review_all(hall, accepted_case(hall), at(2026, 10, 8))
    cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    sv.sweep(now=at(2026, 10, 9, 12))
    assert live(Code.DECISION_UNAUTHORIZED) == []
    # the record of the authorization says it began only after the decision
    Authorization.objects.filter(staff=hall.chief, power=Power.DECIDE).update(valid_from=date(2026, 10, 10))
    sv.sweep(now=at(2026, 10, 9, 13))
    [w] = live(Code.DECISION_UNAUTHORIZED)
    assert (w.level, w.target_kind, w.staff_id, w.case_id) == ("red", "staff", hall.chief.id, case.id)


def test_an_instant_case_decided_by_the_clerk_on_the_power_to_accept_is_not_unauthorized(hall):
    case = cs.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code, applicant=hall.applicant(),
                          materials=hall.checklist(), at=at(2026, 9, 28))
    cs.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    sv.sweep(now=at(2026, 9, 28, 12))
    assert live(Code.DECISION_UNAUTHORIZED) == []
    assert live(Code.STAGES_SKIPPED) == []
    # but without the power to accept that day, it is
    Authorization.objects.filter(staff=hall.clerk, power=Power.ACCEPT).update(valid_from=date(2026, 10, 1))
    sv.sweep(now=at(2026, 9, 28, 13))
    assert {w.staff_id for w in live(Code.DECISION_UNAUTHORIZED)} == {hall.clerk.id}


def test_record_mismatch_is_found_by_the_rolling_chain_check_and_resolves_when_repaired(hall):
    case = accepted_case(hall)
    Case.objects.filter(pk=case.pk).update(promised_due=date(2026, 12, 31))  # edited in place, no event
    assert sv.verify_chains(now=at(2026, 10, 1)) == 1
    [w] = live(Code.RECORD_MISMATCH)
    assert w.level == "red"
    assert "办记不符" in w.message
    Case.objects.filter(pk=case.pk).update(promised_due=case.promised_due)
    sv.verify_chains(now=at(2026, 10, 1, 11))
    w.refresh_from_db()
    assert w.state == "resolved"


def test_double_intake_at_another_window_is_yellow_once(hall):
    other = Window.objects.create(region=hall.county, number="02", name="工商窗口", kind="dedicated")
    other.departments.add(hall.dept)
    first = accepted_case(hall)
    second = accepted_case(hall, submitted=at(2026, 9, 30), accepted=at(2026, 9, 30, 11), window="02")
    sv.sweep(now=at(2026, 9, 30, 12))
    [w] = live(Code.DOUBLE_INTAKE)
    assert w.case_id == second.id
    assert w.subject == f"case:{first.id}"
    assert "*" in w.message  # the applicant's ID is masked


def test_the_same_window_twice_is_not_double_intake(hall):
    accepted_case(hall)
    accepted_case(hall, submitted=at(2026, 9, 30), accepted=at(2026, 9, 30, 11))
    sv.sweep(now=at(2026, 9, 30, 12))
    assert live(Code.DOUBLE_INTAKE) == []


# -- the calendar ------------------------------------------------------------------------------------------------


def test_next_years_calendar_missing_from_1_december_is_yellow_to_each_center_until_published(hall):
    assert not PublishedYear.objects.filter(year=2027).exists()
    sv.sweep(now=end_of(date(2026, 11, 30)))
    assert live(Code.CALENDAR_UNPUBLISHED) == []
    sv.sweep(now=start_of(date(2026, 12, 1)))
    warnings = live(Code.CALENDAR_UNPUBLISHED)
    assert {w.region_id for w in warnings} == {hall.county.id, hall.other_county.id}
    assert {(w.level, w.target_kind, w.subject) for w in warnings} == {("yellow", "center", "2027")}
    PublishedYear.objects.create(calendar=national_calendar(), year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知",
                                 published_at=start_of(date(2026, 12, 1)))
    sv.sweep(now=start_of(date(2026, 12, 1)) + timedelta(minutes=1))
    assert live(Code.CALENDAR_UNPUBLISHED) == []


# -- settings, notifications, cost --------------------------------------------------------------------------------


def test_a_center_can_switch_a_rule_off(hall):
    SupervisionSettings.objects.create(region=hall.county, enabled_rules=[c for c in RULES if c != Code.PROMISED_NEAR])
    accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 16)))
    assert live(Code.PROMISED_NEAR) == []
    sv.sweep(now=start_of(date(2026, 10, 20)))
    assert len(live(Code.PROMISED_OVERDUE)) == 1


def test_a_township_follows_its_countys_settings(hall):
    from onewindow.organization.models import Region
    from onewindow.supervision.selectors import config_for_region

    SupervisionSettings.objects.create(region=hall.county, enabled_rules=[Code.PROMISED_OVERDUE], min_cases_for_ranking=3)
    township = Region.objects.create(code="990121001000", name="云溪镇", level=4, parent=hall.county)
    config = config_for_region(township)
    assert config.enabled == {Code.PROMISED_OVERDUE}
    assert config.min_cases_for_ranking == 3
    assert config_for_region(hall.other_county).enabled == set(RULES)


def test_red_warnings_text_the_handlers_and_the_chief_or_record_why_not(hall):
    give_phone(hall.chief, "13900000001")
    case = accepted_case(hall)
    cs.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    sv.sweep(now=start_of(date(2026, 10, 20)))
    [w] = live(Code.PROMISED_OVERDUE)
    [message] = OutboxMessage.objects.filter(kind="supervision.promised_overdue")
    assert message.recipient == "13900000001"
    assert case.number in message.body
    notified = w.events.get(kind="notified")
    assert notified.payload["sent"] == [hall.chief.name]
    assert notified.payload["skipped"] == [{"staff": hall.reviewer.name, "reason": "未登记手机号码"}]
    # a yellow one is not texted
    assert not OutboxMessage.objects.filter(kind="supervision.stage_overdue").exists()


def test_a_red_warning_nobody_can_be_texted_about_says_so(hall):
    accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    [w] = live(Code.PROMISED_OVERDUE)
    event = w.events.get(kind="not_notified")
    assert "未登记手机号码" in event.note
    assert not OutboxMessage.objects.filter(kind__startswith="supervision.").exists()


def _fillers(hall, n: int, *, start: int = 0) -> None:
    """``n`` open cases far from every line, written directly (their history is not the point)."""
    version = hall.item.current_version
    Case.objects.bulk_create([Case(
        number=f"990121-2026-9{i:05d}", query_code="X", region=hall.county, department=hall.dept, item=hall.item,
        item_version=version, window=hall.window, channel="window", applicant_kind="person", applicant_name="李四",
        applicant_id_type="resident_id", applicant_id_number=f"ID{i}", status="in_review",
        submitted_at=at(2026, 9, 28), accepted_on=date(2026, 9, 29), yellow_from=date(2027, 3, 1),
        promised_due=date(2027, 3, 5), statutory_due=date(2027, 4, 1)) for i in range(start, start + n)])


def test_a_sweeps_queries_do_not_grow_with_open_cases_that_cross_nothing(hall, django_assert_max_num_queries):
    # given one live case and 10 open cases that cross nothing, swept once
    accepted_case(hall)
    _fillers(hall, 10)
    sv.sweep(now=start_of(date(2026, 10, 1)))
    with CaptureQueriesContext(connection) as small:
        sv.sweep(now=start_of(date(2026, 10, 2)))
    # when there are 200 of them
    _fillers(hall, 190, start=10)
    # then the next sweep costs the same number of queries
    with django_assert_max_num_queries(len(small.captured_queries)):
        sv.sweep(now=start_of(date(2026, 10, 5)))
    assert len(small.captured_queries) < 40


def test_the_sweep_and_the_chain_check_are_periodic_jobs_that_keep_a_cursor(hall):
    from onewindow.tasks.registry import registered_jobs

    jobs = registered_jobs()
    assert jobs["supervision.sweep"].every == timedelta(minutes=1)
    assert "supervision.verify_chains" in jobs
    jobs["supervision.sweep"].func(start_of(date(2026, 10, 2)))
    cursor = SweepCursor.objects.get(name=sv.CURSOR)
    assert cursor.last_day == date(2026, 10, 2)
    assert cursor.runs == 1
    # a late run never moves the cursor back
    sv.sweep(now=start_of(date(2026, 10, 1)))
    cursor.refresh_from_db()
    assert cursor.last_day == date(2026, 10, 2)
    assert cursor.runs == 2


def test_the_sweep_keeps_the_statistics_row_of_each_accepted_case(hall):
    from onewindow.supervision.models import CaseFact

    case = review_all(hall, accepted_case(hall), at(2026, 10, 8))
    sv.sweep(now=at(2026, 10, 8, 12))
    fact = CaseFact.objects.get(case=case)
    assert fact.accepted_on == date(2026, 9, 29)
    assert fact.concluded_on is None
    assert fact.on_time is None
    cs.case_decide(case_id=case.id, actor=hall.chief, grant=False, reasons="不符合条件", at=at(2026, 10, 20))
    sv.sweep(now=at(2026, 10, 20, 12))
    fact.refresh_from_db()
    # decided (and so concluded) the day after the promised due date 2026-10-19
    assert (fact.concluded_on, fact.finished_on, fact.on_time, fact.early) == (date(2026, 10, 20), date(2026, 10, 20),
                                                                                False, False)
    assert fact.workdays == snapshot_for(hall.county.code).workdays_between(date(2026, 9, 29), date(2026, 10, 20))
    assert fact.compression == 0.5


def test_the_net_resolves_a_deadline_ended_around_the_kernel_at_the_next_days_first_pass(hall):
    # given a live yellow warning on the promised deadline
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 16)))
    [w] = live(Code.PROMISED_NEAR)
    # when its deadline row is closed behind the kernel's back (a raw write: no change time moves),
    # after the sweep has read every change written so far
    with connection.cursor() as cursor:
        cursor.execute("UPDATE lifecycle_deadline SET state = 'closed', closed_reason = '人工关闭' WHERE id = %s",
                       [w.deadline_id])
    SweepCursor.objects.update(last_deadline_change=timezone.now() + timedelta(days=1))
    # then a later pass the same day does not look at every live warning (a province's each minute)
    sv.sweep(now=start_of(date(2026, 10, 16)) + timedelta(hours=3))
    assert live(Code.PROMISED_NEAR) == [w]
    # and the next day's first pass, the net, resolves it with the row's reason
    sv.sweep(now=start_of(date(2026, 10, 17)))
    w.refresh_from_db()
    assert (w.state, w.resolution) == ("resolved", "人工关闭")
    assert w.case_id == case.pk
