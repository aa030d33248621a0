"""The catalog admin: region-scoped lists, read-only versions."""

from __future__ import annotations

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import catalog_import

from .helpers import FOOD, spec_of


@pytest.fixture
def catalog(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    return catalog_org


def test_an_administrator_sees_their_county_items_and_versions_read_only(client, catalog):
    client.force_login(catalog.admin.user)
    listing = client.get("/admin/catalog/serviceitem/?q=spjy")
    assert listing.status_code == 200
    assert "食品经营许可" in listing.content.decode()
    food = ServiceItem.objects.get(implementation_code=FOOD)
    page = client.get(f"/admin/catalog/serviceitem/{food.pk}/change/")
    assert page.status_code == 200
    assert "事项版本只读" in page.content.decode()
    version = client.get(f"/admin/catalog/serviceitemversion/{food.current_version_id}/change/")
    assert version.status_code == 200
    assert 'name="_save"' not in version.content.decode()


def test_an_administrator_of_another_county_does_not_see_them(client, catalog):
    client.force_login(catalog.other_admin.user)
    listing = client.get("/admin/catalog/serviceitem/")
    assert listing.status_code == 200
    assert "食品经营许可" not in listing.content.decode()
    food = ServiceItem.objects.get(implementation_code=FOOD)
    assert client.get(f"/admin/catalog/serviceitem/{food.pk}/change/").status_code in (302, 403, 404)


def test_bundles_are_listed_with_their_items(client, catalog):
    client.force_login(catalog.admin.user)
    from onewindow.catalog.models import Bundle

    bundle = Bundle.objects.get(code="990121-YJS-001")
    page = client.get(f"/admin/catalog/bundle/{bundle.pk}/change/")
    assert page.status_code == 200
    assert "设有包间、歌舞等公共场所的" in page.content.decode()


def _bundle_post(region, lead, item) -> dict[str, object]:
    return {
        "code": "990122-YJS-009", "name": "测试一件事", "region": region.pk, "life_event": "", "description": "",
        "lead_department": lead.pk,
        "bundle_items-TOTAL_FORMS": "1", "bundle_items-INITIAL_FORMS": "0", "bundle_items-MIN_NUM_FORMS": "0",
        "bundle_items-MAX_NUM_FORMS": "1000", "bundle_items-0-order": "1", "bundle_items-0-item": item.pk,
        "bundle_items-0-situation": "",
    }


def test_a_bundle_form_keeps_its_department_and_items_in_its_region(client, catalog):
    from django.contrib.auth import get_user_model

    from onewindow.catalog.models import Bundle
    from onewindow.organization.models import Department

    root = get_user_model().objects.create_superuser(username="root", password="x-Long-password-1")
    client.force_login(root)
    food = ServiceItem.objects.get(implementation_code=FOOD)
    other_market = Department.objects.get(region=catalog.other_county, code="SCJ")
    county_market = Department.objects.get(region=catalog.county, code="SCJ")

    wrong_lead = client.post("/admin/catalog/bundle/add/", _bundle_post(catalog.county, other_market, food))
    assert "牵头部门应属于一件事所在的区划" in wrong_lead.content.decode()
    wrong_item = client.post("/admin/catalog/bundle/add/", _bundle_post(catalog.other_county, other_market, food))
    assert "不在一件事的区划内" in wrong_item.content.decode()
    assert not Bundle.objects.filter(code="990122-YJS-009").exists()
    right = client.post("/admin/catalog/bundle/add/", _bundle_post(catalog.county, county_market, food))
    assert right.status_code == 302
    assert Bundle.objects.get(code="990122-YJS-009").bundle_items.get().item == food
