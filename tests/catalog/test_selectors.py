"""Reads: a bundle's merged material list, the search's edge cases."""

from __future__ import annotations

from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.catalog.selectors import bundle_materials, search_items
from onewindow.catalog.services import catalog_import

from .helpers import FOOD, HYGIENE, spec_of


def test_a_bundle_asks_for_each_material_once_keeping_the_strictest(catalog_org, sample_data):
    # 营业执照: required for the food permit (1 copy), optional for hygiene (2 copies)
    sample_data["items"][2]["materials"].append({"name": "居民身份证（复印件）"})
    catalog_import(spec=spec_of(sample_data), actor=None)

    merged = bundle_materials(Bundle.objects.get(code="990121-YJS-001"))

    assert [(m.name, m.required, m.copies, m.item_codes) for m in merged] == [
        ("食品经营许可申请书", True, 1, [FOOD]),
        ("营业执照", True, 2, [FOOD, HYGIENE]),
        ("居民身份证", False, 2, [FOOD]),
        ("卫生许可申请表", True, 1, [HYGIENE]),
        ("居民身份证（复印件）", True, 1, [HYGIENE]),
    ]


def test_names_are_compared_after_normalizing(catalog_org, sample_data):
    sample_data["items"][2]["materials"][1]["name"] = "营业 执照"
    catalog_import(spec=spec_of(sample_data), actor=None)
    merged = bundle_materials(Bundle.objects.get(code="990121-YJS-001"))
    assert [m.name for m in merged].count("营业执照") == 1
    assert "营业 执照" not in [m.name for m in merged]


def test_inactive_items_are_not_found(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    ServiceItem.objects.filter(implementation_code=FOOD).update(is_active=False)
    assert [i.implementation_code for i in search_items("许可")] == [HYGIENE]


def test_search_limits_are_clamped(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    assert len(search_items("", limit=0)) == 1
    assert len(search_items("", limit=10_000)) == 3
