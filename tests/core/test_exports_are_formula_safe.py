"""Every Excel export writes through the safe-cell writer: a hostile name lands as text, numbers stay typed.

The workbench's ledger and intake register and the supervision tables; the catalog's export is
tested in tests/catalog/test_excel.py. Pure: rows in, workbook bytes out, read back with openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from onewindow.cases.selectors import LedgerLine
from onewindow.supervision import exports
from onewindow.workbench import excel

HOSTILE_NAME = '=HYPERLINK("http://evil.example/","点此领证")'


def no_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def line(**overrides: object) -> LedgerLine:
    values: dict[str, object] = dict(
        number="331099202610120001", item="食品经营许可", applicant="青禾食品有限公司", applicant_id="913***1234",
        department="市场监督管理局", window="01", submitted_at=datetime(2026, 10, 12, 1, 0, tzinfo=UTC),
        accepted_on=date(2026, 10, 12), promised_limit="10个工作日", promised_due=date(2026, 10, 26),
        status="审查中", actions="受理")
    values.update(overrides)
    return LedgerLine(**values)


@pytest.mark.parametrize("columns", [excel.LEDGER_COLUMNS, excel.REGISTER_COLUMNS])
@pytest.mark.parametrize("field", ["applicant", "item", "actions"])
@pytest.mark.parametrize("value", [HOSTILE_NAME, "+1", "-1+1", "@A1", "\t=1", "\r=1"])
def test_the_ledger_and_the_register_write_hostile_text_as_text(columns, field, value):
    data = excel.workbook("台帐", columns, [line(**{field: value})])
    assert no_formulas(data)
    sheet = load_workbook(io.BytesIO(data)).active
    col = next(i for i, (_h, _w, attr) in enumerate(columns) if attr == field)
    cell = sheet[2][col]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    # A CR survives as CR when openpyxl writes with lxml (escaped _x000D_), as LF with the standard
    # library's writer (XML normalizes it on reading): text either way, never a formula.
    assert cell.value in (value, value.replace("\r", "\n"))


def test_the_ledger_keeps_dates_typed_and_shows_times_in_shanghai():
    data = excel.workbook("台帐", excel.LEDGER_COLUMNS, [line()])
    row = load_workbook(io.BytesIO(data)).active[2]
    by_attr = {attr: row[i] for i, (_h, _w, attr) in enumerate(excel.LEDGER_COLUMNS)}
    assert by_attr["submitted_at"].value == datetime(2026, 10, 12, 9, 0)
    assert by_attr["submitted_at"].number_format == "yyyy-mm-dd hh:mm"
    assert by_attr["promised_due"].is_date
    assert by_attr["number"].data_type == "s"


def test_the_supervision_tables_write_hostile_text_as_text_and_numbers_as_numbers():
    sheet = exports.Sheet("预警", ["部门", "黄牌", "督办事项", "预警时间"],
                          [[HOSTILE_NAME, 3, "@SUM(A1)", datetime(2026, 10, 12, 1, 0, tzinfo=UTC)]],
                          note="=筛选条件")
    data = exports.workbook([sheet])
    assert no_formulas(data)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "=筛选条件"
    assert ws["A1"].quotePrefix
    name, count, subject, fired = ws[3][:4]
    assert (name.value, name.data_type, name.quotePrefix) == (HOSTILE_NAME, "s", True)
    assert (count.value, count.data_type) == (3, "n")
    assert subject.quotePrefix
    assert fired.value == datetime(2026, 10, 12, 9, 0)


def test_every_module_that_writes_a_workbook_uses_the_safe_cell_writer():
    package = Path(__file__).resolve().parents[2] / "onewindow"
    writers = [p for p in package.rglob("*.py") if re.search(r"^from openpyxl import .*\bWorkbook\b",
                                                             p.read_text(encoding="utf-8"), re.M)]
    assert writers  # the search itself works
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert "from onewindow.core.spreadsheet import" in text, path
        assert not re.search(r"\b(sheet|ws|worksheet)\.append\(", text), f"{path}: append rows with append_row"
