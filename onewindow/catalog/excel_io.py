"""The catalog as an Excel workbook (openpyxl): one sheet per kind of record, Chinese headers.

Sheets: 事项, 材料, 收费, 环节, 一件事, 一件事事项. A row of a child sheet names its item by 实施编码
(or its bundle by 一件事编码); rows keep their order. Headers are the models' verbose names;
enumerations are shown as their Chinese labels (labels or codes are accepted on import),
booleans as 是/否, lists joined with "、".

Reading produces the same dict shape as the YAML file, so both formats go through the one
parser and the one validation in ``spec.py``; what this module adds is the map from a path in
that dict (``items[3].materials[1].name``) back to the cell it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from onewindow.core.spreadsheet import append_row
from onewindow.organization.models import Department, Region, Window

from .models import Bundle, BundleItem, FeeItem, Material, ServiceItem, ServiceItemVersion, Stage
from .spec import (
    BOOL,
    ENUM,
    ENUM_LIST,
    INT,
    OPTIONAL_INT,
    TEXT,
    TEXT_LIST,
    BundleItemSpec,
    BundleSpec,
    CatalogSpec,
    FeeSpec,
    FieldRule,
    ItemSpec,
    MaterialSpec,
    Problem,
    RawCatalog,
    StageSpec,
    is_required,
    rule_for,
    scalar_fields,
    spec_to_dict,
)

YES, NO = "是", "否"
LIST_SEPARATOR = "、"
_SPLIT = re.compile(r"[、,，;；\n]")
PARENT = "__parent__"  # the column naming the record a child row belongs to


def _verbose(model: type[models.Model], name: str) -> str:
    """A model field's verbose name as written in the source (Chinese), whatever the UI language."""
    with translation.override(None):
        return str(model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class SheetLayout:
    """One sheet: which records its rows hold and under which header each field appears."""

    title: str
    cls: type
    list_name: str  # the list the rows fill: top-level ("items") or in the parent ("materials")
    models: tuple[type[models.Model], ...]  # whose verbose names label the columns
    overrides: tuple[tuple[str, str], ...] = ()  # field → header, where the field is a code
    parent: str | None = None  # top-level list holding the parent records ("items", "bundles")
    parent_key: str = ""  # field of the parent that the first column names
    parent_header: str = ""

    def columns(self) -> list[tuple[str, str]]:
        """``(field, header)`` for every column, in order."""
        named = dict(self.overrides)
        fields = scalar_fields(self.cls)
        result = [(PARENT, self.parent_header)] if self.parent else []
        for name in fields:
            result.append((name, named.get(name) or self._model_header(name)))
        return result

    def _model_header(self, name: str) -> str:
        for model in self.models:
            try:
                return _verbose(model, name)
            except FieldDoesNotExist:
                continue
        raise LookupError(f"no header for {self.cls.__name__}.{name}")

    @property
    def key_field(self) -> str:
        """The field that identifies a record of a top-level sheet (children refer to it)."""
        return "implementation_code" if self.cls is ItemSpec else "code"


def _layouts() -> list[SheetLayout]:
    """The sheets in reading order: parents before the children that refer to them."""
    item_code = _verbose(ServiceItem, "implementation_code")
    bundle_code = "一件事编码"
    region_code = _verbose(Region, "code")
    department_code = _verbose(Department, "code")
    child = {"parent": "items", "parent_key": "implementation_code", "parent_header": item_code}
    return [
        SheetLayout("事项", ItemSpec, "items", (ServiceItem, ServiceItemVersion),
                    (("region", region_code), ("department", department_code),
                     ("windows", f"{_verbose(ServiceItem, 'windows')}（{_verbose(Window, 'number')}）"))),
        SheetLayout("材料", MaterialSpec, "materials", (Material,), **child),
        SheetLayout("收费", FeeSpec, "fees", (FeeItem,), **child),
        SheetLayout("环节", StageSpec, "stages", (Stage,),
                    (("department", _verbose(Stage, "department_code")),), **child),
        SheetLayout("一件事", BundleSpec, "bundles", (Bundle,),
                    (("code", bundle_code), ("region", region_code),
                     ("lead_department", f"{_verbose(Bundle, 'lead_department')}{department_code}"))),
        SheetLayout("一件事事项", BundleItemSpec, "items", (BundleItem, ServiceItem),
                    parent="bundles", parent_key="code", parent_header=bundle_code),
    ]


# --- values ------------------------------------------------------------------------------------


def _plain(key: Any) -> Any:
    return key.value if hasattr(key, "value") else key


def to_cell(rule: FieldRule, value: Any) -> Any:
    """A spec value as the workbook shows it: labels for codes, 是/否, lists joined with 、."""
    if value is None:
        return None
    if rule.kind == BOOL:
        return YES if value else NO
    if rule.kind == ENUM:
        return (rule.labels or {}).get(value, value)
    if rule.kind == ENUM_LIST:
        return LIST_SEPARATOR.join(str((rule.labels or {}).get(v, v)) for v in value) or None
    if rule.kind == TEXT_LIST:
        return LIST_SEPARATOR.join(value) or None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


_MISSING = object()


def from_cell(rule: FieldRule, value: Any) -> Any:
    """A cell's value in the YAML shape; ``_MISSING`` for an empty cell.

    What cannot be converted is returned as read, so that validation reports it at its cell.
    """
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return _MISSING
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    converter = _FROM_CELL.get(rule.kind)
    return converter(rule, value) if converter else value


def _text_from_cell(rule: FieldRule, value: Any) -> Any:
    if isinstance(value, bool):
        return YES if value else NO
    return value if isinstance(value, str) else str(value)


def _int_from_cell(rule: FieldRule, value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    return value


def _bool_from_cell(rule: FieldRule, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {YES, "true", "1", "y", "yes"}:
        return True
    if text in {NO, "false", "0", "n", "no"}:
        return False
    return value


def _enum_from_cell(rule: FieldRule, value: Any) -> Any:
    by_label = {label: _plain(code) for code, label in (rule.labels or {}).items()}
    by_text = {str(_plain(code)): _plain(code) for code in (rule.labels or {})}
    text = str(value).strip()
    return by_label.get(text, by_text.get(text, value))


def _enum_list_from_cell(rule: FieldRule, value: Any) -> Any:
    return [_enum_from_cell(rule, piece) for piece in _pieces(value)]


def _text_list_from_cell(rule: FieldRule, value: Any) -> Any:
    return _pieces(value)


def _pieces(value: Any) -> list[str]:
    return [piece.strip() for piece in _SPLIT.split(str(value)) if piece.strip()]


_FROM_CELL = {
    TEXT: _text_from_cell,
    INT: _int_from_cell,
    OPTIONAL_INT: _int_from_cell,
    BOOL: _bool_from_cell,
    ENUM: _enum_from_cell,
    ENUM_LIST: _enum_list_from_cell,
    TEXT_LIST: _text_list_from_cell,
}


def _rule(layout: SheetLayout, name: str) -> FieldRule:
    return FieldRule() if name == PARENT else rule_for(layout.cls, name)


# --- writing -----------------------------------------------------------------------------------


def write_workbook(spec: CatalogSpec, target: Path | IO[bytes]) -> None:
    """Write the whole catalog as a workbook to a path or a binary stream."""
    data = spec_to_dict(spec)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for layout in _layouts():
        _write_sheet(workbook.create_sheet(layout.title), layout, _rows(layout, data))
    workbook.save(target)


def _rows(layout: SheetLayout, data: dict[str, Any]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``(parent code, record)`` for every row of the sheet, in order."""
    if layout.parent is None:
        for record in data[layout.list_name]:
            yield None, record
        return
    for parent in data[layout.parent]:
        for record in parent[layout.list_name]:
            yield parent[layout.parent_key], record


def _write_sheet(sheet: Worksheet, layout: SheetLayout, rows: Iterator[tuple[Any, dict[str, Any]]]) -> None:
    columns = layout.columns()
    for cell in append_row(sheet, [header for _, header in columns]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for parent_code, record in rows:
        # Safe cells: text that starts with "=" stays text, never a formula, and reads back as written.
        append_row(sheet, [parent_code if name == PARENT else to_cell(_rule(layout, name), record[name])
                           for name, _ in columns])
    _finish_sheet(sheet, layout, columns)


def _finish_sheet(sheet: Worksheet, layout: SheetLayout, columns: list[tuple[str, str]]) -> None:
    """Frozen header, sensible widths, text format, and drop-down lists for closed choices."""
    sheet.freeze_panes = "A2"
    for index, (name, header) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, 2 * len(header) + 4))
        rule = _rule(layout, name)
        choices = _choices(rule)
        if choices:
            validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True,
                                        showErrorMessage=False)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)


def _choices(rule: FieldRule) -> list[str]:
    if rule.kind == BOOL:
        return [YES, NO]
    if rule.kind == ENUM:
        return [str(label) for label in (rule.labels or {}).values()]
    return []


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellRef:
    """Where a value came from, described in Chinese for the person who fixes the workbook."""

    sheet: str
    row: int
    column: str | None
    header: str | None

    def describe(self) -> str:
        if self.column is None:
            return f"工作表“{self.sheet}”第{self.row}行"
        return f"工作表“{self.sheet}”第{self.row}行{self.column}列（{self.header}）"

    def problem(self, code: str, message: str) -> Problem:
        return Problem(self.describe(), code, message, sheet=self.sheet, row=self.row, column=self.column,
                       header=self.header)


_LAST_SEGMENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


class CellLocator:
    """Paths of the dict shape → the cells they were read from."""

    def __init__(self) -> None:
        self.cells: dict[str, CellRef] = {}

    def add(self, path: str, cell: CellRef) -> None:
        self.cells[path] = cell

    def __call__(self, problem: Problem) -> Problem:
        """The problem located at its cell (or the nearest row it belongs to)."""
        if problem.sheet is not None:
            return problem
        path = problem.location
        while path:
            cell = self.cells.get(path)
            if cell is not None:
                return cell.problem(problem.code, problem.message)
            shorter = _LAST_SEGMENT.sub("", path)
            if shorter == path:
                break
            path = shorter
        return problem


def read_workbook(source: Path | IO[bytes]) -> RawCatalog:
    """Read a catalog workbook into the YAML dict shape, with a locator back to its cells."""
    try:
        workbook = load_workbook(source, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        return RawCatalog(None, [Problem("", "unreadable_file", f"无法读取Excel工作簿：{exc}")])
    data: dict[str, Any] = {"items": [], "bundles": []}
    locator = CellLocator()
    problems: list[Problem] = []
    layouts = [layout for layout in _layouts() if layout.title in workbook.sheetnames]
    if not layouts:
        names = "、".join(layout.title for layout in _layouts())
        problems.append(Problem("", "no_catalog_sheets", f"工作簿中没有目录工作表（应有：{names}）"))
    unreadable: set[str] = set()  # top-level lists whose sheet has a wrong header row
    for layout in layouts:
        if layout.parent in unreadable:
            continue  # its rows would only repeat that their parents are missing
        read = _SheetReader(workbook[layout.title], layout, data, locator, problems).read()
        if not read and layout.parent is None:
            unreadable.add(layout.list_name)
    return RawCatalog(data, problems, locator)


class _SheetReader:
    """Reads the rows of one sheet into ``data``, recording where each value came from."""

    def __init__(self, sheet: Worksheet, layout: SheetLayout, data: dict[str, Any], locator: CellLocator,
                 problems: list[Problem]) -> None:
        self.sheet = sheet
        self.layout = layout
        self.data = data
        self.locator = locator
        self.problems = problems
        self.parents: dict[Any, int] = {}
        if layout.parent is not None:
            for position, record in reversed(list(enumerate(data[layout.parent]))):
                self.parents[record.get(layout.parent_key)] = position  # the first of duplicates wins

    def read(self) -> bool:
        """Read every non-empty row; False (and problems) if the header row is wrong."""
        columns = self._columns()
        if columns is None:
            return False
        for row in self.sheet.iter_rows(min_row=2):
            values = {index: cell.value for index, cell in enumerate(row, start=1)}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue
            self._read_row(row[0].row, values, columns)
        return True

    def _columns(self) -> dict[int, tuple[str, str]] | None:
        """Column number → ``(field, header)``; None (and problems) if the header row is wrong."""
        expected = self.layout.columns()
        by_header = {header: name for name, header in expected} | {name: name for name, _ in expected
                                                                     if name != PARENT}
        found: dict[int, tuple[str, str]] = {}
        start = len(self.problems)
        for cell in self.sheet[1] if self.sheet.max_row >= 1 else ():
            header = str(cell.value).strip() if cell.value is not None else ""
            if not header:
                continue
            where = CellRef(self.sheet.title, 1, cell.column_letter, header)
            name = by_header.get(header)
            if name is None:
                self.problems.append(where.problem("unknown_column", f"未知的列“{header}”"))
            elif name in {n for n, _ in found.values()}:
                self.problems.append(where.problem("duplicate_column", f"列“{header}”重复"))
            else:
                found[cell.column] = (name, header)
        present = {name for name, _ in found.values()}
        for name, header in expected:
            required = name == PARENT or is_required(self.layout.cls, name)
            if required and name not in present:
                where = CellRef(self.sheet.title, 1, None, None)
                self.problems.append(where.problem("missing_column", f"缺少必填列“{header}”"))
        return None if len(self.problems) > start else found

    def _read_row(self, row: int, values: dict[int, Any], columns: dict[int, tuple[str, str]]) -> None:
        record: dict[str, Any] = {}
        cells: dict[str, CellRef] = {}
        for index, (name, header) in columns.items():
            cells[name] = CellRef(self.sheet.title, row, _letter(index), header)
            value = from_cell(_rule(self.layout, name), values.get(index))
            if value is not _MISSING:
                record[name] = value
        base = self._place(record, cells)
        if base is None:
            return
        key = PARENT if self.layout.parent else self.layout.key_field
        self.locator.add(base, cells.get(key) or CellRef(self.sheet.title, row, None, None))
        for name, cell in cells.items():
            if name != PARENT:
                self.locator.add(f"{base}.{name}", cell)

    def _place(self, record: dict[str, Any], cells: dict[str, CellRef]) -> str | None:
        """Append the record where it belongs and return its path; None if its parent is unknown."""
        layout = self.layout
        if layout.parent is None:
            records = self.data[layout.list_name]
            records.append(record)
            return f"{layout.list_name}[{len(records) - 1}]"
        code = record.pop(PARENT, None)
        position = self.parents.get(code) if isinstance(code, str) else None
        if position is None:
            parent_sheet = "事项" if layout.parent == "items" else "一件事"
            message = (f"{layout.parent_header}“{code}”在工作表“{parent_sheet}”中不存在" if code
                       else f"{layout.parent_header}不能为空")
            self.problems.append(cells[PARENT].problem("unknown_parent", message))
            return None
        records = self.data[layout.parent][position].setdefault(layout.list_name, [])
        records.append(record)
        return f"{layout.parent}[{position}].{layout.list_name}[{len(records) - 1}]"


def _letter(index: int) -> str:
    return get_column_letter(index)


def sheet_titles() -> list[str]:
    """The sheets of a catalog workbook, in order."""
    return [layout.title for layout in _layouts()]


def header_of(layout_title: str, name: str) -> str:
    """The header under which a field appears on a sheet (for tests and documentation)."""
    layout = next(layout for layout in _layouts() if layout.title == layout_title)
    return dict(layout.columns())[name]

