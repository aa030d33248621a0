"""``manage.py import_holidays FILE [--replace] [--staff EMPLOYEE_NUMBER]``: publish national arrangements.

FILE is the text format of docs/calendar.md or an iCal file (.ics). Every problem is reported with
its line number and nothing is saved unless the whole file is sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff
from onewindow.workdays.importers import ImportProblem, check_parsed, parse_file
from onewindow.workdays.services import SystemActor, calendar_publish_year


class Command(BaseCommand):
    help = "导入国务院办公厅节假日安排（文本格式或 iCal .ics），见 docs/calendar.md"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="文本文件或 .ics 文件；“-” 表示标准输入（文本格式）")
        parser.add_argument("--replace", action="store_true", help="替换已发布年度的安排")
        parser.add_argument("--staff", metavar="EMPLOYEE_NUMBER",
                            help="以该工号的工作人员身份发布（检查其“发布工作日历”权限）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        if name == "-":
            import sys

            data = sys.stdin.buffer.read()
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"找不到文件：{name}")
            data = path.read_bytes()
        # The operator with shell access acts as the system unless a staff member is named.
        actor: Staff | SystemActor = SystemActor(label="命令行 import_holidays")
        if options.get("staff"):
            staff = Staff.objects.filter(employee_number=options["staff"]).select_related("region").first()
            if staff is None:
                raise CommandError(f"工号 {options['staff']} 的工作人员不存在")
            actor = staff

        result = parse_file(name, data)
        problems = check_parsed(result)
        if problems:
            self._fail(name, problems)

        published = []
        try:
            with transaction.atomic():
                for parsed in result.years:
                    try:
                        change = calendar_publish_year(
                            actor=actor, year=parsed.year, holidays=parsed.holidays,
                            makeup_workdays=parsed.makeup_workdays, notice=parsed.default_notice(),
                            replace=options["replace"])
                    except DomainError as exc:
                        raise _LineError(ImportProblem(parsed.line, exc.message)) from exc
                    published.append((parsed, change))
        except _LineError as exc:
            self._fail(name, [exc.problem])
        for parsed, change in published:
            days = sum((h.end - h.start).days + 1 for h in parsed.holidays)
            if change is None:
                self.stdout.write(f"{parsed.year} 年：与已发布的安排相同，未作更改")
            else:
                self.stdout.write(self.style.SUCCESS(
                    f"{parsed.year} 年：已发布 {len(parsed.holidays)} 个放假区间（{days} 天）、"
                    f"{len(parsed.makeup_workdays)} 个调休上班日，日历版本 {change.number}"))

    def _fail(self, name: str, problems: list[ImportProblem]) -> None:
        for p in problems:
            self.stderr.write(f"{name}: {p}")
        raise CommandError(f"导入失败：共 {len(problems)} 处错误，未保存任何内容")


class _LineError(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem
