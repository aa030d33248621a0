"""Document numbers: the pure format, and the locked sequences per issuer, kind and year."""

from __future__ import annotations

import pytest

from onewindow.cases import services as case_services
from onewindow.documents import numbering
from onewindow.documents import services as s
from onewindow.organization.models import Department
from tests.cases.helpers import accepted_case, at, hall_item, hall_staff, last_event, submit

pytestmark = pytest.mark.django_db


def test_number_format_reads_like_an_official_document_number():
    assert numbering.document_number("云溪", "acceptance_notice", 2026, 123) == "云溪受〔2026〕000123号"
    assert numbering.document_number("云溪镇", "refusal_notice", 2026, 1) == "云溪镇退〔2026〕000001号"
    assert numbering.certificate_number("990121", 2026, 7) == "990121-2026-Z000007"
    assert numbering.looks_like_certificate_number("990121-2026-Z000007")


@pytest.mark.parametrize(("name", "level", "short"), [
    ("云溪县", 3, "云溪"), ("演示市", 2, "演示"), ("云溪镇", 4, "云溪镇"), ("沙县", 3, "沙县"),
    ("巍山彝族回族自治县", 3, "巍山彝族回族"), ("浦东新区", 3, "浦东新"),
])
def test_issuer_short_name_drops_the_county_suffix_but_keeps_townships_apart(name, level, short):
    assert numbering.issuer_short_name(name, level) == short


def test_file_stem_keeps_the_issuer_and_drops_brackets():
    assert numbering.file_stem("云溪受〔2026〕000123号") == "云溪受_2026_000123号"
    assert numbering.file_stem("../../etc/passwd") == "etc_passwd"


def test_numbers_are_sequential_per_issuer_kind_and_year(hall):
    # given two accepted cases and one awaiting a supplement in 云溪县
    first, second = accepted_case(hall), accepted_case(hall)
    third = submit(hall, missing=("营业执照副本",))
    third = case_services.case_request_supplement(case_id=third.id, actor=hall.clerk, materials=["营业执照副本"],
                                                  at=at(2026, 9, 29))
    # when each gets its notice
    a1 = s.document_issue(case=first, event=last_event(first), kind="acceptance_notice")
    a2 = s.document_issue(case=second, event=last_event(second), kind="acceptance_notice")
    b1 = s.document_issue(case=third, event=last_event(third), kind="supplement_notice")
    # then acceptance notices count on their own, supplement notices start again at 1
    assert [a1.number, a2.number, b1.number] == [
        "云溪受〔2026〕000001号", "云溪受〔2026〕000002号", "云溪补〔2026〕000001号"]


def test_another_county_has_its_own_sequence(hall):
    # given an item and a clerk in 邻水县
    other_dept = Department.objects.get(region=hall.other_county)
    item = hall_item(hall.other_county, other_dept, "990122GSJ0000000001", handling="committed", promised=10,
                     stages=[{"name": "受理", "role": "clerk", "budget_workdays": 0}])
    clerk = hall_staff("linshui_clerk", hall.other_county, other_dept, "clerk", power="accept")
    accepted_case(hall)
    case = case_services.case_submit(actor=clerk, item_code=item.implementation_code, applicant=hall.applicant(),
                                     materials=hall.checklist(), at=at(2026, 9, 28))
    case = case_services.case_accept(case_id=case.id, actor=clerk, at=at(2026, 9, 29))
    # when it issues an acceptance notice
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    # then it is the first of 邻水
    assert document.number == "邻水受〔2026〕000001号"


def test_a_new_year_starts_a_new_sequence(hall):
    scope = numbering.sequence_scope("云溪", "acceptance_notice")
    assert [s._next_seq(scope, 2026), s._next_seq(scope, 2026), s._next_seq(scope, 2027)] == [1, 2, 1]


def test_issuing_twice_for_the_same_event_returns_the_same_document(hall):
    case = accepted_case(hall)
    first = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    again = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    assert again.pk == first.pk
    assert s._next_seq(numbering.sequence_scope("云溪", "acceptance_notice"), 2026) == 2
