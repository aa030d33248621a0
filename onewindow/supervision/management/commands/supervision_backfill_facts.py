"""Write the indicators' statistics rows of the cases accepted before supervision ran."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from onewindow.supervision.services import facts_backfill


class Command(BaseCommand):
    help = "为已受理的历史办件生成电子监察统计记录（幂等）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--after-id", type=int, default=0, help="只处理编号大于此值的办件")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, after_id: int, batch: int, **options) -> None:
        written = facts_backfill(after_id=after_id, batch=batch)
        self.stdout.write(f"已写入 {written} 条办件统计记录")
