"""``manage.py import_catalog FILE [--dry-run] [--initial]``: load a catalog from a .xlsx or .yaml file.

Without ``--initial`` new and changed items are drafts awaiting their legal review (法制办审核);
``--initial`` loads the initial list, adopted after review, and publishes it at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.catalog.services import CatalogImportError, catalog_import_file


class Command(BaseCommand):
    help = "导入事项目录（.xlsx 或 .yaml）。有任何问题时逐条列出，不导入任何数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="目录文件：.xlsx、.yaml 或 .yml")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        parser.add_argument("--initial", action="store_true",
                            help="初始清单：按已审定的实施清单直接发布；否则新增和变更的事项为草稿，待法制审核通过后发布")

    def handle(self, *args: Any, file: Path, dry_run: bool, initial: bool, **options: Any) -> None:
        try:
            report = catalog_import_file(path=file, actor=None, dry_run=dry_run, initial=initial)
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file}：共{len(exc.problems)}处问题，未导入任何数据") from None
        self.stdout.write(report.summary())
