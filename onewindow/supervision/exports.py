"""Excel exports of the supervision tables (openpyxl). Pure: rows in, the bytes of a workbook out.

Every row goes through :mod:`onewindow.core.spreadsheet` (text never becomes a formula).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from onewindow.core.spreadsheet import append_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    note: str = ""  # a line above the table: the filters, the definitions' source


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per table, headers in bold, columns roughly fitted to their text."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        if sheet.note:
            append_row(ws, [sheet.note])
        for cell in append_row(ws, sheet.headers):
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in sheet.headers]
        for row in sheet.rows:
            values = [cell.value for cell in append_row(ws, row)]
            for i, v in enumerate(values[: len(widths)]):
                widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(8, width * 1.6 + 2)
        ws.freeze_panes = ws.cell(row=3 if sheet.note else 2, column=1)  # keep the headers in view
    out = BytesIO()
    book.save(out)
    return out.getvalue()
