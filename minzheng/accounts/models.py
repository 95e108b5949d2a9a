from __future__ import annotations

import hashlib
import secrets

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from minzheng.accounts.enums import Role
from minzheng.accounts.permissions import Perm, has_perm


class StaffUserManager(UserManager):
    def get_queryset(self):
        # The area is read on every request for scoping; fetch it with the user.
        return super().get_queryset().select_related("area")


class User(AbstractUser):
    """A member of staff. Every user belongs to exactly one area and holds one role; the area's code
    prefix bounds everything they can see."""

    full_name = models.CharField("姓名", max_length=64, blank=True)
    area = models.ForeignKey("areas.Area", verbose_name="所属区划", on_delete=models.PROTECT,
                             null=True, blank=True, related_name="users")
    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    # Set whenever the password is set through an action; the age rule counts from here. Rows that existed
    # before the rule start their count at the migration.
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # An administrator chose the password (a new user, a reset): its owner must replace it before anything else.
    must_change_password = models.BooleanField("须修改密码", default=False)

    objects = StaffUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[*Role.values, ""]), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def area_prefix(self) -> str:
        """The code prefix of the user's area. A user without an area sees nothing ("~" matches no code)."""
        if self.area_id is None:
            return "~"
        return self.area.prefix

    def has_minzheng_perm(self, perm: Perm) -> bool:
        return has_perm(self, perm)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integrating system, acting as a named user with that user's area and role.
    Only the hash is stored; the token is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def generate() -> str:
        return "mz_" + secrets.token_urlsafe(32)


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (the current one included), so that none is reused. Only as many
    rows as ``MINZHENG_PASSWORD_HISTORY`` are kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Which session belongs to which user, so that disabling a user ends every session they hold at once.
    Written when a user signs in and removed when they sign out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class LoginFailure(AccessAttempt):
    """django-axes' record of failed sign-ins for one (username, address, browser), under a name the audit
    trail can show when the security administrator clears it."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username or '（无用户名）'} @ {self.ip_address or '未知地址'}"
