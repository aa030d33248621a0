"""``manage.py create_api_token USERNAME [--name N] [--days D]``: issue an API token, print it once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.accounts import services
from onewindow.core.errors import DomainError


class Command(BaseCommand):
    help = "为工作人员账户签发接口令牌（令牌只显示这一次）。Issue an API token for a staff login; it is shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="登录名")
        parser.add_argument("--name", default="", help="令牌用途，例如：叫号系统")
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认不过期）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            issued = services.api_token_issue(username=str(options["username"]), name=str(options["name"]),
                                              days=options["days"])
        except DomainError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from None
        record = issued.record
        until = record.expires_at.isoformat() if record.expires_at else "不过期"
        self.stderr.write(f"已签发令牌 {record.prefix}…（账户 {record.user.username}，有效期至 {until}）。"
                          "请立即妥善保存，它不会再次显示。")
        # The token alone on stdout, so scripts can capture it: TOKEN=$(manage.py create_api_token …)
        self.stdout.write(issued.token)
