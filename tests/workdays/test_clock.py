"""The clock, one named example per DESIGN.md §4 rule, on the national calendar (chinesecalendar).

Dates were checked by hand against the State Council arrangements: 2026 Mid-Autumn Sep 25–27,
National Day Oct 1–7, make-up days Sun Sep 20 and Sat Oct 10; Qingming Apr 4–6; Labour Day May 1–5
with Sat May 9 worked. March 2026 has no holiday.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from clock_helpers import (
    FIRST,
    LAST,
    accepted,
    at,
    decided,
    ev,
    extension,
    national,
    pause_ended,
    pause_started,
    submitted,
    supplement_requested,
    supplemented,
)

from onewindow.workdays.arithmetic import build_snapshot
from onewindow.workdays.clock import (
    SHANGHAI,
    ClockEvent,
    ClockLimits,
    EventKind,
    Phase,
    StopReason,
    Timeliness,
    WarningLevel,
    check_transition,
    clock,
    deadline_moment,
    deemed_acceptance_due,
)

CAL = national()
LIMITS = ClockLimits(statutory=20, promised=10)


def codes(violations) -> list[str]:
    return [v.code for v in violations]


# -- rule 1: working days on the region's calendar ------------------------------------------------


def test_rule1_limits_count_weekdays_minus_holidays_plus_makeup_days():
    # Given a case accepted on Wed 2026-09-30, the eve of National Day, promised in 5 working days
    limits = ClockLimits(statutory=20, promised=5)
    events = [submitted(date(2026, 9, 29)), accepted(date(2026, 9, 30))]

    # When the clock runs
    state = clock(events, limits, CAL, at(date(2026, 10, 8)))

    # Then Oct 1–7 are skipped, Sat Oct 10 (调休) counts and Sun Oct 11 does not:
    # Oct 8 (1), Oct 9 (2), Sat Oct 10 (3), Oct 12 (4), Oct 13 (5)
    assert state.promised_due == date(2026, 10, 13)
    assert state.remaining_workdays == 4  # Oct 9, 10, 12, 13 left after Oct 8


# -- rule 2: the triggering day is not counted; deadlines end at 23:59:59 Shanghai -----------------


def test_rule2_start_day_never_counts_whether_or_not_it_is_a_working_day():
    # Given submissions on Fri Sep 18, Sat Sep 19 and on the make-up working Sunday Sep 20
    def due(d):
        return clock([submitted(d)], LIMITS, CAL, at(d)).acceptance_due

    # Then Friday and Saturday both start counting on Sun Sep 20 (a make-up working day) …
    assert due(date(2026, 9, 18)) == date(2026, 9, 24)
    assert due(date(2026, 9, 19)) == date(2026, 9, 24)
    # … and a submission on the working Sunday does not count that Sunday: 21, 22, 23, 24, 28
    assert due(date(2026, 9, 20)) == date(2026, 9, 28)


def test_rule2_deadline_is_the_end_of_the_due_day_in_shanghai():
    assert deadline_moment(date(2026, 9, 28)) == datetime(2026, 9, 28, 23, 59, 59, tzinfo=SHANGHAI)
    events = [submitted(at(date(2026, 9, 20)))]
    # Still open at 23:59:58 on the due day, deemed accepted one second into the next day
    before = clock(events, LIMITS, CAL, datetime(2026, 9, 28, 23, 59, 58, tzinfo=SHANGHAI))
    after = clock(events, LIMITS, CAL, datetime(2026, 9, 29, 0, 0, 1, tzinfo=SHANGHAI))
    assert before.phase == Phase.ACCEPTANCE
    assert not before.deemed_accepted
    assert after.deemed_accepted
    assert after.accepted_on == date(2026, 9, 20)


def test_rule2_utc_moments_are_read_as_shanghai_days():
    # 17:30 UTC on Sep 20 is 01:30 on Mon Sep 21 in Shanghai: the receipt day is Sep 21
    state = clock([submitted(datetime(2026, 9, 20, 17, 30, tzinfo=UTC))], LIMITS, CAL,
                  datetime(2026, 9, 21, 2, 0, tzinfo=UTC))
    assert state.received_on == date(2026, 9, 21)
    assert state.acceptance_due == date(2026, 9, 29)  # 22, 23, 24, 28, 29


# -- rule 3: acceptance due in 5 working days, else deemed accepted on the receipt day --------------


def test_rule3_no_decision_in_five_working_days_means_accepted_on_the_receipt_day():
    # Given a case submitted on Mon 2026-03-02 and left alone
    events = [submitted(at(date(2026, 3, 2), 9))]

    # Then acceptance is due on Mon Mar 9 (3, 4, 5, 6, 9)
    on_due_day = clock(events, LIMITS, CAL, at(date(2026, 3, 9), 18))
    assert on_due_day.acceptance_due == date(2026, 3, 9)
    assert on_due_day.phase == Phase.ACCEPTANCE
    assert deemed_acceptance_due(events, LIMITS, CAL, at(date(2026, 3, 9), 18)) is None

    # And from Tue Mar 10 it is deemed accepted on Mar 2, the handling clock counting from Mar 2
    state = clock(events, LIMITS, CAL, at(date(2026, 3, 10)))
    assert state.phase == Phase.HANDLING
    assert state.deemed_accepted
    assert state.deemed_acceptance_pending
    assert state.accepted_on == date(2026, 3, 2)
    assert state.promised_due == date(2026, 3, 16)  # 10 working days after Mar 2
    assert deemed_acceptance_due(events, LIMITS, CAL, at(date(2026, 3, 10))) == date(2026, 3, 2)

    # When the sweep appends deemed_accepted, nothing is pending any more
    swept = [*events, ev(EventKind.DEEMED_ACCEPTED, at(date(2026, 3, 10), 1))]
    assert check_transition(events, swept[-1], LIMITS, CAL) == []
    after = clock(swept, LIMITS, CAL, at(date(2026, 3, 11)))
    assert not after.deemed_acceptance_pending
    assert after.accepted_on == date(2026, 3, 2)
    assert deemed_acceptance_due(swept, LIMITS, CAL, at(date(2026, 3, 11))) is None

    # And a supplement request after that is refused with a clear error
    late = supplement_requested(at(date(2026, 3, 11)), "营业执照")
    assert codes(check_transition(swept, late, LIMITS, CAL)) == ["clock.supplement_after_deemed_acceptance"]
    assert codes(check_transition(events, late, LIMITS, CAL)) == ["clock.supplement_after_deemed_acceptance"]


def test_rule3_deemed_acceptance_cannot_be_recorded_early_and_late_acceptance_keeps_the_receipt_day():
    events = [submitted(date(2026, 3, 2))]
    early = ev(EventKind.DEEMED_ACCEPTED, date(2026, 3, 9))
    assert codes(check_transition(events, early, LIMITS, CAL)) == ["clock.deemed_acceptance_premature"]

    # A clerk who accepts after the window only records what the law already did
    late = [*events, accepted(date(2026, 3, 12))]
    state = clock(late, LIMITS, CAL, date(2026, 3, 12))
    assert state.accepted_on == date(2026, 3, 2)
    assert state.deemed_accepted
    assert not state.deemed_acceptance_pending
    assert state.violations == ()

    # Refusing acceptance after the window is refused
    refuse = ev(EventKind.REFUSED, date(2026, 3, 10))
    assert codes(check_transition(events, refuse, LIMITS, CAL)) == ["clock.refusal_after_deemed_acceptance"]


# -- rule 4: the supplement notice and the one-time notice ------------------------------------------


def test_rule4_supplement_stops_the_acceptance_clock_and_the_supplement_restarts_it():
    # Given a case submitted Mon Mar 2, with a supplement notice on Wed Mar 4
    events = [submitted(date(2026, 3, 2)), supplement_requested(date(2026, 3, 4), "营业执照", "法定代表人身份证明")]

    # Then no acceptance clock runs while the applicant is away, however long
    waiting = clock(events, LIMITS, CAL, date(2026, 3, 30))
    assert waiting.phase == Phase.AWAITING_SUPPLEMENT
    assert not waiting.deemed_accepted
    assert waiting.accepted_on is None

    # When the materials arrive on Mon Mar 16, a new 5-day window runs from that day: 17–20, 23
    events.append(supplemented(date(2026, 3, 16)))
    state = clock(events, LIMITS, CAL, date(2026, 3, 16))
    assert state.received_on == date(2026, 3, 16)
    assert state.acceptance_due == date(2026, 3, 23)
    # And without a decision the case is deemed accepted on the day of the supplement
    assert clock(events, LIMITS, CAL, date(2026, 3, 24)).accepted_on == date(2026, 3, 16)


def test_rule4_only_one_notice_may_add_materials():
    events = [submitted(date(2026, 3, 2)), supplement_requested(date(2026, 3, 4), "营业执照", "章程"),
              supplemented(date(2026, 3, 16))]
    # A second notice that repeats listed materials is fine (they still fall short) …
    repeat = supplement_requested(date(2026, 3, 17), "章程")
    assert check_transition(events, repeat, LIMITS, CAL) == []
    # … one that adds a material not listed before breaks the one-time notice (一次告知)
    adds = supplement_requested(date(2026, 3, 17), "章程", "租赁合同")
    problems = check_transition(events, adds, LIMITS, CAL)
    assert codes(problems) == ["clock.supplement_adds_materials"]
    assert "租赁合同" in problems[0].message
    # And the clock ignores the unlawful notice: the acceptance window keeps running
    state = clock([*events, adds], LIMITS, CAL, date(2026, 3, 24))
    assert state.deemed_accepted
    assert state.accepted_on == date(2026, 3, 16)
    assert codes(state.violations) == ["clock.supplement_adds_materials"]


# -- rule 5: handling clocks from acceptance; instant; joint -----------------------------------------


def test_rule5_statutory_and_promised_clocks_start_on_the_acceptance_date():
    events = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    state = clock(events, LIMITS, CAL, date(2026, 3, 4))
    assert state.accepted_on == date(2026, 3, 3)
    assert state.promised_due == date(2026, 3, 17)
    assert state.statutory_due == date(2026, 3, 31)


def test_rule5_instant_items_are_due_at_the_end_of_the_acceptance_day():
    limits = ClockLimits(statutory=20, promised=1, handling="instant")
    events = [submitted(date(2026, 3, 3)), accepted(date(2026, 3, 3))]
    state = clock(events, limits, CAL, at(date(2026, 3, 3), 16))
    assert state.promised_due == date(2026, 3, 3)
    assert state.statutory_due == date(2026, 3, 31)  # the statutory limit still runs
    assert clock(events, limits, CAL, at(date(2026, 3, 4), 9)).warning_level == WarningLevel.RED
    # Concluded the same day: on time; the clock stops
    done = clock([*events, ev(EventKind.CONCLUDED, at(date(2026, 3, 3), 17))], limits, CAL, date(2026, 3, 20))
    assert done.stopped
    assert done.timeliness == Timeliness.ON_TIME
    assert done.warning_level == WarningLevel.NORMAL


def test_rule5_joint_cases_have_45_statutory_working_days():
    limits = ClockLimits(statutory=20, promised=30, is_joint=True)
    state = clock([submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))], limits, CAL, date(2026, 3, 4))
    # Through Qingming (Apr 4–6) and Labour Day (May 1–5) to the make-up Saturday May 9
    assert state.statutory_workdays == 45
    assert state.statutory_due == date(2026, 5, 9)


# -- rule 6: special procedures pause both clocks -----------------------------------------------------


def test_rule6_start_day_consumed_days_up_to_and_including_the_end_not_counted():
    # Given acceptance on Tue Mar 3 (promised due Mar 17, statutory Mar 31 without pauses)
    base = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]

    # When an expert review runs from Thu Mar 5 to Tue Mar 10 (Mar 6, 9, 10 are not counted)
    running = [*base, pause_started(date(2026, 3, 5), "expert_review", announced=3)]
    during = clock(running, LIMITS, CAL, date(2026, 3, 9))
    # Then while it runs the count is frozen: Mar 4 and the start day Mar 5 were used
    assert during.paused
    assert during.promised_due is None
    assert during.statutory_due is None
    assert during.remaining_workdays == 8
    assert during.statutory_remaining_workdays == 18
    assert during.warning_level == WarningLevel.NORMAL
    assert during.pauses[0].expected_end == date(2026, 3, 10)

    ended = [*running, pause_ended(date(2026, 3, 10), "expert_review")]
    state = clock(ended, LIMITS, CAL, date(2026, 3, 11))
    # And both dues move by the 3 working days not counted
    assert not state.paused
    assert state.promised_due == date(2026, 3, 20)
    assert state.statutory_due == date(2026, 4, 3)

    # And a second procedure in sequence (Thu Mar 12 – Mon Mar 16: Mar 13 and 16 not counted)
    two = [*ended, pause_started(date(2026, 3, 12), "testing"), pause_ended(date(2026, 3, 16))]
    assert clock(two, LIMITS, CAL, date(2026, 3, 17)).promised_due == date(2026, 3, 24)


def test_rule6_special_procedure_rules():
    base = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    before_acceptance = [submitted(date(2026, 3, 2))]
    assert codes(check_transition(before_acceptance, pause_started(date(2026, 3, 3)), LIMITS, CAL)) == [
        "clock.not_accepted"]
    assert codes(check_transition(base, pause_started(date(2026, 3, 4), "lunch"), LIMITS, CAL)) == [
        "clock.special_procedure_kind_invalid"]
    running = [*base, pause_started(date(2026, 3, 5))]
    assert codes(check_transition(running, pause_started(date(2026, 3, 6), "hearing"), LIMITS, CAL)) == [
        "clock.special_procedure_already_running"]
    assert codes(check_transition(base, pause_ended(date(2026, 3, 6)), LIMITS, CAL)) == [
        "clock.special_procedure_not_running"]
    assert codes(check_transition(running, pause_ended(date(2026, 3, 6), "hearing"), LIMITS, CAL)) == [
        "clock.special_procedure_kind_mismatch"]
    # An end dated before its start, as an importer might send it
    backwards = [*base, pause_started(date(2026, 3, 10)), pause_ended(date(2026, 3, 6))]
    assert codes(clock(backwards, LIMITS, CAL, date(2026, 3, 12)).violations) == [
        "clock.special_procedure_end_before_start"]


# -- rule 7: one capped extension moves both dues ----------------------------------------------------


def test_rule7_one_extension_moves_both_due_dates_by_its_working_days():
    base = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    state = clock([*base, extension(date(2026, 3, 16), 5)], LIMITS, CAL, date(2026, 3, 16))
    assert state.extension_workdays == 5
    assert state.promised_due == date(2026, 3, 24)  # Mar 17 + 18, 19, 20, 23, 24
    assert state.statutory_due == date(2026, 4, 8)  # Mar 31 + Apr 1, 2, 3, 7, 8 (Qingming skipped)


def test_rule7_extension_limits():
    base = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    once = [*base, extension(date(2026, 3, 16), 5)]
    assert codes(check_transition(once, extension(date(2026, 3, 17), 1), LIMITS, CAL)) == ["clock.extension_twice"]
    assert codes(check_transition(base, extension(date(2026, 3, 16), 11), LIMITS, CAL)) == [
        "clock.extension_beyond_cap"]
    assert check_transition(base, extension(date(2026, 3, 16), 10), LIMITS, CAL) == []
    joint = ClockLimits(statutory=20, promised=20, is_joint=True)
    assert check_transition(base, extension(date(2026, 3, 16), 15), joint, CAL) == []
    assert codes(check_transition(base, extension(date(2026, 3, 16), 16), joint, CAL)) == [
        "clock.extension_beyond_cap"]
    # Granted on the statutory due day (Mar 31) is in time; the day after is too late
    assert check_transition(base, extension(date(2026, 3, 31), 5), LIMITS, CAL) == []
    assert codes(check_transition(base, extension(date(2026, 4, 1), 5), LIMITS, CAL)) == [
        "clock.extension_after_statutory_due"]
    assert codes(check_transition(base, extension(date(2026, 3, 16), 5, role="clerk"), LIMITS, CAL)) == [
        "clock.extension_approver_invalid"]
    # The clock ignores an unlawful second extension
    twice = [*once, extension(date(2026, 3, 17), 3)]
    assert clock(twice, LIMITS, CAL, date(2026, 3, 18)).promised_due == date(2026, 3, 24)


# -- rule 8: certificate within 10 working days of a grant -------------------------------------------


def test_rule8_certificate_due_ten_working_days_after_the_grant_decision():
    # Given a grant decided on Fri 2026-09-18
    events = [submitted(date(2026, 9, 7)), accepted(date(2026, 9, 8)), decided(date(2026, 9, 18), "grant")]
    state = clock(events, LIMITS, CAL, date(2026, 9, 18))
    # Then: Sun Sep 20 (make-up) 1, 21–24 → 5, 28–30 → 8, Oct 8 → 9, Oct 9 → 10
    assert state.certificate_due == date(2026, 10, 9)
    assert state.phase == Phase.ISSUANCE
    assert not clock(events, LIMITS, CAL, date(2026, 10, 9)).issuance_overdue
    assert clock(events, LIMITS, CAL, date(2026, 10, 10)).issuance_overdue
    issued = [*events, ev(EventKind.CERTIFICATE_ISSUED, date(2026, 10, 9))]
    after = clock(issued, LIMITS, CAL, date(2026, 10, 20))
    assert after.certificate_issued_on == date(2026, 10, 9)
    assert not after.issuance_overdue
    # A denial has no certificate clock; issuing one is refused
    denied = [*events[:2], decided(date(2026, 9, 18), "deny")]
    assert clock(denied, LIMITS, CAL, date(2026, 9, 18)).certificate_due is None
    assert codes(check_transition(denied, ev(EventKind.CERTIFICATE_ISSUED, date(2026, 9, 21)), LIMITS, CAL)) == [
        "clock.certificate_without_grant"]


# -- rule 9: warning levels ----------------------------------------------------------------------------


def test_rule9_yellow_red_and_statutory_breach():
    # Given acceptance on Tue Mar 3: promised 10 (due Mar 17), statutory 20 (due Mar 31), share 0.9
    events = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]

    def level(d, hour=0):
        return clock(events, LIMITS, CAL, datetime.combine(d, time(hour, 0, 1), tzinfo=SHANGHAI)).warning_level

    state = clock(events, LIMITS, CAL, date(2026, 3, 3))
    # ceil(10 × 10 %) = 1: yellow from the start of the day with 1 working day left (Mar 16)
    assert state.yellow_from == date(2026, 3, 16)
    assert state.red_from == date(2026, 3, 18)
    assert state.statutory_breach_from == date(2026, 4, 1)
    assert level(date(2026, 3, 13), 23) == WarningLevel.NORMAL
    assert level(date(2026, 3, 16)) == WarningLevel.YELLOW
    assert level(date(2026, 3, 17), 23) == WarningLevel.YELLOW
    assert level(date(2026, 3, 18)) == WarningLevel.RED
    assert level(date(2026, 3, 31), 23) == WarningLevel.RED
    assert level(date(2026, 4, 1)) == WarningLevel.STATUTORY_BREACH


def test_rule9_threshold_is_exact_and_the_share_is_configurable():
    events = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    # 20 × (1 − 0.9) is 2 exactly (a float would give 2.0000000000000004 and ceil 3)
    twenty = clock(events, ClockLimits(statutory=20, promised=20, yellow_share=0.9), CAL, date(2026, 3, 3))
    assert twenty.promised_due == date(2026, 3, 31)
    assert twenty.yellow_from == date(2026, 3, 27)  # 30, 31 left
    # A center that warns at 80 %: ceil(10 × 0.2) = 2 days left → from Fri Mar 13
    eighty = clock(events, ClockLimits(statutory=20, promised=10, yellow_share="0.8"), CAL, date(2026, 3, 3))
    assert eighty.yellow_from == date(2026, 3, 13)


def test_rule9_a_finished_case_is_judged_on_its_finishing_day():
    events = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))]
    early = clock([*events, decided(date(2026, 3, 12), "deny"), ev(EventKind.CONCLUDED, date(2026, 3, 12))],
                  LIMITS, CAL, date(2026, 5, 1))
    assert early.stop_reason == StopReason.CONCLUDED
    assert early.timeliness == Timeliness.EARLY
    assert early.warning_level == WarningLevel.NORMAL
    assert early.remaining_workdays is None
    late = clock([*events, decided(date(2026, 3, 19), "deny")], LIMITS, CAL, date(2026, 5, 1))
    assert late.timeliness == Timeliness.OVERDUE
    assert late.warning_level == WarningLevel.RED
    breach = clock([*events, decided(date(2026, 4, 2), "deny")], LIMITS, CAL, date(2026, 5, 1))
    assert breach.warning_level == WarningLevel.STATUTORY_BREACH
    withdrawn = clock([*events, ev(EventKind.WITHDRAWN, date(2026, 3, 25))], LIMITS, CAL, date(2026, 5, 1))
    assert withdrawn.stop_reason == StopReason.WITHDRAWN
    assert withdrawn.warning_level == WarningLevel.NORMAL
    assert withdrawn.timeliness is None


# -- rule 10: provisional results ------------------------------------------------------------------------


def test_rule10_results_reaching_an_unpublished_year_are_provisional_and_move_when_it_is_published():
    # Given a case accepted on Tue 2026-12-29 whose promised 10 days reach into 2027 (not published)
    events = [submitted(date(2026, 12, 28)), accepted(date(2026, 12, 29))]
    state = clock(events, LIMITS, CAL, date(2026, 12, 30))
    # Then it is counted with weekends only (Fri 2027-01-01 counts) and marked provisional
    assert state.promised_due == date(2027, 1, 12)
    assert state.provisional

    # When 2027 is published with New Year's Day off, the same events give a later, final date
    published = build_snapshot(first=FIRST, last=LAST, holidays={*CAL.holidays, date(2027, 1, 1)},
                               makeup_workdays=CAL.makeup_workdays, published_years=range(2004, 2028), version=2)
    final = clock(events, LIMITS, published, date(2026, 12, 30))
    assert final.promised_due == date(2027, 1, 13)
    assert not final.provisional
    assert final.calendar_version == 2

    # A case inside a published year is not provisional
    assert not clock([submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3))], LIMITS, CAL, date(2026, 3, 3)).provisional


# -- stopped clocks and the rest of the life of a case -------------------------------------------------


def test_refusal_and_withdrawal_stop_the_clock_and_later_events_are_violations():
    refused = [submitted(date(2026, 3, 2)), ev(EventKind.REFUSED, date(2026, 3, 3))]
    state = clock(refused, LIMITS, CAL, date(2026, 4, 1))
    assert state.phase == Phase.STOPPED
    assert state.stop_reason == StopReason.REFUSED
    assert state.warning_level == WarningLevel.NORMAL
    assert state.promised_due is None
    assert codes(check_transition(refused, accepted(date(2026, 3, 4)), LIMITS, CAL)) == ["clock.case_stopped"]


def test_decision_during_a_special_procedure_ends_it():
    events = [submitted(date(2026, 3, 2)), accepted(date(2026, 3, 3)), pause_started(date(2026, 3, 5)),
              decided(date(2026, 3, 10), "grant")]
    state = clock(events, LIMITS, CAL, date(2026, 3, 20))
    assert state.pauses[0].end == date(2026, 3, 10)
    assert not state.paused
    assert state.promised_due == date(2026, 3, 20)
    assert state.timeliness == Timeliness.EARLY


def test_check_transition_refuses_an_event_dated_before_the_history():
    events = [submitted(at(date(2026, 3, 2), 10)), accepted(at(date(2026, 3, 3), 10))]
    assert codes(check_transition(events, ev(EventKind.DECIDED, at(date(2026, 3, 3), 9), outcome="grant"),
                                  LIMITS, CAL)) == ["clock.event_out_of_order"]
    assert check_transition(events, decided(date(2026, 3, 3)), LIMITS, CAL) == []


def test_events_after_as_of_are_not_seen_and_unknown_kinds_are_ignored():
    events = [submitted(date(2026, 3, 2)), ev("stage_completed", date(2026, 3, 3)), accepted(date(2026, 3, 4))]
    assert clock(events, LIMITS, CAL, date(2026, 3, 3)).phase == Phase.ACCEPTANCE
    assert clock(events, LIMITS, CAL, date(2026, 3, 4)).accepted_on == date(2026, 3, 4)
    assert clock([], LIMITS, CAL, date(2026, 3, 4)).phase == Phase.NOT_SUBMITTED


def test_from_record_reads_a_stored_payload_and_state_is_json_ready():
    stored = ClockEvent.from_record("supplement_requested", at(date(2026, 3, 4)),
                                    {"materials": [{"name": "章程"}, "营业执照"]}, seq=2)
    assert stored.materials == ("章程", "营业执照")
    assert stored.seq == 2
    assert stored.day == date(2026, 3, 4)
    state = clock([submitted(at(date(2026, 3, 2))), stored, ClockEvent.from_record("bogus", date(2026, 3, 5))],
                  LIMITS, CAL, at(date(2026, 3, 5)))
    json.dumps(state.as_dict(), ensure_ascii=False)
    assert state.as_dict()["phase"] == "awaiting_supplement"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        ClockEvent("submitted", datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError):
        clock([], LIMITS, CAL, datetime(2026, 3, 2, 9))


def test_limits_validation():
    with pytest.raises(ValueError):
        ClockLimits(statutory=-1, promised=1)
    with pytest.raises(ValueError):
        ClockLimits(statutory=20, promised=10, yellow_share=1.5)
    with pytest.raises(ValueError):
        ClockLimits(statutory=20, promised=10, handling="sometime")


def test_a_typical_clock_is_cheap():
    # 2 000 clocks of a five-event case well under a second of CPU (the sweep re-times 100 000)
    import time as systime

    events = [submitted(at(date(2026, 3, 2))), accepted(at(date(2026, 3, 3))), pause_started(at(date(2026, 3, 5))),
              pause_ended(at(date(2026, 3, 10))), extension(at(date(2026, 3, 12)), 5)]
    as_of = at(date(2026, 3, 20))
    started = systime.process_time()
    for _ in range(2000):
        clock(events, LIMITS, CAL, as_of)
    assert systime.process_time() - started < 2.0


def test_as_of_may_be_a_date_meaning_the_whole_day():
    events = [submitted(at(date(2026, 3, 2), 23))]
    assert clock(events, LIMITS, CAL, date(2026, 3, 2)).received_on == date(2026, 3, 2)
    assert clock(events, LIMITS, CAL, at(date(2026, 3, 2), 22)).phase == Phase.NOT_SUBMITTED
    assert clock(events, LIMITS, CAL, date(2026, 3, 2)).today == date(2026, 3, 2)
    assert clock(events, LIMITS, CAL, date(2026, 3, 2)).as_of == deadline_moment(date(2026, 3, 2))
