"""The demo county's case load: every history imports through the rules, every state is there as
of today, the main logins find work, and loading twice changes nothing.

The organization, the catalog and the cases are loaded once for the module inside a transaction
rolled back afterwards (the load takes some seconds), as in test_demo.py.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from onewindow.cases import guards
from onewindow.cases.events import EventKind
from onewindow.cases.history import verify_case
from onewindow.cases.levels import live_level
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.selectors import inbox
from onewindow.cases.states import OPEN, Status
from onewindow.cases.timing import calendar_of, clock_of
from onewindow.core.identity import is_valid_id_number, is_valid_uscc
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.demo.cases import (
    DEMO_COUNTY,
    SECOND_COUNTY,
    DemoCaseReport,
    _item_facts,
    demo_records,
    demo_stories,
    load_demo_cases,
    timetable,
    workday_before,
)
from onewindow.demo.loader import load_demo
from onewindow.documents.models import Certificate, Document
from onewindow.documents.selectors import VALID, verify_certificate
from onewindow.notifications.models import OutboxMessage
from onewindow.online import services as online_services
from onewindow.online.models import ApplicantProfile
from onewindow.organization.models import Staff
from onewindow.workdays.arithmetic import build_snapshot
from onewindow.workdays.clock import EventKind as ClockEventKind
from onewindow.workdays.clock import WarningLevel
from onewindow.workdays.selectors import snapshot_for

MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo with its case load, once for this module (the case load timed), then rolled back."""
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo()
        started = time.monotonic()
        report = load_demo_cases()
        report.wall_seconds = time.monotonic() - started
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db) -> DemoCaseReport:
    return demo


def _cases():
    return Case.objects.filter(region__is_demo=True).select_related("region", "item_version", "department")


def _clocks():
    moment = current_time()
    return {c.pk: (c, clock_of(c, moment)) for c in _cases()}


def _kinds(case: Case) -> set[str]:
    return set(case.events.values_list("kind", flat=True))


# --- the load ------------------------------------------------------------------------------------


def test_every_history_imports_without_a_rule_violation(loaded):
    assert not loaded.skipped
    assert 60 <= loaded.histories <= 110  # about a hundred in 云溪县, a few in 青禾县
    assert loaded.imported == loaded.histories == _cases().count()
    assert loaded.today == local_date()


def test_every_demo_case_verifies(loaded):
    broken = {c.number: v.breaks for c in _cases() if not (v := verify_case(c)).ok}
    assert broken == {}


def test_the_second_county_has_its_own_small_case_load(loaded, client):
    # given the case load of both demo counties
    second = _cases().filter(region__code=SECOND_COUNTY)
    assert 3 <= second.count() <= 10
    # then each county's center administrator imported its own histories
    assert {c.department.code for c in second} == {"GSJ", "MZJ"}
    # and 青禾县's clerk finds work in their inbox but cannot open a case of 云溪县, nor the reverse
    client.force_login(Staff.objects.get(user__username="qh.clerk").user)
    rows = [row.case for section in client.get("/staff/inbox/").context["sections"] for row in section.rows]
    assert rows
    assert all(case.region.code == SECOND_COUNTY for case in rows)
    assert client.get(f"/staff/cases/{_cases().filter(region__code=DEMO_COUNTY).first().number}/").status_code == 404
    client.force_login(Staff.objects.get(user__username="clerk").user)
    assert client.get(f"/staff/cases/{second.first().number}/").status_code == 404


def test_the_cases_are_demo_data_of_the_demo_county(loaded):
    assert not Case.objects.filter(region__is_demo=False).exists()
    assert _cases().filter(region__code=DEMO_COUNTY).count() >= 80
    assert _cases().exclude(region__code=DEMO_COUNTY).exists()  # the township centre has some too


# --- every state --------------------------------------------------------------------------------


def test_every_status_is_present(loaded):
    counts = Counter(_cases().values_list("status", flat=True))
    assert set(counts) == {s.value for s in Status}, counts
    assert loaded.by_status == dict(counts)


def test_the_stations_of_a_case_are_all_there(loaded):
    cases = list(_cases())
    kinds = {c.pk: _kinds(c) for c in cases}

    def some(predicate) -> list[Case]:
        return [c for c in cases if predicate(c, kinds[c.pk])]

    # intake
    assert some(lambda c, k: c.status == Status.SUBMITTED and k == {"submitted"} and c.window
                and c.window.number == "01")
    assert some(lambda c, k: c.status == Status.SUBMITTED and k == {"submitted"} and c.window
                and c.window.kind == "dedicated")
    assert some(lambda c, k: c.status == Status.SUBMITTED and c.channel == "proxy")
    assert len(some(lambda c, k: c.status == Status.AWAITING_SUPPLEMENT)) >= 3
    assert some(lambda c, k: c.status == Status.SUBMITTED and "supplemented" in k)
    assert some(lambda c, k: c.status == Status.IN_REVIEW and "supplemented" in k)
    refused = some(lambda c, k: c.status == Status.REFUSED)
    assert len(refused) >= 2
    for case in refused:
        event = case.events.get(kind="refused")
        assert event.payload["reason"]
        assert "第" in event.payload["legal_basis"]
    # instant items
    instant = some(lambda c, k: c.item_version.handling_type == "instant" and c.status == Status.CONCLUDED)
    assert len(instant) >= 5
    assert all(c.accepted_on == c.concluded_at.astimezone(SHANGHAI).date() for c in instant)
    # handling
    assert some(lambda c, k: "deemed_accepted" in k and c.status == Status.IN_REVIEW)
    assert some(lambda c, k: c.status == Status.IN_REVIEW and c.extension_requested_days)
    assert some(lambda c, k: c.status == Status.IN_REVIEW and "extension_granted" in k)
    assert len(some(lambda c, k: c.status == Status.SPECIAL_PROCEDURE)) >= 2
    assert some(lambda c, k: "special_procedure_ended" in k and c.status == Status.IN_REVIEW)
    assert some(lambda c, k: "stage_signed" in k and c.status == Status.IN_REVIEW)  # waiting for a second signature
    # results
    assert some(lambda c, k: c.status == Status.GRANTED)
    assert some(lambda c, k: c.status == Status.CERTIFICATE_ISSUED)
    denied = some(lambda c, k: c.outcome == "deny")
    assert denied
    assert all(c.status == Status.CONCLUDED for c in denied)
    assert all("行政复议" in c.events.get(kind="decided").payload["rights"] for c in denied)
    assert len(some(lambda c, k: c.status == Status.WITHDRAWN)) >= 2
    methods = Counter(CaseEvent.objects.filter(case__region__is_demo=True, kind="delivered")
                      .values_list("payload__method", flat=True))
    assert methods["window"] >= 2
    assert methods["post"] >= 2
    assert methods["electronic"] >= 1
    for event in CaseEvent.objects.filter(case__region__is_demo=True, kind="delivered", payload__method="post"):
        assert re.fullmatch(r"\d{13}", event.payload["tracking_number"])


def test_joint_cases_run_parallel_stages_in_several_departments(loaded):
    joint = [c for c in _cases() if c.item_version.is_joint]
    assert len(joint) >= 4
    open_joint = [c for c in joint if c.status == Status.IN_REVIEW]
    spread = [c for c in open_joint if CaseTask.objects.filter(case=c).values("department").distinct().count() >= 3]
    assert spread
    assert any(CaseTask.objects.filter(case=c, state="done").exists()
               and CaseTask.objects.filter(case=c, state="open").exists() for c in open_joint)
    assert any(c.status == Status.CONCLUDED for c in joint)


def test_warning_levels_as_of_today(loaded):
    levels = Counter()
    for case, state in _clocks().values():
        if case.status not in OPEN:
            continue
        levels[state.warning_level] += 1
        if state.remaining_workdays is None:
            continue  # decided: no clock running (a late decision stays red)
        if state.warning_level == WarningLevel.YELLOW:
            limit = state.promised_workdays
            assert 0 <= state.remaining_workdays <= max(1, -(-limit // 10)), case.number
        if state.warning_level == WarningLevel.RED:
            # past its due date; on a weekend or holiday right after it no working day is overdue yet
            assert state.remaining_workdays <= 0, case.number
            assert state.statutory_remaining_workdays >= 0, case.number
    assert levels[WarningLevel.YELLOW] >= 3
    assert levels[WarningLevel.RED] >= 3
    assert levels[WarningLevel.STATUTORY_BREACH] >= 3
    assert levels[WarningLevel.NORMAL] >= 10
    # yellow with at least one working day still left, as the issue asks
    assert any(s.warning_level == WarningLevel.YELLOW and s.remaining_workdays >= 1 for _, s in _clocks().values())
    assert loaded.by_warning == {str(k): v for k, v in levels.items()}


def test_paused_cases_have_no_running_due_date(loaded):
    for case, state in _clocks().values():
        if case.status == Status.SPECIAL_PROCEDURE:
            assert state.paused
            assert case.is_paused
            assert case.promised_due is None


# --- the people ----------------------------------------------------------------------------------


def _staff(username: str) -> Staff:
    return Staff.objects.get(user__username=username)


def test_the_clerk_finds_applications_to_accept_and_results_to_hand_over(loaded):
    box = inbox(_staff("clerk"))
    assert box.total > 0
    assert any(c.window and c.window.number == "01" for c in box.to_accept)
    departments = {c.department.code for c in box.to_accept}
    assert departments & {"MZJ", "RSJ", "WSJ", "WJJ", "WGXJ", "RFB"}
    assert box.to_deliver


def test_the_reviewer_finds_stages_claimed_and_unclaimed(loaded):
    reviewer = _staff("reviewer")
    box = inbox(reviewer)
    assert box.tasks
    assert all(t.department.code == "GSJ" for t in box.tasks)
    assert any(t.assignee_id == reviewer.id for t in box.tasks)
    assert any(t.assignee_id is None for t in box.tasks)
    assert any(t.case.item_version.is_joint for t in box.tasks)  # 户外广告: 广告内容审查


def test_the_chief_finds_decisions_and_an_extension_request(loaded):
    box = inbox(_staff("chief"))
    assert box.to_decide
    assert box.extension_requests
    assert all(c.department.code == "GSJ" for c in box.to_decide + box.extension_requests)


def test_the_county_government_head_decides_the_joint_extensions(loaded):
    # 行政许可法 第四十二条第二款: one joint request waits for him, one joint extension he approved.
    box = inbox(_staff("xianzhang"))
    assert box.extension_requests
    assert all(c.item_version.is_joint for c in box.extension_requests)
    assert not any(c.item_version.is_joint for c in inbox(_staff("chief")).extension_requests)
    granted = CaseEvent.objects.filter(kind="extension_granted", case__item_version__is_joint=True)
    assert granted.exists()
    assert {e.payload["approver_role"] for e in granted} == {"government_head"}


def test_the_township_centre_finds_work(loaded):
    assert inbox(_staff("town.clerk")).to_accept
    assert inbox(_staff("town.chief")).to_decide


# --- results -------------------------------------------------------------------------------------


def test_delivered_cases_have_valid_signed_certificates(loaded):
    delivered = [c for c in _cases() if c.events.filter(kind="delivered").exists()]
    assert len(delivered) >= 8
    for case in delivered + list(_cases().filter(status=Status.CERTIFICATE_ISSUED)):
        certificates = list(Certificate.objects.filter(case=case))
        assert len(certificates) == 1, case.number
        assert verify_certificate(certificates[0].number).status == VALID, case.number
        assert certificates[0].content["holder_id_number"] == case.applicant_id_number
    assert loaded.certificates == Certificate.objects.filter(case__region__is_demo=True).count()
    # every acceptance and decision has its numbered notice
    for case in _cases().filter(status__in=[Status.IN_REVIEW, Status.GRANTED, Status.CONCLUDED]):
        if "accepted" in _kinds(case) and case.item_version.handling_type != "instant":
            assert Document.objects.filter(case=case, kind="acceptance_notice").exists(), case.number


# --- realism -------------------------------------------------------------------------------------


def test_every_moment_is_in_office_hours_on_a_past_working_day(loaded):
    today = local_date()
    calendar = snapshot_for(DEMO_COUNTY)
    moments = list(CaseEvent.objects.filter(case__region__is_demo=True).values_list("at", flat=True))
    assert moments
    for moment in moments:
        local = moment.astimezone(SHANGHAI)
        assert local.date() < today, local
        assert calendar.is_workday(local.date()), local
        assert 9 <= local.hour < 17, local


def test_applicants_have_valid_numbers(loaded):
    for case in _cases():
        if case.applicant_kind == "person":
            assert is_valid_id_number(case.applicant_id_number), case.applicant_id_number
        else:
            assert is_valid_uscc(case.applicant_id_number), case.applicant_id_number
            assert case.legal_representative, case.applicant_id_number
        assert MOBILE.fullmatch(case.applicant_phone), case.applicant_phone
        if case.agent_id_number:
            assert is_valid_id_number(case.agent_id_number)


def test_the_histories_are_deterministic_for_a_given_day(loaded):
    stories = demo_stories(_item_facts())
    some_day = local_date() - timedelta(days=40)
    first = demo_records(stories, snapshot_for, some_day)
    again = demo_records(demo_stories(_item_facts()), snapshot_for, some_day)
    assert first == again
    assert first != demo_records(stories, snapshot_for, some_day - timedelta(days=1))
    assert len({key for key, _ in first}) == len(first)


def test_a_case_timed_relative_to_today_reads_as_the_story_says(loaded):
    """yellow-01: 社会团体成立登记, promised 20 working days, accepted 19 working days ago."""
    case = next(c for c in _cases().filter(item_version__name="社会团体成立登记", status=Status.IN_REVIEW)
                if clock_of(c, current_time()).remaining_workdays == 1)
    assert calendar_of(case).workdays_between(case.accepted_on, local_date()) == 19


# --- idempotence ---------------------------------------------------------------------------------


def _snapshot() -> dict[str, object]:
    return {
        "cases": sorted(Case.objects.values_list("number", "status", "row_version", "last_event_hash")),
        "events": CaseEvent.objects.count(), "tasks": CaseTask.objects.count(),
        "documents": Document.objects.count(), "certificates": Certificate.objects.count(),
        "messages": OutboxMessage.objects.count(),
    }


def test_loading_twice_changes_nothing(loaded):
    again = load_demo_cases()
    assert again.skipped
    assert again.imported == 0
    assert again.by_status == loaded.by_status
    with transaction.atomic():  # the apps' demos (ratings, bills, tickets …) stay out of the other tests
        call_command("load_demo", stdout=StringIO())  # what `make run` loads: the apps' demos too, once
        before = _snapshot()
        out = StringIO()
        call_command("load_demo", stdout=out)
        assert _snapshot() == before
        assert "未重复载入" in out.getvalue()
        assert re.search(r"共\d+件", out.getvalue())  # the histories and the apps' own demo cases (fees)
        transaction.set_rollback(True)


def test_a_future_today_is_refused(loaded):
    with pytest.raises(ValueError, match="future"):
        load_demo_cases(today=local_date() + timedelta(days=1))


# --- the pure helpers (no database) -------------------------------------------------------------

# A small calendar: October 2026 with the National Day holiday (1–7 Oct) and a make-up Saturday (10 Oct).
_OCTOBER = build_snapshot(first=date(2026, 9, 1), last=date(2026, 11, 30),
                          holidays=[date(2026, 10, d) for d in range(1, 8)], makeup_workdays=[date(2026, 10, 10)],
                          published_years=[2026])


@pytest.mark.parametrize(("today", "k", "expected"), [
    (date(2026, 10, 14), 1, date(2026, 10, 13)),  # a Wednesday: yesterday
    (date(2026, 10, 12), 1, date(2026, 10, 10)),  # Monday: the make-up Saturday before it
    (date(2026, 10, 12), 2, date(2026, 10, 9)),
    (date(2026, 10, 12), 4, date(2026, 9, 30)),  # across the holiday
    (date(2026, 10, 18), 1, date(2026, 10, 15)),  # a Sunday: Friday the 16th is the day that has passed
    (date(2026, 10, 18), 5, date(2026, 10, 10)),
])
def test_workday_before_counts_as_the_clock_counts(today, k, expected):
    assert workday_before(_OCTOBER, today, k) == expected
    assert _OCTOBER.is_workday(expected)
    assert _OCTOBER.workdays_between(expected, today) == k


def test_workday_before_needs_a_positive_count():
    with pytest.raises(ValueError):
        workday_before(_OCTOBER, date(2026, 10, 14), 0)


def test_the_timetable_keeps_office_hours_and_order():
    days = [date(2026, 10, 9)] * 6 + [date(2026, 10, 12)] * 2
    moments = timetable(days, random.Random(1))
    assert moments == sorted(moments)
    assert all(9 <= m.astimezone(SHANGHAI).hour < 17 for m in moments)
    with pytest.raises(ValueError):
        timetable([date(2026, 10, 12), date(2026, 10, 9)], random.Random(1))


def test_every_event_kind_of_the_demo_is_in_the_vocabulary(loaded):
    stored = set(CaseEvent.objects.values_list("kind", flat=True).distinct())
    assert stored <= {k.value for k in EventKind}
    assert {k.value for k in ClockEventKind} <= {k.value for k in EventKind}  # the clock reads a subset


STAFF_ROLES = ("clerk", "reviewer", "chief", "admin", "supervisor", "agent")


def _offered(response) -> set[str]:
    """The action forms a rendered staff case page offers (their keys, from ``id="form-<key>"``)."""
    return set(re.findall(r'<form [^>]*id="form-([^"]+)"', response.content.decode()))


def test_every_page_offers_exactly_the_lawful_actions_of_every_demo_case_for_every_role(loaded, client):
    # given every demo case and every demo role
    staff = {name: Staff.objects.select_related("user").get(user__username=name) for name in STAFF_ROLES}
    mismatches = []
    offered_any = set()
    for case in _cases():
        events = list(case.events.order_by("seq"))
        tasks = list(CaseTask.objects.filter(case=case).select_related("department", "assignee").order_by(
            "stage_order"))
        for name, member in staff.items():
            # when the transition table and the case's guards are asked, and the staff page is shown
            lawful = guards.lawful_keys(case, member, events=events, tasks=tasks)
            client.force_login(member.user)
            response = client.get(f"/staff/cases/{case.number}/")
            offered = _offered(response) if response.status_code == 200 else set()
            offered_any |= offered
            # then the page offers exactly what is lawful (nothing a service would refuse, nothing missing)
            if offered != lawful:
                mismatches.append((case.number, case.status, name, sorted(offered), sorted(lawful)))
    assert mismatches == []
    assert {"accept", "decide-grant", "deliver", "withdraw"} <= offered_any  # the check saw real forms


def test_the_applicants_page_offers_exactly_what_the_guards_allow_the_applicant(loaded, client):
    # given one demo case of every status, followed online by its applicant's account
    account = get_user_model().objects.create_user(username="applicant-13900000000", password=None)
    ApplicantProfile.objects.create(user=account, phone="13900000000", phone_verified_at=current_time(),
                                    real_name="张三", id_type="resident_id", id_number="110105199003071239",
                                    created_at=current_time())
    one_per_status = {c.status: c.pk for c in _cases()}
    Case.objects.filter(pk__in=one_per_status.values()).update(applicant_account=account)
    client.force_login(account, backend=online_services.LOGIN_BACKEND)
    for case in Case.objects.filter(pk__in=one_per_status.values()):
        page = client.get(f"/online/cases/{case.number}/").content.decode()
        offered = {key for key, marker in (("supplement", 'data-testid="supplement-notice"'),
                                           ("withdraw", 'action="/online/cases/' + case.number + '/withdraw/"'))
                   if marker in page}
        assert offered == guards.applicant_keys(case, case.applicant_account), case.number


def test_every_page_shows_one_warning_level_per_demo_case(loaded, client):
    # given every demo case as each inbox role and on its own page
    today = local_date(current_time())
    seen_in_inboxes: dict[str, set[str]] = {}
    for name in ("clerk", "reviewer", "chief", "agent"):
        client.force_login(Staff.objects.get(user__username=name).user)
        for section in client.get("/staff/inbox/").context["sections"]:
            for row in section.rows:
                seen_in_inboxes.setdefault(row.case.number, set()).add(row.warning)
    assert seen_in_inboxes, "the inboxes list demo cases"
    client.force_login(Staff.objects.get(user__username="supervisor").user)
    levels = set()
    pages = 0
    for case in _cases():
        # when the one selector, the case page and every inbox row are read
        level = str(live_level(case, today))
        levels.add(level)
        page = client.get(f"/staff/cases/{case.number}/")
        # then they agree
        if page.status_code == 200:
            pages += 1
            assert page.context["level"] == level, case.number
        assert seen_in_inboxes.get(case.number, {level}) == {level}, case.number
    # the supervisor sees every case page of their county, and none of the other demo county (青禾县)
    assert pages == _cases().filter(region__code__startswith=DEMO_COUNTY[:6]).count()
    assert _cases().exclude(region__code__startswith=DEMO_COUNTY[:6]).exists()
    assert {"normal", "yellow", "red", "statutory_breach"} <= levels  # the demo has every level
