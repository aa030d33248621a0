"""``manage.py load_demo``: install the demo county 云溪县 (fictional); running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.catalog.services import CatalogImportError
from onewindow.core.errors import DomainError
from onewindow.demo.loader import MAIN_LOGINS, load_demo


class Command(BaseCommand):
    help = "载入演示县（云溪县，虚构）的组织机构、事项目录、演示账户和以今天为基准的演示办件；重复运行不会改变数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-cases", action="store_true", help="只载入组织机构和事项目录，不导入演示办件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo(with_cases=not options["no_cases"])
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"演示事项目录有{len(exc.problems)}处问题，未载入任何数据") from None
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from None
        self.stdout.write(f"演示数据：{report.summary()}")
        if report.catalog is not None:
            self.stdout.write(f"事项目录：{report.catalog.summary()}")
        if report.created_staff:
            self.stdout.write(f"新建演示账户{len(report.created_staff)}个，密码均为 onewindow-demo；"
                              f"主要账户：{'、'.join(MAIN_LOGINS)}")
        for username in report.skipped_staff:
            self.stderr.write(f"登录名“{username}”已被非演示账户使用，跳过该演示人员及其岗位和授权")
        if report.cases is not None:
            self.stdout.write(f"演示办件：{report.cases.summary()}")
        for line in report.extras:
            self.stdout.write(line)
