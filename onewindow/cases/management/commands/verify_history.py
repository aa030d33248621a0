"""``manage.py verify_history [--type case|order|…] [--number NUMBER]``: recompute every chain of
every record type registered with the lifecycle kernel (cases, supervision orders …) and report
each break; non-zero on any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.lifecycle.anchors import ANCHOR
from onewindow.lifecycle.registry import subjects
from onewindow.lifecycle.selectors import verify_all


class Command(BaseCommand):
    help = "重新计算每类记录（办件、督办单……）的事件哈希链，并核对记录与事件是否一致（办记不符）；发现问题时以非零状态退出。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--case", dest="number", help="只核查这一个编号（办件编号、督办单编号……）")
        parser.add_argument("--number", dest="number", help="同 --case")
        parser.add_argument("--type", dest="subject_type", choices=[s.key for s in subjects()] + [ANCHOR],
                            help="只核查这一类记录")

    def handle(self, *args: Any, number: str | None = None, subject_type: str | None = None, **options: Any) -> None:
        nouns = {s.key: s.noun for s in subjects()} | {ANCHOR: "锚点"}
        checked: dict[str, int] = {}
        broken: dict[str, int] = {}
        for report in verify_all(subject_type, number):
            checked[report.subject_type] = checked.get(report.subject_type, 0) + 1
            if report.ok:
                continue
            broken[report.subject_type] = broken.get(report.subject_type, 0) + 1
            for b in report.breaks:
                where = f" 第{b.seq}个事件" if b.seq else ""
                self.stdout.write(f"{report.label}{where} [{b.code}] {b.message}")
        if number and not checked:
            raise CommandError(f"{number} 不存在")
        for key, count in checked.items():
            self.stdout.write(f"核查{nouns[key]} {count} 件，有问题 {broken.get(key, 0)} 件")
        if broken:
            raise CommandError(f"{sum(broken.values())} 件记录与事件链不符")
