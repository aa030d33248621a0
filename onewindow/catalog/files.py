"""Catalog files by extension: ``.xlsx`` workbooks and ``.yaml``/``.yml`` files."""

from __future__ import annotations

from pathlib import Path

from .excel_io import read_workbook, write_workbook
from .spec import CatalogSpec, Problem, RawCatalog
from .yaml_io import read_yaml_file, write_yaml_file

EXCEL_SUFFIXES = {".xlsx"}
YAML_SUFFIXES = {".yaml", ".yml"}


def read_catalog_file(path: Path) -> RawCatalog:
    """Read a catalog file into the YAML dict shape, whatever its format."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return RawCatalog(None, [Problem("", "file_not_found", f"文件不存在：{path}")])
    if suffix in EXCEL_SUFFIXES:
        return read_workbook(path)
    if suffix in YAML_SUFFIXES:
        return read_yaml_file(path)
    return RawCatalog(None, [_unsupported(path)])


def write_catalog_file(spec: CatalogSpec, path: Path) -> None:
    """Write a catalog file in the format its extension names; ValueError for another extension."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        write_workbook(spec, path)
    elif suffix in YAML_SUFFIXES:
        write_yaml_file(spec, path)
    else:
        raise ValueError(_unsupported(path).message)


def _unsupported(path: Path) -> Problem:
    return Problem("", "unsupported_file_type", f"不支持的文件类型“{path.suffix}”：请使用 .xlsx、.yaml 或 .yml")
