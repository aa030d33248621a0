"""On-request disclosure: every transition and refusal, the receipt date of each channel, the
deadline rows, the chained history, permissions by role and region, and stale versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import services as s
from onewindow.openness.models import DisclosureReply, DisclosureRequest, DisclosureRequestEvent
from onewindow.openness.reply_document import pdf_of
from onewindow.openness.rules import TABLE, Answer
from onewindow.organization.rules import Role
from onewindow.workdays.selectors import snapshot_for

from .helpers import applicant, at

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 2)  # a Monday with no holiday near: 20 working days end on 30 March


def cal():
    return snapshot_for("990121000000")


@pytest.fixture
def org(two_counties):
    a = two_counties.a

    class Org:
        dept = a.market
        clerk = a.staff[Role.CLERK]
        reviewer = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
        other_reviewer = two_counties.b.staff[Role.REVIEWER]
        supervisor = a.staff[Role.SUPERVISOR]
    return Org


def online(org, day: date = MON, **kw) -> DisclosureRequest:
    return s.request_file(department_id=org.dept.id, channel="online", applicant=applicant(**kw),
                          description="2025 年度食品安全抽检结果", delivery="electronic", at=at(day))


def reply_row(req: DisclosureRequest, key: str = ""):
    return next(d for d in deadlines_of("disclosure", req.pk) if d.kind == "reply" and d.key == key)


# -- filing and the receipt date (Art. 31) ------------------------------------------------------------


def test_online_request_runs_twenty_working_days_from_the_day_confirmed(org) -> None:
    req = online(org)
    assert req.number.startswith("990121-GK2026-")
    assert req.received_on == MON
    assert req.reply_due == cal().add_workdays(MON, 20) == date(2026, 3, 30)
    row = reply_row(req)
    assert (row.state, row.due_on, row.statutory) == (DeadlineState.OPEN, date(2026, 3, 30), True)
    assert len(req.query_code) == 8


def test_post_request_counts_from_the_day_signed_for(org) -> None:
    signed = MON - timedelta(days=7)
    req = s.request_file(department_id=org.dept.id, channel="post", applicant=applicant(), description="信息",
                         delivery="post", received_on=signed, actor=org.clerk, at=at(MON))
    assert req.received_on == signed
    assert req.reply_due == cal().add_workdays(signed, 20)
    assert req.created_by == org.clerk


def test_in_person_request_counts_from_today(org) -> None:
    req = s.request_file(department_id=org.dept.id, channel="in_person", applicant=applicant(), description="信息",
                         delivery="pickup", received_on=MON - timedelta(days=3), actor=org.clerk, at=at(MON))
    assert req.received_on == MON


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"channel": "fax"}, "disclosure.channel_invalid", "channel"),
    ({"delivery": "pigeon"}, "disclosure.delivery_invalid", "delivery"),
    ({"description": "  "}, "disclosure.description_required", "description"),
    ({"description": "字" * 4001}, "disclosure.description_too_long", "description"),
])
def test_bad_request_input_is_refused_with_its_field(org, changes, code, field) -> None:
    values = {"department_id": org.dept.id, "channel": "online", "applicant": applicant(), "description": "信息",
              "delivery": "electronic", "at": at(MON)} | changes
    with pytest.raises(DomainError) as exc:
        s.request_file(**values)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not DisclosureRequest.objects.exists()


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"id_number": "110105198001011230"}, "disclosure.applicant_id_invalid", "applicant_id_number"),
    ({"kind": "organization"}, "disclosure.applicant_id_invalid", "applicant_id_number"),
    ({"phone": "12ab"}, "disclosure.applicant_phone_invalid", "applicant_phone"),
    ({"name": ""}, "disclosure.applicant_name_required", "applicant_name"),
    ({"kind": "alien"}, "disclosure.applicant_kind_invalid", "applicant_kind"),
])
def test_bad_applicant_is_refused_with_its_field(org, changes, code, field) -> None:
    with pytest.raises(DomainError) as exc:
        online(org, **changes)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not DisclosureRequestEvent.objects.exists()


def test_unknown_department_is_404(org) -> None:
    with pytest.raises(NotFound):
        s.request_file(department_id=999999, channel="online", applicant=applicant(), description="信息",
                       delivery="electronic", at=at(MON))


@pytest.mark.parametrize(("received_on", "code"), [
    (None, "disclosure.received_on_required"),
    (MON + timedelta(days=1), "disclosure.received_on_future"),
    (MON - timedelta(days=61), "disclosure.received_on_too_old"),
])
def test_post_receipt_date_is_checked(org, received_on, code) -> None:
    with pytest.raises(DomainError) as exc:
        s.request_file(department_id=org.dept.id, channel="post", applicant=applicant(), description="信息",
                       delivery="post", received_on=received_on, actor=org.clerk, at=at(MON))
    assert (exc.value.code, exc.value.field) == (code, "received_on")


def test_post_and_in_person_need_staff_of_the_department(org) -> None:
    with pytest.raises(DomainError) as exc:
        s.request_file(department_id=org.dept.id, channel="post", applicant=applicant(), description="信息",
                       delivery="post", received_on=MON, at=at(MON))
    assert exc.value.code == "disclosure.staff_required"
    with pytest.raises(PermissionDenied):
        s.request_file(department_id=org.dept.id, channel="in_person", applicant=applicant(), description="信息",
                       delivery="post", actor=org.supervisor, at=at(MON))


# -- clarification (Art. 30) --------------------------------------------------------------------------


def test_clarification_stops_the_clock_and_restarts_it_on_the_clarified_request(org) -> None:
    req = online(org)
    req = s.request_clarification(request_id=req.id, points=["请写明文件名称"], actor=org.reviewer,
                                  at=at(MON + timedelta(days=2)))
    assert req.state == "awaiting_clarification"
    row = reply_row(req)
    assert (row.state, row.due_on) == (DeadlineState.PAUSED, None)
    clarified = date(2026, 3, 16)
    req = s.receive_clarification(request_id=req.id, actor=org.reviewer, received_on=clarified,
                                  at=at(date(2026, 3, 17)))
    assert req.state == "received"
    assert req.reply_due == cal().add_workdays(clarified, 20)
    assert reply_row(req).due_on == req.reply_due


def test_clarification_is_asked_only_once(org) -> None:
    req = online(org)
    req = s.request_clarification(request_id=req.id, points=["a"], actor=org.reviewer, at=at(MON))
    req = s.receive_clarification(request_id=req.id, actor=org.reviewer, at=at(MON + timedelta(days=1)))
    with pytest.raises(DomainError) as exc:
        s.request_clarification(request_id=req.id, points=["a"], actor=org.reviewer, at=at(MON + timedelta(days=2)))
    assert exc.value.code == "disclosure.clarification_once"


def test_clarification_after_seven_working_days_is_refused(org) -> None:
    req = online(org)
    late = cal().add_workdays(MON, 8)
    with pytest.raises(DomainError) as exc:
        s.request_clarification(request_id=req.id, points=["a"], actor=org.reviewer, at=at(late))
    assert exc.value.code == "disclosure.supplement_request_late"
    assert DisclosureRequest.objects.get(pk=req.pk).state == "received"


def test_clarification_needs_its_points(org) -> None:
    req = online(org)
    with pytest.raises(DomainError) as exc:
        s.request_clarification(request_id=req.id, points=[" "], actor=org.reviewer, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("disclosure.points_required", "points")


def test_deemed_withdrawn_only_after_the_time_to_clarify(org) -> None:
    req = online(org)
    req = s.request_clarification(request_id=req.id, points=["a"], actor=org.reviewer, at=at(MON))
    reply_by = cal().add_workdays(MON, 15)
    with pytest.raises(DomainError) as exc:
        s.deem_withdrawn(request_id=req.id, actor=org.reviewer, at=at(reply_by))
    assert exc.value.code == "disclosure.clarification_time_running"
    req = s.deem_withdrawn(request_id=req.id, actor=org.reviewer, at=at(reply_by + timedelta(days=1)))
    assert req.state == "withdrawn"
    assert reply_row(req).state == DeadlineState.CLOSED


# -- third-party consultation (Art. 32) -----------------------------------------------------------------


def test_consultation_pauses_the_reply_and_gives_the_third_party_fifteen_days(org) -> None:
    req = online(org)
    start = date(2026, 3, 4)
    req = s.start_consultation(request_id=req.id, third_party="某食品公司", actor=org.reviewer, at=at(start))
    assert req.state == "consulting"
    assert reply_row(req).state == DeadlineState.PAUSED
    third = reply_row(req, "third_party")
    assert (third.state, third.due_on) == (DeadlineState.OPEN, cal().add_workdays(start, 15))
    end = date(2026, 3, 13)
    req = s.end_consultation(request_id=req.id, opinion="object", answered_on=end, actor=org.reviewer,
                             at=at(end))
    counted_before = cal().workdays_between(MON, start)
    assert req.reply_due == cal().add_workdays(end, 20 - counted_before)
    assert reply_row(req).state == DeadlineState.OPEN
    assert reply_row(req, "third_party").state == DeadlineState.CLOSED


def test_consultation_opinion_must_be_known(org) -> None:
    req = online(org)
    req = s.start_consultation(request_id=req.id, third_party="某公司", actor=org.reviewer, at=at(MON))
    with pytest.raises(DomainError) as exc:
        s.end_consultation(request_id=req.id, opinion="maybe", actor=org.reviewer, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("disclosure.opinion_invalid", "opinion")


# -- extension (Art. 33) ------------------------------------------------------------------------------


def test_one_extension_of_at_most_twenty_by_the_chief(org) -> None:
    req = online(org)
    with pytest.raises(PermissionDenied):
        s.extend(request_id=req.id, workdays=10, reason="量大", actor=org.reviewer, at=at(MON))
    with pytest.raises(DomainError) as exc:
        s.extend(request_id=req.id, workdays=21, reason="量大", actor=org.chief, at=at(MON))
    assert exc.value.code == "disclosure.extension_beyond_cap"
    req = s.extend(request_id=req.id, workdays=20, reason="量大", actor=org.chief, at=at(MON + timedelta(days=3)))
    assert req.reply_due == cal().add_workdays(MON, 40)
    assert reply_row(req).due_on == req.reply_due
    with pytest.raises(DomainError) as exc:
        s.extend(request_id=req.id, workdays=1, reason="再延", actor=org.chief, at=at(MON + timedelta(days=4)))
    assert exc.value.code == "disclosure.extension_twice"


def test_no_extension_after_the_due_date(org) -> None:
    req = online(org)
    with pytest.raises(DomainError) as exc:
        s.extend(request_id=req.id, workdays=5, reason="量大", actor=org.chief, at=at(date(2026, 3, 31)))
    assert exc.value.code == "disclosure.extension_after_statutory_due"


def test_extension_needs_a_reason(org) -> None:
    req = online(org)
    with pytest.raises(DomainError) as exc:
        s.extend(request_id=req.id, workdays=5, reason="", actor=org.chief, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("disclosure.reason_required", "reason")


# -- replies (Art. 36) --------------------------------------------------------------------------------


def _reply_inputs(answer: Answer) -> dict:
    inputs: dict = {"answer": answer.value, "reasons": "理由", "grounds": [], "agency": ""}
    if answer in (Answer.PARTIALLY_DISCLOSED, Answer.WITHHELD):
        inputs["grounds"] = ["third_party"]
    if answer == Answer.NOT_THIS_AGENCY:
        inputs["agency"] = "云溪县卫生健康局"
    return inputs


def test_every_answer_type_gives_a_numbered_reply_document(org) -> None:
    numbers = set()
    for answer in Answer:
        req = online(org)
        req = s.reply(request_id=req.id, actor=org.reviewer, at=at(MON + timedelta(days=1)), **_reply_inputs(answer))
        doc = DisclosureReply.objects.get(request=req)
        assert doc.answer == answer.value
        assert doc.content["remedies"].startswith("如对本答复不服")
        assert doc.content["applicant"]["id_number"].count("*") == 11
        numbers.add(doc.number)
        assert req.state == "replied"
        assert reply_row(req).state == DeadlineState.CLOSED
    assert len(numbers) == len(Answer)
    assert all(n.startswith("云溪依复〔2026〕") for n in numbers)


def test_reply_pdf_renders_from_frozen_content(org) -> None:
    req = online(org)
    s.reply(request_id=req.id, actor=org.reviewer, at=at(MON), **_reply_inputs(Answer.PARTIALLY_DISCLOSED))
    doc = DisclosureReply.objects.get(request=req)
    assert pdf_of(doc).startswith(b"%PDF")
    DisclosureReply.objects.filter(pk=doc.pk).update(content={**doc.content, "reasons": "改过"})
    with pytest.raises(DomainError) as exc:
        pdf_of(DisclosureReply.objects.get(pk=doc.pk))
    assert exc.value.code == "disclosure.reply_altered"


@pytest.mark.parametrize(("answer", "changes", "code", "field"), [
    ("partially_disclosed", {"reasons": ""}, "disclosure.reasons_required", "reasons"),
    ("withheld", {"grounds": []}, "disclosure.grounds_required", "grounds"),
    ("withheld", {"grounds": ["whim"]}, "disclosure.grounds_invalid", "grounds"),
    ("not_this_agency", {"agency": ""}, "disclosure.agency_required", "agency"),
    ("maybe", {}, "disclosure.answer_invalid", "answer"),
])
def test_reply_refusals(org, answer, changes, code, field) -> None:
    req = online(org)
    inputs = {"answer": answer, "reasons": "理由", "grounds": ["third_party"], "agency": "某局"} | changes
    with pytest.raises(DomainError) as exc:
        s.reply(request_id=req.id, actor=org.reviewer, at=at(MON), **inputs)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert DisclosureRequest.objects.get(pk=req.pk).state == "received"
    assert not DisclosureReply.objects.exists()


def test_no_reply_while_the_clarified_request_is_awaited(org) -> None:
    req = online(org)
    s.request_clarification(request_id=req.id, points=["a"], actor=org.reviewer, at=at(MON))
    with pytest.raises(DomainError) as exc:
        s.reply(request_id=req.id, actor=org.reviewer, at=at(MON), answer="disclosed")
    assert exc.value.code == "disclosure.transition_refused.reply"


def test_nothing_after_a_reply(org) -> None:
    req = online(org)
    s.reply(request_id=req.id, actor=org.reviewer, at=at(MON), answer="disclosed")
    for call in (lambda: s.withdraw(request_id=req.id, actor=org.reviewer, at=at(MON)),
                 lambda: s.start_consultation(request_id=req.id, third_party="x", actor=org.reviewer, at=at(MON)),
                 lambda: s.extend(request_id=req.id, workdays=3, reason="x", actor=org.chief, at=at(MON))):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code.startswith("disclosure.transition_refused.")


def test_withdraw_closes_the_deadline(org) -> None:
    req = online(org)
    req = s.withdraw(request_id=req.id, actor=org.reviewer, at=at(MON))
    assert (req.state, req.closed_on) == ("withdrawn", MON)
    assert reply_row(req).closed_reason == "申请已撤回"


# -- the kernel: history, permissions, concurrency ------------------------------------------------------


def test_the_history_is_chained_and_verifies(org) -> None:
    req = online(org)
    s.start_consultation(request_id=req.id, third_party="x", actor=org.reviewer, at=at(MON))
    s.end_consultation(request_id=req.id, opinion="agree", actor=org.reviewer, at=at(MON))
    reports = list(verify_all("disclosure"))
    assert [r.ok for r in reports] == [True]
    with triggers_lifted(protected_uris()):  # on PostgreSQL the table itself refuses the edit
        DisclosureRequestEvent.objects.filter(request=req, seq=2).update(note="改过")
    assert [r.ok for r in verify_all("disclosure")] == [False]


def test_staff_of_another_county_cannot_act(org) -> None:
    req = online(org)
    with pytest.raises(PermissionDenied):
        s.withdraw(request_id=req.id, actor=org.other_reviewer, at=at(MON))
    with pytest.raises(PermissionDenied):
        s.reply(request_id=req.id, actor=org.supervisor, at=at(MON), answer="disclosed")


def test_a_stale_version_is_told_to_reload(org) -> None:
    req = online(org)
    s.start_consultation(request_id=req.id, third_party="x", actor=org.reviewer, at=at(MON),
                         expected_version=req.row_version)
    with pytest.raises(Conflict) as exc:
        s.withdraw(request_id=req.id, actor=org.reviewer, at=at(MON), expected_version=req.row_version)
    assert exc.value.code == "disclosure.changed"


def test_the_transition_table_is_complete() -> None:
    TABLE.check()


def test_the_supervision_sweep_warns_of_an_overdue_reply_and_resolves_it(org) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    req = online(org)
    sweep(now=at(date(2026, 3, 30), 20))
    assert not Warning.objects.filter(subject_type="disclosure", level="red").exists()
    near = Warning.objects.get(subject_type="disclosure", subject_id=req.pk, rule="deadline_near")  # yellow first
    assert near.level == "yellow"
    sweep(now=at(date(2026, 3, 31)))
    warning = Warning.objects.get(subject_type="disclosure", subject_id=req.pk, rule="deadline_overdue")
    assert (warning.rule, warning.due_on) == ("deadline_overdue", date(2026, 3, 30))
    assert req.number in warning.message
    s.reply(request_id=req.id, actor=org.reviewer, at=at(date(2026, 3, 31), 11), answer="disclosed")
    sweep(now=at(date(2026, 3, 31), 12))
    warning.refresh_from_db()
    assert not warning.is_live


def test_a_proxy_agent_does_not_see_the_townships_information_requests(two_counties, staff_factory) -> None:
    from onewindow.core.errors import NotFound
    from onewindow.openness import selectors as sel
    from onewindow.organization.models import Department

    a = two_counties.a
    office = Department.objects.create(region=a.township, code="XZBGS", name="云溪镇党政办公室")
    req = s.request_file(department_id=office.id, channel="online", applicant=applicant(),
                         description="本镇 2025 年度财政预算", delivery="electronic", at=at(MON))
    agent = a.staff[Role.PROXY_AGENT]  # posted to the township, files cases for villagers
    assert not sel.requests_for(agent).exists()
    with pytest.raises(NotFound):
        sel.request_for(agent, req.number)
    township_clerk = staff_factory(Role.CLERK, a.township)  # the township's own staff do
    assert sel.request_for(township_clerk, req.number) == req
