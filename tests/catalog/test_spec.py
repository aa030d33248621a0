"""The format's rules, checked without a database: each rule, one broken input, exactly its problem."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.catalog.pinyin import pinyin_initials
from onewindow.catalog.rules import critical_path_workdays
from onewindow.catalog.spec import (
    Problem,
    normalize_material_name,
    parse_catalog_dict,
    spec_to_dict,
    validate,
)
from onewindow.catalog.yaml_io import dump_yaml, read_yaml


def problems_of(data: dict[str, Any]) -> set[tuple[str, str]]:
    _, problems = parse_catalog_dict(data)
    return {(p.location, p.code) for p in problems}


def test_the_sample_catalog_is_valid(sample_data):
    spec, problems = parse_catalog_dict(sample_data)
    assert problems == []
    assert [item.name for item in spec.items] == ["结婚登记", "食品经营许可", "公共场所卫生许可"]
    assert spec.items[0].materials[2].copies == 3
    assert spec.items[1].legal_basis.endswith("管理办法》")  # the block scalar's newline is stripped


def test_missing_required_fields_are_reported_at_their_path(sample_data):
    del sample_data["items"][0]["name"]
    sample_data["items"][1]["legal_basis"] = ""
    del sample_data["items"][2]["stages"][1]["budget_workdays"]
    assert problems_of(sample_data) == {
        ("items[0].name", "required"),
        ("items[1].legal_basis", "required"),
        ("items[2].stages[1].budget_workdays", "required"),
    }


@pytest.mark.parametrize(("path", "value", "where", "code"), [
    (("statutory_limit",), "二十", "items[0].statutory_limit", "invalid_type"),
    (("is_joint",), "yes", "items[0].is_joint", "invalid_type"),
    (("basic_code",), 101001000, "items[0].basic_code", "invalid_type"),  # an unquoted code
    (("windows",), [3], "items[0].windows[0]", "invalid_type"),
    (("item_type",), "permit", "items[0].item_type", "invalid_choice"),
    (("online_depth",), 5, "items[0].online_depth", "invalid_choice"),
    (("online_depth",), "3", "items[0].online_depth", "invalid_choice"),
    (("delivery_methods",), ["fax"], "items[0].delivery_methods[0]", "invalid_choice"),
    (("special_procedures",), "hearing", "items[0].special_procedures", "not_a_list"),
    (("max_visits",), -1, "items[0].max_visits", "out_of_range"),
    (("materials", 1, "form"), "scan", "items[0].materials[1].form", "invalid_choice"),
    (("materials", 0, "copies"), -2, "items[0].materials[0].copies", "out_of_range"),
    (("materials", 0, "required"), "必须", "items[0].materials[0].required", "invalid_type"),
    (("fees", 0, "amount_fen"), 9.5, "items[0].fees[0].amount_fen", "invalid_type"),
    (("stages", 0, "role"), "boss", "items[0].stages[0].role", "invalid_choice"),
])
def test_types_and_choices(sample_data, path, value, where, code):
    target = sample_data["items"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert problems_of(sample_data) == {(where, code)}


def test_unknown_fields_and_a_wrong_format_are_reported(sample_data):
    sample_data["format"] = "onewindow-catalog/9"
    sample_data["items"][0]["colour"] = "red"
    sample_data["items"][1]["materials"][0]["pages"] = 3
    assert problems_of(sample_data) == {
        ("format", "unsupported_format"),
        ("items[0].colour", "unknown_field"),
        ("items[1].materials[0].pages", "unknown_field"),
    }


def test_not_a_mapping_and_not_a_list():
    assert problems_of([1, 2]) == {("", "not_a_mapping")}
    assert problems_of({"items": {"name": "x"}}) == {("items", "not_a_list")}
    assert problems_of({"items": ["结婚登记"]}) >= {("items[0]", "not_a_mapping")}


def test_promised_limit_may_not_exceed_the_statutory_limit(sample_data):
    sample_data["items"][1]["promised_limit"] = 25
    assert problems_of(sample_data) == {("items[1].promised_limit", "promised_exceeds_statutory")}


def test_limits_in_different_units_are_not_compared(sample_data):
    sample_data["items"][1]["promised_limit"] = 25
    sample_data["items"][1]["promised_unit"] = "natural_day"
    assert problems_of(sample_data) == set()


def test_an_instant_item_is_done_the_same_day(sample_data):
    sample_data["items"][0]["promised_limit"] = 1
    assert problems_of(sample_data) == {("items[0].promised_limit", "instant_with_limit")}


def test_a_committed_item_needs_at_least_one_day(sample_data):
    sample_data["items"][1]["promised_limit"] = 0
    sample_data["items"][1]["stages"] = []
    assert problems_of(sample_data) == {("items[1].promised_limit", "committed_without_limit")}


def test_the_critical_path_of_the_stages_must_fit_the_promised_limit(sample_data):
    sample_data["items"][1]["promised_limit"] = 4  # stages: 0 + 3 + 2
    assert problems_of(sample_data) == {("items[1].promised_limit", "stages_exceed_promised_limit")}


def test_a_parallel_group_counts_with_its_largest_budget(sample_data):
    sample_data["items"][2]["promised_limit"] = 8  # 0 + max(5, 4) + 3
    assert problems_of(sample_data) == set()
    sample_data["items"][2]["promised_limit"] = 7
    assert problems_of(sample_data) == {("items[2].promised_limit", "stages_exceed_promised_limit")}


def test_a_joint_item_has_at_most_45_statutory_days(sample_data):
    sample_data["items"][2]["statutory_limit"] = 46
    assert problems_of(sample_data) == {("items[2].statutory_limit", "joint_limit_too_long")}


@pytest.mark.parametrize("change", [
    {"parallel_group": 2, "budget_workdays": 1},  # the two departments no longer share a group
    {"department": "WJW"},  # one department alone in the group
    {"parallel_group": None, "budget_workdays": 1},
])
def test_a_joint_item_needs_two_departments_in_parallel(sample_data, change):
    sample_data["items"][2]["stages"][2].update(change)
    assert problems_of(sample_data) == {("items[2].is_joint", "joint_without_parallel_stages")}


def test_every_fee_needs_a_basis(sample_data):
    sample_data["items"][0]["fees"][0]["basis"] = "  "
    _, problems = parse_catalog_dict(sample_data)
    assert [(p.location, p.code) for p in problems] == [("items[0].fees[0].basis", "fee_basis_required")]
    assert "第五十九条" in problems[0].message


def test_implementation_codes_are_unique(sample_data):
    sample_data["items"][2]["implementation_code"] = sample_data["items"][0]["implementation_code"]
    assert problems_of(sample_data) == {("items[2].implementation_code", "duplicate_implementation_code")}


def test_material_names_are_unique_within_an_item_after_normalizing(sample_data):
    sample_data["items"][1]["materials"][2]["name"] = "营业 执照"
    assert problems_of(sample_data) == {("items[1].materials[2].name", "duplicate_material_name")}


def test_a_window_is_listed_once(sample_data):
    sample_data["items"][1]["windows"] = ["01", "01"]
    assert problems_of(sample_data) == {("items[1].windows[1]", "duplicate_window")}


def test_region_codes_have_twelve_digits(sample_data):
    sample_data["items"][0]["region"] = "9901"
    sample_data["bundles"][0]["region"] = "99012100000X"
    assert problems_of(sample_data) == {
        ("items[0].region", "invalid_region_code"),
        ("bundles[0].region", "invalid_region_code"),
    }


def test_bundle_rules(sample_data):
    bundle = sample_data["bundles"][0]
    bundle["items"].append({"implementation_code": bundle["items"][0]["implementation_code"]})
    sample_data["bundles"].append({**bundle, "items": []})
    assert problems_of(sample_data) == {
        ("bundles[0].items[2].implementation_code", "duplicate_bundle_item"),
        ("bundles[1].items", "bundle_without_items"),
        ("bundles[1].code", "duplicate_bundle_code"),
    }


def test_bundle_items_must_exist_and_lie_in_the_bundle_region(sample_data):
    spec, problems = parse_catalog_dict(sample_data)
    assert problems == []
    spec.bundles[0].items[0].implementation_code = "ELSEWHERE"
    spec.bundles[0].items[1].implementation_code = "MISSING"
    assert validate(spec) == []  # without the database's items, unknown codes are not judged
    found = validate(spec, known_items={"ELSEWHERE": "990122000000"})
    assert [(p.location, p.code) for p in found] == [
        ("bundles[0].items[0].implementation_code", "item_outside_bundle_region"),
        ("bundles[0].items[1].implementation_code", "unknown_item"),
    ]


def test_a_township_item_lies_in_its_county_bundle(sample_data):
    spec, _ = parse_catalog_dict(sample_data)
    spec.bundles[0].items[0].implementation_code = "TOWNSHIP"
    assert validate(spec, known_items={"TOWNSHIP": "990121001000"}) == []


def test_problems_print_in_chinese_with_their_location():
    problem = Problem("items[3].materials[1].name", "required", "必填，不能为空")
    assert str(problem) == "items[3].materials[1].name：必填，不能为空"


# --- conversions -------------------------------------------------------------------------------


def test_spec_to_dict_reads_back_to_the_same_spec(sample_data):
    spec, _ = parse_catalog_dict(sample_data)
    again, problems = parse_catalog_dict(spec_to_dict(spec))
    assert problems == []
    assert again == spec


def test_yaml_round_trip(sample_data):
    spec, _ = parse_catalog_dict(sample_data)
    text = dump_yaml(spec)
    assert "name: 结婚登记" in text
    assert "region: '990121000000'" in text  # codes stay strings
    assert "legal_basis: |" in text  # multi-line text in block style
    raw = read_yaml(text)
    again, problems = parse_catalog_dict(raw.data)
    assert problems == []
    assert again == spec


def test_a_yaml_syntax_error_is_one_problem_with_its_line():
    raw = read_yaml("items:\n  - name: [unclosed\n")
    assert raw.data is None
    assert [p.code for p in raw.problems] == ["yaml_syntax"]
    assert raw.problems[0].location.startswith("第")


@pytest.mark.parametrize(("name", "initials"), [
    ("营业执照", "yyzz"),
    ("食品经营许可", "spjyxk"),
    ("ICP备案（经营性）", "icpbajyx"),
    ("3C认证", "3crz"),
    ("Ａ级景区评定", "ajjqpd"),
    ("", ""),
])
def test_pinyin_initials(name, initials):
    assert pinyin_initials(name) == initials


def test_normalized_material_names():
    assert normalize_material_name("营业执照（副本）") == normalize_material_name(" 营业执照 (副本)")


steps = st.lists(st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(1, 3))), max_size=8)


@given(steps)
def test_the_critical_path_lies_between_the_longest_stage_and_the_sum(stages):
    total = critical_path_workdays(stages)
    assert total <= sum(budget for budget, _ in stages)
    assert total >= max((budget for budget, _ in stages), default=0)


def test_the_critical_path_of_sequential_and_parallel_stages():
    assert critical_path_workdays([(1, None), (5, 1), (4, 1), (2, 2), (3, None)]) == 1 + 5 + 2 + 3


def test_the_pure_modules_import_no_django():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, onewindow.catalog.spec, onewindow.catalog.pinyin, onewindow.catalog.rules; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "[]"
