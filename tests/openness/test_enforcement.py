"""Enforcement made public: certified officers (the public list, nothing personal but the name),
the inspection register (two officers with valid certificates), major penalties filed by their
deadline (a deadline row the generic sweep warns about), pages and permissions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import enforcement_services as es
from onewindow.openness.models import EnforcementInspection, MajorPenalty
from onewindow.organization.rules import Role

from .helpers import at, id_number

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)
OFFICER_ID = id_number("99012119800101123")


@pytest.fixture
def org(two_counties):
    a = two_counties.a

    class Org:
        dept = a.market
        civil = a.civil
        admin = a.staff[Role.CENTER_ADMIN]
        reviewer = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
        other_reviewer = two_counties.b.staff[Role.REVIEWER]
    return Org


def officer(org, number: str, *, name: str = "王执法", dept=None, valid_until: date = date(2028, 12, 31), **kw):
    return es.officer_register(department_id=(dept or org.dept).id, name=name, id_number=OFFICER_ID,
                               certificate_number=number, area="市场监管综合执法", issued_on=date(2024, 1, 1),
                               valid_until=valid_until, actor=org.admin, at=at(MON), **kw)


def inspect(org, officers, **kw):
    values = {"department_id": org.dept.id, "inspected_on": MON, "party_kind": "organization",
              "party_name": "云溪县好味道餐饮有限公司", "place": "城关镇人民路 8 号", "basis": "《食品安全法》第一百一十条",
              "matters": "食品经营许可、从业人员健康证明", "result": "no_problem",
              "officer_ids": [o.id for o in officers], "actor": org.reviewer, "at": at(MON)} | kw
    return es.inspection_record(**values)


def penalty(org, **kw):
    values = {"department_id": org.dept.id, "decision_number": "云市监罚〔2026〕8号", "party_kind": "organization",
              "party_name": "云溪县某食品有限公司", "violation": "未取得食品经营许可从事食品经营活动",
              "penalty_kinds": ["large_fine"], "amount": Decimal("150000"), "decided_on": MON,
              "legal_review_on": MON - timedelta(days=2), "actor": org.reviewer, "at": at(MON)} | kw
    return es.penalty_record(**values)


# -- officers -------------------------------------------------------------------------------------------------


def test_the_center_keeps_the_officers_and_the_public_sees_valid_certificates(org, client) -> None:
    a = officer(org, "YX-SCJG-001", name="王执法")
    officer(org, "YX-SCJG-002", name="李过期", valid_until=date(2025, 12, 31))
    c = officer(org, "YX-SCJG-003", name="赵注销")
    es.officer_revoke(officer_id=c.id, reason="调离执法岗位", actor=org.admin, at=at(MON))
    page = client.get("/openness/enforcement/officers/").content.decode()
    assert "YX-SCJG-001" in page
    assert "王执法" in page
    assert "李过期" not in page
    assert "赵注销" not in page
    assert OFFICER_ID not in page
    assert OFFICER_ID[-4:] not in page  # not even masked: nothing personal but the name
    assert "共 1 人" in client.get("/openness/enforcement/officers/", {"q": "scjg-001"}).content.decode()
    assert [r.ok for r in verify_all("enforcement_officer")] == [True, True, True]
    assert a.state == "active"


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"id_number": "110105198001011234"}, "enforcement.id_number_invalid", "id_number"),
    ({"valid_until": date(2023, 1, 1)}, "enforcement.valid_until_before_issue", "valid_until"),
    ({"certificate_kind": "badge"}, "enforcement.certificate_kind_invalid", "certificate_kind"),
    ({"name": " "}, "enforcement.name_required", "name"),
])
def test_bad_officer_input_names_the_field(org, changes, code, field) -> None:
    values = {"department_id": org.dept.id, "name": "王执法", "id_number": OFFICER_ID, "certificate_number": "X-1",
              "area": "市场监管", "issued_on": date(2024, 1, 1), "valid_until": date(2028, 1, 1), "actor": org.admin,
              "at": at(MON)} | changes
    with pytest.raises(DomainError) as exc:
        es.officer_register(**values)
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 400)


def test_only_the_center_registers_officers_and_a_number_once(org) -> None:
    with pytest.raises(PermissionDenied):
        es.officer_register(department_id=org.dept.id, name="王", id_number=OFFICER_ID, certificate_number="X-1",
                            area="a", issued_on=MON, valid_until=MON, actor=org.reviewer, at=at(MON))
    officer(org, "X-1")
    with pytest.raises(DomainError) as exc:
        officer(org, "x-1")
    assert (exc.value.code, exc.value.field) == ("enforcement.certificate_taken", "certificate_number")


# -- inspections ------------------------------------------------------------------------------------------------


def test_an_inspection_needs_two_officers_with_valid_certificates(org) -> None:
    one, two = officer(org, "A-1"), officer(org, "A-2")
    expired = officer(org, "A-3", valid_until=MON - timedelta(days=1))
    elsewhere = officer(org, "B-1", dept=org.civil)
    with pytest.raises(DomainError) as exc:
        inspect(org, [one])
    assert (exc.value.code, exc.value.field) == ("enforcement.officers_too_few", "officers")
    assert "第四十二条" in exc.value.message
    for bad in (expired, elsewhere):
        with pytest.raises(DomainError) as exc:
            inspect(org, [one, two, bad])
        assert exc.value.code == "enforcement.officer_invalid"
    with pytest.raises(DomainError) as exc:
        inspect(org, [one, two], result="correction")
    assert (exc.value.code, exc.value.field) == ("enforcement.result_note_required", "result_note")
    entry = inspect(org, [one, two], result="correction", result_note="责令 7 日内办理健康证明", random_draw=True)
    assert entry.number == "990121-JC2026-00001"
    assert set(entry.officers.all()) == {one, two}
    assert [r.ok for r in verify_all("enforcement_inspection")] == [True]
    assert not EnforcementInspection.objects.exclude(pk=entry.pk).exists()


# -- major penalties and their filing -------------------------------------------------------------------------------


def test_a_major_penalty_is_due_for_filing_and_the_sweep_warns_until_filed(org) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    p = penalty(org)
    assert (p.number, p.filing_due, p.state) == ("990121-BA2026-00001", MON + timedelta(days=15), "pending")
    row = next(d for d in deadlines_of("major_penalty", p.pk))
    assert (row.key, row.due_on, row.state, row.statutory) == ("filing", p.filing_due, DeadlineState.OPEN, True)
    sweep(now=at(p.filing_due + timedelta(days=1)))
    warning = Warning.objects.get(subject_type="major_penalty", subject_id=p.pk, rule="deadline_overdue")
    assert p.number in warning.message
    late_day = p.filing_due + timedelta(days=2)
    p = es.penalty_file(penalty_id=p.id, filed_with="云溪县司法局", actor=org.reviewer, at=at(late_day))
    assert (p.state, p.filed_on) == ("filed", late_day)
    assert p.events.last().payload["late"] is True
    sweep(now=at(late_day, 12))
    warning.refresh_from_db()
    assert not warning.is_live
    with pytest.raises(Conflict):
        es.penalty_file(penalty_id=p.id, filed_with="司法局", actor=org.reviewer, at=at(late_day))


def test_the_filing_days_are_a_setting(org, settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "MAJOR_PENALTY_FILING_DAYS": 7}
    assert penalty(org).filing_due == MON + timedelta(days=7)


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"legal_review_on": MON + timedelta(days=1), "decided_on": MON}, "enforcement.legal_review_after_decision",
     "legal_review_on"),
    ({"amount": None}, "enforcement.amount_required", "amount"),
    ({"amount": Decimal("-5")}, "enforcement.amount_invalid", "amount"),
    ({"penalty_kinds": []}, "enforcement.penalty_kinds_required", "penalty_kinds"),
    ({"penalty_kinds": ["warning"]}, "enforcement.penalty_kinds_invalid", "penalty_kinds"),
    ({"decided_on": MON + timedelta(days=1)}, "enforcement.decided_on_future", "decided_on"),
])
def test_bad_penalty_input_names_the_rule(org, changes, code, field) -> None:
    with pytest.raises(DomainError) as exc:
        penalty(org, **changes)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not MajorPenalty.objects.exists()


def test_penalties_are_the_departments(org) -> None:
    with pytest.raises(PermissionDenied):
        penalty(org, actor=org.other_reviewer)
    p = penalty(org)
    with pytest.raises(PermissionDenied):
        es.penalty_file(penalty_id=p.id, filed_with="司法局", actor=org.other_reviewer, at=at(MON))


# -- pages -------------------------------------------------------------------------------------------------


def test_the_penalty_page_summarizes_filters_and_files(org, client, two_counties) -> None:
    on_time = penalty(org, decision_number="罚1", decided_on=date.today(), legal_review_on=date.today(), at=None)
    pending = penalty(org, decision_number="罚2", decided_on=date.today(), legal_review_on=date.today(), at=None)
    client.force_login(two_counties.a.user(Role.REVIEWER))
    r = client.post(f"/staff/openness/enforcement/penalties/{on_time.pk}/file/", {"filed_with": ""})
    assert r.status_code == 400
    assert "请填写备案机关" in r.content.decode()
    r = client.post(f"/staff/openness/enforcement/penalties/{on_time.pk}/file/", {"filed_with": "云溪县司法局"})
    assert r.status_code == 302
    page = client.get("/staff/openness/enforcement/penalties/").content.decode()
    assert 'data-testid="count-on_time">按时备案 1' in page
    assert 'data-testid="count-pending">待备案 1' in page
    filtered = client.get("/staff/openness/enforcement/penalties/", {"status": "pending"}).content.decode()
    assert "罚2" in filtered
    assert "罚1" not in filtered
    r = client.post("/staff/openness/enforcement/penalties/", {"department": str(org.dept.id), "decision_number": "罚3",
                                                               "party_kind": "organization", "party_name": "某公司",
                                                               "violation": "x", "penalty_kinds": ["large_fine"],
                                                               "decided_on": "2026-13-01"})
    assert r.status_code == 400
    assert "决定日期格式" in r.content.decode()
    client.force_login(two_counties.b.user(Role.REVIEWER))
    assert client.post(f"/staff/openness/enforcement/penalties/{pending.pk}/file/",
                       {"filed_with": "司法局"}).status_code == 404


def test_the_staff_pages_mask_the_officers_id_and_record_an_inspection(org, client, two_counties) -> None:
    one, two = officer(org, "A-1"), officer(org, "A-2")
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    page = client.get("/staff/openness/enforcement/officers/").content.decode()
    assert OFFICER_ID not in page
    assert "有效 2" in page
    client.force_login(two_counties.a.user(Role.REVIEWER))
    data = {"department": str(org.dept.id), "inspected_on": date.today().isoformat(), "party_kind": "organization",
            "party_name": "某餐馆", "place": "人民路", "basis": "食品安全法", "matters": "许可证", "result": "no_problem",
            "officers": [str(one.id)]}
    r = client.post("/staff/openness/enforcement/inspections/", data)
    assert r.status_code == 400
    assert "不得少于 2 人" in r.content.decode()
    r = client.post("/staff/openness/enforcement/inspections/", data | {"officers": [str(one.id), str(two.id)]})
    assert r.status_code == 302
    page = client.get("/staff/openness/enforcement/inspections/", {"result": "no_problem"}).content.decode()
    assert "某餐馆" in page
    assert "共 1 次" in page
