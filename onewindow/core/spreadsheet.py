"""Safe cells for every Excel workbook the project writes (openpyxl).

An applicant types their own name; a ledger exported on a hall PC shows it to a clerk in Excel.
openpyxl stores any text that starts with ``=`` as a live formula, so a name such as
``=HYPERLINK("http://evil","点此")`` would become a link or worse (formula injection, OWASP "CSV
injection"). Every export therefore writes its rows through :func:`append_row`:

- text is stored as text (never a formula), whatever it starts with, and text that a spreadsheet
  would read as the start of a formula when the cell is edited or the sheet re-saved as CSV
  (``= + - @``, tab, CR, LF and their full-width forms) also gets Excel's quote prefix — what
  typing ``'=…`` in Excel produces — so it stays text on edit too; the value itself is unchanged,
  so an exported workbook still reads back exactly (the catalog's round trip relies on it);
- characters XML cannot hold (control characters) are dropped instead of breaking the file;
- numbers, dates and times stay typed (an aware datetime is shown as the hall reads it, in
  Asia/Shanghai, since Excel has no time zones); anything else is written as its text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from onewindow.core.timesource import SHANGHAI

# What makes Excel, LibreOffice or a CSV reader start a formula (and the full-width forms a
# Chinese input method types).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def cell_value(value: object) -> object:
    """``value`` as a cell should hold it: typed for numbers and dates, clean text otherwise."""
    if value is None or isinstance(value, (bool, int, float, Decimal, time)):
        return value
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(SHANGHAI).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would take ``text`` for the start of a formula."""
    return text.startswith(FORMULA_PREFIXES)


def safe_cell(sheet: Worksheet, value: object) -> Cell:
    """A cell of ``sheet`` holding ``value`` (see the module doc); place it with ``sheet.append``."""
    cell = Cell(sheet)
    cell.value = cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl made "=…" a formula: it is text
        if is_formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[object]) -> tuple[Cell, ...]:
    """Append one row of safe cells to ``sheet`` and return them (to style them)."""
    cells = tuple(safe_cell(sheet, value) for value in values)
    sheet.append(cells)
    return cells
