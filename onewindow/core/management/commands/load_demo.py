"""``manage.py load_demo``: install the demo county 云溪县 (fictional); running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.catalog.services import CatalogImportError
from onewindow.core.errors import DomainError
from onewindow.demo.loader import MAIN_LOGINS, load_demo


class Command(BaseCommand):
    help = "载入演示县（云溪县，虚构）的组织机构、事项目录和演示账户；重复运行不会改变数据。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo()
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
