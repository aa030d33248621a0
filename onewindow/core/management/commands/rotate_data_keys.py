"""``manage.py rotate_data_keys``: re-encrypt personal data — columns and stored files — with the
current (first) data key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.core import filecrypt, rotation


class Command(BaseCommand):
    help = ("用 ONEWINDOW_DATA_KEYS 中的第一个密钥重新加密全部个人信息及存储的个人文件（分批进行，网站照常运行）；"
            "--check 仅统计仍由旧密钥加密的值，--reindex 在更换 ONEWINDOW_BLIND_INDEX_KEY 后重算检索索引。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--check", action="store_true",
                            help="count values not under the current key; exit 1 if any (before dropping an old key)")
        parser.add_argument("--reindex", action="store_true", help="recompute the blind indexes as well")

    def handle(self, *args: Any, batch_size: int, check: bool, reindex: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = rotation.rotate(batch_size=batch_size, dry_run=check, progress=self.stdout.write)
        files = filecrypt.reseal(rotate=True, dry_run=check, progress=self.stdout.write)
        if files.refused:
            raise CommandError(f"{len(files.refused)} stored files do not decrypt with any listed key: "
                               f"{', '.join(files.refused[:10])}")
        if check:
            stale = sum(report.stale.values())
            if stale or files.pending:
                raise CommandError(f"{stale} values and {files.pending} stored files are still under an old key "
                                   "(or in plaintext): run rotate_data_keys")
            self.stdout.write("every value and every stored file is under the current key")
            return
        self.stdout.write(f"re-encrypted {report.total} values; {sum(report.raced.values())} changed meanwhile "
                          f"(already under the current key); {files.resealed + files.sealed} stored files")
        if reindex:
            self.stdout.write(f"blind indexes recomputed on {rotation.reindex(batch_size=batch_size)} rows")
