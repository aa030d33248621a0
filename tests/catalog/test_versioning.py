"""Editing an item drafts a new version, published after its legal review; the old one stays readable."""

from __future__ import annotations

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.selectors import item_guide
from onewindow.catalog.services import CatalogImportError, catalog_import, item_draft_version
from onewindow.catalog.spec import MaterialSpec
from onewindow.core.errors import DomainError, PermissionDenied

from .helpers import FOOD, MARRIAGE, review_and_publish, spec_of


@pytest.fixture
def food(catalog_org, sample_data) -> ServiceItem:
    catalog_import(spec=spec_of(sample_data), actor=None)
    return ServiceItem.objects.get(implementation_code=FOOD)


def test_an_edit_publishes_version_two_and_keeps_version_one(catalog_org, food):
    version = item_draft_version(item_id=food.pk, actor=catalog_org.admin,
                                   changes={"name": "食品经营许可（新办）", "promised_limit": 6},
                                 change_note="承诺时限调整")
    food.refresh_from_db()
    assert (version.version, version.is_draft, food.current_version.version) == (2, True, 1)
    assert item_guide(FOOD).version == 1  # the draft is not shown before its review
    version = review_and_publish(version, reviewer=catalog_org.legal, publisher=catalog_org.admin)

    food.refresh_from_db()
    assert (version.version, food.current_version_id) == (2, version.pk)
    assert (version.name, version.promised_limit, version.pinyin_initials) == ("食品经营许可（新办）", 6, "spjyxkxb")
    assert version.created_by == catalog_org.admin.user
    assert version.change_note == "承诺时限调整"
    # materials, fees and stages are copied
    assert [m.name for m in version.materials.all()] == ["食品经营许可申请书", "营业执照", "居民身份证"]
    assert [s.name for s in version.stages.all()] == ["受理", "审查", "决定"]
    old = item_guide(FOOD, version=1)
    assert (old.name, old.promised_limit, old.materials.count()) == ("食品经营许可", 5, 3)
    assert item_guide(FOOD).version == 2


def test_a_list_given_in_the_changes_replaces_the_list(catalog_org, food):
    version = item_draft_version(
        item_id=food.pk, actor=catalog_org.admin, change_note="精简材料",
        changes={"materials": [MaterialSpec(name="食品经营许可申请书"), {"name": "营业执照", "source": "government"}]})
    assert [(m.order, m.name, m.source) for m in version.materials.all()] == [
        (1, "食品经营许可申请书", "applicant"), (2, "营业执照", "government")]


def test_an_edit_that_changes_nothing_publishes_nothing(catalog_org, food):
    version = item_draft_version(item_id=food.pk, actor=catalog_org.admin, changes={"name": "食品经营许可"},
                                   change_note="")
    assert version.version == 1
    assert food.versions.count() == 1


def test_an_edit_follows_the_same_rules_as_an_import(catalog_org, food):
    with pytest.raises(CatalogImportError) as caught:
        item_draft_version(item_id=food.pk, actor=catalog_org.admin, change_note="",
                             changes={"promised_limit": 30, "stages": [{"name": "审查", "department": "GAJ",
                                                                        "role": "reviewer", "budget_workdays": 1}]})
    assert {(p.location, p.code) for p in caught.value.problems} == {
        ("promised_limit", "promised_exceeds_statutory"),
        ("stages[0].department", "unknown_department"),
    }
    assert food.versions.count() == 1


def test_unknown_fields_and_identity_fields_are_refused(catalog_org, food):
    with pytest.raises(CatalogImportError) as caught:
        item_draft_version(item_id=food.pk, actor=catalog_org.admin, changes={"colour": "red"}, change_note="")
    assert [p.location for p in caught.value.problems] == ["colour"]
    with pytest.raises(DomainError) as refused:
        item_draft_version(item_id=food.pk, actor=catalog_org.admin, changes={"region": "990122000000"},
                             change_note="")
    assert refused.value.code == "item.identity_fixed"


def test_only_a_center_administrator_of_the_region_may_edit(catalog_org, food):
    for actor in (catalog_org.clerk, catalog_org.other_admin):
        with pytest.raises(PermissionDenied):
            item_draft_version(item_id=food.pk, actor=actor, changes={"name": "改名"}, change_note="")
    assert food.versions.count() == 1


def test_an_instant_item_stays_instant_unless_its_limit_fits(catalog_org, food):
    marriage = ServiceItem.objects.get(implementation_code=MARRIAGE)
    with pytest.raises(CatalogImportError) as caught:
        item_draft_version(item_id=marriage.pk, actor=catalog_org.admin, changes={"promised_limit": 2},
                             change_note="")
    assert [p.code for p in caught.value.problems] == ["instant_with_limit"]
