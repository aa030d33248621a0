"""``manage.py history_maintenance --who NAME --reason WHY --sql FILE``: run SQL against the
append-only history tables (events, anchors) in one transaction, the only way round their
PostgreSQL triggers; the pass is recorded (who, why, what) before anything runs."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from onewindow.lifecycle.maintenance import history_maintenance


class Command(BaseCommand):
    help = "在一个事务内绕过历史表（事件、锚点）的只增不改触发器执行 SQL；执行前记录操作人、原因和语句。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--who", required=True, help="操作人（本人姓名，不是角色）")
        parser.add_argument("--reason", required=True, help="原因（如法院裁定、迁移修复的工单号）")
        parser.add_argument("--sql", required=True, help="要执行的 SQL 文件（每条语句以分号和换行结束；- 为标准输入）")

    def handle(self, *args: Any, who: str, reason: str, sql: str, **options: Any) -> None:
        if sql == "-":
            text = sys.stdin.read()
        else:
            with open(sql, encoding="utf-8") as source:
                text = source.read()
        statements = [s.strip() for s in text.split(";\n") if s.strip().rstrip(";")]
        if not statements:
            raise CommandError("没有要执行的语句")
        try:
            with history_maintenance(who=who, reason=reason, statements=statements) as entry, \
                    connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement.rstrip(";"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"维护记录#{entry.pk}：已执行 {len(statements)} 条语句。请随后运行 verify_history 并签署新锚点（anchor_history）。")
