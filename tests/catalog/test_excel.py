"""The catalog workbook: round trips, Chinese headers and labels, problems located by cell."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from onewindow.catalog.excel_io import header_of, read_workbook, write_workbook
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.selectors import export_catalog
from onewindow.catalog.services import CatalogImportError, catalog_import, catalog_import_file
from onewindow.catalog.spec import parse_catalog_dict

from .helpers import FOOD, snapshot, spec_of, wipe_catalog

SHEETS = ["事项", "材料", "收费", "环节", "一件事", "一件事事项"]


@pytest.fixture
def workbook_path(catalog_org, sample_data, tmp_path) -> Path:
    """The sample catalog imported, then exported as a workbook."""
    catalog_import(spec=spec_of(sample_data), actor=None)
    path = tmp_path / "catalog.xlsx"
    write_workbook(export_catalog(), path)
    return path


def column_of(sheet, header: str) -> str:
    return next(cell.column_letter for cell in sheet[1] if cell.value == header)


def test_the_workbook_has_chinese_sheets_headers_labels_and_booleans(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == SHEETS
    items = book["事项"]
    headers = [cell.value for cell in items[1]]
    assert headers[:5] == ["实施编码", "基本编码", "区划代码", "部门编码", "办理窗口（窗口号）"]
    assert {"事项名称", "事项类型", "法定办结时限", "承诺办结时限", "办件类型", "联办件"} <= set(headers)
    row = {h: c.value for h, c in zip(headers, items[3], strict=True)}
    assert row["事项名称"] == "食品经营许可"
    assert row["事项类型"] == "行政许可"
    assert row["办件类型"] == "承诺件"
    assert row["联办件"] == "否"
    assert row["办理窗口（窗口号）"] == "01、03"
    assert row["送达方式"] == "窗口领取、邮寄送达、电子证照"
    assert row["法定办结时限"] == 20
    materials = book["材料"]
    assert [c.value for c in materials[1]][:3] == ["实施编码", "材料名称", "必要"]
    assert [c.value for c in materials[2]][:3] == ["11990121MB0000001X3000101001", "居民身份证", "是"]
    assert [c.value for c in book["一件事事项"][1]] == ["一件事编码", "实施编码", "情形"]


def test_export_then_import_into_a_fresh_database_gives_the_same_catalog(workbook_path):
    before = export_catalog()
    wipe_catalog()

    report = catalog_import_file(path=workbook_path, actor=None)

    assert len(report.created) == 3
    assert report.bundles_created == ["990121-YJS-001"]
    assert export_catalog() == before


def test_export_then_import_into_the_same_database_creates_nothing(workbook_path):
    before = snapshot()
    report = catalog_import_file(path=workbook_path, actor=None)
    assert len(report.unchanged) == 3
    assert report.bundles_unchanged == ["990121-YJS-001"]
    assert snapshot() == before


def test_the_workbook_reads_back_to_the_same_spec(catalog_org, sample_data, tmp_path):
    spec = spec_of(sample_data)
    path = tmp_path / "c.xlsx"
    write_workbook(spec, path)
    again, problems = parse_catalog_dict(read_workbook(path).data)
    assert problems == []
    assert again == spec


def test_three_errors_in_three_sheets_are_exactly_three_problems_and_nothing_changes(workbook_path):
    # given the catalog in the database, and a workbook with one good change and three errors
    book = openpyxl.load_workbook(workbook_path)
    items, materials, stages = book["事项"], book["材料"], book["环节"]
    items[f"{column_of(items, '事项名称')}2"] = "结婚登记（新）"  # a good change
    type_column = column_of(items, "事项类型")
    items[f"{type_column}3"] = "行政许可证"  # not a label
    copies_column = column_of(materials, "份数")
    materials[f"{copies_column}4"] = "两份"  # not a number
    department_column = column_of(stages, "负责部门编码")
    stages[f"{department_column}5"] = "XFJ"  # no such department
    book.save(workbook_path)
    before = snapshot()

    # when it is imported
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=workbook_path, actor=None)

    # then exactly those three are reported, by sheet, row and column, in file order; nothing changed
    found = [(p.sheet, p.row, p.column, p.header, p.code) for p in caught.value.problems]
    assert found == ([
        ("事项", 3, type_column, "事项类型", "invalid_choice"),
        ("材料", 4, copies_column, "份数", "invalid_type"),
        ("环节", 5, department_column, "负责部门编码", "unknown_department"),
    ])
    assert all(str(p).startswith(f"工作表“{p.sheet}”第{p.row}行{p.column}列（{p.header}）：")
               for p in caught.value.problems)
    assert snapshot() == before
    assert ServiceItemVersion.objects.filter(name="结婚登记（新）").count() == 0


def test_codes_are_accepted_in_place_of_labels(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    items = book["事项"]
    items[f"{column_of(items, '事项类型')}3"] = "licensing"
    items[f"{column_of(items, '联办件')}3"] = "false"
    items[f"{column_of(items, '送达方式')}3"] = "window,邮寄送达， electronic"
    book.save(workbook_path)
    report = catalog_import_file(path=workbook_path, actor=None)
    assert FOOD in report.unchanged


def test_a_changed_cell_publishes_a_new_version(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    materials = book["材料"]
    materials[f"{column_of(materials, '份数')}6"] = 5  # the food item's 营业执照
    book.save(workbook_path)
    report = catalog_import_file(path=workbook_path, actor=None)
    assert report.new_versions == [FOOD]


def test_a_child_row_naming_an_unknown_item_is_located(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    book["收费"]["A2"] = "NO-SUCH-ITEM"
    book.save(workbook_path)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=workbook_path, actor=None)
    problem, = caught.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.header, problem.code) == (
        "收费", 2, "A", "实施编码", "unknown_parent")


def test_unknown_and_missing_columns_are_reported_on_the_header_row(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    items = book["事项"]
    items[f"{column_of(items, '事项名称')}1"] = "名称"
    book.save(workbook_path)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=workbook_path, actor=None)
    assert {(p.sheet, p.row, p.code) for p in caught.value.problems} == {
        ("事项", 1, "unknown_column"), ("事项", 1, "missing_column")}


def test_a_required_empty_cell_is_located_at_its_cell(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    items = book["事项"]
    column = column_of(items, "设定依据")
    items[f"{column}4"] = None
    book.save(workbook_path)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(path=workbook_path, actor=None)
    problem, = caught.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.code) == ("事项", 4, column, "required")


def test_text_that_looks_like_a_formula_stays_text(catalog_org, sample_data, tmp_path):
    sample_data["items"][0]["hours"] = "=工作日全天"
    spec = spec_of(sample_data)
    path = tmp_path / "c.xlsx"
    write_workbook(spec, path)
    again, _ = parse_catalog_dict(read_workbook(path).data)
    assert again.items[0].hours == "=工作日全天"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1", "-1", "@A1", "＝1"])
def test_the_catalog_export_uses_the_shared_safe_cells(catalog_org, sample_data, tmp_path, text):
    sample_data["items"][0]["hours"] = text
    path = tmp_path / "c.xlsx"
    write_workbook(spec_of(sample_data), path)
    sheet = openpyxl.load_workbook(path)["事项"]
    cell = sheet[f"{column_of(sheet, header_of('事项', 'hours'))}2"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix  # stays text when edited in Excel, as a quote typed before it would


def test_header_of_names_the_model_verbose_name():
    assert header_of("环节", "budget_workdays") == "环节时限（工作日）"
    assert header_of("收费", "amount_fen") == "金额（分）"
