"""Write the indicators' statistics rows of the cases accepted before supervision ran; with
``--rebuild-rollup``, compute their monthly roll-up again from the rows (after a bulk load, or
when the log says it is out of step)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from onewindow.supervision import rollup
from onewindow.supervision.services import facts_backfill


class Command(BaseCommand):
    help = "为已受理的历史办件生成电子监察统计记录（幂等）；--rebuild-rollup 重算按月汇总"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--after-id", type=int, default=0, help="只处理编号大于此值的办件")
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--rebuild-rollup", action="store_true",
                            help="写入后按统计记录整体重算按月汇总（一条语句，大批量写入时更快）")

    def handle(self, *args, after_id: int, batch: int, rebuild_rollup: bool, **options) -> None:
        written = facts_backfill(after_id=after_id, batch=batch, keep_rollup=not rebuild_rollup)
        self.stdout.write(f"已写入 {written} 条办件统计记录")
        if rebuild_rollup:
            self.stdout.write(f"已重算按月汇总 {rollup.rebuild()} 行")
