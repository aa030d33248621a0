"""The catalog as a YAML file (format ``onewindow-catalog/1``); problems are located by path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .spec import CatalogSpec, Problem, RawCatalog, spec_to_dict


def read_yaml(text: str) -> RawCatalog:
    """Parse YAML text into the dict shape; a syntax error is one problem with its line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else ""
        return RawCatalog(None, [Problem(where, "yaml_syntax", f"YAML 语法错误：{exc}")])
    if data is None:
        return RawCatalog(None, [Problem("", "empty_file", "文件是空的")])
    return RawCatalog(data)


def read_yaml_file(path: Path) -> RawCatalog:
    """Read a YAML catalog file (UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RawCatalog(None, [Problem("", "unreadable_file", f"无法读取文件：{exc}")])
    return read_yaml(text)


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so legal bases and instructions stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(spec: CatalogSpec) -> str:
    """The catalog as YAML text, every field written out, in format order."""
    data: dict[str, Any] = spec_to_dict(spec)
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def write_yaml_file(spec: CatalogSpec, path: Path) -> None:
    """Write the catalog to a YAML file (UTF-8)."""
    path.write_text(dump_yaml(spec), encoding="utf-8")
