"""Importing a catalog: creation, idempotence, new versions, database references, permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from onewindow.catalog.models import Bundle, ServiceItem, ServiceItemVersion
from onewindow.catalog.selectors import export_catalog
from onewindow.catalog.services import CatalogImportError, catalog_import, catalog_import_file
from onewindow.catalog.spec import parse_catalog_dict
from onewindow.core.errors import PermissionDenied

from .helpers import FOOD, HYGIENE, MARRIAGE, SAMPLE, snapshot, spec_of


def write_yaml(tmp_path: Path, data) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_importing_the_sample_creates_items_versions_and_the_bundle(catalog_org):
    report = catalog_import_file(path=SAMPLE, actor=None)

    assert report.created == [MARRIAGE, FOOD, HYGIENE]
    assert report.bundles_created == ["990121-YJS-001"]
    food = ServiceItem.objects.get(implementation_code=FOOD)
    version = food.current_version
    assert (version.version, version.name, version.pinyin_initials) == (1, "食品经营许可", "spjyxk")
    assert [m.name for m in version.materials.all()] == ["食品经营许可申请书", "营业执照", "居民身份证"]
    assert [s.order for s in version.stages.all()] == [1, 2, 3]
    assert sorted(w.number for w in food.windows.all()) == ["01", "03"]
    assert version.change_note == "目录导入：sample_catalog.yaml"
    bundle = Bundle.objects.get(code="990121-YJS-001")
    assert [(e.item.implementation_code, e.situation) for e in bundle.bundle_items.order_by("order")] == [
        (FOOD, ""), (HYGIENE, "设有包间、歌舞等公共场所的")]


def test_the_export_equals_what_was_imported(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    assert export_catalog() == spec_of(sample_data)
    assert export_catalog(region_code="990122000000").items == []


def test_importing_the_same_catalog_again_changes_nothing(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    before = snapshot()

    report = catalog_import(spec=export_catalog(), actor=None)

    assert report.unchanged == [MARRIAGE, FOOD, HYGIENE]
    assert report.bundles_unchanged == ["990121-YJS-001"]
    assert report.created == report.new_versions == report.updated == []
    assert snapshot() == before


def test_changed_content_publishes_a_new_version(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    sample_data["items"][1]["materials"].append({"name": "食品安全管理制度"})
    sample_data["items"][0]["windows"] = ["01"]  # the item row, not a version

    report = catalog_import(spec=spec_of(sample_data), actor=None)

    assert report.new_versions == [FOOD]
    assert report.updated == [MARRIAGE]
    food = ServiceItem.objects.get(implementation_code=FOOD)
    assert food.current_version.version == 2
    assert food.current_version.materials.count() == 4
    assert food.versions.get(version=1).materials.count() == 3  # the old version stays as it was
    marriage = ServiceItem.objects.get(implementation_code=MARRIAGE)
    assert marriage.current_version.version == 1
    assert [w.number for w in marriage.windows.all()] == ["01"]


def test_a_changed_bundle_is_updated(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    sample_data["bundles"][0]["items"].insert(0, {"implementation_code": MARRIAGE, "situation": "夫妻共同经营"})

    report = catalog_import(spec=spec_of(sample_data), actor=None)

    assert report.bundles_updated == ["990121-YJS-001"]
    assert export_catalog().bundles == spec_of(sample_data).bundles


def test_a_bundle_may_name_items_already_in_the_database(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    bundle_only = {"bundles": [{**sample_data["bundles"][0], "code": "990121-YJS-002"}]}

    report = catalog_import(spec=spec_of(bundle_only), actor=None)

    assert report.bundles_created == ["990121-YJS-002"]


def test_unknown_codes_are_problems_at_their_path_and_nothing_is_written(catalog_org, sample_data):
    sample_data["items"][0]["department"] = "GAJ"
    sample_data["items"][1]["windows"] = ["01", "09"]
    sample_data["items"][2]["stages"][2]["department"] = "XFJ"
    sample_data["items"][2]["region"] = "990123000000"
    sample_data["bundles"][0]["lead_department"] = "GSJ"
    sample_data["bundles"].append({"code": "B2", "name": "其他", "region": "990121000000", "lead_department": "SCJ",
                                   "items": [{"implementation_code": "NOWHERE"}]})
    spec, _ = parse_catalog_dict(sample_data)

    with pytest.raises(CatalogImportError) as caught:
        catalog_import(spec=spec, actor=None)

    assert {(p.location, p.code) for p in caught.value.problems} == {
        ("items[0].department", "unknown_department"),
        ("items[1].windows[1]", "unknown_window"),
        ("items[2].region", "unknown_region"),
        ("bundles[0].lead_department", "unknown_department"),
        ("bundles[1].items[0].implementation_code", "unknown_item"),
        # the hygiene item now lies outside the bundle's county:
        ("bundles[0].items[1].implementation_code", "item_outside_bundle_region"),
    }
    assert snapshot() == (0, 0, 0, 0, 0, 0)
    assert caught.value.code == "catalog.invalid"
    assert caught.value.status == 400


def test_text_longer_than_its_column_is_a_problem(catalog_org, sample_data):
    sample_data["items"][0]["materials"][0]["paper_size"] = "A" * 17
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(spec=spec_of(sample_data), actor=None)
    assert [(p.location, p.code) for p in caught.value.problems] == [("items[0].materials[0].paper_size", "too_long")]


def test_an_item_cannot_move_to_another_region(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    moved = {"items": [{**sample_data["items"][0], "region": "990122000000", "department": "SCJ",
                        "windows": [], "stages": []}]}
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(spec=spec_of(moved), actor=None)
    assert [(p.location, p.code) for p in caught.value.problems] == [("items[0].region", "item_region_fixed")]


def test_a_dry_run_checks_and_counts_but_writes_nothing(catalog_org, sample_data):
    report = catalog_import(spec=spec_of(sample_data), actor=None, dry_run=True)
    assert len(report.created) == 3
    assert report.dry_run
    assert "试运行" in report.summary()
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_a_file_with_shape_and_rule_problems_reports_them_all(catalog_org, sample_data, tmp_path):
    sample_data["items"][0]["colour"] = "red"
    sample_data["items"][1]["promised_limit"] = 30
    sample_data["items"][2]["department"] = "GAJ"
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=write_yaml(tmp_path, sample_data), actor=None)
    assert {(p.location, p.code) for p in caught.value.problems} == {
        ("items[0].colour", "unknown_field"),
        ("items[1].promised_limit", "promised_exceeds_statutory"),
        ("items[2].department", "unknown_department"),
    }


@pytest.mark.parametrize(("name", "content", "code"), [
    ("catalog.csv", "a,b", "unsupported_file_type"),
    ("catalog.yaml", "", "empty_file"),
    ("catalog.xlsx", "not a zip", "unreadable_file"),
])
def test_unreadable_files_are_problems(catalog_org, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=path, actor=None)
    assert [p.code for p in caught.value.problems] == [code]


# --- permissions -------------------------------------------------------------------------------


def test_a_center_administrator_imports_their_county(catalog_org, sample_data):
    report = catalog_import(spec=spec_of(sample_data), actor=catalog_org.admin)
    assert len(report.created) == 3
    assert ServiceItemVersion.objects.filter(created_by=catalog_org.admin.user).count() == 3


def test_a_clerk_may_not_import(catalog_org, sample_data):
    with pytest.raises(PermissionDenied) as caught:
        catalog_import(spec=spec_of(sample_data), actor=catalog_org.clerk)
    assert caught.value.code == "forbidden.catalog.edit"
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_an_administrator_of_another_county_may_not_import(catalog_org, sample_data):
    with pytest.raises(PermissionDenied):
        catalog_import(spec=spec_of(sample_data), actor=catalog_org.other_admin)
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_an_administrator_of_another_county_may_not_change_an_existing_item(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    bundle = {"bundles": [{"code": "990122-YJS-001", "name": "邻县开餐馆", "region": "990122000000",
                           "lead_department": "SCJ", "items": [{"implementation_code": FOOD}]}]}
    with pytest.raises(CatalogImportError) as caught:  # the item lies in the other county
        catalog_import(spec=spec_of(bundle), actor=catalog_org.other_admin)
    assert [p.code for p in caught.value.problems] == ["item_outside_bundle_region"]
