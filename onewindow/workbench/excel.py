"""The daily ledger (台帐) and the intake register (受理登记册) as Excel workbooks.

Headers are the Chinese column names the hall's paper ledgers use; applicant data arrives masked
from the selectors. Rows go through :mod:`onewindow.core.spreadsheet`: an applicant's name that
starts like a formula stays text, times are written in Asia/Shanghai without a zone (Excel has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from onewindow.cases.selectors import LedgerLine
from onewindow.core.spreadsheet import append_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters, how to read the value from a line)
_COMMON: list[tuple[str, int, str]] = [
    ("办件编号", 22, "number"),
    ("事项名称", 30, "item"),
    ("申请人", 16, "applicant"),
    ("证件号码", 22, "applicant_id"),
    ("承办部门", 20, "department"),
    ("收件窗口", 16, "window"),
    ("收件时间", 18, "submitted_at"),
    ("受理日期", 12, "accepted_on"),
    ("承诺时限", 12, "promised_limit"),
    ("承诺办结日期", 14, "promised_due"),
    ("办理状态", 14, "status"),
]
LEDGER_COLUMNS = [*_COMMON, ("当日办理事项", 30, "actions")]
REGISTER_COLUMNS = [*_COMMON, ("收件人", 12, "actions")]


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet title."""
    for bad in "[]:*?/\\":
        title = title.replace(bad, "-")
    return title[:31]


def workbook(title: str, columns: Sequence[tuple[str, int, str]], lines: Sequence[LedgerLine]) -> bytes:
    """One sheet: a bold, frozen header row, fixed column widths, one row per line."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    book.properties.title = title
    book.properties.creator = "一窗通办"
    append_row(sheet, [header for header, _w, _a in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F6F4F2")
    for i, (_header, width, _attr) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    for line in lines:
        append_row(sheet, [getattr(line, attr) for _h, _w, attr in columns])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    # Even masked, a ledger is about people: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
