from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.actions import api_token_create
from minzheng.accounts.models import User
from minzheng.core.errors import ApplicationError


class Command(BaseCommand):
    help = "为对接系统签发接口令牌 / issue an API token for an integrating system"

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="签发人（系统管理员用户名）/ issuing system administrator")
        parser.add_argument("--user", required=True, help="令牌代表的用户 / user the token acts as")
        parser.add_argument("--name", required=True, help="用途 / what the token is for")

    def handle(self, *args, issuer, user, name, **options):
        try:
            acting = User.objects.get(username=issuer, is_active=True)
            subject = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError("用户不存在或已停用") from exc
        try:
            _token, raw = api_token_create(acting_user=acting, user=subject, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"令牌（只显示这一次，请妥善保存）/ token (shown once): {raw}")
