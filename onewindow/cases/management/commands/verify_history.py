"""``manage.py verify_history [--case NUMBER]``: recompute every case's hash chain and report each break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.cases.history import verify_case
from onewindow.cases.models import Case


class Command(BaseCommand):
    help = "重新计算办件事件的哈希链，并核对办件记录与事件是否一致（办记不符）；发现问题时以非零状态退出。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--case", dest="number", help="只核查这一个办件编号")

    def handle(self, *args: Any, number: str | None = None, **options: Any) -> None:
        cases = Case.objects.order_by("id")
        if number:
            cases = cases.filter(number=number)
            if not cases.exists():
                raise CommandError(f"办件 {number} 不存在")
        checked = broken = 0
        for case in cases.iterator(chunk_size=500):
            checked += 1
            result = verify_case(case)
            if result.ok:
                continue
            broken += 1
            for b in result.breaks:
                self.stdout.write(f"{case.number} 第{b.seq}个事件 [{b.code}] {b.message}")
        self.stdout.write(f"核查办件 {checked} 件，有问题 {broken} 件")
        if broken:
            raise CommandError(f"{broken} 件办件的记录与事件链不符")
