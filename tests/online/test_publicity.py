"""办件公示 and sensitive items: social assistance and civil status are not published, and a result
is worded as its item's type says (予以确认, 予以给付 … not 准予许可 for everything)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.cases.outputs import _message
from onewindow.catalog.rules import outcome_words, results_public_by_default
from onewindow.online.selectors import progress_of
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("item_type", "name", "public"), [
    ("licensing", "食品经营许可", True),
    ("benefit", "临时救助审批", False),
    ("benefit", "最低生活保障审批", False),
    ("benefit", "失业保险金申领", True),
    ("confirmation", "结婚登记", False),
    ("confirmation", "补领婚姻登记证", False),
    ("confirmation", "不动产转移登记", True),
])
def test_results_are_published_unless_the_item_is_social_assistance_or_civil_status(item_type, name, public):
    assert results_public_by_default(item_type, name) is public


def test_each_item_type_has_its_own_words():
    assert outcome_words("licensing").grant == "准予许可"
    assert outcome_words("confirmation").grant == "予以确认"
    assert outcome_words("benefit").deny == "不予给付"
    assert outcome_words("public_service").grant == "已办结"
    assert outcome_words("confirmation").grant_document == "予以确认决定书"


def _instant_case(hall, when):
    case = case_services.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                                     applicant=hall.applicant(), materials=hall.checklist(item=hall.instant_item),
                                     window_number="01", at=when)
    return case_services.case_conclude_instant(case_id=case.id, actor=hall.clerk, result="已发证", at=when)


def test_public_list_leaves_out_unpublished_items_and_words_a_confirmation_as_such(client, hall):
    # given an instant confirmation item, concluded on the spot
    version = hall.instant_item.current_version
    version.item_type, version.name = "confirmation", "测试确认登记"
    version.save(update_fields=["item_type", "name"])
    confirmed = _instant_case(hall, at(2026, 9, 1))
    # and an ordinary licence case of an item whose results are not published
    hidden = case_services.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code,
                                       applicant=hall.applicant(), materials=hall.checklist(), window_number="01",
                                       at=at(2026, 9, 2))
    case_services.case_accept(case_id=hidden.id, actor=hall.clerk, at=at(2026, 9, 2))
    hall.item.results_public = False
    hall.item.save(update_fields=["results_public"])
    # when the public opens 办件公示
    page = client.get(reverse("online:results")).content.decode()
    # then the confirmation is listed as 予以确认, never as a licence, and the hidden item not at all
    assert f'data-number="{confirmed.number}"' in page
    assert "予以确认" in page
    assert "准予许可" not in page
    assert hidden.number not in page
    # and the applicant's progress page and message say the same
    progress = progress_of(confirmed)
    decided = next(e for e in progress.timeline if e.kind == "decided")
    assert ("决定", "予以确认") in decided.details


def test_decision_message_uses_the_item_type_words(hall):
    version = hall.item.current_version
    version.item_type = "benefit"
    version.save(update_fields=["item_type"])
    case = case_services.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code,
                                     applicant=hall.applicant(), materials=hall.checklist(), window_number="01",
                                     at=at(2026, 9, 28))
    case = case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意",
                                                 at=at(2026, 9, 30))
    case = case_services.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    text = _message(case, case.events.get(kind="decided"))
    assert "予以给付" in text
    assert "许可" not in text

