"""``manage.py deadline START N [--region CODE] [--explain] [--lang zh|en]``: the due date of N working days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.errors import DomainError
from onewindow.workdays import selectors
from onewindow.workdays.deadline import DeadlineInputError, answer, parse_start, parse_workdays


class Command(BaseCommand):
    help = "计算从起算日起第 N 个工作日（起算日当天不计入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起算日期 YYYY-MM-DD")
        parser.add_argument("workdays", help="工作日数 N（正整数）")
        parser.add_argument("--region", help="12 位区划代码；缺省为全国日历")
        parser.add_argument("--explain", action="store_true", help="列出计入的工作日、跳过的周末和节假日")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="说明的语言")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parse_start(options["start"])
            n = parse_workdays(options["workdays"])
            snapshot = selectors.snapshot_for(options.get("region") or None)
            result = answer(snapshot, start, n)
        except DeadlineInputError as exc:
            raise CommandError(f"{exc.message}（{exc.field}）") from None
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.field or exc.code}）") from None
        english = options["lang"] == "en"
        line = f"{result.due.isoformat()}"
        if result.provisional:
            line += "  (provisional)" if english else "  （临时结果：所涉年度节假日安排尚未发布）"
        self.stdout.write(line)
        self.stdout.write(f"calendar version {result.calendar_version}" if english
                          else f"日历版本 {result.calendar_version}")
        if options["explain"]:
            for text in result.text_en if english else result.text_zh:
                self.stdout.write(text)
