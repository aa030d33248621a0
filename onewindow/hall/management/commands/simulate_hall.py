"""``manage.py simulate_hall --region 990121000000 --first 2026-01-01 --last 2026-03-31 --extra-windows 2 --weekdays 0``:
replay recorded days under another staffing and print the waits, utilisation and abandonment."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.timesource import local_date
from onewindow.hall import selectors
from onewindow.hall.simulation import Scenario, simulate


class Command(BaseCommand):
    help = "大厅容量模拟：按历史取号记录重放，比较不同窗口数、开放时间、预约比例下的等候"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="中心所在区划代码")
        parser.add_argument("--first", help="起始日期 YYYY-MM-DD（默认：90天前）")
        parser.add_argument("--last", help="结束日期 YYYY-MM-DD（默认：昨天）")
        parser.add_argument("--windows", type=int, help="窗口数（默认：按当天实际叫号窗口数）")
        parser.add_argument("--extra-windows", type=int, default=0, help="增开窗口数")
        parser.add_argument("--weekdays", default="", help="增开窗口的星期，0=周一，逗号分隔（默认每天）")
        parser.add_argument("--appointment-share", type=float, default=0.0, help="预约比例 0–1")
        parser.add_argument("--patience", type=float, help="统一的最长等候耐心（分钟）")

    def handle(self, *args: object, **options: object) -> None:
        region = selectors.region_by_code(str(options["region"]))
        if region is None:
            raise CommandError(f"区划 {options['region']} 没有政务服务中心")
        try:
            last = date.fromisoformat(str(options["last"])) if options.get("last") else local_date() - timedelta(days=1)
            first = date.fromisoformat(str(options["first"])) if options.get("first") else last - timedelta(days=90)
            weekdays = frozenset(int(d) for d in str(options["weekdays"]).split(",") if d.strip())
        except ValueError as exc:
            raise CommandError(f"参数有误：{exc}") from None
        scenario = Scenario(windows=options.get("windows"), extra_windows=int(options["extra_windows"] or 0),
                            extra_on_weekdays=weekdays or frozenset(range(7)),
                            appointment_share=float(options["appointment_share"] or 0.0),
                            patience=options.get("patience"))
        result = simulate(selectors.recorded_days(region, first, last), scenario)
        self.stdout.write(f"{region.name} {first}～{last}：{result.days}个队列·日，{result.visits}人次")
        self.stdout.write(f"实际平均等候 {result.recorded_mean_wait} 分钟")
        self.stdout.write(f"模拟平均等候 {result.mean_wait} 分钟，P90 {result.p90_wait} 分钟")
        self.stdout.write(f"窗口利用率 {result.utilisation:.1%}，放弃率 {result.abandonment:.1%}，"
                          f"闭厅未接待 {result.turned_away} 人")
