"""``manage.py encrypt_stored_files``: seal in place the stored files written before files were sealed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.core import filecrypt


class Command(BaseCommand):
    help = ("用 ONEWINDOW_DATA_KEYS 中的第一个密钥就地加密 MEDIA_ROOT 中尚未加密的个人文件（扫描件、上传材料等）；"
            "已加密的文件按文件头识别并跳过，可重复运行。--check 仅统计未加密的文件。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true",
                            help="count the private files still in plaintext; exit 1 if any")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        report = filecrypt.reseal(rotate=False, dry_run=check, progress=self.stdout.write)
        if report.refused:
            raise CommandError(f"{len(report.refused)} stored files do not decrypt: {', '.join(report.refused[:10])}")
        if check and report.pending:
            raise CommandError(f"{report.pending} private files are still in plaintext: run encrypt_stored_files")
