"""Published results (办件公示) with masked applicants, and the public statistics per department."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.cases.rules import Applicant
from onewindow.organization.rules import Role
from tests.cases.helpers import VALID_ID, at

from .helpers import COMPANY_CODE

pytestmark = pytest.mark.django_db

COMPANY = "云溪县某某餐饮有限公司"


def window_case(hall, applicant: Applicant, when):
    return case_services.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=applicant,
                                     materials=hall.checklist(), window_number="01", at=when)


@pytest.fixture
def published(hall):
    person = window_case(hall, hall.applicant(), at(2026, 9, 1))
    case_services.case_accept(case_id=person.id, actor=hall.clerk, at=at(2026, 9, 2))
    company = window_case(hall, Applicant(kind="company", name=COMPANY, id_type="uscc", id_number=COMPANY_CODE,
                                          legal_representative="赵六"), at(2026, 10, 12))
    case_services.case_accept(case_id=company.id, actor=hall.clerk, at=at(2026, 10, 12))
    waiting = window_case(hall, hall.applicant(), at(2026, 10, 13))  # not accepted: not published
    return person, company, waiting


def test_results_mask_names_and_ids_and_show_company_names(client, published):
    person, company, waiting = published
    response = client.get(reverse("online:results"))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.number in page
    assert company.number in page
    assert waiting.number not in page
    assert "张*" in page
    assert "张三" not in page
    assert VALID_ID not in page
    assert "110***********002X" in page
    assert COMPANY in page
    assert COMPANY_CODE not in page
    assert "919***********010U" in page


def test_results_are_searchable_by_department_item_and_period(client, published, hall):
    person, company, _ = published
    url = reverse("online:results")

    def numbers(**q) -> set[str]:
        page = client.get(url, q).content.decode()
        return {n for n in (person.number, company.number) if f'data-number="{n}"' in page}

    assert numbers(dept=hall.dept.pk) == {person.number, company.number}
    assert numbers(dept=hall.dept.pk + 999) == set()
    assert numbers(item=hall.item.current_version.name[:4]) == {person.number, company.number}
    assert numbers(item="没有这个事项") == set()
    assert numbers(**{"from": "2026-10-01", "to": "2026-10-31"}) == {company.number}
    assert numbers(**{"from": "2026-09-01", "to": "2026-09-30"}) == {person.number}
    bad = client.get(url, {"from": "2026-13-01"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode()


def test_statistics_on_a_hand_computed_set(client, two_counties):
    """云溪县市场监督管理局 in September 2026 (weekends only: no holidays in the test calendar):

    case 1  accepted Tue 09-01, denied Fri 09-04  → 3 working days, promised due 09-15: on time
    case 2  accepted Tue 09-01, denied Wed 09-16  → 11 working days, promised due 09-15: late
    case 3  accepted Wed 09-02, still in review   → accepted only
    case 4  refused Thu 09-03                      → neither accepted nor concluded
    case 5  accepted Thu 09-03, withdrawn 09-04    → accepted, not concluded
    case 6  accepted Mon 08-31, denied Wed 09-02   → concluded in September: 2 working days, on time

    accepted 4 · concluded 3 · on time 2 of 3 = 66.7 % · average (3 + 11 + 2) / 3 = 5.33 working days
    """
    county = two_counties.a
    clerk, chief = county.staff[Role.CLERK], county.staff[Role.CHIEF_REPRESENTATIVE]
    code = county.market_item.implementation_code
    applicant = Applicant(kind="person", name="王小明", id_type="resident_id", id_number=VALID_ID)

    def submit(day):
        return case_services.case_submit(actor=clerk, item_code=code, applicant=applicant, window_number="02",
                                         materials=[], at=day)

    def accept(case, day):
        return case_services.case_accept(case_id=case.id, actor=clerk, at=day)

    def deny(case, day):
        return case_services.case_decide(case_id=case.id, actor=chief, grant=False, reasons="不符合条件", at=day)

    c1 = submit(at(2026, 9, 1, 9))
    accept(c1, at(2026, 9, 1, 10))
    deny(c1, at(2026, 9, 4))
    c2 = submit(at(2026, 9, 1, 9))
    accept(c2, at(2026, 9, 1, 10))
    deny(c2, at(2026, 9, 16))
    c3 = submit(at(2026, 9, 2, 9))
    accept(c3, at(2026, 9, 2, 10))
    c4 = submit(at(2026, 9, 3, 9))
    case_services.case_refuse(case_id=c4.id, actor=clerk, reason="不属于本机关职权范围", legal_basis="行政许可法第三十二条",
                              at=at(2026, 9, 3, 10))
    c5 = submit(at(2026, 9, 3, 9))
    accept(c5, at(2026, 9, 3, 10))
    case_services.case_withdraw(case_id=c5.id, actor=clerk, reason="申请人撤回", at=at(2026, 9, 4))
    c6 = submit(at(2026, 8, 31, 9))
    accept(c6, at(2026, 8, 31, 10))
    deny(c6, at(2026, 9, 2))

    # the figures are supervision's indicators, read from the statistics rows its sweep keeps:
    # run that step once by hand
    from onewindow.supervision.services import facts_backfill

    facts_backfill()
    response = client.get(reverse("online:statistics"), {"from": "2026-09-01", "to": "2026-09-30"})
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'data-department="{county.market.pk}"'):]
    row = row[:row.index("</tr>")]

    def cell(code_: str) -> str:
        start = row.index(f'data-col="{code_}">') + len(f'data-col="{code_}">')
        return row[start:row.index("<", start)].strip()

    assert (cell("accepted"), cell("concluded"), cell("on_time_rate"), cell("avg_workdays")) == (
        "4", "3", "66.7%", "5.33")
    # only departments with cases in the period are listed, each figure with its definition
    assert f'data-department="{county.civil.pk}"' not in page
    assert "按时办结率" in page
    assert "受理当日不计" in page
    # a period without cases
    empty = client.get(reverse("online:statistics"), {"from": "2026-07-01", "to": "2026-07-31"}).content.decode()
    assert f'data-department="{county.market.pk}"' not in empty
