"""``manage.py rotate_signing_key --region CODE``: a new current signing key for a center."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from onewindow.documents import signing
from onewindow.organization.models import Region


class Command(BaseCommand):
    help = "为发证中心生成新的证照签名密钥（旧公钥保留，已发证照仍可核验；旧私钥不再使用）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", required=True, help="发证中心的12位区划代码")

    def handle(self, *args, region: str, **options) -> None:
        code = region.strip()
        if not Region.objects.filter(code=code).exists():
            raise CommandError(f"区划 {code} 不存在")
        try:
            previous = signing.current_key(code).key_id if (signing.key_dir() / code / "current").exists() else None
            key_id = signing.rotate(code)
        except (signing.SigningKeyError, OSError) as exc:
            raise CommandError(f"无法轮换签名密钥：{exc}") from exc
        self.stdout.write(f"region {code}: new signing key {key_id}"
                          + (f" (replaces {previous})" if previous else ""))
