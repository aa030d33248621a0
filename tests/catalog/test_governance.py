"""Catalog governance: legal review (法制办审核) before publication, the streamlining changes, and a
cancelled item that may not come back disguised as 备案 or 核准 without an acknowledging review."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from onewindow.catalog.admin import ServiceItemForm
from onewindow.catalog.models import CatalogChange, LegalReview, ServiceItem
from onewindow.catalog.review_rules import ItemFacts, matches_cancelled, names_similar
from onewindow.catalog.review_services import item_record_change, version_publish, version_review
from onewindow.catalog.services import CatalogImportError, catalog_import, item_draft_version
from onewindow.core.errors import DomainError, PermissionDenied

from .helpers import FOOD, HYGIENE, MARRIAGE, review_and_publish, spec_of

DISGUISED = "11990121MB0000002X3000102099"


@pytest.fixture
def catalog(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    return catalog_org


def _draft(org, name: str = "食品经营许可（新办）"):
    food = ServiceItem.objects.get(implementation_code=FOOD)
    return item_draft_version(item_id=food.pk, actor=org.admin, changes={"name": name}, change_note="改名")


def _refused(code: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_the_initial_list_counts_as_reviewed(catalog):
    review = LegalReview.objects.get(version__item__implementation_code=FOOD)
    assert (review.status, review.is_initial, review.reviewer) == ("approved", True, None)
    assert review.published_at is not None


def test_a_draft_cannot_be_published_before_its_review(catalog):
    draft = _draft(catalog)
    error = _refused("catalog.review_required", version_publish, version_id=draft.pk, actor=catalog.admin)
    assert "法制办审核" in error.message
    assert ServiceItem.objects.get(implementation_code=FOOD).current_version.version == 1


def test_the_drafter_cannot_review_their_own_draft(catalog):
    draft = _draft(catalog)
    error = _refused("catalog.reviewer_is_drafter", version_review, version_id=draft.pk, actor=catalog.admin,
                     approve=True, opinion="同意")
    assert error.field == "reviewer"


def test_only_a_center_administrator_of_the_region_reviews(catalog):
    draft = _draft(catalog)
    for actor in (catalog.clerk, catalog.other_admin):
        with pytest.raises(PermissionDenied):
            version_review(version_id=draft.pk, actor=actor, approve=True, opinion="同意")


def test_a_review_needs_an_opinion(catalog):
    draft = _draft(catalog)
    error = _refused("catalog.opinion_required", version_review, version_id=draft.pk, actor=catalog.legal,
                     approve=True, opinion="  ")
    assert error.field == "opinion"


def test_a_rejected_draft_is_not_published_and_a_new_draft_may_follow(catalog):
    draft = _draft(catalog)
    version_review(version_id=draft.pk, actor=catalog.legal, approve=False, opinion="设定依据引用错误")
    error = _refused("catalog.review_rejected", version_publish, version_id=draft.pk, actor=catalog.admin)
    assert "设定依据引用错误" in error.message
    again = _draft(catalog, "食品经营许可（新设）")
    assert again.version == 3


def test_an_approved_draft_is_published_with_its_reviewer_date_and_opinion(catalog):
    draft = _draft(catalog)
    published = review_and_publish(draft, reviewer=catalog.legal, publisher=catalog.admin, opinion="合法")
    review = LegalReview.objects.get(version=published)
    assert (review.reviewer, review.drafter, review.opinion, review.status) == (
        catalog.legal, catalog.admin, "合法", "approved")
    assert review.reviewed_at is not None
    assert review.published_at is not None
    assert ServiceItem.objects.get(implementation_code=FOOD).current_version == published
    _refused("catalog.not_draft", version_publish, version_id=draft.pk, actor=catalog.admin)


def test_one_pending_draft_per_item(catalog):
    _draft(catalog)
    _refused("catalog.draft_pending", _draft, catalog, "又一次改名")


def test_a_staff_import_drafts_and_waits_for_review(catalog, sample_data):
    data = copy.deepcopy(sample_data)
    data["items"][1]["hours"] = "工作日全天"
    report = catalog_import(spec=spec_of(data), actor=catalog.admin)
    assert report.drafted == [FOOD]
    food = ServiceItem.objects.get(implementation_code=FOOD)
    assert food.current_version.hours != "工作日全天"
    draft = food.versions.get(is_draft=True)
    review_and_publish(draft, reviewer=catalog.legal, publisher=catalog.admin)
    food.refresh_from_db()
    assert food.current_version.hours == "工作日全天"


def _cancel_food(org) -> CatalogChange:
    food = ServiceItem.objects.get(implementation_code=FOOD)
    return item_record_change(item_id=food.pk, actor=org.admin, kind="cancelled", effective_on=date(2026, 6, 1),
                              basis="云政发〔2026〕8号")


def _disguised(sample_data, **changes) -> dict:
    """食品经营许可 back as 食品经营备案, another code, another kind, the same legal basis."""
    item = copy.deepcopy(sample_data["items"][1])
    item.update(implementation_code=DISGUISED, basic_code="000102099000", name="食品经营备案",
                item_type="other_power", **changes)
    return {"format": sample_data["format"], "items": [item], "bundles": []}


def test_cancelling_keeps_the_change_and_takes_the_item_off_the_list(catalog):
    change = _cancel_food(catalog)
    assert (change.kind, change.name, change.item_type) == ("cancelled", "食品经营许可", "licensing")
    assert not ServiceItem.objects.get(implementation_code=FOOD).is_active
    _refused("catalog.already_changed", _cancel_food, catalog)


def test_the_admin_cannot_tick_a_cancelled_item_back_into_use(catalog):
    _cancel_food(catalog)
    food = ServiceItem.objects.get(implementation_code=FOOD)
    form = ServiceItemForm(data={"is_active": "on", "results_public": "on"}, instance=food)
    assert not form.is_valid()
    assert "法制审核" in form.errors["is_active"][0]


def test_a_cancelled_item_cannot_return_in_the_initial_list(catalog, sample_data):
    _cancel_food(catalog)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(spec=spec_of(_disguised(sample_data)), actor=None)
    assert [p.code for p in caught.value.problems] == ["cancelled_item_returns"]
    assert "食品经营许可" in caught.value.problems[0].message
    assert not ServiceItem.objects.filter(implementation_code=DISGUISED).exists()


def test_a_cancelled_item_returns_only_with_a_review_that_acknowledges_it(catalog, sample_data):
    change = _cancel_food(catalog)
    catalog_import(spec=spec_of(_disguised(sample_data)), actor=catalog.admin)
    draft = ServiceItem.objects.get(implementation_code=DISGUISED).versions.get()
    error = _refused("catalog.cancelled_not_acknowledged", version_review, version_id=draft.pk,
                     actor=catalog.legal, approve=True, opinion="同意")
    assert "食品经营许可" in error.message
    assert error.field == "acknowledged"
    _refused("catalog.review_required", version_publish, version_id=draft.pk, actor=catalog.admin)
    version_review(version_id=draft.pk, actor=catalog.legal, approve=True, acknowledged_item_ids=[change.item_id],
                   opinion="经审查，备案系依新法设定，与已取消的许可不同")
    published = version_publish(version_id=draft.pk, actor=catalog.admin)
    assert published.item.current_version == published


def test_only_cancelled_items_can_be_acknowledged(catalog, sample_data):
    _cancel_food(catalog)
    catalog_import(spec=spec_of(_disguised(sample_data)), actor=catalog.admin)
    draft = ServiceItem.objects.get(implementation_code=DISGUISED).versions.get()
    marriage = ServiceItem.objects.get(implementation_code=MARRIAGE)
    _refused("catalog.acknowledged_not_cancelled", version_review, version_id=draft.pk, actor=catalog.legal,
             approve=True, acknowledged_item_ids=[marriage.pk], opinion="同意")


def test_merge_and_delegation_name_their_target(catalog):
    hygiene = ServiceItem.objects.get(implementation_code=HYGIENE)
    _refused("catalog.merge_target_required", item_record_change, item_id=hygiene.pk, actor=catalog.admin,
             kind="merged", effective_on=date(2026, 6, 1), basis="云政发〔2026〕8号")
    _refused("catalog.delegate_region_invalid", item_record_change, item_id=hygiene.pk, actor=catalog.admin,
             kind="delegated", effective_on=date(2026, 6, 1), basis="云政发〔2026〕8号",
             delegated_to_code=catalog.other_county.code)
    _refused("catalog.basis_required", item_record_change, item_id=hygiene.pk, actor=catalog.admin,
             kind="cancelled", effective_on=date(2026, 6, 1), basis="")
    food = ServiceItem.objects.get(implementation_code=FOOD)
    change = item_record_change(item_id=hygiene.pk, actor=catalog.admin, kind="merged",
                                effective_on=date(2026, 6, 1), basis="云政发〔2026〕8号", merged_into_id=food.pk)
    assert change.merged_into == food
    with pytest.raises(PermissionDenied):
        item_record_change(item_id=food.pk, actor=catalog.clerk, kind="cancelled", effective_on=date(2026, 6, 1),
                           basis="x")


@pytest.mark.parametrize(("name", "basis", "code", "expected"), [
    ("食品经营备案", "《食品安全法》第三十五条", "X", "设定依据相同且名称相近"),
    ("食品经营核准", "《食品安全法》 第三十五条。", "X", "设定依据相同且名称相近"),
    ("食品经营备案", "《其他法》第一条", "X", None),
    ("烟花爆竹经营许可", "《食品安全法》第三十五条", "X", None),
    ("完全不同的名字", "《其他法》第一条", "000102002000", "基本编码相同（000102002000）"),
])
def test_the_match_rule(name, basis, code, expected):
    cancelled = ItemFacts(1, "000102002000", "食品经营许可", "《食品安全法》第三十五条")
    assert matches_cancelled(ItemFacts(None, code, name, basis), cancelled) == expected


def test_kind_words_do_not_make_names_different():
    assert names_similar("公共场所卫生许可证核发", "公共场所卫生备案")
    assert not names_similar("结婚登记", "食品经营许可")
