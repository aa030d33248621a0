"""``manage.py export_catalog FILE [--region CODE]``: write the catalog as .xlsx or .yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.catalog.files import EXCEL_SUFFIXES, YAML_SUFFIXES, write_catalog_file
from onewindow.catalog.selectors import export_catalog
from onewindow.core.errors import DomainError


class Command(BaseCommand):
    help = "导出事项目录；文件格式由扩展名决定（.xlsx、.yaml、.yml）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="目标文件：.xlsx、.yaml 或 .yml")
        parser.add_argument("--region", default=None, help="只导出该区划（及其下级）的事项，12位区划代码")

    def handle(self, *args: Any, file: Path, region: str | None, **options: Any) -> None:
        if file.suffix.lower() not in EXCEL_SUFFIXES | YAML_SUFFIXES:
            raise CommandError(f"不支持的文件类型“{file.suffix}”：请使用 .xlsx、.yaml 或 .yml")
        try:
            spec = export_catalog(region_code=region)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        write_catalog_file(spec, file)
        self.stdout.write(f"已导出事项{len(spec.items)}个、一件事{len(spec.bundles)}个到 {file}")
